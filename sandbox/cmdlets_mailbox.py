"""Mailboxes: New-Mailbox, Set-Mailbox and Remove-Mailbox over the organisation model.

Names and proxy addresses are unique across the organisation, a mailbox has exactly one
``SMTP:`` primary, and every parameter is checked before anything changes, so a failing call
leaves the mailbox as it was. Importing this module adds its cmdlets to ``cmdlets.CMDLETS``.
"""

import re
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
    _duration,
    _enum,
    _identity,
    _mailbox,
    _multi_valued,
    _nullable_string,
    _smtp_or_null,
    _soft_deleted,
    _string,
    _type_label,
    add_remove_or_replace,
    apply_multi_valued,
)
from .model import FOREST, MAILBOX_TYPES, timestamp

NAME_EXISTS = "Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException"
PROXY_ADDRESS_EXISTS = "Microsoft.Exchange.Data.Directory.ProxyAddressExistsException"
DATA_VALIDATION = "Microsoft.Exchange.Data.DataValidationException"
RECIPIENT_TASK = "Microsoft.Exchange.Configuration.Tasks.RecipientTaskException"

# Set-Mailbox -Type -> RecipientTypeDetails.
CONVERSIONS = {"Regular": "UserMailbox", "Shared": "SharedMailbox", "Room": "RoomMailbox",
               "Equipment": "EquipmentMailbox"}
CONVERT_TYPE = EnumType("Microsoft.Exchange.Management.RecipientTasks.ConvertibleMailboxSubType",
                        list(CONVERSIONS))
# New-Mailbox switch -> RecipientTypeDetails.
CREATABLE = {"Shared": "SharedMailbox", "Room": "RoomMailbox", "Equipment": "EquipmentMailbox"}

_ATEXT = r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]"
_ALIAS = re.compile(rf"^{_ATEXT}+(?:\.{_ATEXT}+)*$")
_NOT_ALIAS = re.compile(rf"(?!{_ATEXT}|\.).")
_SMTP = re.compile(r"^[^@\s:;,<>\"]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")


# -- parameter conversion -------------------------------------------------------------------


def _proxy(name, value):
    """One proxy address: ``SMTP:``/``smtp:``/no prefix (SMTP) or any other ``PREFIX:value``."""
    text = _string(name, value).strip()
    prefix, sep, rest = text.partition(":")
    if not sep:
        prefix, rest = "smtp", text
    if prefix.lower() == "smtp":
        if not _SMTP.match(rest):
            raise errors.transformation(name, text, "Microsoft.Exchange.Data.ProxyAddress",
                                        f'The address "{text}" is not a valid SMTP address.')
        return ("SMTP" if prefix == "SMTP" else "smtp") + ":" + rest
    if not prefix.isalnum() or not rest:
        raise errors.transformation(name, text, "Microsoft.Exchange.Data.ProxyAddress",
                                    f'The address "{text}" is not a valid proxy address.')
    return f"{prefix}:{rest}"


def _proxy_list(name, value):
    items = value if isinstance(value, list) else [value]
    return [_proxy(name, item) for item in items if item is not None]


def _proxy_collection(name, value):
    """EmailAddresses: a list (replace) or an ``@{Add=...; Remove=...}`` hashtable."""
    return add_remove_or_replace(name, value, _proxy_list,
                                 "Microsoft.Exchange.Data.ProxyAddressCollection")


def _smtp_address(name, value):
    address = _smtp_or_null(name, value)
    if address is None:
        raise errors.transformation(name, value, "Microsoft.Exchange.Data.SmtpAddress",
                                    "The value can't be empty.")
    return address[5:]


_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(B|KB|MB|GB|TB)?\s*(?:\(([0-9,]+) bytes\))?\s*$", re.I)
_UNITS = (("TB", 1024 ** 4), ("GB", 1024 ** 3), ("MB", 1024 ** 2), ("KB", 1024), ("B", 1))
# The mailbox plan of every sandbox mailbox allows up to 50 GB (Exchange Online Plan 1's size).
PLAN_MAXIMUM = 50 * 1024 ** 3
# Exchange Online keeps deleted items at most 30 days (longer needs a hold).
MAX_RETAIN_DAYS = 30
# The retention policies of a new tenant, and one the sandbox's organisation made.
RETENTION_POLICIES = ("Default MRM Policy", "ArbitrationMailbox", "Leavers 7 Years")


def quota_text(size):
    """A ByteQuantifiedSize as Exchange shows it: ``49.5 GB (53,150,220,288 bytes)``."""
    unit, factor = next((u, f) for u, f in _UNITS if size >= f or f == 1)
    number = ("%.3f" % (size / factor)).rstrip("0").rstrip(".")
    return f"{number} {unit} ({size:,} bytes)"


def _quota(name, value):
    """ProhibitSendQuota and its kin: "Unlimited", a number of bytes or "n KB|MB|GB|TB"."""
    text = _string(name, value).strip()
    if text.lower() == "unlimited":
        return "Unlimited"
    match = _SIZE.match(text)
    if match is None:
        raise errors.transformation(name, text, "Microsoft.Exchange.Data.Unlimited`1[Microsoft.Exchange.Data."
                                    "ByteQuantifiedSize]", "The value must be 'Unlimited' or a size such as 49 GB.")
    factor = dict(_UNITS)[(match.group(2) or "B").upper()]
    return quota_text(int(match.group(3).replace(",", "")) if match.group(3) else int(float(match.group(1)) * factor))


def _retain_for(name, value):
    """RetainDeletedItemsFor: an EnhancedTimeSpan ("14.00:00:00", or a number of days)."""
    text = _duration(name, value)
    if text == "Unlimited":
        raise errors.transformation(name, value, "Microsoft.Exchange.Data.EnhancedTimeSpan",
                                    "The value must be a time span d.hh:mm:ss.")
    return text


def _capacity(name, value):
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise errors.transformation(name, _type_label(value), "System.Int32",
                                "The value must be a number of 0 or more.")


# -- rules shared by the cmdlets ------------------------------------------------------------


def _check_alias(alias):
    if not _ALIAS.match(alias) or len(alias) > 64:
        raise errors.CmdletFailure(
            f'The alias "{alias}" contains characters that aren\'t allowed or is longer than 64 '
            "characters.", DATA_VALIDATION)


def _check_free(org, owner, addresses):
    """Fail like Exchange when another recipient already has one of ``addresses``."""
    for address in addresses:
        other = org.claimant(address.split(":", 1)[-1])
        if other is not None and other is not owner:
            raise errors.CmdletFailure(
                f'The proxy address "{address}" is already being used by the proxy addresses or '
                f'LegacyExchangeDN of "{other.name}". Please choose another proxy address.',
                PROXY_ADDRESS_EXISTS)


def _value(address):
    return address.split(":", 1)[-1].lower()


def _is_smtp(address):
    return address.lower().startswith("smtp:")


def _with_primary(addresses, primary):
    """``addresses`` with ``primary`` as the one ``SMTP:`` address (added if missing)."""
    result = [f"SMTP:{primary}"]
    for address in addresses:
        if _is_smtp(address):
            if _value(address) != primary.lower():
                result.append("smtp:" + address[5:])
        else:
            result.append(address)
    return result


def _dedupe(addresses):
    seen, unique = set(), []
    for address in addresses:
        key = (address.split(":", 1)[0].lower(), _value(address))
        if key not in seen:
            seen.add(key)
            unique.append(address)
    return unique


def new_addresses(mailbox, change):
    """The EmailAddresses a bound ``change`` gives ``mailbox``, checked for one primary.

    A list replaces everything; without an ``SMTP:`` entry its first SMTP address becomes the
    primary. A hashtable adds (``SMTP:x`` makes x the primary) and removes (never the primary).
    """
    current = mailbox.email_addresses
    if "replace" in change:
        addresses = _dedupe(change["replace"])
        primaries = [a for a in addresses if a.startswith("SMTP:")]
        if not primaries:
            smtp = [a for a in addresses if _is_smtp(a)]
            if not smtp:
                raise errors.CmdletFailure(
                    "The primary SMTP address must be specified: EmailAddresses has no SMTP "
                    "address.", DATA_VALIDATION)
            primaries = [smtp[0]]
    else:
        removed = {(a.split(":", 1)[0].lower(), _value(a)) for a in change["remove"]}
        primary = mailbox.primary_smtp_address.lower()
        if ("smtp", primary) in removed:
            raise errors.CmdletFailure(
                f'The primary SMTP address "{mailbox.primary_smtp_address}" can\'t be removed. '
                "Set another primary SMTP address first.", DATA_VALIDATION)
        kept = [a for a in current if (a.split(":", 1)[0].lower(), _value(a)) not in removed]
        addresses = _dedupe(kept + [a for a in change["add"] if not a.startswith("SMTP:")])
        primaries = [a for a in change["add"] if a.startswith("SMTP:")] or [
            a for a in addresses if a.startswith("SMTP:")]
    if len({_value(a) for a in primaries}) > 1:
        raise errors.CmdletFailure(
            "There are multiple primary SMTP addresses. Please ensure there is only one primary "
            "address for each address type.", DATA_VALIDATION)
    return _with_primary(addresses, primaries[0][5:])


# -- cmdlets --------------------------------------------------------------------------------


def new_mailbox(org, params, caller):
    """New-Mailbox -Shared/-Room/-Equipment. User mailboxes come from licensing, not from here."""
    kinds = [switch for switch in CREATABLE if params.get(switch)]
    if len(kinds) > 1:
        raise errors.CmdletFailure(
            "Parameter set cannot be resolved using the specified named parameters. One or more "
            "parameters issued cannot be used together or an insufficient number of parameters "
            "were provided.", errors.UNKNOWN_PARAMETER, stage=errors.BINDING_STAGE, error_id="")
    if not kinds:
        raise errors.missing_parameters(["MicrosoftOnlineServicesID", "Password"])
    name = params["Name"].strip()
    if not name or len(name) > 64:
        raise errors.invalid_argument("The Name property must be 1 to 64 characters long.")
    if org.claimant(name) is not None:
        raise errors.CmdletFailure(
            f'The name "{name}" is already being used. Please try another name.', NAME_EXISTS)
    alias = params.get("Alias") or _NOT_ALIAS.sub("", name).strip(".")[:64]
    _check_alias(alias)
    display_name = params.get("DisplayName") or name
    if not display_name.strip():
        raise errors.invalid_argument("The DisplayName property can't be empty.")
    primary = params.get("PrimarySmtpAddress") or f"{alias}@{org.alternate_domain}"
    addresses = _dedupe([f"SMTP:{primary}", f"smtp:{alias}@{org.domain}"])
    _check_free(org, None, addresses)
    details = CREATABLE[kinds[0]]
    capacity = params.get("ResourceCapacity")
    if capacity is not None and details != "RoomMailbox":
        raise errors.CmdletFailure(
            "ResourceCapacity can be set only on room mailboxes.", RECIPIENT_TASK)
    mailbox = org.make_mailbox(name, alias, display_name, addresses, details)
    mailbox.properties["ResourceCapacity"] = capacity
    org.add(mailbox)
    return CmdletResult(rows=[views.mailbox_view(org, mailbox)])


def remove_mailbox(org, params, caller):
    """Remove-Mailbox: the mailbox and every grant to it elsewhere. It is soft-deleted, as in
    Exchange Online: recoverable (Get-Mailbox -SoftDeletedMailbox) with its name and addresses
    still taken, until it is purged with -PermanentlyDelete (which also takes a soft-deleted
    mailbox's identity) or -Permanent."""
    purge = params.get("PermanentlyDelete") or params.get("Permanent")
    if purge and org.find_soft_deleted(params["Identity"]) and not identity.find(org, params["Identity"], org.mailboxes()):
        org.purge(_soft_deleted(org, params["Identity"]))
        return CmdletResult()
    mailbox = _mailbox(org, params)
    org.soft_delete(mailbox)
    if purge:
        org.purge(mailbox)
    for other in org.all():
        other.grant_send_on_behalf_to = [g for g in other.grant_send_on_behalf_to
                                         if g != mailbox.guid]
        other.mailbox_permissions = [a for a in other.mailbox_permissions
                                     if a.builtin or a.trustee != mailbox.guid]
        other.recipient_permissions = [a for a in other.recipient_permissions
                                       if a.builtin or a.trustee != mailbox.guid]
    return CmdletResult()


SET_MAILBOX_PROPERTIES = {
    "HiddenFromAddressListsEnabled": _bool,
    "DeliverToMailboxAndForward": _bool,
    "LitigationHoldEnabled": _bool,
    "LitigationHoldDuration": _duration,
    "LitigationHoldOwner": _nullable_string,
    "ForwardingSmtpAddress": _smtp_or_null,
    "ResourceCapacity": _capacity,
    **{f"CustomAttribute{n}": _nullable_string for n in range(1, 16)},
    "RetentionPolicy": _nullable_string,
    "RetainDeletedItemsFor": _retain_for,
    "MessageCopyForSentAsEnabled": _bool,
    "MessageCopyForSendOnBehalfEnabled": _bool,
    "ForwardingAddress": _nullable_string,
    "ProhibitSendQuota": _quota,
    "ProhibitSendReceiveQuota": _quota,
    "IssueWarningQuota": _quota,
}


def _policy(name):
    """The retention policy ``name`` names (case-insensitive), or Exchange's not-found refusal."""
    found = next((policy for policy in RETENTION_POLICIES if policy.lower() == name.strip().lower()), None)
    if found is None:
        raise errors.referenced_not_found(name)
    return found


def _check_features(org, updates):
    """Resolve and check what Set-Mailbox's archive-era parameters name, before any change: the
    retention policy and forwarding recipient exist, deleted items are kept 0 to 30 days, and
    no quota passes the mailbox plan's maximum (the service refuses those; its text is a guess)."""
    if updates.get("RetentionPolicy") is not None:
        updates["RetentionPolicy"] = _policy(updates["RetentionPolicy"])
    if updates.get("ForwardingAddress") is not None:
        updates["ForwardingAddress"] = identity.resolve(org, updates["ForwardingAddress"], referenced=True).guid
    if "RetainDeletedItemsFor" in updates:
        days = int(updates["RetainDeletedItemsFor"].split(".")[0])
        if days > MAX_RETAIN_DAYS:
            raise errors.invalid_argument(
                f"The value of RetainDeletedItemsFor, {updates['RetainDeletedItemsFor']}, is greater than the "
                f"maximum of {MAX_RETAIN_DAYS}.00:00:00 allowed in Exchange Online.")
    for name in ("ProhibitSendQuota", "ProhibitSendReceiveQuota", "IssueWarningQuota"):
        value = updates.get(name)
        if value is not None and (value == "Unlimited" or int(re.sub(r"\D", "", value.split("(")[1])) > PLAN_MAXIMUM):
            raise errors.invalid_argument(
                f"The value of {name}, {value}, is greater than the maximum of {quota_text(PLAN_MAXIMUM)} "
                "that the mailbox plan allows.")


def _planned_addresses(org, mailbox, params):
    if "EmailAddresses" in params and "WindowsEmailAddress" in params:
        raise errors.invalid_argument(
            "EmailAddresses and WindowsEmailAddress can't be used together.")
    if "EmailAddresses" in params:
        addresses = new_addresses(mailbox, params["EmailAddresses"])
    elif "WindowsEmailAddress" in params:
        addresses = _with_primary(mailbox.email_addresses, params["WindowsEmailAddress"])
    else:
        return mailbox.email_addresses
    _check_free(org, mailbox, addresses)
    return addresses


def set_mailbox(org, params, caller):
    """Set-Mailbox: type, names, addresses, delegates, visibility, hold, forwarding, attributes.

    All values are validated and identities resolved before anything changes. A call that
    changes nothing succeeds with Exchange's "no settings ... modified" warning.
    """
    mailbox = _mailbox(org, params)
    details = CONVERSIONS[params["Type"]] if "Type" in params else mailbox.recipient_type_details
    updates = {}
    for name, value in params.items():
        if name in SET_MAILBOX_PROPERTIES:
            updates[name] = "" if value is None and name.startswith("Custom") else value
    if updates.get("LitigationHoldEnabled") and not mailbox.properties["LitigationHoldEnabled"]:
        updates["LitigationHoldDate"] = timestamp()
        updates.setdefault("LitigationHoldOwner", caller)
    _check_features(org, updates)
    if "ResourceCapacity" in params and MAILBOX_TYPES.get(details) != "Room":
        raise errors.CmdletFailure(
            "ResourceCapacity can be set only on room mailboxes.", RECIPIENT_TASK)
    if "DisplayName" in params and not params["DisplayName"].strip():
        raise errors.invalid_argument("The DisplayName property can't be empty.")
    if "Alias" in params:
        _check_alias(params["Alias"])
    addresses = _planned_addresses(org, mailbox, params)
    delegates = mailbox.grant_send_on_behalf_to
    if "GrantSendOnBehalfTo" in params:
        delegates = apply_multi_valued(org, delegates, params["GrantSendOnBehalfTo"])
        if mailbox.guid in delegates:
            raise errors.invalid_argument(
                f"The mailbox '{mailbox.name}' can't be granted send on behalf of itself.")

    changed = delegates != mailbox.grant_send_on_behalf_to or addresses != mailbox.email_addresses
    mailbox.grant_send_on_behalf_to = delegates
    org.set_email_addresses(mailbox, addresses)
    for attribute, value in (("recipient_type_details", details),
                             ("display_name", params.get("DisplayName", mailbox.display_name)),
                             ("alias", params.get("Alias", mailbox.alias))):
        if getattr(mailbox, attribute) != value:
            setattr(mailbox, attribute, value)
            changed = True
    for name, value in updates.items():
        if mailbox.properties.get(name) != value:
            mailbox.properties[name] = value
            changed = True
    result = CmdletResult()
    if changed:
        mailbox.when_changed = timestamp()
    else:
        result.warnings.append(
            f"The command completed successfully but no settings of '{mailbox.name}' have "
            "been modified."
        )
    return result


def enable_mailbox(org, params, caller):
    """Enable-Mailbox -Archive (an archive for the mailbox) or -AutoExpandingArchive, the two
    uses Exchange Online has for it. An archive already there, auto-expanding archiving already
    on, or auto-expanding archiving without an archive are refused (guesses: docs/sandbox.md)."""
    mailbox = _mailbox(org, params)
    props = mailbox.properties
    if bool(params.get("Archive")) == bool(params.get("AutoExpandingArchive")):
        raise errors.missing_parameters(["Archive"])
    if params.get("Archive"):
        if props["ArchiveDatabase"]:
            raise errors.CmdletFailure(f"The mailbox '{mailbox.name}' already has an archive.", RECIPIENT_TASK)
        props.update(ArchiveGuid=str(uuid.uuid4()), ArchiveDatabase=f"{FOREST}DG002-db014", ArchiveStatus="Active",
                     ArchiveState="Local", ArchiveName=[f"In-Place Archive - {mailbox.display_name}"])
    else:
        if not props["ArchiveDatabase"]:
            raise errors.CmdletFailure(
                f"The mailbox '{mailbox.name}' has no archive; enable the archive before auto-expanding archiving.",
                RECIPIENT_TASK)
        if props["AutoExpandingArchiveEnabled"]:
            raise errors.CmdletFailure(f"Auto-expanding archiving is already enabled for '{mailbox.name}'.",
                                       RECIPIENT_TASK)
        props["AutoExpandingArchiveEnabled"] = True
    mailbox.when_changed = timestamp()
    return CmdletResult(rows=[views.mailbox_view(org, mailbox)])


def disable_mailbox(org, params, caller):
    """Disable-Mailbox -Archive: the archive is disconnected (its content is kept 30 days, then
    deleted); ArchiveGuid stays, as the archive can still be reconnected. Exchange Online has no
    other use for Disable-Mailbox that the sandbox serves."""
    mailbox = _mailbox(org, params)
    if not params.get("Archive"):
        raise errors.missing_parameters(["Archive"])
    if not mailbox.properties["ArchiveDatabase"]:
        raise errors.CmdletFailure(f"The mailbox '{mailbox.name}' doesn't have an archive.", RECIPIENT_TASK)
    mailbox.properties.update(ArchiveDatabase=None, ArchiveStatus="None", ArchiveState="None", ArchiveName=[])
    mailbox.when_changed = timestamp()
    return CmdletResult()


def get_retention_policy(org, params, caller):
    """Get-RetentionPolicy: the tenant's retention policies, or the one Identity names."""
    names = [_policy(params["Identity"])] if "Identity" in params else list(RETENTION_POLICIES)
    return CmdletResult(rows=[{"Name": name, "Identity": name, "IsDefault": name == "Default MRM Policy",
                               "Guid": str(uuid.uuid5(uuid.NAMESPACE_URL, "retention/" + name)),
                               "RetentionPolicyTagLinks": []} for name in names])


CMDLETS.update({c.name.lower(): c for c in (
    Cmdlet("Enable-Mailbox", enable_mailbox,
           {"Identity": _identity, "Archive": _bool, "AutoExpandingArchive": _bool, **_CONFIRM},
           mandatory=("Identity",)),
    Cmdlet("Disable-Mailbox", disable_mailbox,
           {"Identity": _identity, "Archive": _bool, "PermanentlyDisable": _bool, **_CONFIRM},
           mandatory=("Identity",)),
    Cmdlet("Get-RetentionPolicy", get_retention_policy, {"Identity": _identity}),
    Cmdlet("New-Mailbox", new_mailbox,
           {"Name": _string, "Alias": _identity, "DisplayName": _string,
            "PrimarySmtpAddress": _smtp_address, "ResourceCapacity": _capacity,
            **{switch: _bool for switch in CREATABLE}, **_CONFIRM},
           mandatory=("Name",)),
    Cmdlet("Set-Mailbox", set_mailbox,
           {"Identity": _identity, "DisplayName": _string, "Alias": _identity,
            "Type": _enum(CONVERT_TYPE), "EmailAddresses": _proxy_collection,
            "WindowsEmailAddress": _smtp_address, "GrantSendOnBehalfTo": _multi_valued,
            "Force": _bool, **SET_MAILBOX_PROPERTIES, **_CONFIRM},
           mandatory=("Identity",)),
    Cmdlet("Remove-Mailbox", remove_mailbox,
           {"Identity": _identity, "Permanent": _bool, "PermanentlyDelete": _bool, **_CONFIRM},
           mandatory=("Identity",)),
)})
