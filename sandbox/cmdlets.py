"""Exchange cmdlets over the organisation model, independent of any wire format.

Each cmdlet is a :class:`Cmdlet`: a parameter table (name -> converter) and a handler taking
``(org, params, caller)`` that returns a :class:`CmdletResult` or raises
:class:`~sandbox.errors.CmdletFailure`. Front ends look cmdlets up with :func:`lookup` and call
:meth:`Cmdlet.run`; binding and conversion errors come out the same way Exchange reports them.
"""

import bisect
import re
from dataclasses import dataclass, field
from functools import partial

from . import errors, identity, opath, views
from .lazy_rows import LazyRows
from .model import DOMAIN_CONTROLLER, MAILBOX_RIGHTS, MailboxAce, SendAsAce

DEFAULT_RESULT_SIZE = 1000
MAX_EXPLICIT_ACES = 500
RESULT_SIZE_WARNING = (
    "There are more results available than are currently displayed. To view them, increase "
    "the value for the ResultSize parameter."
)


@dataclass
class CmdletResult:
    """Output objects (property dicts) and warning texts of one cmdlet run."""

    rows: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


# -- parameter conversion -----------------------------------------------------------------


class EnumType:
    """A .NET enumeration: its type name (for messages) and member names."""

    def __init__(self, type_name, values):
        self.type_name = type_name
        self.values = tuple(values)
        self._by_lower = {v.lower(): v for v in self.values}

    def parse(self, parameter, value, multi):
        """Canonical member name(s) for ``value``; a list when ``multi``."""
        items = value if isinstance(value, list) else [value]
        names = []
        for item in items:
            if not isinstance(item, str):
                raise errors.transformation(parameter, item, self.type_name,
                                            "Specified cast is not valid.")
            # PowerShell accepts "A, B" for a flags or array parameter.
            for part in item.split(","):
                canonical = self._by_lower.get(part.strip().lower())
                if canonical is None:
                    raise errors.invalid_enum(parameter, part.strip(), self.type_name,
                                              self.values)
                if canonical not in names:
                    names.append(canonical)
        if not multi and len(names) != 1:
            raise errors.transformation(parameter, value, self.type_name,
                                        "Only one value is allowed.")
        return names if multi else names[0]


MAILBOX_RIGHTS_TYPE = EnumType(
    "Microsoft.Exchange.Management.RecipientTasks.MailboxRights[]", MAILBOX_RIGHTS
)
RECIPIENT_RIGHTS_TYPE = EnumType(
    "Microsoft.Exchange.Management.RecipientTasks.RecipientAccessRight[]", ["SendAs"]
)
INHERITANCE_TYPE = EnumType(
    "System.DirectoryServices.ActiveDirectorySecurityInheritance",
    ["None", "All", "Descendents", "SelfAndChildren", "Children"],
)
RECIPIENT_TYPE_DETAILS = EnumType(
    "Microsoft.Exchange.Data.Directory.Recipient.RecipientTypeDetails[]",
    ["UserMailbox", "LinkedMailbox", "SharedMailbox", "LegacyMailbox", "RoomMailbox",
     "EquipmentMailbox", "MailContact", "MailUser", "GuestMailUser",
     "MailUniversalDistributionGroup", "MailUniversalSecurityGroup", "RoomList",
     "DynamicDistributionGroup", "GroupMailbox", "SchedulingMailbox", "TeamMailbox",
     "DiscoveryMailbox", "RemoteUserMailbox", "RemoteSharedMailbox", "LinkedRoomMailbox"],
)
RECIPIENT_TYPE = EnumType(
    "Microsoft.Exchange.Data.Directory.Recipient.RecipientType[]",
    ["UserMailbox", "MailUser", "MailContact", "MailUniversalDistributionGroup",
     "MailUniversalSecurityGroup", "DynamicDistributionGroup", "PublicFolder"],
)


def _enum(enum_type, multi=False):
    return lambda name, value: enum_type.parse(name, value, multi)


def _string(name, value):
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise errors.transformation(name, _type_label(value), "System.String",
                                    "Specified method is not supported.")
    return str(value)


def _nullable_string(name, value):
    return None if value is None else _string(name, value)


def _identity(name, value):
    text = _string(name, value) if value is not None else ""
    if not text.strip():
        raise errors.CmdletFailure(
            f"Cannot validate argument on parameter '{name}'. The argument is null or empty. "
            "Provide an argument that is not null or empty, and then try the command again.",
            errors.BINDING, stage=errors.TRANSFORMATION_STAGE,
        )
    return text


def _bool(name, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise errors.transformation(
        name, _type_label(value), "System.Boolean",
        "Boolean parameters accept only Boolean values and numbers, such as $True, $False, "
        "1 or 0.",
    )


def _result_size(name, value):
    if isinstance(value, str) and value.strip().lower() == "unlimited":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise errors.transformation(name, value, "Microsoft.Exchange.Data.Unlimited`1[System.UInt32]",
                                "The value must be a positive number or 'Unlimited'.")


_DURATION = re.compile(r"^(\d+)(?:\.(\d{2}):(\d{2}):(\d{2}))?$")


def _duration(name, value):
    """LitigationHoldDuration: "Unlimited", a number of days, or "d.hh:mm:ss"."""
    if isinstance(value, str) and value.strip().lower() == "unlimited":
        return "Unlimited"
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return f"{value}.00:00:00"
    if isinstance(value, str):
        match = _DURATION.match(value.strip())
        if match:
            days, hh, mm, ss = match.groups()
            return f"{int(days)}.{hh or '00'}:{mm or '00'}:{ss or '00'}"
    raise errors.transformation(
        name, value, "Microsoft.Exchange.Data.Unlimited`1[Microsoft.Exchange.Data.EnhancedTimeSpan]",
        "The value must be 'Unlimited', a number of days or a time span d.hh:mm:ss.",
    )


def _smtp_or_null(name, value):
    """An SMTP address, or ``$null`` (JSON null) to clear it. An empty string is not an address:
    Microsoft documents $null for clearing, and PowerShell cannot convert "" to a ProxyAddress."""
    if value is None:
        return None
    text = _string(name, value)
    if not text.strip():
        raise errors.transformation(name, text, "Microsoft.Exchange.Data.ProxyAddress",
                                    "The address is empty. To clear the value, use $null.")
    address = text[5:] if text.lower().startswith("smtp:") else text
    if re.fullmatch(r"[^@\s:]+@[^@\s]+\.[^@\s]+", address) is None:
        raise errors.transformation(name, text, "Microsoft.Exchange.Data.ProxyAddress",
                                    f'The address "{text}" is not a valid SMTP address.')
    return f"smtp:{address}"


def add_remove_or_replace(name, value, convert, type_name):
    """A multi-valued parameter: a list (replace) or an ``@{Add=...; Remove=...}`` hashtable.

    ``convert(name, items)`` checks the values; ``type_name`` is the .NET type Exchange names
    when the hashtable has other keys.
    """
    if value is None:
        return {"replace": []}
    if isinstance(value, dict):
        changes = {"add": [], "remove": []}
        for key, item in value.items():
            if "@" in key:
                continue  # OData annotations such as "@odata.type"
            if key.lower() not in changes:
                raise errors.transformation(
                    name, key, type_name, "Only the keys Add and Remove are supported in a hashtable.")
            changes[key.lower()] = convert(name, item)
        return changes
    return {"replace": convert(name, value)}


def _multi_valued(name, value):
    """A multi-valued recipient parameter: a list (replace) or an Add/Remove hashtable."""
    return add_remove_or_replace(name, value, _identity_list,
                                 "Microsoft.Exchange.Data.MultiValuedProperty")


def _identity_list(name, value):
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [_identity(name, item) for item in items]


def _accepted(name, value):
    """Parameters such as Confirm that are accepted and have no effect here."""
    return value


def _type_label(value):
    if isinstance(value, list):
        return "System.Object[]"
    if isinstance(value, dict):
        return "System.Collections.Hashtable"
    return "System.String" if isinstance(value, str) else str(value)


# -- cmdlet table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cmdlet:
    """A cmdlet: its name, parameter converters, mandatory parameters and handler."""

    name: str
    handler: object
    parameters: dict
    mandatory: tuple = ()

    @property
    def is_write(self):
        """Whether the cmdlet may change state (everything except Get-*)."""
        return not self.name.startswith("Get-")

    def bind(self, raw):
        """Convert raw JSON parameters to canonical names and Python values."""
        by_lower = {p.lower(): p for p in self.parameters}
        unknown = [k for k in raw if k.lower() not in by_lower]
        if unknown:
            raise errors.unknown_parameters(unknown)
        bound = {}
        for key, value in raw.items():
            canonical = by_lower[key.lower()]
            bound[canonical] = self.parameters[canonical](canonical, value)
        missing = [p for p in self.mandatory if p not in bound]
        if missing:
            raise errors.missing_parameters(missing)
        return bound

    def run(self, org, raw_params, caller="", lazy=False):
        """Bind ``raw_params`` and run the cmdlet atomically against ``org``. ``lazy``: the rows
        may be a :class:`~sandbox.lazy_rows.LazyRows`, which the caller pages under ``org.lock``
        while ``org.generation`` is unchanged (sandbox/paging.py); else they are a list."""
        params = self.bind(raw_params)
        with org.lock:
            if self.is_write:
                org.changed(lists=False)
            result = self.handler(org, params, caller)
            if not lazy and isinstance(result.rows, LazyRows):
                result.rows = list(result.rows)
            return result


_GET_COMMON = {
    "Identity": _identity,
    "ResultSize": _result_size,
    "Filter": _string,
    "RecipientTypeDetails": _enum(RECIPIENT_TYPE_DETAILS, multi=True),
}


def _limit(rows, params, result):
    size = params.get("ResultSize", DEFAULT_RESULT_SIZE)
    if isinstance(rows, LazyRows):
        if size is not None and rows.more_than(size):
            result.warnings.append(RESULT_SIZE_WARNING)
            rows.limit(size)
    elif size is not None and len(rows) > size:
        result.warnings.append(RESULT_SIZE_WARNING)
        rows = rows[:size]
    result.rows = rows
    return result


def _query(org, candidates, params, view, resolve=None, links=(), selective=False):
    """Rows of ``candidates`` narrowed by Identity, type and Filter. A filter on one of the
    ``links`` (attributes that hold other recipients) compares distinguished names, as the
    service's link filters do; the rows keep showing names. The rows are viewed lazily, a page
    at a time (sandbox/lazy_rows.py); ``selective``: ``view(candidate, wanted)`` can build just
    the ``$select`` properties."""
    if "Identity" in params:
        candidates = [(resolve or identity.resolve)(org, params["Identity"], candidates)]
    if "RecipientTypeDetails" in params:
        wanted = set(params["RecipientTypeDetails"])
        candidates = [r for r in candidates if r.recipient_type_details in wanted]
    if "RecipientType" in params:
        wanted = set(params["RecipientType"])
        candidates = [r for r in candidates if r.recipient_type in wanted]
    if "Filter" not in params:
        return _limit(LazyRows(candidates, view, selective=selective), params, CmdletResult())
    text = params["Filter"]
    try:
        tree = opath.parse(text)
        if candidates:
            opath.check_properties(tree, org.link_values(candidates[0], view(candidates[0]), links))
    except (opath.FilterSyntaxError, opath.UnknownPropertyError) as exc:
        raise errors.bad_filter(text, str(exc)) from exc
    # Only the recipients whose Name and Guid meet the filter's own comparisons of them are
    # viewed: a read split into Guid or Name ranges (issue 23) costs its own rows, not the whole
    # organisation's, each.
    for prop, attribute in (("Name", "name"), ("Guid", "guid")):
        required = opath.conjuncts_on(tree, prop)
        if required:
            candidates = [r for r in _in_range(org, candidates, required, attribute)
                          if opath.satisfies(required, getattr(r, attribute))]
    # A filter of nothing but those comparisons is decided: no row needs evaluating.
    keep = None if opath.decided_by(tree, ("name", "guid")) else (
        lambda r, row: opath.evaluate(tree, org.link_values(r, row, links)))
    return _limit(LazyRows(candidates, view, keep, selective), params, CmdletResult())


def _in_range(org, candidates, required, attribute):
    """The candidates whose ``attribute`` lies within the range comparisons of ``required``, in
    their order, found in the organisation's sorted index of a cached listing rather than by a
    scan (a superset: the comparisons themselves still decide); else ``candidates``."""
    low, high = opath.range_bounds(required)
    listing = getattr(candidates, "listing", None)
    if listing is None or (low is None and high is None):
        return candidates
    keys, positions = org.sorted_by(listing, attribute)
    start = 0 if low is None else bisect.bisect_left(keys, low)
    end = len(keys) if high is None else bisect.bisect_right(keys, high)
    return [listing[i] for i in sorted(positions[start:end])]


def get_mailbox(org, params, caller):
    """Get-Mailbox: one mailbox by Identity, or all matching Filter/RecipientTypeDetails;
    with -SoftDeletedMailbox, the removed mailboxes still recoverable instead."""
    if params.get("SoftDeletedMailbox"):
        deleted = {r.guid: when for r, when in org.soft_deleted.values()}

        def view(recipient):
            return {**views.mailbox_view(org, recipient), "WhenSoftDeleted": deleted[recipient.guid],
                    "IsSoftDeletedByRemove": True, "IsInactiveMailbox": False}
        return _query(org, [r for r, unused in org.soft_deleted.values()], params, view,
                      resolve=_soft_deleted)
    return _query(org, org.mailboxes(view=True), params, partial(views.mailbox_view, org), links=("GrantSendOnBehalfTo",),
                  selective=True)


def _soft_deleted(org, text, unused_candidates=None):
    """Exactly one soft-deleted mailbox named by ``text``, or Exchange's failure."""
    matches = org.find_soft_deleted(text)
    if not matches:
        raise errors.not_found(text, DOMAIN_CONTROLLER)
    if len(matches) > 1:
        raise errors.ambiguous(text)
    return matches[0]


def get_recipient(org, params, caller):
    """Get-Recipient: recipients of every type, with the smaller Get-Recipient property set."""
    return _query(org, org.all(view=True), params, partial(views.recipient_view, org), links=("GrantSendOnBehalfTo", "Members"),
                  selective=True)


def _mailbox(org, params):
    return identity.resolve(org, params["Identity"], org.mailboxes(view=True))


def _trustee_matcher(org, text):
    """A predicate on (trustee, builtin) for a User/Trustee filter, which may be a built-in."""
    matches = identity.find(org, text)
    if len(matches) > 1:
        raise errors.ambiguous(text)
    if matches:
        guid = matches[0].guid
        return lambda trustee, builtin: not builtin and trustee == guid
    if "\\" in text:
        return lambda trustee, builtin: builtin and trustee.lower() == text.lower()
    raise errors.referenced_not_found(text)


def get_mailbox_permission(org, params, caller):
    """Get-MailboxPermission: the ACL of one mailbox, optionally for one User."""
    mailbox = _mailbox(org, params)
    aces = mailbox.mailbox_permissions
    if "User" in params:
        match = _trustee_matcher(org, params["User"])
        aces = [a for a in aces if match(a.trustee, a.builtin)]
    rows = [views.mailbox_permission_view(org, mailbox, a) for a in aces]
    return _limit(rows, params, CmdletResult())


def _explicit_ace(mailbox, trustee, deny, inheritance_type):
    for ace in mailbox.mailbox_permissions:
        if (not ace.builtin and not ace.is_inherited and ace.trustee == trustee
                and ace.deny == deny and ace.inheritance_type == inheritance_type):
            return ace
    return None


def _ordered_rights(rights):
    return [r for r in MAILBOX_RIGHTS if r in rights]


def add_mailbox_permission(org, params, caller):
    """Add-MailboxPermission. Granting rights the trustee already has is a warning."""
    mailbox = _mailbox(org, params)
    trustee = identity.resolve(org, params["User"], referenced=True)
    rights = params["AccessRights"]
    deny = params.get("Deny", False)
    inheritance = params.get("InheritanceType", "All")
    result = CmdletResult()
    ace = _explicit_ace(mailbox, trustee.guid, deny, inheritance)
    if ace is not None and set(rights) <= set(ace.access_rights):
        result.warnings.append(
            f'The appropriate access control entry is already present on the object '
            f'"{mailbox.name}" for account "{org.trustee_label(trustee.guid, False)}".'
        )
        return result
    if ace is None:
        explicit = [a for a in mailbox.mailbox_permissions if not a.builtin and not a.is_inherited]
        if len(explicit) >= MAX_EXPLICIT_ACES:
            raise errors.CmdletFailure(
                f"The mailbox '{mailbox.name}' already has the maximum number of "
                f"{MAX_EXPLICIT_ACES} explicit access control entries.",
                errors.ACL_TOO_BIG,
            )
        ace = MailboxAce(trustee.guid, [], deny=deny, inheritance_type=inheritance)
        mailbox.mailbox_permissions.append(ace)
    ace.access_rights = _ordered_rights(set(ace.access_rights) | set(rights))
    row = views.mailbox_permission_view(org, mailbox, ace)
    row["AccessRights"] = _ordered_rights(rights)
    result.rows.append(row)
    return result


def remove_mailbox_permission(org, params, caller):
    """Remove-MailboxPermission. Removing rights that are not granted is a warning."""
    mailbox = _mailbox(org, params)
    trustee = identity.resolve(org, params["User"], referenced=True)
    rights = set(params["AccessRights"])
    ace = _explicit_ace(mailbox, trustee.guid, params.get("Deny", False),
                        params.get("InheritanceType", "All"))
    result = CmdletResult()
    if ace is None or not rights & set(ace.access_rights):
        result.warnings.append(_ace_absent(org, mailbox, trustee))
        return result
    ace.access_rights = _ordered_rights(set(ace.access_rights) - rights)
    if not ace.access_rights:
        mailbox.mailbox_permissions.remove(ace)
    return result


def _ace_absent(org, recipient, trustee):
    return (f'Can\'t remove the access control entry on the object "{recipient.name}" for '
            f'account "{org.trustee_label(trustee.guid, False)}" because the ACE doesn\'t exist on the '
            "object.")


def get_recipient_permission(org, params, caller):
    """Get-RecipientPermission: Send As entries of one recipient, or of all."""
    if "Identity" in params:
        recipients = [identity.resolve(org, params["Identity"])]
    else:
        recipients = org.all()
    match = _trustee_matcher(org, params["Trustee"]) if "Trustee" in params else None
    rows = []
    for recipient in recipients:
        for ace in recipient.recipient_permissions:
            if match is None or match(ace.trustee, ace.builtin):
                rows.append(views.recipient_permission_view(org, recipient, ace))
    return _limit(rows, params, CmdletResult())


def _send_as(recipient, trustee):
    for ace in recipient.recipient_permissions:
        if not ace.builtin and ace.trustee == trustee.guid:
            return ace
    return None


def add_recipient_permission(org, params, caller):
    """Add-RecipientPermission (Send As). An existing entry is a warning."""
    recipient = identity.resolve(org, params["Identity"])
    trustee = identity.resolve(org, params["Trustee"], referenced=True)
    result = CmdletResult()
    ace = _send_as(recipient, trustee)
    if ace is not None:
        result.warnings.append(
            f'The appropriate access control entry is already present on the object '
            f'"{recipient.name}" for account "{org.trustee_label(trustee.guid, False)}".'
        )
        return result
    ace = SendAsAce(trustee=trustee.guid)
    recipient.recipient_permissions.append(ace)
    result.rows.append(views.recipient_permission_view(org, recipient, ace))
    return result


def remove_recipient_permission(org, params, caller):
    """Remove-RecipientPermission (Send As). A missing entry is a warning."""
    recipient = identity.resolve(org, params["Identity"])
    trustee = identity.resolve(org, params["Trustee"], referenced=True)
    result = CmdletResult()
    ace = _send_as(recipient, trustee)
    if ace is None:
        result.warnings.append(_ace_absent(org, recipient, trustee))
    else:
        recipient.recipient_permissions.remove(ace)
    return result


def apply_multi_valued(org, current, change):
    """New list of recipient Guids after applying a bound multi-valued ``change``.

    Every identity is resolved first, so one bad name fails the whole change. Adding a
    present value or removing an absent one changes nothing.
    """
    if "replace" in change:
        resolved = [identity.resolve(org, i, referenced=True).guid for i in change["replace"]]
        return list(dict.fromkeys(resolved))
    added = [identity.resolve(org, i, referenced=True).guid for i in change["add"]]
    removed = {identity.resolve(org, i, referenced=True).guid for i in change["remove"]}
    updated = [g for g in current if g not in removed]
    updated += [g for g in dict.fromkeys(added) if g not in updated and g not in removed]
    return updated


_CONFIRM = {"Confirm": _accepted}
_MAILBOX_PERMISSION_WRITE = {
    "Identity": _identity,
    "User": _identity,
    "AccessRights": _enum(MAILBOX_RIGHTS_TYPE, multi=True),
    "InheritanceType": _enum(INHERITANCE_TYPE),
    "Deny": _bool,
    **_CONFIRM,
}
_RECIPIENT_PERMISSION_WRITE = {
    "Identity": _identity,
    "Trustee": _identity,
    "AccessRights": _enum(RECIPIENT_RIGHTS_TYPE, multi=True),
    **_CONFIRM,
}

CMDLETS = {
    c.name.lower(): c for c in (
        Cmdlet("Get-Mailbox", get_mailbox, {**_GET_COMMON, "SoftDeletedMailbox": _bool}),
        Cmdlet("Get-Recipient", get_recipient,
               {**_GET_COMMON, "RecipientType": _enum(RECIPIENT_TYPE, multi=True)}),
        Cmdlet("Get-MailboxPermission", get_mailbox_permission,
               {"Identity": _identity, "User": _identity, "ResultSize": _result_size},
               mandatory=("Identity",)),
        Cmdlet("Add-MailboxPermission", add_mailbox_permission,
               {**_MAILBOX_PERMISSION_WRITE, "AutoMapping": _bool},
               mandatory=("Identity", "User", "AccessRights")),
        Cmdlet("Remove-MailboxPermission", remove_mailbox_permission,
               {**_MAILBOX_PERMISSION_WRITE, "BypassMasterAccountSid": _bool},
               mandatory=("Identity", "User", "AccessRights")),
        Cmdlet("Get-RecipientPermission", get_recipient_permission,
               {"Identity": _identity, "Trustee": _identity, "ResultSize": _result_size,
                "AccessRights": _enum(RECIPIENT_RIGHTS_TYPE, multi=True)}),
        Cmdlet("Add-RecipientPermission", add_recipient_permission,
               dict(_RECIPIENT_PERMISSION_WRITE),
               mandatory=("Identity", "Trustee", "AccessRights")),
        Cmdlet("Remove-RecipientPermission", remove_recipient_permission,
               dict(_RECIPIENT_PERMISSION_WRITE),
               mandatory=("Identity", "Trustee", "AccessRights")),
    )
}
