"""Exchange role-based access control for apps: service principals, management scopes, role
groups and management role assignments, and the one decision the front end asks of them.

An app without an Exchange-capable Entra role may still run cmdlets when its Exchange service
principal (``New-ServicePrincipal``) holds management role assignments, directly
(``New-ManagementRoleAssignment -App``) or through a role group it is a member of. It may run
exactly the cmdlets of those assignments' roles (any other is refused 403, as the service refuses
it), and an assignment with a custom recipient write scope lets it write only to the recipients
the scope's ``RecipientRestrictionFilter`` selects; reads are not scoped. The role -> cmdlet table
is the sandbox's guess of the service's (docs/sandbox.md, "Exchange RBAC for apps"). The cmdlets
and the access decision are in ``cmdlets_rbac.py``; this module imports nothing of the sandbox, so
the organisation model can hold the state.
"""

MAIL_RECIPIENTS = "Mail Recipients"
MAIL_RECIPIENT_CREATION = "Mail Recipient Creation"
DISTRIBUTION_GROUPS = "Distribution Groups"
RECIPIENT_POLICIES = "Recipient Policies"
RETENTION_MANAGEMENT = "Retention Management"
ROLE_MANAGEMENT = "Role Management"
VIEW_ONLY_RECIPIENTS = "View-Only Recipients"

# Role -> the cmdlets it holds (those the sandbox serves). A cmdlet may be in more than one role.
ROLES = {
    MAIL_RECIPIENTS: (
        "Get-Mailbox", "Set-Mailbox", "Get-Recipient", "Set-User", "Get-MailUser", "Set-MailUser",
        "Get-MailContact", "Set-MailContact", "Get-Contact", "Set-Contact", "Get-CASMailbox", "Set-CASMailbox",
        "Get-CalendarProcessing", "Set-CalendarProcessing", "Get-MailboxAutoReplyConfiguration",
        "Set-MailboxAutoReplyConfiguration", "Get-MailboxRegionalConfiguration", "Set-MailboxRegionalConfiguration",
        "Get-MailboxPermission", "Add-MailboxPermission", "Remove-MailboxPermission", "Get-RecipientPermission",
        "Add-RecipientPermission", "Remove-RecipientPermission", "Get-MailboxFolderPermission",
        "Add-MailboxFolderPermission", "Set-MailboxFolderPermission", "Remove-MailboxFolderPermission",
        "Get-MailboxFolderStatistics",
    ),
    MAIL_RECIPIENT_CREATION: (
        "New-Mailbox", "Remove-Mailbox", "Enable-Mailbox", "Disable-Mailbox", "New-MailUser", "Remove-MailUser",
        "New-MailContact", "Remove-MailContact", "Get-Recipient",
    ),
    DISTRIBUTION_GROUPS: (
        "Get-DistributionGroup", "New-DistributionGroup", "Set-DistributionGroup", "Remove-DistributionGroup",
        "Get-DistributionGroupMember", "Add-DistributionGroupMember", "Remove-DistributionGroupMember",
        "Get-DynamicDistributionGroup", "New-DynamicDistributionGroup", "Set-DynamicDistributionGroup",
        "Remove-DynamicDistributionGroup", "Get-Group", "Set-Group", "Get-UnifiedGroup", "New-UnifiedGroup",
        "Set-UnifiedGroup", "Remove-UnifiedGroup", "Get-UnifiedGroupLinks", "Add-UnifiedGroupLinks",
        "Remove-UnifiedGroupLinks", "Get-Recipient",
    ),
    RECIPIENT_POLICIES: ("Get-OwaMailboxPolicy", "Get-MobileDeviceMailboxPolicy"),
    RETENTION_MANAGEMENT: ("Get-RetentionPolicy",),
    ROLE_MANAGEMENT: (
        "Get-ServicePrincipal", "New-ServicePrincipal", "Set-ServicePrincipal", "Remove-ServicePrincipal",
        "Get-ManagementScope", "New-ManagementScope", "Set-ManagementScope", "Remove-ManagementScope",
        "Get-RoleGroup", "New-RoleGroup", "Set-RoleGroup", "Remove-RoleGroup", "Get-RoleGroupMember",
        "Add-RoleGroupMember", "Remove-RoleGroupMember", "Get-ManagementRoleAssignment",
        "New-ManagementRoleAssignment", "Set-ManagementRoleAssignment", "Remove-ManagementRoleAssignment",
    ),
    VIEW_ONLY_RECIPIENTS: (
        "Get-Mailbox", "Get-Recipient", "Get-MailUser", "Get-MailContact", "Get-Contact",
        "Get-CASMailbox", "Get-CalendarProcessing", "Get-DistributionGroup", "Get-DistributionGroupMember",
        "Get-DynamicDistributionGroup", "Get-Group", "Get-UnifiedGroup", "Get-UnifiedGroupLinks",
        "Get-MailboxPermission", "Get-RecipientPermission", "Get-MailboxFolderPermission",
    ),
}
_BY_LOWER = {name.lower(): name for name in ROLES}
# Roles whose writes reach recipients, and so are limited by a custom recipient write scope.
RECIPIENT_ROLES = frozenset((MAIL_RECIPIENTS, MAIL_RECIPIENT_CREATION, DISTRIBUTION_GROUPS))
# The built-in role groups (a subset of the service's) and their roles.
BUILT_IN_ROLE_GROUPS = {
    "Organization Management": tuple(ROLES),
    "Recipient Management": (MAIL_RECIPIENTS, MAIL_RECIPIENT_CREATION, DISTRIBUTION_GROUPS, RECIPIENT_POLICIES),
    "View-Only Organization Management": (VIEW_ONLY_RECIPIENTS,),
}


def role_name(text):
    """The canonical name of the role ``text`` names (case-insensitive), or None."""
    return _BY_LOWER.get(str(text).strip().lower())


def roles_holding(cmdlet):
    """The roles that hold ``cmdlet`` (case-insensitive), in table order."""
    wanted = cmdlet.lower()
    return [role for role, names in ROLES.items() if wanted in (name.lower() for name in names)]


class RbacState:
    """The organisation's RBAC objects, each a dict of its wire row's values keyed by lower-case name
    (service principals by their Guid)."""

    def __init__(self, new_guid):
        self.service_principals = {}
        self.scopes = {}
        self.role_groups = {}
        self.assignments = {}
        for name, roles in BUILT_IN_ROLE_GROUPS.items():
            self.role_groups[name.lower()] = {"Name": name, "Description": "", "Roles": list(roles),
                                              "Members": [], "CustomRecipientWriteScope": None,
                                              "Guid": new_guid(), "BuiltIn": True}

    def principal_of_app(self, app_id):
        """The service principal of the app whose client id is ``app_id``, or None."""
        for principal in self.service_principals.values():
            if principal["AppId"].lower() == str(app_id).lower():
                return principal
        return None

    def grants(self, principal):
        """``(role, scope name or None)`` of every enabled assignment the principal holds, directly
        or through a role group it is a member of."""
        found = [(a["Role"], a["CustomRecipientWriteScope"]) for a in self.assignments.values()
                 if a["App"] == principal["Guid"] and a["Enabled"]]
        for group in self.role_groups.values():
            if principal["Guid"] in group["Members"]:
                found.extend((role, group["CustomRecipientWriteScope"]) for role in group["Roles"])
        return found
