# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bulk mode: many objects in one task, per-object outcomes, one token."""

from __future__ import annotations


def test_mailbox_permissions_in_bulk(playbook, sandbox):
    playbook.run('permission_bulk.yml')
    state = sandbox.mailbox_state('shared0001')
    assert 'alice' not in str(state.get('mailbox_permissions')).lower()
    assert 'carol' in str(state.get('mailbox_permissions')).lower()


def test_permission_audit_reads_ten_to_a_request(playbook, sandbox, tmp_path):
    audit = tmp_path / 'audit.yml'
    audit.write_text(
        '- hosts: localhost\n  gather_facts: false\n  tasks:\n'
        '    - mailops.exchange.exo_mailbox_permission_info:\n'
        '        mailboxes: "{{ query(\'ansible.builtin.sequence\', \'start=1 end=20 format=user%04d\') }}"\n'
        '      register: audit\n'
        '    - ansible.builtin.assert:\n'
        '        that: audit.permissions | length == 20\n')
    sandbox.reset()
    playbook.run(str(audit))
    stats = sandbox.stats()
    # Both pages of the organisation's mailboxes find all 20; the permission reads go ten to a
    # request; the explicit trustee lists are empty, so no lookups.
    assert stats['reads'] == 42
    assert stats['cmdlets'] == {'Get-Mailbox': 2, 'Get-MailboxPermission': 20, 'Get-RecipientPermission': 20}
    # Two pages of mailboxes, four batches of permission reads, plus the token's two requests.
    assert stats['requests'] == 2 + 4 + 2


def _members(sandbox, group):
    rows = sandbox.invoke('Get-DistributionGroupMember', {'Identity': group}).json()['value']
    return sorted(row['PrimarySmtpAddress'] for row in rows)


def test_group_members_in_bulk(playbook, sandbox):
    playbook.run('groups_bulk.yml')
    # What the service holds afterwards, read past the module.
    assert _members(sandbox, 'finance') == ['alice@contoso.com']
    assert _members(sandbox, 'sales-team') == ['carol@contoso.com', 'user0001@contoso.onmicrosoft.com']
    assert _members(sandbox, 'all-staff') == ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com',
                                              'dave@contoso.com']


def test_permissions_of_many_mailboxes_are_read_in_bulk(playbook):
    playbook.run('permission_bulk_reads.yml')


def test_mailboxes_in_bulk(playbook, sandbox):
    playbook.run('mailbox_bulk.yml')
    # What the service holds afterwards, read past the module.
    room = sandbox.invoke('Get-Mailbox', {'Identity': 'room-bulk@contoso.com'}).json()['value'][0]
    assert (room['RecipientTypeDetails'], room['ResourceCapacity'], room['HiddenFromAddressListsEnabled']) == \
        ('RoomMailbox', 8, True)
    assert sandbox.invoke('Get-Mailbox', {'Identity': 'bulk-a@contoso.com'}).status_code != 200
    bulk_b = sandbox.invoke('Get-Mailbox', {'Identity': 'bulk-b@contoso.com'}).json()['value'][0]
    assert (bulk_b['CustomAttribute1'], bulk_b['RecipientTypeDetails']) == ('sales', 'SharedMailbox')
