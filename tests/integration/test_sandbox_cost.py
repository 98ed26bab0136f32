# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sandbox's cost model against real requests (sandbox.cost, docs/sandbox.md "The cost
model"): an app beyond its concurrency budget is answered 429 with Retry-After, and a module
that meets it converges anyway."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor


def test_requests_beyond_the_concurrency_budget_get_429_with_retry_after(sandbox):
    sandbox.faults(concurrency_budget=2, latency_ms=1000, retry_after=3)
    token = sandbox.mint_token()
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda unused: sandbox.invoke('Get-Mailbox', {'Identity': 'alice'}, token=token),
                                range(4)))
    sandbox.faults()
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200, 200, 429, 429]
    refused = [answer for answer in answers if answer.status_code == 429]
    assert all(answer.headers['Retry-After'] == '3' for answer in refused)
    assert 'already has 2 requests in flight' in refused[0].json()['error']['message']
    assert all('Rate-Limit-Remaining' in answer.headers for answer in answers)
    stats = sandbox.stats()
    assert stats['over_budget'] == 2 and stats['peak_in_flight'] == 2


def test_the_rate_budget_is_announced_and_enforced(sandbox):
    sandbox.faults(rate_budget=3, rate_window_s=3600)
    remaining = [sandbox.invoke('Get-Mailbox', {'Identity': 'alice'}) for unused in range(4)]
    sandbox.faults()
    assert [answer.status_code for answer in remaining] == [200, 200, 200, 429]
    assert [answer.headers['Rate-Limit-Remaining'] for answer in remaining] == ['2', '1', '0', '0']
    assert remaining[0].headers['Rate-Limit-Limit'] == '3'
    assert int(remaining[3].headers['Retry-After']) >= 1


def test_a_page_costs_more_than_one_object_and_a_sequential_batch_one_latency_per_entry(sandbox):
    sandbox.faults(latency_ms=200, rows_per_latency=200)
    start = time.monotonic()
    page = sandbox.invoke('Get-Mailbox', {'ResultSize': 'Unlimited'}, headers={'Prefer': 'odata.maxpagesize=1000'})
    paged = time.monotonic() - start
    start = time.monotonic()
    sandbox.invoke('Get-Mailbox', {'Identity': 'alice'}).raise_for_status()
    single = time.monotonic() - start
    assert page.status_code == 200 and len(page.json()['value']) == 1000
    # 200 ms, plus 200 ms per 200 rows: 1.2 s against 0.2 s.
    assert paged >= 1.2 > single
    batch = {'requests': [{'id': str(n), 'method': 'POST', 'url': 'InvokeCommand',
                           'body': {'CmdletInput': {'CmdletName': 'Get-Mailbox', 'Parameters': {'Identity': 'alice'}}}}
                          for n in range(5)]}
    timings = {}
    headers = {'Authorization': 'Bearer ' + sandbox.mint_token()}
    for model in ('parallel', 'sequential'):
        sandbox.faults(latency_ms=200, batch_model=model)
        start = time.monotonic()
        answer = sandbox.request('POST', '/adminapi/beta/%s/$batch' % sandbox.tenant_id, json=batch, headers=headers)
        timings[model] = time.monotonic() - start
        assert [entry['status'] for entry in answer.json()['responses']] == [200] * 5
    sandbox.faults()
    assert timings['parallel'] < 0.6 and timings['sequential'] >= 1.0


def test_a_module_beyond_the_concurrency_budget_converges(playbook, sandbox):
    sandbox.faults(concurrency_budget=2, latency_ms=300)
    playbook.run('over_budget.yml')
    stats = sandbox.stats()
    sandbox.faults()
    assert stats["over_budget"] > 0 and stats["peak_in_flight"] == 2, stats
    held = sandbox.trustee_state('alice')['full_access']
    assert sorted(name for name in held if name.startswith('user')) == ['user%04d' % n for n in range(1, 41)]


def test_a_described_state_is_seeded_through_the_control_surface(sandbox):
    state = {'mailboxes': [{'mailbox': 'shared0001', 'full_access': ['user0001'], 'send_as': ['user0002'],
                            'send_on_behalf': ['user0003']}],
             'groups': [{'group': 'seeded-group', 'members': ['shared0001']}]}
    answer = sandbox.request('POST', '/_sandbox/seed', json=state)
    assert answer.json() == {'seeded': {'full_access': 1, 'send_as': 1, 'send_on_behalf': 1, 'groups': 1, 'members': 1}}
    assert sandbox.trustee_state('user0002')['send_as'] == ['shared0001']
    assert sandbox.stats()['writes'] == 0
    refused = sandbox.request('POST', '/_sandbox/seed', json={'mailboxes': [{'mailbox': 'nobody'}]})
    assert refused.status_code == 400 and 'mailboxes[0]' in refused.json()['error']['message']
