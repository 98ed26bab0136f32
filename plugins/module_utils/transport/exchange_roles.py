# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""The Exchange management role that holds each cmdlet the collection's Exchange Online modules call.

An app without an Entra directory role runs only the cmdlets of the Exchange roles assigned to its
service principal, and the service refuses any other with an empty 403 that does not say why
(PROTOCOL.md §7); the runner names the role that is missing from this table. The least-privilege
bootstrap assigns exactly these roles, and the guide's module -> cmdlet -> role table is generated
from the modules and this table (``scripts/exchange_roles.py``; a unit test keeps them in step).

A real role holds many more cmdlets and a cmdlet may be in several roles (View-Only Recipients also
holds the Get- cmdlets of recipients); this table names the one role that lets the modules do their
work, from Microsoft's cmdlet references (docs/sandbox.md, "Exchange RBAC for apps").
"""

MAIL_RECIPIENTS = 'Mail Recipients'
MAIL_RECIPIENT_CREATION = 'Mail Recipient Creation'
DISTRIBUTION_GROUPS = 'Distribution Groups'
RECIPIENT_POLICIES = 'Recipient Policies'
RETENTION_MANAGEMENT = 'Retention Management'
ROLE_MANAGEMENT = 'Role Management'

_ROLES = {
    MAIL_RECIPIENTS: (
        'Get-Mailbox', 'Set-Mailbox', 'Get-Recipient', 'Set-User', 'Get-MailUser', 'Set-MailUser', 'Get-MailContact',
        'Set-MailContact', 'Get-Contact', 'Set-Contact', 'Get-CASMailbox', 'Set-CASMailbox', 'Get-CalendarProcessing',
        'Set-CalendarProcessing', 'Get-MailboxAutoReplyConfiguration', 'Set-MailboxAutoReplyConfiguration',
        'Get-MailboxRegionalConfiguration', 'Set-MailboxRegionalConfiguration', 'Get-MailboxPermission',
        'Add-MailboxPermission', 'Remove-MailboxPermission', 'Get-RecipientPermission', 'Add-RecipientPermission',
        'Remove-RecipientPermission', 'Get-MailboxFolderPermission', 'Add-MailboxFolderPermission',
        'Set-MailboxFolderPermission', 'Remove-MailboxFolderPermission', 'Get-MailboxFolderStatistics',
    ),
    MAIL_RECIPIENT_CREATION: (
        'New-Mailbox', 'Remove-Mailbox', 'Enable-Mailbox', 'Disable-Mailbox', 'New-MailUser', 'Remove-MailUser',
        'New-MailContact', 'Remove-MailContact',
    ),
    DISTRIBUTION_GROUPS: (
        'Get-DistributionGroup', 'New-DistributionGroup', 'Set-DistributionGroup', 'Remove-DistributionGroup',
        'Get-DistributionGroupMember', 'Add-DistributionGroupMember', 'Remove-DistributionGroupMember',
        'Get-DynamicDistributionGroup', 'New-DynamicDistributionGroup', 'Set-DynamicDistributionGroup',
        'Remove-DynamicDistributionGroup', 'Get-Group', 'Set-Group', 'Get-UnifiedGroup', 'New-UnifiedGroup',
        'Set-UnifiedGroup', 'Remove-UnifiedGroup', 'Get-UnifiedGroupLinks', 'Add-UnifiedGroupLinks',
        'Remove-UnifiedGroupLinks',
    ),
    RECIPIENT_POLICIES: ('Get-OwaMailboxPolicy', 'Get-MobileDeviceMailboxPolicy'),
    RETENTION_MANAGEMENT: ('Get-RetentionPolicy',),
    ROLE_MANAGEMENT: (
        'Get-ServicePrincipal', 'New-ServicePrincipal', 'Set-ServicePrincipal', 'Remove-ServicePrincipal', 'Get-ManagementScope',
        'New-ManagementScope', 'Set-ManagementScope', 'Remove-ManagementScope', 'Get-RoleGroup', 'New-RoleGroup',
        'Set-RoleGroup', 'Remove-RoleGroup', 'Get-RoleGroupMember', 'Add-RoleGroupMember', 'Remove-RoleGroupMember',
        'Get-ManagementRoleAssignment', 'New-ManagementRoleAssignment', 'Set-ManagementRoleAssignment',
        'Remove-ManagementRoleAssignment',
    ),
}

ROLE_OF = dict((cmdlet.lower(), role) for role, cmdlets in _ROLES.items() for cmdlet in cmdlets)
CMDLETS = dict((cmdlet.lower(), cmdlet) for cmdlets in _ROLES.values() for cmdlet in cmdlets)


def role_of(cmdlet):
    """The Exchange management role that holds ``cmdlet`` (case-insensitive), or None if the table has none."""
    return ROLE_OF.get(str(cmdlet or '').lower())
