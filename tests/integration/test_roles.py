# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sync_server and job_server roles, as far as they can be exercised without a Windows host:
bad variables stop at the argument spec (or the roles' own variable checks) before any Windows
task, good variables pass, the Jobservice.cfg template renders to the XML the service reads, and
secrets stay out of the output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PLAYBOOKS = Path(__file__).resolve().parent / 'playbooks'
COLLECTIONS = REPO / '.build' / 'collections'
BIN = Path(sys.executable).parent

SECRET = 'Pa55&<w0rd>"-roles-test-secret'
CONNECTION_STRING = 'Data Source=sql01.contoso.com;Initial Catalog=OneIM;User ID=oneim_job;Password=%s' % SECRET
AUTHENTICATION = 'Module=DialogUserAccountBased;User=viadmin;Password=%s' % SECRET

# The first task of each role that needs the Windows host; a bad variable must stop before it.
FIRST_HOST_TASK = {
    'sync_server': 'Read the Windows build, PowerShell version and .NET Framework release',
    'job_server': "Read the computer name, full DNS name and the service's state",
}

GOOD = {
    'sync_server': {},
    'job_server': {
        'job_server_install_source': r'\\fileserver\oneim\9.3',
        'job_server_service_account': r'CONTOSO\svc-oneim',
        'job_server_service_account_password': SECRET,
        'job_server_connection_string': CONNECTION_STRING,
    },
}


@pytest.fixture(scope='module')
def windows_collections():
    """ansible.windows and community.windows, which the roles' tasks name (cached under .build)."""
    subprocess.run(['bash', str(REPO / 'scripts' / 'install_collections.sh')], check=True,
                   env=dict(os.environ, PYTHON=sys.executable), stdin=subprocess.DEVNULL, timeout=600)
    assert (COLLECTIONS / 'ansible_collections' / 'ansible' / 'windows' / 'MANIFEST.json').is_file()


def ansible_playbook(playbook, tmp_path, extra_vars, *args):
    case = tmp_path / 'case.json'
    case.write_text(json.dumps(extra_vars))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_LOCALHOST_WARNING='False',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='False', ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0')
    command = [str(BIN / 'ansible-playbook'), str(PLAYBOOKS / playbook), '-e', '@%s' % case] + list(args)
    return subprocess.run(command, env=env, cwd=str(REPO), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300, check=False)


BAD = [
    # (role, variables, what the failure message must say)
    ('sync_server', {'sync_server_exchange_online_management_version': '3.1.0'},
     "sync_server_exchange_online_management_version must be an exact version, 3.2.0 or later (got '3.1.0')"),
    ('sync_server', {'sync_server_exchange_online_management_version': 'latest'},
     "3.2.0 or later (got 'latest')"),
    ('sync_server', {'sync_server_reboot': 'sometimes'},
     "argument 'sync_server_reboot' is of type str and we were unable to convert to bool"),
    ('sync_server', {'sync_server_exchange_ports': ['https']},
     "Elements value for option 'sync_server_exchange_ports' is of type str and we were unable to convert to int"),
    ('sync_server', {'sync_server_winrm_firewall_direction': 'both'},
     'value of sync_server_winrm_firewall_direction must be one of: in, out, got: both'),
    ('sync_server', {'sync_server_certificate_pfx': '/tmp/app.pfx', 'sync_server_certificate_thumbprint': 'abc',
                     'sync_server_certificate_password': SECRET},
     "needs sync_server_certificate_thumbprint (40 hex digits, got 'abc')"),
    ('job_server', {'job_server_install_source': None},
     'missing required arguments: job_server_install_source'),
    ('job_server', {'job_server_job_provider': 'odbc'},
     'value of job_server_job_provider must be one of: sql, appserver, got: odbc'),
    ('job_server', {'job_server_http_port': 'eighteen-eighty'},
     "argument 'job_server_http_port' is of type str and we were unable to convert to int"),
    ('job_server', {'job_server_connection_string': ''},
     'job_server_job_provider=sql needs job_server_connection_string'),
    ('job_server', {'job_server_job_provider': 'appserver', 'job_server_appserver_url': 'oneim-app.contoso.com',
                    'job_server_appserver_authentication': AUTHENTICATION},
     "needs job_server_appserver_url (an http or https URL, got 'oneim-app.contoso.com')"),
    ('job_server', {'job_server_update_password': 'sometimes'},
     'value of job_server_update_password must be one of: on_create, always, got: sometimes'),
    ('job_server', {'job_server_queue': 'SYNC01'},
     "job_server_queue must look like \\NAME (got 'SYNC01')"),
    ('job_server', {'job_server_encrypted_database': True, 'job_server_database_key_declared': 'perhaps'},
     "argument 'job_server_database_key_declared' is of type str and we were unable to convert to bool"),
]


@pytest.mark.parametrize('role, variables, message', BAD,
                         ids=['%s-%s' % (case[0], '-'.join(case[1])) for case in BAD])
def test_bad_variables_stop_before_any_windows_task(windows_collections, tmp_path, role, variables, message):
    extra = dict(GOOD[role], role_under_test=role)
    extra.update(variables)
    extra = {k: v for k, v in extra.items() if v is not None}
    result = ansible_playbook('roles_include.yml', tmp_path, extra, '-vvvv')
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    assert message in re.sub(r'\s+', ' ', output), output[-5000:]
    assert FIRST_HOST_TASK[role] not in output, 'a host task ran despite the bad variable'
    assert SECRET not in output, 'a secret reached the output'


def test_good_variables_pass_the_checks(windows_collections, tmp_path):
    result = ansible_playbook('roles_spec_accepts.yml', tmp_path, {})
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    assert re.search(r'localhost\s+:\s+ok=\d+\s+changed=0\s+unreachable=0\s+failed=0', result.stdout)


def values(category):
    return {value.get('name'): value.text for value in category.findall('value')}


def module(root, name, kind):
    found = root.findall("./category[@name='%s']/category[@name='%s']" % (name, kind))
    assert len(found) == 1, 'one %s/%s in %s' % (name, kind, [c.get('name') for c in root])
    return values(found[0])


@pytest.mark.parametrize('provider, extra, expected_provider', [
    ('sql', {'job_server_connection_string': CONNECTION_STRING},
     ('sqlprovider', {'ConnectString': CONNECTION_STRING})),
    ('appserver', {'job_server_appserver_url': 'https://oneim-app.contoso.com/AppServer',
                   'job_server_appserver_authentication': AUTHENTICATION},
     ('AppServerJobProvider', {'Url': 'https://oneim-app.contoso.com/AppServer', 'AuthenticationString': AUTHENTICATION})),
])
def test_jobservice_config_renders_and_validates(tmp_path, provider, extra, expected_provider):
    variables = dict(extra, out_dir=str(tmp_path), job_server_job_provider=provider)
    result = ansible_playbook('roles_jobservice_config.yml', tmp_path, variables, '-vvvv')
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    assert SECRET not in result.stdout + result.stderr, 'the connection data reached the -vvvv output'

    text = (tmp_path / 'Jobservice.cfg').read_text(encoding='utf-8')
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(text.encode('utf-8'))
    assert root.tag == 'configuration'
    assert [c.get('name') for c in root.findall('category')] == ['JobProvider', 'JobDestination', 'JobLog', 'Plugins']

    kind, expected = expected_provider
    assert module(root, 'JobProvider', kind) == expected
    assert len(root.findall("./category[@name='JobProvider']/category")) == 1, 'exactly one Job provider'
    assert module(root, 'JobDestination', 'JobServiceDestination') == {
        'Queue': '\\SYNC01', 'ServerName': 'sync01.contoso.com'}
    assert module(root, 'JobLog', 'FileLogWriter') == {
        'OutputFile': r'C:\Program Files\One Identity\One Identity Manager Service\JobService.log',
        'LogSeverity': 'Info'}
    assert module(root, 'Plugins', 'HttpServer') == {'Port': '1880'}
    assert 'Pa55&amp;&lt;w0rd&gt;' in text, 'the secret is XML-escaped in the file (and parsed back intact above)'

    masked = (tmp_path / 'Jobservice.masked.cfg').read_text(encoding='utf-8')
    assert SECRET not in masked
    assert ET.fromstring(masked.encode('utf-8')) is not None


def test_jobservice_config_takes_overrides_and_a_second_instance(tmp_path):
    variables = {
        'out_dir': str(tmp_path), 'job_server_connection_string': CONNECTION_STRING,
        'job_server_queue': '\\SYNC01-EXO2', 'job_server_server_fqdn': 'sync01.ad.contoso.com',
        'job_server_http_port': 1881, 'job_server_log_severity': 'Warning',
        'job_server_install_dir': r'D:\OneIM\ExchangeOnline2',
        'job_server_server_functions': ['Exchange Online connector', 'SQL processing server'],
    }
    result = ansible_playbook('roles_jobservice_config.yml', tmp_path, variables)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    text = (tmp_path / 'Jobservice.cfg').read_text(encoding='utf-8')
    root = ET.fromstring(text.encode('utf-8'))
    assert module(root, 'JobDestination', 'JobServiceDestination') == {
        'Queue': '\\SYNC01-EXO2', 'ServerName': 'sync01.ad.contoso.com'}
    assert module(root, 'JobLog', 'FileLogWriter') == {
        'OutputFile': r'D:\OneIM\ExchangeOnline2\JobService.log', 'LogSeverity': 'Warning'}
    assert module(root, 'Plugins', 'HttpServer') == {'Port': '1881'}
    assert 'Server functions: Exchange Online connector, SQL processing server' in text


def test_sync_server_playbook_syntax(windows_collections):
    """The first play registers the app with mailops.exchange.exo_app_registration."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS))
    result = subprocess.run([str(BIN / 'ansible-playbook'), '--syntax-check', 'playbooks/sync_server.yml'],
                            env=env, cwd=str(REPO), capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
