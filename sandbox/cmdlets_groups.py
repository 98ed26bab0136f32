"""Distribution and mail-enabled security groups: Get/New/Set/Remove-DistributionGroup and
Get/Add/Remove-DistributionGroupMember over the organisation model.

Groups are recipients like mailboxes: one identity resolver, and names and proxy addresses
unique across the organisation. Importing this module adds its cmdlets to ``cmdlets.CMDLETS``.
"""

from functools import partial
import re

from . import views
from . import errors, identity
from .cmdlets import (
    CMDLETS,
    Cmdlet,
    CmdletResult,
    EnumType,
    _CONFIRM,
    _GET_COMMON,
    _bool,
    _enum,
    _identity,
    _identity_list,
    _limit,
    _multi_valued,
    _nullable_string,
    _query,
    _result_size,
    _smtp_or_null,
    _string,
    apply_multi_valued,
)
from .model import GROUP_RECIPIENT_LISTS, timestamp

MEMBER_ALREADY_EXISTS = "Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException"
MEMBER_NOT_FOUND = "Microsoft.Exchange.Management.Tasks.MemberNotFoundException"
PROXY_ADDRESS_EXISTS = "Microsoft.Exchange.Data.Directory.ProxyAddressExistsException"
NAME_EXISTS = "Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException"
REQUIRES_MANAGER = "Microsoft.Exchange.Configuration.Tasks.OperationRequiresGroupManagerException"
RECIPIENT_TASK = "Microsoft.Exchange.Configuration.Tasks.RecipientTaskException"

GROUP_TYPE = EnumType("Microsoft.Exchange.Management.RecipientTasks.GroupType",
                      ["Distribution", "Security"])
MEMBER_UPDATE_TYPE = EnumType("Microsoft.Exchange.Data.Directory.Recipient.MemberUpdateType",
                              ["Open", "Closed", "ApprovalRequired"])
NOTIFICATION_FLAGS = EnumType(
    "Microsoft.Exchange.Data.Directory.Recipient.TransportModerationNotificationFlags",
    ["Never", "Internal", "Always"])

# Characters Exchange drops from a Name to make the default Alias (RFC 5322 atom text and dots).
_NOT_ALIAS = re.compile(r"[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]")


def _group(org, params):
    return identity.resolve(org, params["Identity"], org.groups(view=True))


def _member_label(recipient):
    return recipient.primary_smtp_address or recipient.name


def _require_manager(group, params):
    """Security groups change only for their owners or with -BypassSecurityGroupManagerCheck.

    The app calling the sandbox is never an owner, so only the switch lets it through.
    """
    if group.recipient_type_details == "MailUniversalSecurityGroup" and not params.get(
            "BypassSecurityGroupManagerCheck"):
        raise errors.CmdletFailure(
            "You don't have sufficient permissions. This operation can only be performed by a "
            "manager of the group.", REQUIRES_MANAGER)


def _check_restrictions(security, join, depart):
    if security and "Open" in (join, depart):
        raise errors.CmdletFailure(
            "Security groups can't be open for members to join or leave. Set "
            "MemberJoinRestriction and MemberDepartRestriction to Closed or ApprovalRequired.",
            RECIPIENT_TASK)


def _check_moderation(security, props):
    """A moderated security group needs a moderator of its own (Microsoft documents it; the
    error's text and type are the sandbox's guess, see docs/sandbox.md)."""
    if security and props["ModerationEnabled"] and not props["ModeratedBy"]:
        raise errors.CmdletFailure(
            "To enable moderation for a mail-enabled security group, specify at least one "
            "moderator with the ModeratedBy parameter.", RECIPIENT_TASK)


def _check_hidden_membership(group, updates):
    """Hidden membership cannot be revealed again (Microsoft documents it; the error is a guess)."""
    if group.properties["HiddenGroupMembershipEnabled"] and updates.get(
            "HiddenGroupMembershipEnabled") is False:
        raise errors.CmdletFailure(
            f"The membership of the group '{group.name}' is hidden, and hidden membership can't "
            "be revealed.", RECIPIENT_TASK)


def _check_addresses(org, group, addresses):
    for address in addresses:
        owner = org.claimant(address.split(":", 1)[-1])
        if owner is not None and owner is not group:
            raise errors.CmdletFailure(
                f'The proxy address "{address}" is already being used by the proxy addresses '
                f'or LegacyExchangeDN of "{owner.name}". Please choose another proxy address.',
                PROXY_ADDRESS_EXISTS)


def _resolve_all(org, names):
    return list(dict.fromkeys(identity.resolve(org, n, referenced=True).guid for n in names))


def get_distribution_group(org, params, caller):
    """Get-DistributionGroup: one group by Identity, or all matching Filter/RecipientTypeDetails."""
    return _query(org, org.groups(view=True), params, partial(views.group_view, org), links=("GrantSendOnBehalfTo", "Members"))


def new_distribution_group(org, params, caller):
    """New-DistributionGroup. Everything is checked before the group exists."""
    name = params["Name"]
    if not name.strip():
        raise errors.invalid_argument("The Name property can't be empty.")
    if org.claimant(name) is not None:
        raise errors.CmdletFailure(
            f'The name "{name}" is already being used. Please try another name.', NAME_EXISTS)
    alias = params.get("Alias") or _NOT_ALIAS.sub("", name)
    primary = params.get("PrimarySmtpAddress")
    primary = primary[5:] if primary else f"{alias}@{org.alternate_domain}"
    security = params.get("Type", "Distribution") == "Security"
    group = org.make_group(name, alias, params.get("DisplayName") or name, primary,
                           security=security)
    props = group.properties
    for parameter in _NEW_GROUP_PROPERTIES:
        if parameter in params:
            props[parameter] = params[parameter]
    props["Notes"] = params.get("Notes") or ""
    props["ModeratedBy"] = _resolve_all(org, params.get("ModeratedBy", []))
    _check_restrictions(security, props["MemberJoinRestriction"],
                        props["MemberDepartRestriction"])
    _check_moderation(security, props)
    _check_addresses(org, group, group.email_addresses)
    group.managed_by = _resolve_all(org, params.get("ManagedBy", []))
    group.members = _resolve_all(org, params.get("Members", []))
    group.when_created = group.when_changed = timestamp()
    org.add(group)
    return CmdletResult(rows=[views.group_view(org, group)])


_NEW_GROUP_PROPERTIES = ("MemberJoinRestriction", "MemberDepartRestriction",
                         "RequireSenderAuthenticationEnabled", "ModerationEnabled",
                         "SendModerationNotifications", "HiddenGroupMembershipEnabled")
_SET_GROUP_PROPERTIES = _NEW_GROUP_PROPERTIES + (
    "HiddenFromAddressListsEnabled", *(f"CustomAttribute{n}" for n in range(1, 16)))


def set_distribution_group(org, params, caller):
    """Set-DistributionGroup. All values are checked before anything changes."""
    group = _group(org, params)
    _require_manager(group, params)
    props = group.properties
    # A cleared ($null) custom attribute reads back empty, as on a mailbox.
    updates = {k: "" if params[k] is None else params[k] for k in _SET_GROUP_PROPERTIES if k in params}
    updates.update((k, apply_multi_valued(org, props[k], params[k]))
                   for k in GROUP_RECIPIENT_LISTS if k in params)
    _check_hidden_membership(group, updates)
    merged = {**props, **updates}
    security = group.recipient_type_details == "MailUniversalSecurityGroup"
    _check_restrictions(security, merged["MemberJoinRestriction"], merged["MemberDepartRestriction"])
    _check_moderation(security, merged)
    if "DisplayName" in params and not params["DisplayName"].strip():
        raise errors.invalid_argument("The DisplayName property can't be empty.")
    addresses = group.email_addresses
    if params.get("PrimarySmtpAddress"):
        # The old primary stays as a secondary address, as Exchange keeps it.
        primary = params["PrimarySmtpAddress"][5:]
        addresses = [f"SMTP:{primary}"] + [
            "smtp:" + a[5:] if a.startswith("SMTP:") else a
            for a in group.email_addresses if a[5:].lower() != primary.lower()]
        _check_addresses(org, group, addresses)
    owners = group.managed_by
    if "ManagedBy" in params:
        owners = apply_multi_valued(org, owners, params["ManagedBy"])

    changed = owners != group.managed_by or addresses != group.email_addresses
    group.managed_by = owners
    org.set_email_addresses(group, addresses)
    for attribute, parameter in (("alias", "Alias"), ("display_name", "DisplayName")):
        if parameter in params and params[parameter] != getattr(group, attribute):
            setattr(group, attribute, params[parameter])
            changed = True
    for name, value in updates.items():
        if props[name] != value:
            props[name] = value
            changed = True
    return _modified(group, changed)


def _modified(group, changed):
    """The answer to a Set-: a warning, as Exchange gives, when nothing was different."""
    result = CmdletResult()
    if changed:
        group.when_changed = timestamp()
    else:
        result.warnings.append(
            f"The command completed successfully but no settings of '{group.name}' have "
            "been modified.")
    return result


def remove_distribution_group(org, params, caller):
    """Remove-DistributionGroup: the group, its addresses and every membership go."""
    group = _group(org, params)
    _require_manager(group, params)
    org.remove(group)
    return CmdletResult()


def _group_object_view(org, group):
    """A Get-Group row: the group as a directory object (a representative subset)."""
    return {
        "DisplayName": group.display_name,
        "GroupType": views.group_view(org, group)["GroupType"],
        "ManagedBy": views.names(org, group.managed_by),
        "Members": views.names(org, group.members),
        "Notes": group.properties["Notes"],
        "RecipientType": group.recipient_type,
        "RecipientTypeDetails": group.recipient_type_details,
        "WindowsEmailAddress": group.primary_smtp_address,
        "IsDirSynced": False,
        "Identity": group.name,
        "Name": group.name,
        "ExternalDirectoryObjectId": group.external_directory_object_id,
        "ExchangeObjectId": group.exchange_object_id,
        "Guid": group.guid,
        "WhenChanged": group.when_changed,
        "WhenCreated": group.when_created,
    }


def get_group(org, params, caller):
    """Get-Group: the directory side of the mail-enabled groups (Notes among it)."""
    return _query(org, org.groups(view=True), params, lambda group: _group_object_view(org, group))


def set_group(org, params, caller):
    """Set-Group: the Notes and display name of a group; a security group needs its owner or
    -BypassSecurityGroupManagerCheck, as with Set-DistributionGroup."""
    group = _group(org, params)
    _require_manager(group, params)
    if "DisplayName" in params and not params["DisplayName"].strip():
        raise errors.invalid_argument("The DisplayName property can't be empty.")
    changed = False
    if "Notes" in params and (params["Notes"] or "") != group.properties["Notes"]:
        group.properties["Notes"] = params["Notes"] or ""
        changed = True
    if "DisplayName" in params and params["DisplayName"] != group.display_name:
        group.display_name = params["DisplayName"]
        changed = True
    return _modified(group, changed)


def get_distribution_group_member(org, params, caller):
    """Get-DistributionGroupMember: the direct members, each with its recipient properties."""
    group = _group(org, params)
    rows = [views.group_member_view(org, org.get(g)) for g in group.members if g in org.recipients]
    return _limit(rows, params, CmdletResult())


def _member_change(org, params):
    group = _group(org, params)
    member = identity.resolve(org, params["Member"], referenced=True)
    _require_manager(group, params)
    return group, member


def add_distribution_group_member(org, params, caller):
    """Add-DistributionGroupMember. An existing member is an error, as in Exchange."""
    group, member = _member_change(org, params)
    if member.guid in group.members:
        raise errors.CmdletFailure(
            f'The recipient "{_member_label(member)}" is already a member of the group '
            f'"{group.name}".', MEMBER_ALREADY_EXISTS)
    if member is group:
        raise errors.invalid_argument(
            f'The group "{group.name}" can\'t be a member of itself.')
    group.members.append(member.guid)
    group.when_changed = timestamp()
    return CmdletResult()


def remove_distribution_group_member(org, params, caller):
    """Remove-DistributionGroupMember. A recipient that is not a member is an error."""
    group, member = _member_change(org, params)
    if member.guid not in group.members:
        raise errors.CmdletFailure(
            f'The recipient "{_member_label(member)}" isn\'t a member of the group '
            f'"{group.name}".', MEMBER_NOT_FOUND)
    group.members.remove(member.guid)
    group.when_changed = timestamp()
    return CmdletResult()


_MEMBER_UPDATE = _enum(MEMBER_UPDATE_TYPE)
_BYPASS = {"BypassSecurityGroupManagerCheck": _bool}
# What New-DistributionGroup and Set-DistributionGroup both take about moderation.
_MODERATION = {"ModerationEnabled": _bool, "SendModerationNotifications": _enum(NOTIFICATION_FLAGS),
               "HiddenGroupMembershipEnabled": _bool}
_MEMBER_WRITE = {"Identity": _identity, "Member": _identity, **_BYPASS, **_CONFIRM}

CMDLETS.update({c.name.lower(): c for c in (
    Cmdlet("Get-DistributionGroup", get_distribution_group, dict(_GET_COMMON)),
    Cmdlet("New-DistributionGroup", new_distribution_group,
           {"Name": _string, "Alias": _identity, "DisplayName": _string,
            "PrimarySmtpAddress": _smtp_or_null, "Type": _enum(GROUP_TYPE),
            "ManagedBy": _identity_list, "Members": _identity_list,
            "MemberJoinRestriction": _MEMBER_UPDATE, "MemberDepartRestriction": _MEMBER_UPDATE,
            "RequireSenderAuthenticationEnabled": _bool, "ModeratedBy": _identity_list,
            "Notes": _nullable_string, **_MODERATION, **_CONFIRM},
           mandatory=("Name",)),
    Cmdlet("Set-DistributionGroup", set_distribution_group,
           {"Identity": _identity, "Alias": _identity, "DisplayName": _string,
            "PrimarySmtpAddress": _smtp_or_null, "ManagedBy": _multi_valued,
            "HiddenFromAddressListsEnabled": _bool, "RequireSenderAuthenticationEnabled": _bool,
            "MemberJoinRestriction": _MEMBER_UPDATE, "MemberDepartRestriction": _MEMBER_UPDATE,
            **{name: _multi_valued for name in GROUP_RECIPIENT_LISTS}, **_MODERATION,
            **{f"CustomAttribute{n}": _nullable_string for n in range(1, 16)},
            **_BYPASS, **_CONFIRM},
           mandatory=("Identity",)),
    Cmdlet("Get-Group", get_group, dict(_GET_COMMON)),
    Cmdlet("Set-Group", set_group,
           {"Identity": _identity, "Notes": _nullable_string, "DisplayName": _string,
            **_BYPASS, **_CONFIRM},
           mandatory=("Identity",)),
    Cmdlet("Remove-DistributionGroup", remove_distribution_group,
           {"Identity": _identity, **_BYPASS, **_CONFIRM}, mandatory=("Identity",)),
    Cmdlet("Get-DistributionGroupMember", get_distribution_group_member,
           {"Identity": _identity, "ResultSize": _result_size}, mandatory=("Identity",)),
    Cmdlet("Add-DistributionGroupMember", add_distribution_group_member, dict(_MEMBER_WRITE),
           mandatory=("Identity", "Member")),
    Cmdlet("Remove-DistributionGroupMember", remove_distribution_group_member,
           dict(_MEMBER_WRITE), mandatory=("Identity", "Member")),
)})
