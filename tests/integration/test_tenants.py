# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Several tenants in the session's one sandbox process: a token never crosses tenants.

The provider's multi-tenant app (one secret) gets a token from each tenant's login endpoint; each
tenant's Exchange accepts only its own tenant's token, and Graph (routed by the token's tenant)
shows each token only its own tenant's users."""

from __future__ import annotations

import itertools

import requests


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
