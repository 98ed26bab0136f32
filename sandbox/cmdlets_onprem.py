"""On-premises Exchange recipient cmdlets, served by the PowerShell remoting front end.

They act on the same organisation as the Exchange Online cmdlets: an on-premises mailbox is a
recipient whose ``onprem`` view says ``UserMailbox`` (Exchange Online sees a mail user), a
remote (hybrid) mailbox one whose ``onprem`` view says ``RemoteUserMailbox`` (Exchange Online
sees its cloud mailbox). Active Directory users without a mailbox live in ``org.ad_users``.

The table is separate from :data:`sandbox.cmdlets.CMDLETS` because ``Get-Mailbox`` and
``Set-Mailbox`` behave differently on premises (databases, email address policies, no cloud
mailboxes); it reuses that module's converters and :class:`~sandbox.cmdlets.Cmdlet`.
"""

import re
import uuid

from . import errors, identity
from .cmdlets import (
    Cmdlet,
    CmdletResult,
    EnumType,
    RECIPIENT_TYPE_DETAILS,
    _accepted,
    _bool,
    _enum,
    _identity,
    _limit,
    _nullable_string,
    _result_size,
    _string,
    _type_label,
)
from .model import ADUser, ProxyAddressConflict, Recipient, timestamp

SERVER = "EXCH01"
ALREADY_EXISTS = "Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException"
PROXY_EXISTS = "Microsoft.Exchange.Data.Directory.ProxyAddressExistsException"
RECIPIENT_TASK = "Microsoft.Exchange.Configuration.Tasks.RecipientTaskException"
ONPREM_MAILBOX = "UserMailbox"
REMOTE_MAILBOX = "RemoteUserMailbox"
# The switch of New-/Enable-(Remote)Mailbox that makes each kind, and the RecipientTypeDetails it
# gives on premises (a remote one is "Remote" + it). Set-(Remote)Mailbox -Type converts between them.
TYPE_SWITCHES = {"Shared": "SharedMailbox", "Room": "RoomMailbox", "Equipment": "EquipmentMailbox"}
TYPES = {"Regular": ONPREM_MAILBOX, **TYPE_SWITCHES}
ONPREM_KINDS = frozenset(TYPES.values())
REMOTE_KINDS = frozenset("Remote" + kind for kind in TYPES.values())
# What Exchange Online shows for a remote mailbox of each kind (an on-premises one is a mail user there).
_CLOUD_DETAILS = {"Remote" + kind: kind for kind in TYPES.values()}
MAILBOX_TYPE = EnumType("Microsoft.Exchange.Management.RecipientTasks.ConvertibleMailboxSubType", TYPES)
NULL_GUID = "00000000-0000-0000-0000-000000000000"
_SMTP = re.compile(r"^[^@\s:;,<>\"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


def domain_controller(org):
    """The DC that on-premises error texts name."""
    return f"DC01.{org.ad_domain}"


def organizational_units(org):
    """The OUs and containers new users may be created in."""
    return [f"{org.ad_domain}/Users", f"{org.ad_domain}/Staff"]


# -- converters -------------------------------------------------------------------------------


def _secure_string(name, value):
    """A SecureString parameter: PowerShell refuses a plain string here."""
    decrypt = getattr(value, "decrypt", None)
    if decrypt is None:
        raise errors.transformation(name, _type_label(value), "System.Security.SecureString",
                                    "Cannot convert the value to a SecureString.")
    return str(decrypt())


def _smtp(name, value):
    text = _string(name, value).strip()
    address = text[5:] if text.lower().startswith("smtp:") else text
    if not _SMTP.match(address):
        raise errors.transformation(name, text, "Microsoft.Exchange.Data.SmtpAddress",
                                    f'"{text}" isn\'t a valid SMTP address.')
    return address


def _proxy(name, text):
    text = _string(name, text).strip()
    prefix, sep, value = text.partition(":")
    if not sep:
        prefix, value = "smtp", text
    if prefix.lower() == "smtp":
        _smtp(name, value)
        return ("SMTP:" if prefix == "SMTP" else "smtp:") + value
    if not re.fullmatch(r"[A-Za-z0-9]{1,9}", prefix) or not value.strip():
        raise errors.transformation(name, text, "Microsoft.Exchange.Data.ProxyAddress",
                                    f'The proxy address "{text}" is invalid.')
    return f"{prefix}:{value}"


def _proxy_addresses(name, value):
    """EmailAddresses: a list (replace) or an Add/Remove hashtable, as ProxyAddress values."""
    if isinstance(value, dict):
        change = {"add": [], "remove": []}
        for key, items in value.items():
            if key.lower() not in change:
                raise errors.transformation(name, key, "Microsoft.Exchange.Data.ProxyAddressCollection",
                                            "Only the keys Add and Remove are supported in a hashtable.")
            items = items if isinstance(items, list) else [items]
            change[key.lower()] = [_proxy(name, item) for item in items]
        return change
    items = value if isinstance(value, list) else [value]
    return {"replace": [_proxy(name, item) for item in items]}


# -- lookups ---------------------------------------------------------------------------------


def _wanted(text):
    """An identity as _matches compares it: lower case, a GUID without its braces."""
    wanted = text.strip().lower()
    if len(wanted) == 38 and wanted[0] == "{" and wanted[-1] == "}":
        wanted = wanted[1:-1]
    return wanted


def _matches(org, wanted, user):
    """Whether ``user`` is named by ``wanted`` (see _wanted): its name, sAMAccountName, user principal
    name or GUID, or its NETBIOS\\sAMAccountName, distinguished name or OU/name. A composed name is
    made only when the text has its mark (a backslash, an equals sign, a slash), so that a scan of
    a directory of thousands costs a few comparisons a user, not seven formatted strings."""
    if wanted in (user.name.lower(), user.sam_account_name.lower(), user.user_principal_name.lower(),
                  user.guid.lower()):
        return True
    composed = []
    if "\\" in wanted:
        composed.append(f"{org.ad_netbios}\\{user.sam_account_name}")
    if "=" in wanted:
        composed.append(org.ad_distinguished_name(user))
    if "/" in wanted:
        composed.append(f"{user.organizational_unit}/{user.name}")
    return any(key.lower() == wanted for key in composed)


def find_users(org, text):
    """AD users named by ``text``: their own keys, or any identity of their mailbox."""
    recipients = {r.guid for r in identity.find(org, text, onprem_recipients(org))}
    wanted = _wanted(text)
    return [u for u in org.ad_users.values() if u.guid in recipients or _matches(org, wanted, u)]


def resolve_user(org, text):
    """Exactly one AD user, or Exchange's not-found / ambiguous failure."""
    users = find_users(org, text)
    if not users:
        raise errors.not_found(text, domain_controller(org))
    if len(users) > 1:
        raise errors.ambiguous(text)
    return users[0]


def _family(kind):
    """The RecipientTypeDetails Get-Mailbox (``UserMailbox``) or Get-RemoteMailbox
    (``RemoteUserMailbox``) answers with: every mailbox type of that side."""
    if kind == ONPREM_MAILBOX:
        return ONPREM_KINDS
    if kind == REMOTE_MAILBOX:
        return REMOTE_KINDS
    return frozenset((kind,))


def onprem_recipients(org, kind=None):
    """Recipients the on-premises directory holds, optionally only those ``Get-<kind>`` shows
    (``UserMailbox``: every on-premises mailbox type, ``RemoteUserMailbox``: every remote one)."""
    family = None if kind is None else _family(kind)
    return [r for r in org.all() if r.onprem is not None
            and (family is None or r.onprem["RecipientTypeDetails"] in family)]


def resolve_recipient(org, text, kind):
    """The one on-premises mailbox (``kind``) named by ``text``, or the not-found failure."""
    candidates = onprem_recipients(org, kind)
    found = {r.guid: r for r in identity.find(org, text, candidates)}
    guids = {r.guid for r in candidates}
    wanted = _wanted(text)
    for user in org.ad_users.values():
        if user.guid in guids and _matches(org, wanted, user):
            found.setdefault(user.guid, org.get(user.guid))
    if not found:
        raise errors.not_found(text, domain_controller(org))
    if len(found) > 1:
        raise errors.ambiguous(text)
    return next(iter(found.values()))


# -- views -----------------------------------------------------------------------------------


def user_view(org, user):
    """A Get-User row."""
    recipient = org.recipients.get(user.guid)
    if recipient is None or recipient.onprem is None:
        details, recipient_type = "User", "User"
    else:
        details = recipient.onprem["RecipientTypeDetails"]
        recipient_type = "UserMailbox" if details in ONPREM_KINDS else "MailUser"
    return {
        "Name": user.name,
        "Identity": f"{user.organizational_unit}/{user.name}",
        "SamAccountName": user.sam_account_name,
        "UserPrincipalName": user.user_principal_name,
        "FirstName": user.first_name,
        "LastName": user.last_name,
        "DisplayName": user.display_name,
        "OrganizationalUnit": user.organizational_unit,
        "DistinguishedName": org.ad_distinguished_name(user),
        "RecipientType": recipient_type,
        "RecipientTypeDetails": details,
        "WindowsEmailAddress": recipient.primary_smtp_address if recipient else "",
        "Guid": user.guid,
        "WhenCreated": user.when_created,
        "OriginatingServer": domain_controller(org),
    }


def mailbox_view(org, recipient):
    """A Get-Mailbox or Get-RemoteMailbox row of an on-premises recipient."""
    user = org.ad_users[recipient.guid]
    onprem = recipient.onprem
    remote = onprem["RecipientTypeDetails"] in REMOTE_KINDS
    props = recipient.properties
    row = {
        "Name": recipient.name,
        "Identity": f"{user.organizational_unit}/{recipient.name}",
        "Alias": recipient.alias,
        "DisplayName": recipient.display_name,
        "SamAccountName": user.sam_account_name,
        "UserPrincipalName": user.user_principal_name,
        "PrimarySmtpAddress": recipient.primary_smtp_address,
        "WindowsEmailAddress": recipient.primary_smtp_address,
        "EmailAddresses": list(recipient.email_addresses),
        "EmailAddressPolicyEnabled": onprem["EmailAddressPolicyEnabled"],
        "HiddenFromAddressListsEnabled": props["HiddenFromAddressListsEnabled"],
        "RecipientType": "MailUser" if remote else "UserMailbox",
        "RecipientTypeDetails": onprem["RecipientTypeDetails"],
        "OrganizationalUnit": user.organizational_unit,
        "DistinguishedName": org.ad_distinguished_name(user),
        "ExchangeGuid": recipient.exchange_guid,
        "Guid": recipient.guid,
        "WhenCreated": recipient.when_created,
        "WhenChanged": recipient.when_changed,
        **{f"CustomAttribute{n}": props[f"CustomAttribute{n}"] for n in range(1, 16)},
        "GrantSendOnBehalfTo": [f"{org.ad_users[g].organizational_unit}/{org.ad_users[g].name}"
                                for g in recipient.grant_send_on_behalf_to if g in org.ad_users],
        "ArchiveGuid": props["ArchiveGuid"],
        "ArchiveName": list(props["ArchiveName"]),
        "ArchiveStatus": props["ArchiveStatus"],
        "ArchiveState": props["ArchiveState"],
        "OriginatingServer": domain_controller(org),
    }
    if remote:
        row["RemoteRoutingAddress"] = onprem["RemoteRoutingAddress"]
        row["OnPremisesOrganizationalUnit"] = user.organizational_unit
    else:
        row["Database"] = onprem["Database"]
        row["ServerName"] = SERVER.lower()
        row["LegacyExchangeDN"] = onprem["LegacyExchangeDN"]
        row["ArchiveDatabase"] = props["ArchiveDatabase"]
    return row


# -- email address policy --------------------------------------------------------------------


def policy_address(org, user, alias, recipient=None):
    """The primary address the organisation's policy gives: first.last (or the alias), made unique."""
    if user.first_name and user.last_name:
        local = org.address_policy.split("@")[0].replace("%g", user.first_name) \
            .replace("%s", user.last_name)
    else:
        local = alias
    local = re.sub(r"[^A-Za-z0-9.\-_]", "", local).lower()
    domain = org.address_policy.split("@")[1]
    candidate, number = f"{local}@{domain}", 2
    while True:
        owner = org.claimant(candidate)
        if owner is None or owner is recipient:
            return candidate
        candidate, number = f"{local}{number}@{domain}", number + 1


def _with_primary(addresses, primary):
    """``addresses`` with ``primary`` as the one ``SMTP:`` address (added if missing)."""
    result, found = [], False
    for address in addresses:
        prefix, unused, value = address.partition(":")
        if prefix.lower() != "smtp":
            result.append(address)
        elif value.lower() == primary.lower():
            result.append(f"SMTP:{value}")
            found = True
        else:
            result.append(f"smtp:{value}")
    if not found:
        result.insert(0, f"SMTP:{primary}")
    return result


# -- cmdlets ---------------------------------------------------------------------------------


def get_user(org, params, caller):
    """Get-User: AD users with or without a mailbox."""
    users = list(org.ad_users.values())
    if "Identity" in params:
        users = [resolve_user(org, params["Identity"])]
    rows = [user_view(org, u) for u in users]
    if "RecipientTypeDetails" in params:
        rows = [r for r in rows if r["RecipientTypeDetails"] in params["RecipientTypeDetails"]]
    return _limit(rows, params, CmdletResult())


def _getter(kind):
    def get(org, params, caller):
        if "Identity" in params:
            recipients = [resolve_recipient(org, params["Identity"], kind)]
        else:
            recipients = onprem_recipients(org, kind)
        return _limit([mailbox_view(org, r) for r in recipients], params, CmdletResult())
    get.__doc__ = f"Get-{'Remote' if kind == REMOTE_MAILBOX else ''}Mailbox on premises."
    return get


def _alias_from(text):
    alias = re.sub(r"[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]", "", text.split("@")[0])
    return alias.strip(".") or "user"


def _check_database(org, params):
    database = params.get("Database")
    if database is None:
        return org.databases[0]
    for known in org.databases:
        if known.lower() == database.lower():
            return known
    raise errors.CmdletFailure(
        f'Couldn\'t find database "{database}". Make sure you have typed it correctly.',
        errors.NOT_FOUND, category="NotFound")


def _routing_address(org, params, alias):
    if "RemoteRoutingAddress" in params:
        return params["RemoteRoutingAddress"]
    return f"{alias}@{org.routing_domain}"


def _mail_enable(org, user, params, kind):
    """Give ``user`` a mailbox (on-premises or remote); the shared part of New- and Enable-."""
    if user.guid in org.recipients:
        raise errors.CmdletFailure(
            f"The user \"{user.name}\" is already mail-enabled.", RECIPIENT_TASK)
    alias = params.get("Alias") or (_alias_from(user.user_principal_name)
                                    if "Name" in params else user.sam_account_name)
    onprem = {"RecipientTypeDetails": kind}
    addresses = []
    if kind in ONPREM_KINDS:
        onprem["Database"] = _check_database(org, params)
        onprem["LegacyExchangeDN"] = (f"/o={org.name}/ou=Exchange Administrative Group "
                                      f"(FYDIBOHF23SPDLT)/cn=Recipients/cn={user.guid[:8]}-{alias}")
    else:
        onprem["RemoteRoutingAddress"] = _routing_address(org, params, alias)
        addresses.append(f"smtp:{onprem['RemoteRoutingAddress']}")
    # Documented: giving PrimarySmtpAddress switches the email address policy off.
    onprem["EmailAddressPolicyEnabled"] = "PrimarySmtpAddress" not in params
    primary = params.get("PrimarySmtpAddress") or policy_address(org, user, alias)
    addresses = _with_primary(addresses, primary)
    display = params.get("DisplayName") or user.display_name or user.name
    now = timestamp()
    recipient = Recipient(
        guid=user.guid, name=user.name, alias=alias, display_name=display,
        user_principal_name=user.user_principal_name, email_addresses=addresses,
        recipient_type_details=_CLOUD_DETAILS.get(kind, "MailUser"),
        recipient_type="UserMailbox" if kind in REMOTE_KINDS else "MailUser",
        external_directory_object_id=str(uuid.uuid4()), exchange_guid=str(uuid.uuid4()),
        exchange_object_id=user.guid, when_created=now, when_changed=now, onprem=onprem)
    try:
        org.add(recipient)
    except ProxyAddressConflict as exc:
        raise errors.CmdletFailure(
            f"The proxy address is already being used by another recipient: {exc}",
            PROXY_EXISTS) from exc
    user.display_name = display
    result = CmdletResult()
    result.rows.append(mailbox_view(org, recipient))
    return result


def _kind_of(base, params):
    """The RecipientTypeDetails a New-/Enable- call makes: its -Shared, -Room or -Equipment
    switch (at most one: they are parameter sets), on premises or remote as ``base``."""
    switches = [name for name in TYPE_SWITCHES if params.get(name)]
    if len(switches) > 1:
        raise errors.CmdletFailure("Parameter set cannot be resolved using the specified named parameters.",
                                   errors.UNKNOWN_PARAMETER, stage=errors.BINDING_STAGE, error_id="")
    details = TYPE_SWITCHES[switches[0]] if switches else ONPREM_MAILBOX
    return details if base == ONPREM_MAILBOX else "Remote" + details


def _new(base):
    def new(org, params, caller):
        kind = _kind_of(base, params)
        if kind in (ONPREM_MAILBOX, REMOTE_MAILBOX):
            # A resource or shared mailbox's account is disabled: it needs neither (docs/sandbox.md).
            missing = [name for name in ("UserPrincipalName", "Password") if name not in params]
            if missing:
                raise errors.missing_parameters(missing)
        if "Password" in params and not params["Password"]:
            raise errors.invalid_argument("The password can't be empty.")
        ou = params.get("OrganizationalUnit") or params.get("OnPremisesOrganizationalUnit") \
            or organizational_units(org)[0]
        known = {o.lower(): o for o in organizational_units(org)}
        if ou.lower() not in known:
            raise errors.CmdletFailure(
                f'The operational unit "{ou}" was not found. Please make sure you have typed it '
                "correctly.", errors.NOT_FOUND, category="NotFound")
        upn = params.get("UserPrincipalName") or \
            f"{_alias_from(params['Name'].replace(' ', ''))}@{org.address_policy.split('@')[1]}"
        sam = params.get("SamAccountName") or _alias_from(upn)[:20]
        user = ADUser(guid=str(uuid.uuid4()), name=params["Name"], sam_account_name=sam,
                      user_principal_name=upn, first_name=params.get("FirstName") or "",
                      last_name=params.get("LastName") or "",
                      display_name=params.get("DisplayName") or params["Name"],
                      organizational_unit=known[ou.lower()], when_created=timestamp())
        try:
            org.add_ad_user(user)
        except ValueError as exc:
            raise errors.CmdletFailure(
                f"Active Directory operation failed on {domain_controller(org)}. The object "
                f"'{org.ad_distinguished_name(user)}' already exists. {exc}", ALREADY_EXISTS) from exc
        try:
            return _mail_enable(org, user, params, kind)
        except errors.CmdletFailure:
            del org.ad_users[user.guid]
            raise
    new.__doc__ = f"New-{'Remote' if base == REMOTE_MAILBOX else ''}Mailbox: the user and its mailbox."
    return new


def _archive(org, params, kind, enable):
    """Enable-/Disable-(Remote)Mailbox -Archive: an archive on the mailbox's database (on
    premises: ArchiveState Local, ArchiveStatus None, as Exchange shows it) or in Exchange Online
    (remote: HostedProvisioned once synchronised, which the sandbox is at once)."""
    recipient = resolve_recipient(org, params["Identity"], kind)
    props, onprem = recipient.properties, recipient.onprem
    has = props["ArchiveGuid"] not in (None, "", NULL_GUID)
    if enable and has:
        raise errors.CmdletFailure(f"The mailbox '{recipient.name}' already has an archive.", RECIPIENT_TASK)
    if not enable and not has:
        raise errors.CmdletFailure(f"The mailbox '{recipient.name}' doesn't have an archive.", RECIPIENT_TASK)
    if enable and kind == ONPREM_MAILBOX:
        props.update(ArchiveGuid=str(uuid.uuid4()), ArchiveDatabase=onprem["Database"], ArchiveStatus="None",
                     ArchiveState="Local", ArchiveName=[f"In-Place Archive - {recipient.display_name}"])
    elif enable:
        props.update(ArchiveGuid=str(uuid.uuid4()), ArchiveDatabase=None, ArchiveStatus="Active",
                     ArchiveState="HostedProvisioned", ArchiveName=[f"In-Place Archive - {recipient.display_name}"])
    else:
        props.update(ArchiveGuid=NULL_GUID, ArchiveDatabase=None, ArchiveStatus="None", ArchiveState="None",
                     ArchiveName=[])
    recipient.when_changed = timestamp()
    return CmdletResult()


def _enable(kind):
    def enable(org, params, caller):
        if params.get("Archive"):
            return _archive(org, params, kind, True)
        return _mail_enable(org, resolve_user(org, params["Identity"]), params, _kind_of(kind, params))
    enable.__doc__ = f"Enable-{'Remote' if kind == REMOTE_MAILBOX else ''}Mailbox: mail-enable a user."
    return enable


def _disable(kind, remove_user):
    def disable(org, params, caller):
        if params.get("Archive"):
            return _archive(org, params, kind, False)
        recipient = resolve_recipient(org, params["Identity"], kind)
        org.remove(recipient)
        if remove_user:
            del org.ad_users[recipient.guid]
        return CmdletResult()
    verb = "Remove" if remove_user else "Disable"
    disable.__doc__ = (f"{verb}-{'Remote' if kind == REMOTE_MAILBOX else ''}Mailbox: "
                       + ("the mailbox and its AD user." if remove_user else "keep the AD user."))
    return disable


def _apply_addresses(org, recipient, params, policy_enabled):
    addresses = list(recipient.email_addresses)
    if "EmailAddresses" in params:
        change = params["EmailAddresses"]
        if "replace" in change:
            addresses = change["replace"]
        else:
            removed = {a.split(":", 1)[1].lower() for a in change["remove"]}
            addresses = [a for a in addresses if a.split(":", 1)[1].lower() not in removed]
            known = {a.split(":", 1)[1].lower() for a in addresses}
            addresses += [a for a in change["add"] if a.split(":", 1)[1].lower() not in known]
            promoted = [a[5:] for a in change["add"] if a.startswith("SMTP:")]
            if len(promoted) == 1:
                # As Exchange Online's hashtable: an added SMTP: address becomes the primary.
                addresses = _with_primary(addresses, promoted[0])
    if "PrimarySmtpAddress" in params:
        addresses = _with_primary(addresses, params["PrimarySmtpAddress"])
    primaries = [a for a in addresses if a.startswith("SMTP:")]
    if len(primaries) != 1:
        raise errors.invalid_argument(
            "There must be exactly one primary SMTP address (SMTP:) in EmailAddresses.")
    user = org.ad_users[recipient.guid]
    if policy_enabled:
        wanted = policy_address(org, user, recipient.alias, recipient)
        if "EmailAddressPolicyEnabled" in params:
            addresses = _with_primary(addresses, wanted)
        elif primaries[0][5:].lower() != wanted.lower():
            # A guess (docs/sandbox.md): the primary address belongs to the policy while it applies.
            raise errors.invalid_argument(
                f"The primary SMTP address of '{recipient.name}' can't be changed while "
                "EmailAddressPolicyEnabled is $true; set EmailAddressPolicyEnabled to $false.")
    return addresses


def _delegates(org, recipient, change):
    """GrantSendOnBehalfTo after ``change`` (a list replaces, an Add/Remove table changes): AD user
    GUIDs; each name must be one AD user (publicDelegates links to directory objects)."""
    if isinstance(change, dict):
        table = {key.lower(): value if isinstance(value, list) else [value] for key, value in change.items()}
        if set(table) - {"add", "remove"}:
            raise errors.transformation("GrantSendOnBehalfTo", str(sorted(change)), "MultiValuedProperty",
                                        "Only the keys Add and Remove are supported in a hashtable.")
        removed = {resolve_user(org, name).guid for name in table.get("remove", [])}
        delegates = [g for g in recipient.grant_send_on_behalf_to if g not in removed]
        delegates += [g for g in (resolve_user(org, name).guid for name in table.get("add", [])) if g not in delegates]
    else:
        delegates = list(dict.fromkeys(resolve_user(org, name).guid for name in (change or [])))
    if recipient.guid in delegates:
        raise errors.invalid_argument(f"The mailbox '{recipient.name}' can't be granted send on behalf of itself.")
    return delegates


def _setter(kind):
    def set_(org, params, caller):
        recipient = resolve_recipient(org, params["Identity"], kind)
        onprem = recipient.onprem
        if "EmailAddresses" in params and "PrimarySmtpAddress" in params:
            raise errors.invalid_argument(
                "The EmailAddresses and PrimarySmtpAddress parameters can't be used together.")
        if "DisplayName" in params and not (params["DisplayName"] or "").strip():
            raise errors.invalid_argument("The DisplayName property can't be empty.")
        policy = params.get("EmailAddressPolicyEnabled", onprem["EmailAddressPolicyEnabled"])
        addresses = _apply_addresses(org, recipient, params, policy)
        changed = False
        if addresses != recipient.email_addresses:
            try:
                org.set_email_addresses(recipient, addresses)
            except ProxyAddressConflict as exc:
                raise errors.CmdletFailure(
                    f"The proxy address is already being used by another recipient: {exc}",
                    PROXY_EXISTS) from exc
            changed = True
        if policy != onprem["EmailAddressPolicyEnabled"]:
            onprem["EmailAddressPolicyEnabled"] = policy
            changed = True
        if "RemoteRoutingAddress" in params and \
                params["RemoteRoutingAddress"].lower() != onprem["RemoteRoutingAddress"].lower():
            onprem["RemoteRoutingAddress"] = params["RemoteRoutingAddress"]
            changed = True
        if "GrantSendOnBehalfTo" in params:
            delegates = _delegates(org, recipient, params["GrantSendOnBehalfTo"])
            if delegates != recipient.grant_send_on_behalf_to:
                recipient.grant_send_on_behalf_to = delegates
                changed = True
        if "Type" in params:
            details = TYPES[params["Type"]] if kind == ONPREM_MAILBOX else "Remote" + TYPES[params["Type"]]
            if details != onprem["RecipientTypeDetails"]:
                onprem["RecipientTypeDetails"] = details
                recipient.recipient_type_details = _CLOUD_DETAILS.get(details, "MailUser")
                changed = True
        if "DisplayName" in params and params["DisplayName"] != recipient.display_name:
            recipient.display_name = params["DisplayName"]
            org.ad_users[recipient.guid].display_name = params["DisplayName"]
            changed = True
        for name, value in params.items():
            if name == "HiddenFromAddressListsEnabled" or name.startswith("CustomAttribute"):
                value = "" if value is None else value
                if recipient.properties[name] != value:
                    recipient.properties[name] = value
                    changed = True
        result = CmdletResult()
        if changed:
            recipient.when_changed = timestamp()
        else:
            result.warnings.append(
                f"The command completed successfully but no settings of '{recipient.name}' have "
                "been modified.")
        return result
    set_.__doc__ = f"Set-{'Remote' if kind == REMOTE_MAILBOX else ''}Mailbox on premises."
    return set_


_CONFIRM = {"Confirm": _accepted}
_GET = {"Identity": _identity, "ResultSize": _result_size}
_NEW = {"Name": _identity, "UserPrincipalName": _smtp, "Password": _secure_string,
        "Alias": _string, "FirstName": _string, "LastName": _string, "DisplayName": _string,
        "PrimarySmtpAddress": _smtp, "SamAccountName": _string,
        "ResetPasswordOnNextLogon": _bool, **{name: _bool for name in TYPE_SWITCHES}, **_CONFIRM}
_ENABLE = {"Identity": _identity, "Alias": _string, "DisplayName": _string,
           "PrimarySmtpAddress": _smtp, "Archive": _bool, **{name: _bool for name in TYPE_SWITCHES}, **_CONFIRM}
_SET = {"Identity": _identity, "DisplayName": _string, "EmailAddresses": _proxy_addresses,
        "PrimarySmtpAddress": _smtp, "EmailAddressPolicyEnabled": _bool,
        "HiddenFromAddressListsEnabled": _bool, "Force": _bool, "Type": _enum(MAILBOX_TYPE),
        "GrantSendOnBehalfTo": lambda name, value: value,
        **{f"CustomAttribute{n}": _nullable_string for n in range(1, 16)}, **_CONFIRM}
_DISABLE = {"Identity": _identity, **_CONFIRM}
_DISABLE_ARCHIVE = {**_DISABLE, "Archive": _bool}

CMDLETS = {
    c.name.lower(): c for c in (
        Cmdlet("Get-User", get_user,
               {**_GET, "RecipientTypeDetails": _enum(RECIPIENT_TYPE_DETAILS, multi=True)}),
        Cmdlet("Get-Mailbox", _getter(ONPREM_MAILBOX), dict(_GET)),
        Cmdlet("Get-RemoteMailbox", _getter(REMOTE_MAILBOX), dict(_GET)),
        Cmdlet("New-Mailbox", _new(ONPREM_MAILBOX),
               {**_NEW, "OrganizationalUnit": _string, "Database": _string},
               mandatory=("Name",)),
        Cmdlet("New-RemoteMailbox", _new(REMOTE_MAILBOX),
               {**_NEW, "OnPremisesOrganizationalUnit": _string, "RemoteRoutingAddress": _smtp},
               mandatory=("Name",)),
        Cmdlet("Enable-Mailbox", _enable(ONPREM_MAILBOX), {**_ENABLE, "Database": _string},
               mandatory=("Identity",)),
        Cmdlet("Enable-RemoteMailbox", _enable(REMOTE_MAILBOX),
               {**_ENABLE, "RemoteRoutingAddress": _smtp}, mandatory=("Identity",)),
        Cmdlet("Disable-Mailbox", _disable(ONPREM_MAILBOX, False), dict(_DISABLE_ARCHIVE),
               mandatory=("Identity",)),
        Cmdlet("Disable-RemoteMailbox", _disable(REMOTE_MAILBOX, False), dict(_DISABLE_ARCHIVE),
               mandatory=("Identity",)),
        Cmdlet("Remove-Mailbox", _disable(ONPREM_MAILBOX, True),
               {**_DISABLE, "Permanent": _bool}, mandatory=("Identity",)),
        Cmdlet("Remove-RemoteMailbox", _disable(REMOTE_MAILBOX, True), dict(_DISABLE),
               mandatory=("Identity",)),
        Cmdlet("Set-Mailbox", _setter(ONPREM_MAILBOX), dict(_SET), mandatory=("Identity",)),
        Cmdlet("Set-RemoteMailbox", _setter(REMOTE_MAILBOX),
               {**_SET, "RemoteRoutingAddress": _smtp}, mandatory=("Identity",)),
    )
}


def lookup(name):
    """The on-premises cmdlet called ``name`` (case-insensitive), or CommandNotFound."""
    cmdlet = CMDLETS.get(str(name).strip().lower())
    if cmdlet is None:
        raise errors.command_not_found(name)
    return cmdlet
