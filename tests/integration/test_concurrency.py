# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One object touched twice: by two runs at once, as two AWX jobs would (each run's change must
survive), or by two entries of one bulk task (refused before any write)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PLAYBOOKS = Path(__file__).resolve().parent / 'playbooks'


def start(playbook, tmp_path, name, path='concurrent_addresses.yml', **extra_vars):
    """ansible-playbook in the background, with a token cache of its own (another job)."""
    env = dict(playbook.env, XDG_CACHE_HOME=str(tmp_path / name))
    command = [str(Path(sys.executable).with_name('ansible-playbook')), str(PLAYBOOKS / path)]
    for key, value in extra_vars.items():
        command += ['-e', '%s=%s' % (key, value)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            stdin=subprocess.DEVNULL)


def test_an_address_added_by_one_run_and_removed_by_another_at_once_both_stand(playbook, sandbox, tmp_path):
    sandbox.invoke('Set-Mailbox', {'Identity': 'paula@contoso.com',
                                   'EmailAddresses': {'Add': ['smtp:paula.old@contoso.com']}})
    # Every request takes 3 s, so both runs read the mailbox before either writes: a run that
    # sent the whole list it read would put back what the other removed, or drop what it added.
    sandbox.faults(latency_ms=3000)
    runs = [start(playbook, tmp_path, 'adder', address='paula.new@contoso.com', mode='add'),
            start(playbook, tmp_path, 'remover', address='paula.old@contoso.com', mode='remove')]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], '\n'.join(outputs)
    sandbox.faults()
    addresses = [a.lower() for a in sandbox.mailbox_state('paula')['mailbox']['EmailAddresses']]
    assert 'smtp:paula.new@contoso.com' in addresses
    assert 'smtp:paula.old@contoso.com' not in addresses
    assert 'smtp:paula@legacy.contoso.example' in addresses


def test_one_object_named_twice_in_a_bulk_task_is_refused_before_any_write(playbook, sandbox):
    playbook.run('duplicate_entries.yml')
    assert sandbox.request('GET', '/_sandbox/state/mailboxes/dup-box@contoso.com').status_code == 404
    assert sandbox.request('GET', '/_sandbox/state/mailboxes/fine-box@contoso.com').status_code == 200


def test_two_runs_creating_one_group_at_once_both_succeed_with_one_group(playbook, sandbox, tmp_path):
    # Both runs find no group and check its name free before either creates it; the second
    # New-DistributionGroup meets "already exists" and converges the group the first made.
    sandbox.faults(latency_ms=3000)
    runs = [start(playbook, tmp_path, name, 'concurrent_group.yml') for name in ('first', 'second')]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    sandbox.faults()
    assert [run.returncode for run in runs] == [0, 0], '\n'.join(outputs)
    groups = sandbox.invoke('Get-DistributionGroup', {'Identity': 'race-team@contoso.com'}).json()['value']
    assert len(groups) == 1 and groups[0]['DisplayName'] == 'Race Team'
    assert sandbox.stats()['cmdlets']['New-DistributionGroup'] == 2
