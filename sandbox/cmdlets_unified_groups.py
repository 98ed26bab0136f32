"""Microsoft 365 groups: Get/New/Set/Remove-UnifiedGroup and Get/Add/Remove-UnifiedGroupLinks
over the organisation model.

A Microsoft 365 group is a recipient with the RecipientType of a distribution group and the
RecipientTypeDetails ``GroupMailbox``: Get-Recipient sees it, Get-DistributionGroup does not. Its
Name is ``<Alias>_<ExternalDirectoryObjectId>``, so it is found by its alias, an address or its
GUID. Members, owners and subscribers are links: an owner or a subscriber must be a member first,
a member who is an owner cannot be removed as a member, and the only owner cannot be removed.
The texts of those refusals are the service's where public sources show them; the rest, and what
the service does with links that are already there or not there, are guesses (docs/sandbox.md).
Importing this module adds its cmdlets to ``cmdlets.CMDLETS``.
"""

import uuid

from . import views
from . import errors, identity
from .cmdlets import (
    CMDLETS,
    Cmdlet,
    CmdletResult,
    EnumType,
    _CONFIRM,
    _bool,
    _enum,
    _identity,
    _identity_list,
    _limit,
    _nullable_string,
    _query,
    _result_size,
    _string,
)
from .cmdlets_mailbox import NAME_EXISTS, _NOT_ALIAS, _check_alias, _check_free, _proxy_collection, _smtp_address, new_addresses
from .cmdlets_mailbox_settings import _language
from .model import DOMAIN_CONTROLLER, FOREST, Recipient, timestamp

GROUP_MAILBOX = "GroupMailbox"
ACCESS_TYPE = EnumType("Microsoft.Exchange.Data.Directory.ModernGroupTypeInfo", ["Public", "Private"])
LINK_TYPE = EnumType("Microsoft.Exchange.Management.RecipientTasks.LinkType", ["Members", "Owners", "Subscribers"])
RECIPIENT_TASK = "Microsoft.Exchange.Configuration.Tasks.RecipientTaskException"
# Read in a real error (MicrosoftDocs/office-docs-powershell#10004).
OWNERS_CANNOT_BE_REMOVED = "Microsoft.Exchange.Management.Recipient.GroupOwnersCannotBeRemovedException"
# Who may be linked to a group: users (mailboxes and mail users), not groups or contacts (a guess).
_LINKABLE = ("UserMailbox", "MailUser")
# Group attribute that holds each link type.
_LINKS = {"Members": "members", "Owners": "managed_by", "Subscribers": "subscribers"}
SETTABLE = ("AccessType", "AutoSubscribeNewMembers", "HiddenFromAddressListsEnabled",
            "RequireSenderAuthenticationEnabled", "Language", "Notes") + tuple(
                f"CustomAttribute{n}" for n in range(1, 16))


def unified_groups(org):
    """Every Microsoft 365 group, in creation order."""
    return [r for r in org.all() if r.recipient_type_details == GROUP_MAILBOX]


def unified_group_view(org, group):
    """The properties Get-UnifiedGroup returns (a representative subset)."""
    props = group.properties
    return {
        **{name: props[name] for name in SETTABLE},
        "ManagedBy": [org.recipients[g].name for g in group.managed_by if g in org.recipients],
        "GroupMemberCount": len(group.members),
        "GroupExternalMemberCount": 0,
        "AlwaysSubscribeMembersToCalendarEvents": False,
        "HiddenFromExchangeClientsEnabled": False,
        "HiddenGroupMembershipEnabled": False,
        "SubscriptionEnabled": True,
        "IsMembershipDynamic": False,
        "ResourceProvisioningOptions": [],
        "SharePointSiteUrl": None,
        **{f"ExtensionCustomAttribute{n}": [] for n in range(1, 6)},
        "Alias": group.alias,
        "DisplayName": group.display_name,
        "EmailAddresses": list(group.email_addresses),
        "PrimarySmtpAddress": group.primary_smtp_address,
        "WindowsEmailAddress": group.primary_smtp_address,
        "ExternalDirectoryObjectId": group.external_directory_object_id,
        "RecipientType": group.recipient_type,
        "RecipientTypeDetails": group.recipient_type_details,
        "OrganizationalUnit": f"{FOREST.lower()}.prod.outlook.com/Microsoft Exchange Hosted Organizations/{org.domain}",
        "IsDirSynced": False,
        "Identity": group.name,
        "Id": group.name,
        "IsValid": True,
        "Name": group.name,
        "DistinguishedName": org.distinguished_name(group),
        "WhenChanged": group.when_changed,
        "WhenCreated": group.when_created,
        "ExchangeObjectId": group.exchange_object_id,
        "OrganizationalUnitRoot": org.domain,
        "Guid": group.guid,
        "OriginatingServer": DOMAIN_CONTROLLER,
    }


def get_unified_group(org, params, caller):
    """Get-UnifiedGroup: one group by Identity, or all matching Filter, in pages."""
    params = dict(params)
    candidates = [identity.find_one(org, params.pop("Identity"), GROUP_MAILBOX)] if "Identity" in params else unified_groups(org)
    return _query(org, candidates, params, lambda group: unified_group_view(org, group))


def _free_alias(org, alias):
    """The alias itself, or with a number added, as Exchange keeps a derived alias unique."""
    candidate, number = alias, 1
    while org.claimant(candidate) is not None or org.claimant(f"{candidate}@{org.alternate_domain}") is not None:
        number += 1
        candidate = f"{alias}{number}"
    return candidate


def _linkable(org, text):
    recipient = identity.resolve(org, text, referenced=True)
    if recipient.recipient_type not in _LINKABLE:
        raise errors.CmdletFailure(
            f"The recipient '{text}' can't be linked to a Microsoft 365 group: only users (mailboxes and mail "
            "users) can be its members, owners or subscribers.", RECIPIENT_TASK)
    return recipient


def new_unified_group(org, params, caller):
    """New-UnifiedGroup. Everything is checked before the group exists; -Owner becomes an owner and
    a member, and a group created without one has no owner (an application is not a user)."""
    display_name = params["DisplayName"]
    if not display_name.strip() or len(display_name) > 64:
        raise errors.invalid_argument("The DisplayName property must be 1 to 64 characters long.")
    if "Alias" in params:
        alias = params["Alias"]
        _check_alias(alias)
    else:
        alias = _free_alias(org, _NOT_ALIAS.sub("", display_name).strip(".")[:64] or "group")
    primary = params.get("PrimarySmtpAddress") or f"{alias}@{org.alternate_domain}"
    addresses = [f"SMTP:{primary}", f"smtp:{alias}@{org.domain}"]
    if "EmailAddresses" in params:
        addresses = new_addresses(Recipient("", "", "", "", "", addresses, "", "", "", ""), params["EmailAddresses"])
    addresses = [a for i, a in enumerate(addresses) if a.lower() not in [b.lower() for b in addresses[:i]]]
    _check_free(org, None, addresses)
    owner = _linkable(org, params["Owner"]) if params.get("Owner") else None
    members = [_linkable(org, m) for m in params.get("Members", [])]
    object_id = str(uuid.uuid4())
    name = f"{alias}_{object_id}"
    if org.claimant(name) is not None:
        raise errors.CmdletFailure(f'The name "{name}" is already being used. Please try another name.', NAME_EXISTS)
    guid = str(uuid.uuid4())
    group = Recipient(
        guid=guid, name=name, alias=alias, display_name=display_name, user_principal_name="",
        email_addresses=addresses, recipient_type_details=GROUP_MAILBOX,
        external_directory_object_id=object_id, exchange_guid=str(uuid.uuid4()), exchange_object_id=guid,
        recipient_type="MailUniversalDistributionGroup")
    group.properties.update(
        AccessType=params.get("AccessType", "Public"), AutoSubscribeNewMembers=bool(params.get("AutoSubscribeNewMembers")),
        RequireSenderAuthenticationEnabled=params.get("RequireSenderAuthenticationEnabled", True),
        Language=params.get("Language", "en-US"), Notes=params.get("Notes") or None)
    group.members = list(dict.fromkeys(([owner.guid] if owner else []) + [m.guid for m in members]))
    group.managed_by = [owner.guid] if owner else []
    group.when_created = group.when_changed = timestamp()
    org.add(group)
    return CmdletResult(rows=[unified_group_view(org, group)])


def set_unified_group(org, params, caller):
    """Set-UnifiedGroup. All values are checked before anything changes; a call that changes
    nothing succeeds with Exchange's "no settings ... modified" warning."""
    group = identity.find_one(org, params["Identity"], GROUP_MAILBOX)
    if "DisplayName" in params and (not params["DisplayName"].strip() or len(params["DisplayName"]) > 64):
        raise errors.invalid_argument("The DisplayName property must be 1 to 64 characters long.")
    if "Alias" in params:
        _check_alias(params["Alias"])
    addresses = list(group.email_addresses)
    if "EmailAddresses" in params:
        addresses = new_addresses(group, params["EmailAddresses"])
    if params.get("PrimarySmtpAddress"):
        primary = params["PrimarySmtpAddress"]
        addresses = [f"SMTP:{primary}"] + ["smtp:" + a[5:] if a.startswith("SMTP:") else a
                                           for a in addresses if a[5:].lower() != primary.lower()]
    _check_free(org, group, addresses)
    changed = addresses != group.email_addresses
    org.set_email_addresses(group, addresses)
    for attribute, parameter in (("alias", "Alias"), ("display_name", "DisplayName")):
        if parameter in params and getattr(group, attribute) != params[parameter]:
            setattr(group, attribute, params[parameter])
            changed = True
    for name in SETTABLE:
        value = "" if params.get(name) is None and name.startswith("CustomAttribute") else params.get(name)
        if name in params and group.properties[name] != value:
            group.properties[name] = value
            changed = True
    result = CmdletResult()
    if changed:
        group.when_changed = timestamp()
    else:
        result.warnings.append(
            f"The command completed successfully but no settings of '{group.name}' have been modified.")
    return result


def remove_unified_group(org, params, caller):
    """Remove-UnifiedGroup: the group goes, but stays recoverable for 30 days with its name and
    addresses taken, as Microsoft documents for deleted Microsoft 365 groups."""
    org.soft_delete(identity.find_one(org, params["Identity"], GROUP_MAILBOX))
    return CmdletResult()


def get_unified_group_links(org, params, caller):
    """Get-UnifiedGroupLinks: the members, owners or subscribers, each with its recipient properties."""
    group = identity.find_one(org, params["Identity"], GROUP_MAILBOX)
    links = getattr(group, _LINKS[params["LinkType"]])
    rows = [views.group_member_view(org, org.get(g)) for g in links if g in org.recipients]
    return _limit(rows, params, CmdletResult())


def add_unified_group_links(org, params, caller):
    """Add-UnifiedGroupLinks. Every link is checked before any is added; a recipient that is
    linked already is left as it is (a guess)."""
    group = identity.find_one(org, params["Identity"], GROUP_MAILBOX)
    link_type = params["LinkType"]
    recipients = [_linkable(org, link) for link in params["Links"]]
    if link_type != "Members":
        for recipient in recipients:
            if recipient.guid not in group.members:
                noun = link_type.lower()
                raise errors.CmdletFailure(
                    f"Only Members can be {link_type} of a group. Please add '{recipient.alias}' first as members "
                    f"before adding them as {noun}.", RECIPIENT_TASK)
    links = getattr(group, _LINKS[link_type])
    added = [r.guid for r in recipients if r.guid not in links]
    setattr(group, _LINKS[link_type], links + list(dict.fromkeys(added)))
    if added:
        group.when_changed = timestamp()
    return CmdletResult()


def remove_unified_group_links(org, params, caller):
    """Remove-UnifiedGroupLinks. Every link is checked before any is removed: a member who is an
    owner cannot be removed as a member, and the owners cannot all go. Removing a member ends
    their subscription; a recipient that is not linked is left alone (guesses)."""
    group = identity.find_one(org, params["Identity"], GROUP_MAILBOX)
    link_type = params["LinkType"]
    gone = {identity.resolve(org, link, referenced=True).guid for link in params["Links"]}
    if link_type == "Members":
        for guid in group.managed_by:
            if guid in gone:
                raise errors.CmdletFailure(
                    f"Only Members who are not owners can be removed from group. Please remove "
                    f"'{org.get(guid).alias}' as owners before removing them as members.", OWNERS_CANNOT_BE_REMOVED)
    if link_type == "Owners" and group.managed_by and not [g for g in group.managed_by if g not in gone]:
        raise errors.CmdletFailure(
            "You can't remove the owner from this group because the person you're removing is currently the only "
            "owner. You need to promote another member to owner before you proceed.", RECIPIENT_TASK)
    before = (list(group.members), list(group.managed_by), list(group.subscribers))
    setattr(group, _LINKS[link_type], [g for g in getattr(group, _LINKS[link_type]) if g not in gone])
    if link_type == "Members":
        group.subscribers = [g for g in group.subscribers if g not in gone]
    if before != (group.members, group.managed_by, group.subscribers):
        group.when_changed = timestamp()
    return CmdletResult()


_LINK_WRITE = {"Identity": _identity, "LinkType": _enum(LINK_TYPE), "Links": _identity_list, **_CONFIRM}
_GROUP_SETTINGS = {
    "AccessType": _enum(ACCESS_TYPE), "AutoSubscribeNewMembers": _bool, "HiddenFromAddressListsEnabled": _bool,
    "RequireSenderAuthenticationEnabled": _bool, "Language": _language, "Notes": _nullable_string,
    "Alias": _identity, "DisplayName": _string, "PrimarySmtpAddress": _smtp_address,
    "EmailAddresses": _proxy_collection,
}

CMDLETS.update({c.name.lower(): c for c in (
    Cmdlet("Get-UnifiedGroup", get_unified_group,
           {"Identity": _identity, "ResultSize": _result_size, "Filter": _string, "IncludeAllProperties": _bool}),
    Cmdlet("New-UnifiedGroup", new_unified_group,
           {**{k: v for k, v in _GROUP_SETTINGS.items() if k != "HiddenFromAddressListsEnabled"},
            "Owner": _identity, "Members": _identity_list, **_CONFIRM},
           mandatory=("DisplayName",)),
    Cmdlet("Set-UnifiedGroup", set_unified_group,
           {"Identity": _identity, **_GROUP_SETTINGS,
            **{f"CustomAttribute{n}": _nullable_string for n in range(1, 16)}, **_CONFIRM},
           mandatory=("Identity",)),
    Cmdlet("Remove-UnifiedGroup", remove_unified_group, {"Identity": _identity, **_CONFIRM}, mandatory=("Identity",)),
    Cmdlet("Get-UnifiedGroupLinks", get_unified_group_links,
           {"Identity": _identity, "LinkType": _enum(LINK_TYPE), "ResultSize": _result_size},
           mandatory=("Identity", "LinkType")),
    Cmdlet("Add-UnifiedGroupLinks", add_unified_group_links, dict(_LINK_WRITE), mandatory=("Identity", "LinkType", "Links")),
    Cmdlet("Remove-UnifiedGroupLinks", remove_unified_group_links, dict(_LINK_WRITE),
           mandatory=("Identity", "LinkType", "Links")),
)})
