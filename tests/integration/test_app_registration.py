# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exo_app_registration end to end: ansible-playbook against the sandbox's Graph and Entra ID."""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[2]


def recap(output):
    """{ok, changed, failed, ...} of localhost from the PLAY RECAP."""
    line = re.search(r'^localhost\s+:\s+(ok=.*)$', output, re.MULTILINE).group(1)
    return {k: int(v) for k, v in re.findall(r'(\w+)=(\d+)', line)}


def graph_rows(sandbox, path):
    """Every row of a Graph collection, as the sandbox's bootstrap app reads it."""
    token = sandbox.mint_token(audience=sandbox.url + '/graph')
    response = sandbox.request('GET', '/graph/v1.0/' + path, headers={'Authorization': 'Bearer ' + token})
    response.raise_for_status()
    return response.json()['value']


def debug_json(output, tag):
    """The JSON a playbook printed with ``debug: msg: "<tag> {{ ... | to_json }}"``."""
    line = next(line for line in output.splitlines() if '"msg": "%s ' % tag in line)
    return json.loads(json.loads(line.split('"msg": ', 1)[1])[len(tag) + 1:])


def test_lifecycle_and_the_secret_is_never_shown(playbook, tmp_path):
    work = tmp_path / 'work'
    work.mkdir()
    pfx_password = secrets.token_urlsafe(12)
    result = playbook.run('app_registration_lifecycle.yml', '-vvvv', extra_vars={'work_dir': str(work)},
                          env={'TEST_PFX_PASSWORD': pfx_password})
    secret = (work / 'secret.txt').read_text()
    rotated = (work / 'rotated-secret.txt').read_text()
    assert len(secret) > 20 and len(rotated) > 20 and rotated != secret
    for where, text in (('stdout', result.stdout), ('stderr', result.stderr)):
        assert secret not in text, 'the client secret appears in %s' % where
        assert rotated not in text, 'the rotated client secret appears in %s' % where
        assert pfx_password not in text, 'the PFX password appears in %s' % where
    assert "the output has been hidden due to the fact that 'no_log: true'" in result.stdout
    assert (work / 'secret.txt').stat().st_mode & 0o077 == 0


def test_the_expiring_credentials_report_across_applications(playbook):
    playbook.run('app_registration_expiring.yml')


def test_bad_input_fails_clearly_and_writes_nothing(playbook, tmp_path):
    playbook.run('app_registration_failures.yml', extra_vars={'work_dir': str(tmp_path)})


def test_exchange_access_needs_both_consent_and_role(playbook, tmp_path):
    playbook.run('app_registration_chain.yml', extra_vars={'work_dir': str(tmp_path)})


def test_replication_delay_is_waited_out_or_explained(playbook):
    playbook.run('app_registration_replication.yml')


def test_consent_waits_out_not_a_valid_reference_update(playbook):
    playbook.run('app_registration_reference_replication.yml')


def test_two_runs_at_once_register_one_application(playbook, sandbox):
    # Each Graph request takes a second, so both runs look for the application, find none and
    # create it within the same few seconds.
    sandbox.faults(latency_ms=1000)
    runs = [None, None]

    def run(index):
        runs[index] = playbook.run('app_registration_concurrent.yml', check=False)

    threads = [threading.Thread(target=run, args=(index,)) for index in (0, 1)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    sandbox.faults()
    writes = sandbox.stats()['graph']
    for result in runs:
        assert result.returncode == 0, result.stdout[-5000:]
    results = [debug_json(result.stdout, 'CONCURRENT') for result in runs]
    apps = graph_rows(sandbox, 'applications?$filter=' + quote("displayName eq 'Concurrent app'"))
    assert [app['appId'] for app in apps] == [results[0]['app_id']] == [results[1]['app_id']]
    principal = results[0]['service_principal_id']
    assert results[1]['service_principal_id'] == principal
    assert len(graph_rows(sandbox, 'servicePrincipals/%s/appRoleAssignments' % principal)) == 1
    assert len(graph_rows(sandbox, 'roleManagement/directory/roleAssignments?$filter='
                          + quote("principalId eq '%s'" % principal))) == 1
    # The runs did race: one created the application and the other found it made when it created it.
    assert sorted(r['changes'].get('state', {}).get('after', 'none') for r in results) == ['none', 'present']
    assert sum('already existed when this run created it' in ' '.join(r.get('warnings', [])) for r in results) == 1
    print('CONCURRENT two runs at 1 s latency: %.1f s, Graph writes %s' % (
        elapsed, {k: v for k, v in sorted(writes.items()) if not k.startswith('GET')}))
    again = debug_json(playbook.run('app_registration_concurrent.yml').stdout, 'CONCURRENT')
    assert not again['changed'] and again['app_id'] == results[0]['app_id']


def test_bootstrap_playbook_from_nothing_to_a_managed_mailbox(playbook, sandbox, tmp_path):
    extra = {'app_certificate_path': str(tmp_path / 'certs' / 'exchange-app')}
    first = playbook.run(str(REPO / 'playbooks' / 'bootstrap_app.yml'), extra_vars=extra)
    assert recap(first.stdout)['failed'] == 0
    state = sandbox.mailbox_state('sales')
    assert {'User': 'alice@contoso.com', 'AccessRights': ['FullAccess'], 'IsInherited': False}.items() <= next(
        p for p in state['mailbox_permissions'] if p['User'] == 'alice@contoso.com').items()
    assert 'client_id: ' in first.stdout and (tmp_path / 'certs' / 'exchange-app.pem').exists()
    sandbox.reset()
    second = playbook.run(str(REPO / 'playbooks' / 'bootstrap_app.yml'), extra_vars=extra)
    assert recap(second.stdout)['changed'] == 0
    assert sandbox.stats()['writes'] == 0
