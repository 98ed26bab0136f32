# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX credential types inject exactly the environment the modules read, and a module run
with only that environment works against the sandbox."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import certifi
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.mailops.exchange.plugins.module_utils.module import (
    CREDENTIAL_OPTIONS,
    environment_value,
    exo_argument_spec,
)
from ansible_collections.mailops.exchange.plugins.module_utils.onprem_module import onprem_argument_spec

REPO = Path(__file__).resolve().parents[2]
TYPES = REPO / 'extensions' / 'awx' / 'credential_types'


def inject(credential_type, inputs, directory):
    """Render a credential type's injectors the way AWX does: files first, then env and extra vars."""
    jinja = ImmutableSandboxedEnvironment()
    field_ids = [field['id'] for field in credential_type['inputs']['fields']]
    values = {name: inputs.get(name, '') for name in field_ids}
    for field in credential_type['inputs']['fields']:
        if 'default' in field and not values[field['id']]:
            values[field['id']] = field['default']
    filenames = {}
    for key, template in credential_type['injectors'].get('file', {}).items():
        name = key.split('.', 1)[1]
        path = Path(directory) / ('awx-credential-' + name)
        path.write_text(jinja.from_string(template).render(values))
        path.chmod(0o600)
        filenames[name] = str(path)
    context = dict(values, tower={'filename': filenames})
    return {key: jinja.from_string(template).render(context)
            for key, template in credential_type['injectors'].get('env', {}).items()}


def variables_read_by_fallbacks(argument_spec):
    names = set()
    for option in argument_spec.values():
        fallback = option.get('fallback')
        if fallback and fallback[0] is environment_value:
            names.update(fallback[1])
    return names


def variables_read_by_modules():
    return {variable for unused, variable in CREDENTIAL_OPTIONS} | variables_read_by_fallbacks(exo_argument_spec())


def test_exchange_online_injects_what_the_modules_read():
    credential_type = yaml.safe_load((TYPES / 'exchange_online.yml').read_text())
    injected = set(credential_type['injectors']['env'])
    read = variables_read_by_modules()
    # Behaviour settings (timeouts, retries, cache, TLS switch) belong to the job, not the
    # credential; the fallback to REQUESTS_CA_BUNDLE is the process's own; the access token is
    # short-lived and not something to store in a credential.
    not_credentials = {'EXO_TIMEOUT', 'EXO_RETRIES', 'EXO_TOKEN_CACHE', 'EXO_VALIDATE_CERTS',
                       'REQUESTS_CA_BUNDLE', 'EXO_ACCESS_TOKEN'}
    assert injected == read - not_credentials


def _run_module(env, tmp_path, module='mailops.exchange.exo_mailbox_info', args='identity=alice'):
    clean = {k: v for k, v in os.environ.items()
             if not re.match(r'^(AZURE|EXO|EXCHANGE|SANDBOX)_', k) and k != 'PYTHONPATH'}
    clean.update(env, ANSIBLE_COLLECTIONS_PATH=str(REPO / '.build' / 'collections'),
                 ANSIBLE_LOCALHOST_WARNING='False', XDG_CACHE_HOME=str(tmp_path / 'cache'))
    ansible = Path(sys.executable).with_name('ansible')
    return subprocess.run([str(ansible), 'localhost', '-m', module, '-a', args, '-o'], env=clean,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300,
                          check=False)


def test_a_secret_credential_runs_a_module(sandbox, tmp_path):
    credential_type = yaml.safe_load((TYPES / 'exchange_online.yml').read_text())
    env = inject(credential_type, {
        'tenant_id': sandbox.env['AZURE_TENANT_ID'], 'client_id': sandbox.env['AZURE_CLIENT_ID'],
        'client_secret': sandbox.env['AZURE_CLIENT_SECRET'],
        'organization': sandbox.env['EXO_ORGANIZATION'],
        'authority_host': sandbox.env['EXO_AUTHORITY_HOST'], 'graph_url': sandbox.env['EXO_GRAPH_URL'],
        'exchange_url': sandbox.env['EXO_EXCHANGE_URL'],
        'ca_bundle': Path(sandbox.env['EXO_CA_PATH']).read_text()}, tmp_path)
    assert env['AZURE_CLIENT_CERTIFICATE_PATH'] == '', 'no certificate was given'
    result = _run_module(env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"primary_smtp_address": "alice@contoso.com"' in result.stdout
    assert sandbox.env['AZURE_CLIENT_SECRET'] not in result.stdout


def test_a_certificate_credential_runs_a_module(sandbox, tmp_path):
    credential_type = yaml.safe_load((TYPES / 'exchange_online.yml').read_text())
    env = inject(credential_type, {
        'tenant_id': sandbox.env['AZURE_TENANT_ID'], 'client_id': sandbox.env['AZURE_CLIENT_ID'],
        'certificate': Path(sandbox.env['SANDBOX_CERTIFICATE_PATH']).read_text(),
        'organization': sandbox.env['EXO_ORGANIZATION'],
        'authority_host': sandbox.env['EXO_AUTHORITY_HOST'],
        'exchange_url': sandbox.env['EXO_EXCHANGE_URL'],
        'ca_bundle': Path(sandbox.env['EXO_CA_PATH']).read_text()}, tmp_path)
    assert env['AZURE_CLIENT_SECRET'] == '' and env['EXO_GRAPH_URL'] == ''
    result = _run_module(env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sandbox.stats()['tokens'] == 1


def test_onprem_injects_what_the_modules_read():
    credential_type = yaml.safe_load((TYPES / 'exchange_onprem.yml').read_text())
    injected = set(credential_type['injectors']['env'])
    # Timeouts and the TLS verification switch are behaviour settings of the job.
    not_credentials = {'EXCHANGE_VALIDATE_CERTS', 'EXCHANGE_CONNECTION_TIMEOUT',
                       'EXCHANGE_OPERATION_TIMEOUT'}
    assert injected == variables_read_by_fallbacks(onprem_argument_spec()) - not_credentials
    spec = onprem_argument_spec()
    for field in credential_type['inputs']['fields']:
        option = spec.get(field['id'])
        if option and 'choices' in field:
            assert set(field['choices']) <= set(option['choices']), field['id']
        if option and 'default' in field:
            assert field['default'] == option['default'], field['id']


def _onprem_commands(sandbox):
    return sandbox.request('GET', '/_sandbox/commands').json()['commands']


def test_an_onprem_credential_runs_a_module(sandbox, tmp_path):
    """Basic over HTTPS, so the injected CA bundle file is what makes the TLS handshake pass."""
    credential_type = yaml.safe_load((TYPES / 'exchange_onprem.yml').read_text())
    env = inject(credential_type, {
        'server': sandbox.env['EXCHANGE_SERVER'], 'port': sandbox.env['EXCHANGE_HTTPS_PORT'],
        'use_ssl': True, 'auth': 'basic', 'username': sandbox.env['EXCHANGE_USERNAME'],
        'password': sandbox.env['EXCHANGE_PASSWORD'],
        'ca_bundle': Path(sandbox.env['EXCHANGE_CA_PATH']).read_text()}, tmp_path)
    assert env['EXCHANGE_CA_PATH'].startswith(str(tmp_path))
    sent_before = len(_onprem_commands(sandbox))
    result = _run_module(env, tmp_path, 'mailops.exchange.onprem_exchange_mailbox_info',
                         'infrastructure=onpremises')
    assert result.returncode == 0, result.stdout + result.stderr
    # The seeded organisation has AD users but no on-premises mailboxes yet.
    assert '"mailboxes": []' in result.stdout
    assert [c['cmdlet'] for c in _onprem_commands(sandbox)[sent_before:]] == ['Get-Mailbox']
    assert sandbox.env['EXCHANGE_PASSWORD'] not in result.stdout

    # The same run trusting only the public CAs fails: the injected file is what is trusted.
    Path(env['EXCHANGE_CA_PATH']).write_text(Path(certifi.where()).read_text())
    untrusted = _run_module(env, tmp_path, 'mailops.exchange.onprem_exchange_mailbox_info',
                            'infrastructure=onpremises')
    assert untrusted.returncode != 0 and 'ca_path' in untrusted.stdout, untrusted.stdout
