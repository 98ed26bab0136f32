# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault matrix (issue 8): the desired state of 200 mailboxes converges under every fault.

Each scenario resets the sandbox, injects its faults, and runs fault_matrix.yml: converge, re-run
with the faults still on (changed=0; the sandbox counts 0 writes), audit with the info modules.
Then the sandbox's own state is compared with the desired state, object by object.
docs/reliability.md quotes the figures these tests print (``FAULTS`` lines; ``-s`` shows them).
"""

from __future__ import annotations

import json
import os
import time

import pytest
import requests
from ansible_collections.mailops.exchange.plugins.module_utils.transport import RetryPolicy
from conftest import PlaybookRunner
from desired_state_data import users_needed, write_desired_state
from test_desired_state import check_converged_state

from sandbox.testing import SandboxProcess

N_MAILBOXES = 200
DOMAIN = 'contoso.onmicrosoft.com'
NEW_MAILBOXES = ['fm-shared-%d' % n for n in range(1, 4)]
GROUP = 'fm-group'
# Trustees are seeded users beyond the managed mailboxes (the session's sandbox has 1005).
FIRST_TRUSTEE = 300


def user(number):
    return 'user%04d' % number


def address(name):
    return '%s@%s' % (name, DOMAIN)


def desired_state(n_mailboxes):
    """The variables of fault_matrix.yml: what to converge and what the audit must read."""
    permissions, expected = [], []
    for n in range(1, n_mailboxes + 1):
        entry = {'mailbox': user(n), 'full_access': [user(FIRST_TRUSTEE + n)],
                 'send_as': [user(FIRST_TRUSTEE + 300 + n)] if n % 2 else [],
                 'send_on_behalf': [user(FIRST_TRUSTEE + 600 + n % 100)] if n % 3 == 0 else []}
        permissions.append(entry)
        expected.append(dict({k: [address(t) for t in entry[k]] for k in ('full_access', 'send_as', 'send_on_behalf')},
                             mailbox=address(user(n))))
    members = [user(n) for n in range(1, n_mailboxes + 1)]
    return {'desired_permissions': permissions, 'expected_permissions': expected,
            'new_mailboxes': [address(name) for name in NEW_MAILBOXES],
            'group_name': GROUP, 'group_members': members, 'expected_members': sorted(address(m) for m in members)}


SCENARIOS = {
    'throttle_every_2': {'throttle_every': 2, 'retry_after': 0},
    'throttle_every_3': {'throttle_every': 3, 'retry_after': 0},
    'throttle_every_5': {'throttle_every': 5, 'retry_after': 0},
    'error_rate_0.1': {'error_rate': 0.1, 'retry_after': 0, 'seed': 1},
    'error_rate_0.3': {'error_rate': 0.3, 'retry_after': 0, 'seed': 2},
    'drop_0.05_before': {'drop_rate': 0.05, 'drop_phase': 'before', 'seed': 3},
    'drop_0.05_after': {'drop_rate': 0.05, 'drop_phase': 'after', 'seed': 4},
    'drop_0.2_before': {'drop_rate': 0.2, 'drop_phase': 'before', 'seed': 5},
    'drop_0.2_after': {'drop_rate': 0.2, 'drop_phase': 'after', 'seed': 6},
    # Every create's answer is lost although the object was made: only a re-read can tell.
    'lost_creates': {'drop_rate': 1.0, 'drop_phase': 'after', 'drop_cmdlets': ['New-Mailbox', 'New-DistributionGroup']},
    # One request in 50 takes 3 s longer, past the 2 s read timeout the tasks are given: the client
    # gives up on it while the service still applies it.
    'latency_spikes': {'latency_ms': 5, 'spike_rate': 0.02, 'spike_ms': 3000, 'seed': 8},
}
TIMEOUTS = {'latency_spikes': 2}
INJECTED = ('throttled', 'errors', 'dropped')


def control_session(sandbox):
    session = requests.Session()

    def control(path):
        # verify= on each request: a REQUESTS_CA_BUNDLE in the environment overrides the session's.
        response = session.get('%s/_sandbox/%s' % (sandbox.url, path), verify=sandbox.ca_path, timeout=30)
        response.raise_for_status()
        return response.json()
    return control


def check_sandbox_state(sandbox, state):
    """The sandbox's own model holds exactly the desired state: nothing lost, extra or doubled."""
    control = control_session(sandbox)
    for entry, expected in zip(state['desired_permissions'], state['expected_permissions']):
        mailbox = control('state/mailboxes/' + entry['mailbox'])
        explicit = [(p['User'], p['AccessRights']) for p in mailbox['mailbox_permissions']
                    if not p['IsInherited'] and p['User'] != 'NT AUTHORITY\\SELF']
        assert explicit == [(t, ['FullAccess']) for t in expected['full_access']], mailbox
        send_as = [p['Trustee'] for p in mailbox['recipient_permissions'] if p['Trustee'] != 'NT AUTHORITY\\SELF']
        assert send_as == expected['send_as'], mailbox
        assert mailbox['grant_send_on_behalf_to'] == expected['send_on_behalf'], mailbox
    names = control('state/mailboxes')['mailboxes']
    assert [names.count(name) for name in NEW_MAILBOXES] == [1] * len(NEW_MAILBOXES), 'each created exactly once'
    assert control('state/groups')['groups'].count(GROUP) == 1
    members = control('state/groups/' + GROUP)['members']
    assert sorted(members) == state['expected_members'] and len(set(members)) == len(members)


def cpu_seconds(sandbox):
    """CPU time of this test's finished children (ansible-playbook and its modules) and of the
    sandbox: what a scenario costs on an idle machine, whatever the load of a shared one."""
    times = os.times()
    with open('/proc/%d/stat' % sandbox.process.pid) as stat:
        fields = stat.read().rsplit(')', 1)[1].split()
    return times.children_user + times.children_system + (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def debug_json(stdout, tag):
    """The JSON a playbook printed with ``debug: msg: "<tag> {{ ... | to_json }}"``."""
    line = next(line for line in stdout.splitlines() if '"msg": "%s ' % tag in line)
    return json.loads(json.loads(line.split('"msg": ', 1)[1])[len(tag) + 1:])


# The first backoff after a fault without Retry-After: a user may lower it (retry_delay,
# EXO_RETRY_DELAY) as these runs do, where it is most of a dropped-connection scenario's time
# (2 s, 4 s, 8 s ... by default). What is tested - exact convergence, no duplicate - is the same.
FAST_BACKOFF = {'EXO_RETRY_DELAY': '0.25'}


@pytest.fixture(scope='module')
def desired_file(tmp_path_factory):
    state = desired_state(N_MAILBOXES)
    path = tmp_path_factory.mktemp('desired') / 'desired.json'
    path.write_text(json.dumps(state))
    return state, path


@pytest.mark.parametrize('scenario', list(SCENARIOS))
def test_desired_state_converges_under_faults(playbook, sandbox, desired_file, scenario):
    state, path = desired_file
    sandbox.faults(**SCENARIOS[scenario])
    extra = {'request_timeout': TIMEOUTS[scenario]} if scenario in TIMEOUTS else {}
    started, cpu = time.monotonic(), cpu_seconds(sandbox)
    result = playbook.run('fault_matrix.yml', '-e', '@%s' % path, extra_vars=extra, env=FAST_BACKOFF)
    elapsed, cpu = time.monotonic() - started, cpu_seconds(sandbox) - cpu
    sandbox.faults()
    final = sandbox.stats()
    first = debug_json(result.stdout, 'FAULT_MATRIX')
    again = {k: final[k] - first[k] for k in ('requests', 'writes') + INJECTED}
    print('FAULTS %s: %.1f s (%.1f s CPU); first run %d requests, %d writes, %s; re-run and audit %d requests, %d writes, %s' % (
        scenario, elapsed, cpu, first['requests'], first['writes'], ', '.join('%s %d' % (k, first[k]) for k in INJECTED),
        again['requests'], again['writes'], ', '.join('%s %d' % (k, again[k]) for k in INJECTED)))
    assert again['writes'] == 0, 'the re-run wrote nothing'
    check_sandbox_state(sandbox, state)
    if scenario == 'lost_creates':
        assert first['dropped'] == len(NEW_MAILBOXES) + 1, 'every create lost its answer'
        assert first['cmdlets']['New-Mailbox'] == len(NEW_MAILBOXES), 'and none was sent twice'
        assert first['cmdlets']['New-DistributionGroup'] == 1
    elif scenario != 'latency_spikes':
        assert sum(first[k] for k in INJECTED) > 0, 'the faults were injected'


# The sandbox sends Retry-After: 2 with every 503; RetryPolicy waits at most that plus its
# spread per retry and retries 5 times, so one request gives up within 12.5 s of waiting.
NEVER_CLEARS_RETRY_AFTER = 2
RETRY_WAIT_BOUND_S = 5 * (NEVER_CLEARS_RETRY_AFTER + RetryPolicy().spread(NEVER_CLEARS_RETRY_AFTER))
# Ansible starting the module and the six answered requests: about 2 s on an idle machine, and
# up to 8 s measured on the shared development machine at a load of 13.
MODULE_START_ALLOWANCE_S = 20


def test_a_fault_that_never_clears_fails_in_bounded_time_naming_the_cause(playbook, sandbox, desired_file):
    unused, path = desired_file
    sandbox.faults(error_rate=1.0, retry_after=NEVER_CLEARS_RETRY_AFTER)
    bound = RETRY_WAIT_BOUND_S + MODULE_START_ALLOWANCE_S
    result = playbook.run('fault_never_clears.yml', '-e', '@%s' % path, extra_vars={'bound_s': bound})
    times = debug_json(result.stdout, 'NEVER_CLEARS')
    stats = sandbox.stats()
    print('FAULTS never clears: one mailbox failed after %.1f s, 200 in bulk after %.1f s (bound %.0f s); '
          '%d requests refused, %d writes' % (times['single_s'], times['bulk_s'], bound, stats['errors'], stats['writes']))
    assert stats['writes'] == 0


def test_app_registration_converges_under_replication_delay_and_throttling(playbook, sandbox):
    sandbox.faults(replication_delay_s=2, throttle_every=4, retry_after=0)
    started = time.monotonic()
    result = playbook.run('fault_graph_replication.yml')
    elapsed = time.monotonic() - started
    first = debug_json(result.stdout, 'FAULT_MATRIX')
    final = sandbox.stats()
    print('FAULTS graph replication 2 s + throttle_every 4: %.1f s; first run %d Graph writes, throttled %d; '
          're-run %d writes, throttled %d' % (elapsed, first['writes'], first['throttled'],
                                              final['writes'] - first['writes'], final['throttled'] - first['throttled']))
    assert first['throttled'] > 0
    assert final['writes'] == first['writes'], 'the re-run wrote nothing'


@pytest.fixture(scope='module')
def tenant_200(tmp_path_factory):
    """A sandbox of its own for playbooks/desired_state.yml: 200 seeded shared mailboxes."""
    tmp = tmp_path_factory.mktemp('desired-state-faults')
    with SandboxProcess().start(tmp / 'sandbox', users=users_needed(N_MAILBOXES), shared=N_MAILBOXES) as running:
        yield running, tmp


def test_desired_state_playbook_converges_under_dropped_connections(tenant_200):
    """The user's desired-state playbook itself at N = 200, connections dropped before and after
    the service acted (20 %): converged exactly, and the re-run under the same faults writes nothing."""
    sandbox, tmp = tenant_200
    data_file, results_path = tmp / 'desired.yml', tmp / 'results.json'
    data = write_desired_state(data_file, N_MAILBOXES)
    runner = PlaybookRunner(sandbox, tmp / 'cache')
    variables = {'desired_state_file': data_file, 'results_path': results_path, 'verify': True}
    sandbox.faults(drop_rate=0.2, drop_phase='random', seed=9)
    started, cpu = time.monotonic(), cpu_seconds(sandbox)
    runner.run('desired_state_run.yml', extra_vars=variables, env=FAST_BACKOFF)
    first = sandbox.stats()
    sandbox.reset()
    runner.run('desired_state_run.yml', extra_vars=variables, env=FAST_BACKOFF)
    again = sandbox.stats()
    elapsed, cpu = time.monotonic() - started, cpu_seconds(sandbox) - cpu
    sandbox.faults()
    outcome = json.loads(results_path.read_text())
    print('FAULTS desired_state.yml, drop 0.2 before and after: %.1f s (%.1f s CPU); first run %d requests, '
          '%d writes, %d dropped; re-run %d requests, %d writes, %d dropped' % (
              elapsed, cpu, first['requests'], first['writes'], first['dropped'],
              again['requests'], again['writes'], again['dropped']))
    assert first['dropped'] > 0 and again['dropped'] > 0
    assert again['writes'] == 0 and not any(r['changed'] or r['failed'] for r in outcome['results'])
    check_converged_state(data, outcome, sandbox)
    control = control_session(sandbox)
    names = control('state/mailboxes')['mailboxes']
    rooms = [m['name'] for m in data['mailboxes'] if m['type'] == 'room']
    assert [names.count(room) for room in rooms] == [1] * len(rooms), 'each room created exactly once'
    groups = control('state/groups')['groups']
    assert [groups.count(g['name']) for g in data['groups']] == [1] * len(data['groups'])
