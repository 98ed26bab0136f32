# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""No credential ever shows: every module at -vvvv, succeeding and failing, under every kind of
credential, with every output, callback file, log and leftover file searched for each secret in
every encoding it could leak in. Also the token cache under 20 forks, and TLS failures."""

from __future__ import annotations

import base64
import html
import json
import os
import re
import urllib.parse

import certifi
import pytest

# Chosen to differ in every encoding searched for (URL, JSON, XML escaping and base64).
WRONG_SECRET = 'Wr0ng~Secret/+"\\é&=?x'
WRONG_PASSWORD = "Wr0ng-Pässword<'&%20>"
NEW_USER_PASSWORD = 'N3w-User!Pass#42 "ü/+&'
PFX_PASSWORD = 'Pfx-Pass\\word="€"+/?'

# Search strings shorter than this would match by chance; every secret here is longer.
MIN_FORM = 12


def recap(output):
    """{ok, changed, failed, ...} of localhost from the PLAY RECAP."""
    line = re.search(r'^localhost\s+:\s+(ok=.*)$', output, re.MULTILINE).group(1)
    return {k: int(v) for k, v in re.findall(r'(\w+)=(\d+)', line)}


def encodings(secret):
    """Every form ``secret`` could leak in: plain, URL-, JSON- and XML-escaped, and base64
    (standard and URL-safe) at each of the three alignments it can have inside a longer text."""
    raw = secret.encode('utf-8')
    url = urllib.parse.quote(secret, safe='')
    forms = {secret, url, url.replace('~', '%7E'), urllib.parse.quote(secret), urllib.parse.quote_plus(secret),
             json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1], html.escape(secret)}
    for shift in range(3):
        # Only the characters made of the secret's bits alone: the same whatever surrounds it.
        start, end = -(-shift * 8 // 6), (shift + len(raw)) * 8 // 6
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            forms.add(encode(b'\0' * shift + raw + b'\0\0').decode('ascii')[start:end])
    assert all(len(form) >= MIN_FORM for form in forms)
    return forms


def test_encodings_find_a_secret_wherever_it_is_embedded():
    secret = 'S3cret-Value_42'
    for prefix in ('', 'a', 'ab', 'abc'):
        encoded = base64.b64encode(('user:%s%s:tail' % (prefix, secret)).encode()).decode()
        assert any(form in encoded for form in encodings(secret))
    for text in ('p=Wr0ng~Secret%2F%2B%22%5C%C3%A9%26%3D%3Fx&q=1', 'p=Wr0ng%7ESecret%2F%2B%22%5C%C3%A9%26%3D%3Fx',
                 '{"p": "Wr0ng~Secret/+\\"\\\\\\u00e9&=?x"}', '<p>Wr0ng~Secret/+&quot;\\é&amp;=?x</p>'):
        assert any(form in text for form in encodings(WRONG_SECRET)), text
    assert not any(form in 'Wr0ng~Secret/+"\\e&=?x' for form in encodings(WRONG_SECRET))


def written_texts(tmp_path, skip):
    """{path: text} of every file under ``tmp_path`` except those under ``skip``."""
    texts = {}
    for path in sorted(tmp_path.rglob('*')):
        if path.is_file() and skip not in path.parents:
            texts[str(path.relative_to(tmp_path))] = path.read_bytes().decode('utf-8', errors='replace')
    return texts


def test_no_credential_leaks_from_any_module(playbook, sandbox, tmp_path):
    token = sandbox.mint_token()
    header, payload, signature = token.split('.')
    wrong_token = '.'.join((header, payload, signature[::-1]))
    secrets = {
        'client secret': sandbox.env['AZURE_CLIENT_SECRET'],
        'certificate password': sandbox.env['SANDBOX_CERTIFICATE_PASSWORD'],
        'access token': token,
        'on-premises password': sandbox.env['EXCHANGE_PASSWORD'],
        'wrong client secret': WRONG_SECRET,
        'wrong password': WRONG_PASSWORD,
        'wrong access token': wrong_token,
        'signature of the access token': signature,
        'new user password': NEW_USER_PASSWORD,
        'generated certificate password': PFX_PASSWORD,
    }
    work, home = tmp_path / 'work', tmp_path / 'home'
    for directory in (work, home):
        directory.mkdir()
    result = playbook.run('secrets.yml', '-vvvv', extra_vars={'work_dir': str(work)}, env={
        'TEST_ACCESS_TOKEN': token, 'TEST_WRONG_TOKEN': wrong_token, 'TEST_WRONG_SECRET': WRONG_SECRET,
        'TEST_WRONG_PASSWORD': WRONG_PASSWORD, 'TEST_NEW_USER_PASSWORD': NEW_USER_PASSWORD,
        'TEST_PFX_PASSWORD': PFX_PASSWORD,
        'HOME': str(home), 'ANSIBLE_LOCAL_TEMP': str(tmp_path / 'local-tmp'),
        'ANSIBLE_REMOTE_TMP': str(tmp_path / 'remote-tmp'),
        'ANSIBLE_LOG_PATH': str(tmp_path / 'ansible.log'),
        'ANSIBLE_CALLBACKS_ENABLED': 'ansible.builtin.junit,ansible.builtin.tree',
        'JUNIT_OUTPUT_DIR': str(tmp_path / 'junit'), 'ANSIBLE_CALLBACK_TREE_DIR': str(tmp_path / 'tree'),
    })
    counts = recap(result.stdout)
    assert counts['failed'] == 0 and counts['ignored'] == 16, 'each module failed once, as intended'

    written = written_texts(tmp_path, tmp_path / 'cache')
    written.update(stdout=result.stdout, stderr=result.stderr)
    for expected in ('ansible.log', 'work/results.json'):
        assert expected in written
    assert any(name.startswith('junit/') for name in written) and any(name.startswith('tree/') for name in written)
    assert not [name for name in written if 'AnsiballZ' in name], 'no module payload is left behind'
    found = []
    for label, secret in secrets.items():
        for form in encodings(secret):
            found += ['%s as %r in %s' % (label, form, where) for where, text in written.items() if form in text]
    assert found == []
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in result.stdout, 'the arguments were shown, masked'
    received = sandbox.request('GET', '/_sandbox/commands').json()['commands']
    created = [c['parameters'] for c in received if c['cmdlet'] == 'New-Mailbox']
    assert created and created[0]['Password'] == {'SecureString': True}, 'the password travelled as a SecureString'


def test_twenty_forks_share_one_token_and_an_untrusted_cache_is_replaced(playbook, sandbox, tmp_path):
    if os.geteuid() != 0:
        pytest.skip('giving a cache entry to another user needs root')
    inventory = tmp_path / 'hosts.ini'
    inventory.write_text('[tenant]\n' + ''.join(
        'fork%02d ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n'
        % n for n in range(20)))
    sandbox.reset()
    result = playbook.run('token_cache.yml', '-i', str(inventory), '-f', '20',
                          extra_vars={'cache_dir': str(tmp_path / 'cache'), 'nobody': 'nobody'})
    assert (result.stdout + result.stderr).count('[WARNING]: token_cache: ') == 3, 'the warnings reach the output'


def test_untrusted_certificates_name_ca_path_and_validate_certs(playbook, sandbox):
    playbook.run('tls.yml', extra_vars={'untrusted_ca': certifi.where(),
                                        'https_port': sandbox.env['EXCHANGE_HTTPS_PORT']})
    assert sandbox.stats()['writes'] == 0
