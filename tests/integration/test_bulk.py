# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bulk mode: many objects in one task, per-object outcomes, one token."""

from __future__ import annotations


def test_mailbox_permissions_in_bulk(playbook, sandbox):
    playbook.run('permission_bulk.yml')
    state = sandbox.mailbox_state('shared0001')
    assert 'alice' not in str(state.get('mailbox_permissions')).lower()
    assert 'carol' in str(state.get('mailbox_permissions')).lower()
