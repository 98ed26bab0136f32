# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Several tenants in the session's one sandbox process: a token never crosses tenants.

The provider's multi-tenant app (one secret) gets a token from each tenant's login endpoint; each
tenant's Exchange accepts only its own tenant's token, and Graph (routed by the token's tenant)
shows each token only its own tenant's users."""

from __future__ import annotations

import itertools
import json
import sys

import requests

from conftest import REPO


def _tenants(sandbox):
    return list(zip(sandbox.env['SANDBOX_TENANT_IDS'].split(','),
                    sandbox.env['SANDBOX_TENANT_ORGANIZATIONS'].split(',')))


def _token(sandbox, tenant, resource):
    response = requests.post('%s/%s/oauth2/v2.0/token' % (sandbox.url, tenant), verify=sandbox.ca_path, timeout=60,
                             data={'grant_type': 'client_credentials', 'client_id': sandbox.env['AZURE_CLIENT_ID'],
                                   'client_secret': sandbox.env['AZURE_CLIENT_SECRET'], 'scope': resource + '/.default'})
    assert response.status_code == 200, response.text
    return response.json()['access_token']


def _get_mailbox(sandbox, segment, token):
    return requests.post('%s/adminapi/beta/%s/InvokeCommand' % (sandbox.url, segment), verify=sandbox.ca_path,
                         timeout=60, headers={'Authorization': 'Bearer ' + token},
                         json={'CmdletInput': {'CmdletName': 'Get-Mailbox', 'Parameters': {'Identity': 'alice'}}})


def test_the_session_sandbox_serves_three_tenants(sandbox):
    tenants = _tenants(sandbox)
    assert len(tenants) == 3
    assert tenants[0] == (sandbox.tenant_id, sandbox.env['EXO_ORGANIZATION'])
    announced = sandbox.env['EXO_SANDBOX_TENANTS'].split(',')
    assert all(tid in announced and org in announced for tid, org in tenants)


def test_a_token_never_crosses_tenants(sandbox):
    tenants = _tenants(sandbox)
    exchange = {tid: _token(sandbox, org, sandbox.env['EXO_EXCHANGE_URL']) for tid, org in tenants}
    graph = {tid: _token(sandbox, tid, sandbox.env['EXO_GRAPH_URL']) for tid, org in tenants}
    for (tid, org), (other_tid, other_org) in itertools.product(tenants, tenants):
        for segment in (other_tid, other_org):
            response = _get_mailbox(sandbox, segment, exchange[tid])
            if tid == other_tid:
                assert response.status_code == 200, response.text
                assert response.json()['value'][0]['PrimarySmtpAddress'].endswith('@' + org.split('.')[0] + '.com')
            else:
                assert response.status_code == 401, (org, segment, response.text)
    for tid, org in tenants:
        response = requests.get('%s/v1.0/users?$select=userPrincipalName' % sandbox.env['EXO_GRAPH_URL'],
                                verify=sandbox.ca_path, timeout=60, headers={'Authorization': 'Bearer ' + graph[tid]})
        assert response.status_code == 200, response.text
        domains = {user['userPrincipalName'].split('@')[1] for user in response.json()['value']}
        assert domains and all(domain.startswith(org.split('.')[0] + '.') for domain in domains), (org, domains)
    # Each tenant issued its own two tokens (Exchange, Graph), and only those.
    counts = sandbox.stats()['tenants']
    assert {tid: counts[tid]['tokens'] for tid, unused in tenants} == {tid: 2 for tid, unused in tenants}


def test_control_surface_names_a_tenant(sandbox):
    tenants = _tenants(sandbox)
    response = sandbox.request('GET', '/_sandbox/state/mailboxes/alice?tenant=' + tenants[1][1])
    assert response.status_code == 200, response.text
    assert response.json()['mailbox']['PrimarySmtpAddress'].endswith('@tenant02.com')
    assert sandbox.request('GET', '/_sandbox/state/mailboxes?tenant=nowhere.example').status_code == 400


def _slices_artifacts(playbook, hosts, slices, work, report_dir):
    """playbooks/tenants_audit.yml over ``hosts`` split as AWX job slicing splits an inventory (slice k
    gets the hosts k, k + slices ..., by name), each slice an ansible-runner run (as AWX runs a job),
    side by side, each writing to ``report_dir`` (as each AWX slice writes to its own
    /runner/artifacts); then the slices' set_stats artifacts merged as AWX hands them to the next
    node of the workflow: key by key, in the order the slices finished, a later one replacing a key an
    earlier one set (awx/main/models/workflow.py, WorkflowJob.get_effective_artifacts). Returns the
    merged artifacts and the slices' hosts in the order they finished."""
    import ansible_runner  # the collection does not need it; the tests do (requirements-dev.txt)

    names, finished = sorted(hosts), []
    runs = []
    for index in range(slices):
        data = work / ('slice%d' % (index + 1))
        (data / 'inventory').mkdir(parents=True)
        share = names[index::slices]
        (data / 'inventory' / 'hosts.json').write_text(json.dumps({'tenants': {
            'hosts': {name: hosts[name] for name in share},
            'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}))
        runs.append((share, ansible_runner.run_async(
            private_data_dir=str(data), playbook=str(REPO / 'playbooks' / 'tenants_audit.yml'), envvars=playbook.env,
            cmdline='--check --diff', quiet=True, finished_callback=lambda runner, share=share: finished.append(share),
            extravars={'report_dir': str(report_dir), 'tenants_audit_artifacts': True})))
    for unused, (thread, unused_runner) in runs:
        thread.join()
    merged = {}
    for share in finished:
        runner = next(r for s, (unused, r) in runs if s == share)
        stats = [e['event_data'] for e in runner.events if e['event'] == 'playbook_on_stats'][-1]
        merged.update(stats.get('artifact_data') or {})
    return merged, finished


def test_audit_of_many_tenants_one_report(playbook, sandbox, tmp_path):
    """playbooks/tenants_audit.yml over two tenants and a third host, the third tenant with a wrong
    secret: one report with a section per tenant and the totals; the wrong secret fails its tenant
    alone, shown as failed; each tenant that signed in used one token for the whole run. (Two good
    tenants, not three: each costs the role's whole run, and the walk covers three.)"""
    tenants = _tenants(sandbox)
    hosts = {}
    for index, (tid, org) in enumerate(tenants):
        name = org.split('.')[0]
        data = tmp_path / ('%s.yml' % name)
        # The provider's alice drifted (she is not hidden), the others' are in sync.
        data.write_text('mailboxes:\n  - identity: alice@%s.com\n    hidden_from_address_lists: %s\n'
                        % (name, 'true' if index == 0 else 'false'))
        hosts[org] = {'exo_tenant_id': tid, 'desired_state_file': str(data)}
    hosts['broken.example'] = dict(hosts.pop(tenants[2][1]), exo_organization=tenants[2][1], exo_client_secret='not-the-secret')
    inventory = tmp_path / 'tenants.yml'
    inventory.write_text(json.dumps({'tenants': {'hosts': hosts, 'vars': {
        'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}))
    report_dir = tmp_path / 'reports'
    sandbox.reset()
    result = playbook.run(str(REPO / 'playbooks' / 'tenants_audit.yml'), '-i', str(inventory), '--check', '--diff',
                          extra_vars={'report_dir': str(report_dir)}, check=False)
    assert result.returncode == 2, result.stdout[-5000:]
    assert 'broken.example could not be compared in full' in result.stdout
    report = json.loads((report_dir / 'tenants.json').read_text())
    status = {t['tenant']: t['status'] for t in report['tenants']}
    assert status == {'broken.example': 'failed', 'contoso.onmicrosoft.com': 'drifted',
                      'tenant02.onmicrosoft.com': 'in_sync'}, report
    broken = next(t for t in report['tenants'] if t['tenant'] == 'broken.example')
    assert 'not-the-secret' not in json.dumps(report) and 'not-the-secret' not in result.stdout
    assert broken['msg'], broken
    assert report['summary']['tenants'] == {'failed': 1, 'drifted': 1, 'in_sync': 1, 'total': 3}
    assert report['summary']['drifted'] == 1 and report['summary']['in_sync'] == 1
    for tenant in report['tenants']:
        if tenant['status'] == 'drifted':
            assert [(o['object'], o['status']) for o in tenant['objects']] == [
                ('alice@%s.com' % tenant['tenant'].split('.')[0], 'drifted')], tenant
    page = (report_dir / 'tenants.html').read_text()
    assert 'Drift report - 3 tenants' in page and 'broken.example' in page
    # Each tenant's own report, as a single-tenant audit writes it.
    assert json.loads((report_dir / 'contoso.onmicrosoft.com' / 'drift.json').read_text())['summary']['drifted'] == 1
    stats = sandbox.stats()
    assert stats['writes'] == 0
    assert {tid: stats['tenants'].get(tid, {}).get('tokens') for tid, unused in tenants} == {
        tenants[0][0]: 1, tenants[1][0]: 1, tenants[2][0]: None}

    # The same tenants in two AWX slices, joined from the artifacts AWX passes to the next node of the
    # workflow: the same report as the one run (the per-host drift_report key of the role, set by both
    # slices, keeps only the last slice's tenants - why the audit keeps one key per tenant).
    merged, finished = _slices_artifacts(playbook, hosts, 2, tmp_path / 'slices', report_dir)
    assert sorted(finished, key=len) == [[sorted(hosts)[1]], sorted(hosts)[0::2]], finished
    assert merged['drift_report'] and set(merged['drift_report']) <= set(finished[-1]), (finished, merged['drift_report'])
    variables = tmp_path / 'artifacts.json'
    variables.write_text(json.dumps(merged))
    playbook.run(str(REPO / 'playbooks' / 'tenants_report_join.yml'), '-e', '@%s' % variables,
                 extra_vars={'report_dir': str(tmp_path / 'joined')})
    joined = json.loads((tmp_path / 'joined' / 'tenants.json').read_text())
    assert dict(joined, generated_at=None) == dict(report, generated_at=None)
