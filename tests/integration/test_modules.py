# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules end to end: ansible-playbook against the sandbox tenant in its own process."""

from __future__ import annotations

import json
import re

import certifi
import pytest


def recap(output):
    """host -> {ok, changed, failed, ...} from the PLAY RECAP of an ansible-playbook run."""
    counts = {}
    for host, fields in re.findall(r'^(\S+)\s+:\s+(ok=.*)$', output, re.MULTILINE):
        counts[host] = {k: int(v) for k, v in re.findall(r'(\w+)=(\d+)', fields)}
    return counts


def test_permission_lifecycle(playbook):
    playbook.run('permission_lifecycle.yml')


def test_bad_input_fails_clearly_and_writes_nothing(playbook):
    playbook.run('permission_failures.yml')


def test_authentication_methods_and_failures(playbook, sandbox):
    playbook.run('auth.yml', extra_vars={'untrusted_ca': certifi.where()})
    assert sandbox.stats()['writes'] == 0


def test_mailbox_info(playbook, seeded):
    playbook.run('mailbox_info.yml', extra_vars=seeded)


@pytest.mark.parametrize('faults, counter', [
    ({'throttle_every': 3, 'retry_after': 1}, 'throttled'),
    ({'error_rate': 0.3, 'retry_after': 1, 'seed': 7}, 'errors'),
], ids=['throttle_every_3', 'error_rate_0.3'])
def test_converges_under_faults(playbook, sandbox, faults, counter):
    sandbox.faults(**faults)
    playbook.run('converge_under_faults.yml', extra_vars={'fault_counter': counter})
    state = sandbox.mailbox_state('support')
    text = json.dumps(state).lower()
    for trustee in ('alice', 'bob', 'dave'):
        assert trustee in text, 'the sandbox itself holds the grant for %s' % trustee


def test_one_token_for_a_whole_run_across_forks(playbook, sandbox, tmp_path):
    inventory = tmp_path / 'hosts.ini'
    inventory.write_text('[tenant]\n' + ''.join(
        'worker%d ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n'
        % n for n in range(4)))
    playbook_path = tmp_path / 'many_tasks.yml'
    playbook_path.write_text(
        '- hosts: tenant\n  gather_facts: false\n  tasks:\n' + ''.join(
            '    - mailops.exchange.exo_mailbox_info:\n        identity: user%04d\n' % n
            for n in range(1, 4)))
    sandbox.reset()
    first = playbook.run(str(playbook_path), '-i', str(inventory), '-f', '4')
    assert all(c['ok'] == 3 and c['failed'] == 0 for c in recap(first.stdout).values())
    stats = sandbox.stats()
    assert stats['tokens'] == 1, '12 module runs in 4 forks asked for one token'
    assert stats['cmdlets']['Get-Mailbox'] == 12

    sandbox.reset()
    playbook.run(str(playbook_path), '-i', str(inventory), '-f', '4')
    assert sandbox.stats()['tokens'] == 0, 'the next run reuses the cached token'

    cache_files = [p for p in (tmp_path / 'cache').rglob('*') if p.is_file()]
    assert cache_files
    for path in cache_files:
        assert path.stat().st_mode & 0o077 == 0, '%s is private to its owner' % path
        assert sandbox.env['AZURE_CLIENT_SECRET'] not in path.read_text(errors='replace')


def test_token_cache_off_asks_every_time(playbook, sandbox, seeded):
    sandbox.reset()
    playbook.run('mailbox_info.yml', extra_vars=seeded, env={'EXO_TOKEN_CACHE': 'false'})
    assert sandbox.stats()['tokens'] > 1
