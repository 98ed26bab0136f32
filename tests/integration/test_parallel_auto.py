# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``parallel: auto`` against a service with a concurrency budget (issue 23 item 2): the task finds
the budget by itself (more requests in flight while answered, half on a 429) and converges
exactly - each mailbox written once, a re-run that finds nothing to change. The mailboxes are
found in an organisation-wide read split into Name ranges paged side by side (item 3), or in one
stream where the service refuses range filters."""

from __future__ import annotations

import json

BUDGET = 5
MAILBOXES = 200

PLAY = '''- hosts: localhost
  gather_facts: false
  vars:
    wanted: %(wanted)s
  tasks:
    - name: Grant in bulk with the default parallel (auto)
      mailops.exchange.exo_mailbox_permission:
        mailboxes: "{{ wanted }}"
      register: granted
    - name: The same task again, in check mode
      mailops.exchange.exo_mailbox_permission:
        mailboxes: "{{ wanted }}"
      check_mode: true
      register: again
    - name: Where auto settled
      ansible.builtin.copy:
        dest: "%(out)s"
        content: "{{ {'granted': granted.concurrency, 'again': again.concurrency, 'changed': again.changed,
                      'entries': granted.results | length} | to_json }}"
        mode: "0600"
'''


def test_auto_settles_near_the_concurrency_budget_and_converges_exactly(playbook, sandbox, tmp_path):
    out = tmp_path / 'settled.json'
    play = tmp_path / 'auto.yml'
    wanted = [{'mailbox': 'user%04d' % n, 'full_access': ['alice']} for n in range(1, MAILBOXES + 1)]
    play.write_text(PLAY % {'wanted': json.dumps(wanted), 'out': out})
    # Pages of 100 rows: the organisation's 1,000-odd mailboxes are a chain of pages worth splitting.
    sandbox.faults(concurrency_budget=BUDGET, latency_ms=20, retry_after=0, page_size=100)
    playbook.run(str(play))
    stats = sandbox.stats()
    settled = json.loads(out.read_text())
    # auto went past the budget at least once (the sandbox refused it), and ended near it.
    assert stats['over_budget'] > 0, stats
    # Each run: four pages of the chain, then the organisation again in nine Name ranges (those
    # with more than a page of names take more), instead of the whole chain.
    assert stats['cmdlets']['Get-Mailbox'] >= 2 * (4 + 9), stats['cmdlets']
    assert BUDGET // 2 <= settled['granted'] <= BUDGET + 1, settled
    assert settled['entries'] == MAILBOXES and settled['changed'] is False, settled
    # Exactly one write per mailbox, whatever was refused and sent again.
    assert stats['writes'] == MAILBOXES, stats
    for name in ('user0001', 'user%04d' % MAILBOXES):
        assert 'alice' in str(sandbox.mailbox_state(name).get('mailbox_permissions')).lower()


CHECK = '''- hosts: localhost
  gather_facts: false
  tasks:
    - name: What granting would change, found in one stream of pages
      mailops.exchange.exo_mailbox_permission:
        mailboxes: %(wanted)s
      check_mode: true
      register: audit
    - name: Every mailbox found, each would change
      ansible.builtin.assert:
        that:
          - audit.results | length == %(n)d
          - audit.results | rejectattr('changed') | list | length == 0
'''


def test_the_split_falls_back_to_one_stream_where_range_filters_are_refused(playbook, sandbox, tmp_path):
    play = tmp_path / 'check.yml'
    count = 190
    wanted = [{'mailbox': 'user%04d' % n, 'full_access': ['alice']} for n in range(1, count + 1)]
    play.write_text(CHECK % {'wanted': json.dumps(wanted), 'n': count})
    sandbox.faults(refuse_filter_ranges=True, page_size=100)
    playbook.run(str(play))
    stats = sandbox.stats()
    # Four pages of the chain, the nine refused ranges, then the organisation's 1,009 mailboxes or
    # more in one stream of pages of 100: every mailbox was found all the same.
    assert stats['cmdlets']['Get-Mailbox'] >= 4 + 9 + 11, stats['cmdlets']
    assert stats['writes'] == 0
