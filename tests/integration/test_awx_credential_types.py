# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX credential types inject exactly the environment the modules read, a module run with
only that environment works against the sandbox, and the registration playbook puts them into
AWX (a fake AWX API on loopback) as they are defined."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import certifi
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import (
    APP_ENVIRONMENT,
    CREDENTIAL_OPTIONS,
    environment_value,
    exo_argument_spec,
)
from ansible_collections.mailops.exchange.plugins.module_utils.engine.onprem_module import onprem_argument_spec
from fake_awx import FakeAwx

REPO = Path(__file__).resolve().parents[2]
TYPES = REPO / 'extensions' / 'awx' / 'credential_types'
REGISTER = REPO / 'extensions' / 'awx' / 'register_credential_types.yml'


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


# Secrets travel as files: the credential types inject NAME_FILE, never NAME.
SECRETS_AS_FILES = {'EXO_CLIENT_SECRET', 'EXO_CLIENT_CERTIFICATE_PASSWORD', 'EXCHANGE_PASSWORD'}


def as_injected(names):
    return {name + '_FILE' if name in SECRETS_AS_FILES else name for name in names}


def variables_read_by_modules():
    """The EXO_* names the modules read; the AZURE_* fallbacks of APP_ENVIRONMENT are for hosts without AWX."""
    return as_injected({variable for unused, variable in CREDENTIAL_OPTIONS} | {names[1] for names in APP_ENVIRONMENT}
                       | variables_read_by_fallbacks(exo_argument_spec()))


def test_exchange_online_injects_what_the_modules_read():
    credential_type = yaml.safe_load((TYPES / 'exchange_online.yml').read_text())
    injected = set(credential_type['injectors']['env'])
    read = variables_read_by_modules()
    # AWX's own Azure credential injects AZURE_*: this type must not collide with it.
    assert not [name for name in injected if name.startswith('AZURE_')]
    # Behaviour settings (timeouts, retries, cache, TLS switch) belong to the job, not the
    # credential; the fallback to REQUESTS_CA_BUNDLE is the process's own; the access token is
    # short-lived and not something to store in a credential.
    not_credentials = {'EXO_TIMEOUT', 'EXO_RETRIES', 'EXO_RETRY_DELAY', 'EXO_TOKEN_CACHE', 'EXO_VALIDATE_CERTS',
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
    assert env['EXO_CLIENT_CERTIFICATE_PATH'] == '', 'no certificate was given'
    assert sandbox.env['AZURE_CLIENT_SECRET'] not in json.dumps(env), 'the secret is injected as a file'
    # The job also holds AWX's Azure credential, for another application: its variables are not used.
    env.update(AZURE_TENANT_ID=env['EXO_TENANT_ID'], AZURE_CLIENT_ID='11111111-2222-3333-4444-555555555555',
               AZURE_CLIENT_SECRET='the-azure-credential-of-another-app')
    env['EXO_SANDBOX_TENANTS'] = sandbox.env['EXO_SANDBOX_TENANTS']  # a job against the sandbox sets it
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
    assert env['EXO_CLIENT_SECRET_FILE'] == '' and env['EXO_GRAPH_URL'] == ''
    env['EXO_SANDBOX_TENANTS'] = sandbox.env['EXO_SANDBOX_TENANTS']
    # AWX's Azure credential of another application adds a secret: not paired with this certificate.
    result = _run_module(dict(env, AZURE_CLIENT_ID='11111111-2222-3333-4444-555555555555',
                              AZURE_CLIENT_SECRET='the-azure-credential-of-another-app'), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sandbox.stats()['tokens'] == 1


def test_a_credential_with_both_a_secret_and_a_certificate_fails(sandbox, tmp_path):
    credential_type = yaml.safe_load((TYPES / 'exchange_online.yml').read_text())
    env = inject(credential_type, {
        'tenant_id': sandbox.env['AZURE_TENANT_ID'], 'client_id': sandbox.env['AZURE_CLIENT_ID'],
        'client_secret': sandbox.env['AZURE_CLIENT_SECRET'],
        'certificate': Path(sandbox.env['SANDBOX_CERTIFICATE_PATH']).read_text(),
        'organization': sandbox.env['EXO_ORGANIZATION'], 'exchange_url': sandbox.env['EXO_EXCHANGE_URL'],
        'authority_host': sandbox.env['EXO_AUTHORITY_HOST'],
        'ca_bundle': Path(sandbox.env['EXO_CA_PATH']).read_text()}, tmp_path)
    env['EXO_SANDBOX_TENANTS'] = sandbox.env['EXO_SANDBOX_TENANTS']
    result = _run_module(env, tmp_path)
    assert result.returncode != 0
    assert 'EXO_CLIENT_SECRET' in result.stdout and 'EXO_CLIENT_CERTIFICATE_PATH' in result.stdout, result.stdout
    assert sandbox.env['AZURE_CLIENT_SECRET'] not in result.stdout + result.stderr
    assert sandbox.stats()['tokens'] == 0


def test_onprem_injects_what_the_modules_read():
    credential_type = yaml.safe_load((TYPES / 'exchange_onprem.yml').read_text())
    injected = set(credential_type['injectors']['env'])
    # Timeouts and the TLS verification switch are behaviour settings of the job.
    not_credentials = {'EXCHANGE_VALIDATE_CERTS', 'EXCHANGE_CONNECTION_TIMEOUT',
                       'EXCHANGE_OPERATION_TIMEOUT'}
    assert injected == as_injected(variables_read_by_fallbacks(onprem_argument_spec())) - not_credentials
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
    assert sandbox.env['EXCHANGE_PASSWORD'] not in json.dumps(env), 'the password is injected as a file'
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


def _register(awx, tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(('CONTROLLER_', 'TOWER_', 'AWX_'))}
    # HOME too: awx.awx reads ~/.tower_cli.cfg.
    env.update(CONTROLLER_HOST=awx.url, CONTROLLER_OAUTH_TOKEN=awx.TOKEN, HOME=str(tmp_path),
               ANSIBLE_COLLECTIONS_PATH=str(REPO / '.build' / 'collections'),
               ANSIBLE_LOCALHOST_WARNING='False', ANSIBLE_INVENTORY_UNPARSED_WARNING='False',
               ANSIBLE_NOCOLOR='1')
    playbook = Path(sys.executable).with_name('ansible-playbook')
    result = subprocess.run([str(playbook), str(REGISTER)] + list(args), env=env, cwd=str(tmp_path),
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # The recap counts the task once; each definition file is one loop item.
    changed = re.findall(r'^changed: \[localhost\] => \(item=(\S+)\)', result.stdout, re.M)
    return len(changed), result.stdout


def test_the_playbook_registers_the_types_as_defined(tmp_path):
    definitions = {d['name']: d for d in (yaml.safe_load(p.read_text()) for p in sorted(TYPES.glob('*.yml')))}
    online, onprem = 'Exchange Online (mailops.exchange)', 'On-premises Exchange (mailops.exchange)'
    with FakeAwx() as awx:
        # An older registration of the on-premises type, with one injector missing.
        stale = dict(definitions[onprem], injectors={'env': {'EXCHANGE_SERVER': '{{ server }}'}})
        awx.add({k: stale[k] for k in ('name', 'description', 'kind', 'inputs', 'injectors')})
        first_id_url = awx.types[1]['url']

        changed, output = _register(awx, tmp_path, '--check')
        assert changed == 2 and awx.writes() == [], 'check mode reports both and writes nothing'

        changed, output = _register(awx, tmp_path)
        assert changed == 2, output
        assert awx.writes() == [('POST', FakeAwx.BASE), ('PATCH', first_id_url)]
        assert 'WARNING' not in output, output
        by_name = {t['name']: t for t in awx.types.values()}
        assert set(by_name) == {online, onprem}
        for name, definition in definitions.items():
            stored = by_name[name]
            # The injectors' {{ }} placeholders arrive as written, not rendered by Ansible.
            assert stored['inputs'] == definition['inputs']
            assert stored['injectors'] == definition['injectors']
            assert (stored['kind'], stored['description']) == (definition['kind'], definition['description'])

        writes = len(awx.writes())
        changed, output = _register(awx, tmp_path)
        assert changed == 0 and len(awx.writes()) == writes, 'the second run changes nothing'
