# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Groups, their members and the permission audit end to end, against the sandbox tenant."""

from __future__ import annotations


def test_distribution_group_lifecycle_and_bad_input(playbook, sandbox):
    playbook.run('distribution_group.yml')

    # The board the walk left, read past the module, then removed so other walks see the seed.
    def read(cmdlet, **parameters):
        return sandbox.invoke(cmdlet, parameters).json()['value']

    board = read('Get-DistributionGroup', Identity='board')[0]
    assert (board['ModerationEnabled'], board['ModeratedBy'], board['SendModerationNotifications']) == (False, ['bob'], 'Internal')
    assert (board['AcceptMessagesOnlyFromSendersOrMembers'], board['RejectMessagesFromSendersOrMembers']) == (['all-staff', 'alice'], [])
    assert (board['BypassModerationFromSendersOrMembers'], board['GrantSendOnBehalfTo']) == (['carol'], ['alice'])
    assert (board['HiddenGroupMembershipEnabled'], board['RequireSenderAuthenticationEnabled']) == (True, False)
    assert (board['CustomAttribute1'], board['CustomAttribute7']) == ('', 'cc-43')
    assert read('Get-Group', Identity='board')[0]['Notes'] == 'Board of directors (2026)'
    assert [row['Name'] for row in read('Get-DistributionGroupMember', Identity='board')] == ['alice']
    assert sandbox.invoke('Remove-DistributionGroup', {'Identity': 'board', 'Confirm': False}).status_code == 200


def test_distribution_group_membership_and_bad_input(playbook):
    playbook.run('distribution_group_member.yml')


def test_mailbox_permission_audit(playbook, seeded):
    playbook.run('mailbox_permission_info.yml', extra_vars=seeded)


def test_distribution_groups_in_bulk(playbook, sandbox):
    playbook.run('groups_bulk_groups.yml')
    # What the service holds afterwards, read past the module.
    finance = sandbox.invoke('Get-DistributionGroup', {'Identity': 'finance'}).json()['value'][0]
    assert (finance['DisplayName'], finance['ManagedBy'], finance['RequireSenderAuthenticationEnabled']) == \
        ('Finance Team', ['alice'], False)
    assert sandbox.invoke('Get-DistributionGroup', {'Identity': 'bulk-01'}).status_code != 200
    assert sandbox.invoke('Get-DistributionGroup', {'Identity': 'bulk-03'}).json()['value'][0]['PrimarySmtpAddress'] \
        == 'bulk-03@contoso.com'
