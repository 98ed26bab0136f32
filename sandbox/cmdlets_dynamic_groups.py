"""Dynamic distribution groups: Get/New/Set/Remove-DynamicDistributionGroup, and
Get-Recipient -RecipientPreviewFilter, over the organisation model.

A dynamic group has no member list: a recipient filter (OPATH) selects its members when mail is
sent. Exchange does not keep the filter as given. It stores it rewritten: every comparison in
parentheses, property names in their schema spelling (``RecipientTypeDetails`` becomes
``RecipientTypeDetailsValue``), values quoted, and joined to clauses of its own that keep system
mailboxes out (docs/sandbox.md gives the evidence and what is guessed). Precanned conditions
(``IncludedRecipients``, ``ConditionalDepartment`` ...) produce a generated filter, stored the same
way. Importing this module adds its cmdlets to ``cmdlets.CMDLETS``.
"""

import uuid

from . import views
from . import errors, identity, opath
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
    _limit,
    _nullable_string,
    _query,
    _string,
)
from .cmdlets_mailbox import NAME_EXISTS, _NOT_ALIAS, _check_alias, _check_free, _smtp_address
from .model import _DC_SUFFIX, DOMAIN_CONTROLLER, FOREST, NULL_GUID, Recipient, timestamp

DYNAMIC = "DynamicDistributionGroup"
RECIPIENT_TASK = "Microsoft.Exchange.Configuration.Tasks.RecipientTaskException"
WELL_KNOWN = EnumType("Microsoft.Exchange.Data.Directory.Recipient.WellKnownRecipientType",
                      ["None", "MailboxUsers", "Resources", "MailContacts", "MailGroups",
                       "MailUsers", "AllRecipients"])
# The clauses Exchange Online joins to every stored filter, in its order.
SERVICE_CLAUSES = ("(-not(Name -like 'SystemMailbox{*'))", "(-not(Name -like 'CAS_{*'))") + tuple(
    f"(-not(RecipientTypeDetailsValue -eq '{kind}'))" for kind in (
        "MailboxPlan", "DiscoveryMailbox", "PublicFolderMailbox", "ArbitrationMailbox",
        "AuditLogMailbox", "AuxAuditLogMailbox", "SupervisoryReviewPolicyMailbox"))
# In the order of WellKnownRecipientType's flags, which is the order Exchange shows them in.
INCLUDED = {
    "MailboxUsers": (("RecipientType", "UserMailbox"),),
    "Resources": (("RecipientTypeDetailsValue", "RoomMailbox"),
                  ("RecipientTypeDetailsValue", "EquipmentMailbox")),
    "MailContacts": (("RecipientType", "MailContact"),),
    "MailGroups": (("RecipientType", "MailUniversalDistributionGroup"),
                   ("RecipientType", "MailUniversalSecurityGroup"),
                   ("RecipientType", "DynamicDistributionGroup")),
    "MailUsers": (("RecipientType", "MailUser"),),
}
CONDITIONS = (("ConditionalCompany", "Company"), ("ConditionalDepartment", "Department"),
              ("ConditionalStateOrProvince", "StateOrProvince")) + tuple(
    (f"ConditionalCustomAttribute{n}", f"CustomAttribute{n}") for n in range(1, 16))
# The schema spellings filters are stored with, beyond Get-Recipient's own property names.
RENAMED = {"recipienttypedetails": "RecipientTypeDetailsValue"}
LDAP_NAMES = {"Department": "department", "Company": "company", "StateOrProvince": "st",
              "RecipientTypeDetailsValue": "msExchRecipientTypeDetails", "Name": "name",
              **{f"CustomAttribute{n}": f"extensionAttribute{n}" for n in range(1, 16)}}


def _container(org):
    return (f"{FOREST.lower()}.prod.outlook.com/Microsoft Exchange Hosted Organizations/"
            f"{org.domain}")


def _filter_row(org, recipient):
    """The properties a recipient filter compares: Get-Recipient's, and the stored spellings."""
    return {**views.recipient_view(org, recipient),
            "RecipientTypeDetailsValue": recipient.recipient_type_details}


def _filter_failure(parameter, detail):
    return errors.CmdletFailure(
        f"Cannot bind parameter '{parameter}' to the target. Exception setting "
        f'"{parameter}": "{detail}"', errors.BINDING, stage=errors.TRANSFORMATION_STAGE)


def _spelled(org, node):
    """``node`` with every property in its schema spelling; an unknown property fails."""
    if isinstance(node, opath.BoolOp):
        return opath.BoolOp(node.op, _spelled(org, node.left), _spelled(org, node.right))
    if isinstance(node, opath.Not):
        return opath.Not(_spelled(org, node.operand))
    known = {name.lower(): name for name in _filter_row(org, org.mailboxes()[0])}
    spelled = RENAMED.get(node.prop.lower()) or known.get(node.prop.lower())
    if spelled is None:
        raise opath.UnknownPropertyError(node.prop)
    return opath.Comparison(spelled, node.op, node.value)


def parse_filter(org, parameter, text):
    """The parsed filter ``text`` in schema spellings, or the service's binding failure."""
    try:
        return _spelled(org, opath.parse(text))
    except (opath.FilterSyntaxError, opath.UnknownPropertyError) as exc:
        raise _filter_failure(parameter, str(exc)) from exc


def _chain(node, op):
    if isinstance(node, opath.BoolOp) and node.op == op:
        return _chain(node.left, op) + _chain(node.right, op)
    return [node]


def _literal(value):
    if value is None or isinstance(value, bool):
        return {None: "$null", True: "$true", False: "$false"}[value]
    return "'" + str(value).replace("'", "''") + "'"


def render(node):
    """A parsed filter as Exchange writes it: each comparison in parentheses, chains flat."""
    if isinstance(node, opath.Comparison):
        return f"({node.prop} -{node.op} {_literal(node.value)})"
    if isinstance(node, opath.Not):
        return f"(-not{render(node.operand)})"
    return "(" + f" -{node.op} ".join(render(part) for part in _chain(node, node.op)) + ")"


def ldap(node):
    """The LdapRecipientFilter Exchange keeps beside the OPATH text (a sketch: see docs/sandbox.md)."""
    if isinstance(node, opath.Comparison):
        name = LDAP_NAMES.get(node.prop, node.prop[:1].lower() + node.prop[1:])
        value = "" if node.value is None else str(node.value)
        positive = f"({name}={value})" if node.value is not None else f"({name}=*)"
        if node.value is None:
            return f"(!{positive})" if node.op in ("eq", "like") else positive
        return f"(!{positive})" if node.op in ("ne", "notlike") else positive
    if isinstance(node, opath.Not):
        return f"(!{ldap(node.operand)})"
    return "(" + ("&" if node.op == "and" else "|") + "".join(ldap(p) for p in _chain(node, node.op)) + ")"


def stored(own):
    """The RecipientFilter Exchange stores for the user's (or the generated) filter text."""
    return f"(({own}) -and " + " -and ".join(SERVICE_CLAUSES) + ")"


def precanned(props):
    """The filter the precanned conditions generate, as the user would have written it."""
    parts = []
    included = props["IncludedRecipients"] or []
    kinds = [f"({prop} -eq '{value}')" for name, pairs in INCLUDED.items() if name in included for prop, value in pairs]
    if kinds and "AllRecipients" not in included:
        parts.append(kinds[0] if len(kinds) == 1 else "(" + " -or ".join(kinds) + ")")
    for parameter, prop in CONDITIONS:
        values = [f"({prop} -eq {_literal(v)})" for v in props[parameter]]
        if values:
            parts.append(values[0] if len(values) == 1 else "(" + " -or ".join(values) + ")")
    if len(parts) < 2:
        return parts[0] if parts else ""
    return "(" + " -and ".join(parts) + ")"


def _apply_filter(org, props, text):
    own = render(parse_filter(org, "RecipientFilter", text)) if text else ""
    full = stored(own) if own else "(" + " -and ".join(SERVICE_CLAUSES) + ")"
    props.update(RecipientFilter=full, LdapRecipientFilter=ldap(parse_filter(org, "RecipientFilter", full)))


def _choose_filter(org, props, params):
    """Set ``props`` (a group's properties) from a custom RecipientFilter, or from precanned
    conditions; both at once is another parameter set."""
    conditions = [p for p, unused in CONDITIONS if p in params]
    if "RecipientFilter" in params and ("IncludedRecipients" in params or conditions):
        raise errors.CmdletFailure(
            "Parameter set cannot be resolved using the specified named parameters.",
            errors.BINDING, stage=errors.BINDING_STAGE, error_id="")
    if "RecipientFilter" in params:
        props.update(RecipientFilterType="Custom", IncludedRecipients=None,
                     **{p: [] for p, unused in CONDITIONS})
        _apply_filter(org, props, params["RecipientFilter"])
        return
    if conditions and "IncludedRecipients" not in params and props["RecipientFilterType"] == "Custom":
        raise errors.CmdletFailure(
            "The precanned filter parameters can't be used on a group with a custom "
            "RecipientFilter. Specify IncludedRecipients to replace the custom filter.", RECIPIENT_TASK)
    if "IncludedRecipients" in params or conditions:
        props.update({p: list(params[p] or []) for p in conditions})
        if "IncludedRecipients" in params:
            # A flags enumeration: Exchange shows its names in the flags' order, not as given.
            props["IncludedRecipients"] = [n for n in WELL_KNOWN.values if n in params["IncludedRecipients"]]
        props["RecipientFilterType"] = "Precanned"
        _apply_filter(org, props, precanned(props))


def _container_of(org, text):
    if text is None:
        return _container(org)
    dn = f"OU={org.domain},OU=Microsoft Exchange Hosted Organizations,{_DC_SUFFIX}"
    if text.strip().lower() in (_container(org).lower(), dn.lower(), org.domain.lower()):
        return _container(org)
    raise errors.not_found(text, DOMAIN_CONTROLLER)


def dynamic_groups(org):
    """Every dynamic distribution group, in creation order."""
    return [r for r in org.all() if r.recipient_type == DYNAMIC]


def _dynamic_group(org, text):
    return identity.resolve(org, text, dynamic_groups(org))


def dynamic_group_view(org, group):
    """The properties Get-DynamicDistributionGroup returns (a representative subset)."""
    props = group.properties
    owner = org.recipients.get(group.managed_by[0]) if group.managed_by else None
    return {
        **{name: props[name] for name in ("RecipientFilter", "LdapRecipientFilter", "RecipientFilterType",
                                          "RecipientContainer", "Notes", "HiddenFromAddressListsEnabled")},
        "IncludedRecipients": ", ".join(props["IncludedRecipients"]) if props["IncludedRecipients"] else None,
        **{parameter: list(props[parameter]) for parameter, unused in CONDITIONS},
        "ManagedBy": owner.name if owner else None,
        **{f"CustomAttribute{n}": props[f"CustomAttribute{n}"] for n in range(1, 16)},
        "Alias": group.alias,
        "DisplayName": group.display_name,
        "EmailAddresses": list(group.email_addresses),
        "PrimarySmtpAddress": group.primary_smtp_address,
        "WindowsEmailAddress": group.primary_smtp_address,
        "RecipientType": DYNAMIC,
        "RecipientTypeDetails": DYNAMIC,
        "Identity": group.name,
        "Id": group.name,
        "Name": group.name,
        "IsValid": True,
        "DistinguishedName": org.distinguished_name(group),
        "ExternalDirectoryObjectId": "",
        "ExchangeObjectId": group.exchange_object_id,
        "WhenChanged": group.when_changed,
        "WhenCreated": group.when_created,
        "OrganizationalUnitRoot": org.domain,
        "Guid": group.guid,
        "OriginatingServer": DOMAIN_CONTROLLER,
    }


def get_dynamic_distribution_group(org, params, caller):
    """Get-DynamicDistributionGroup: one group by Identity, or all matching Filter."""
    return _query(org, dynamic_groups(org), params, lambda group: dynamic_group_view(org, group))


def new_dynamic_distribution_group(org, params, caller):
    """New-DynamicDistributionGroup: a custom RecipientFilter or IncludedRecipients (with any
    precanned conditions). Everything is checked before the group exists."""
    name = params["Name"].strip()
    if not name or len(name) > 64:
        raise errors.invalid_argument("The Name property must be 1 to 64 characters long.")
    if org.claimant(name) is not None:
        raise errors.CmdletFailure(
            f'The name "{name}" is already being used. Please try another name.', NAME_EXISTS)
    if "RecipientFilter" not in params and "IncludedRecipients" not in params:
        raise errors.CmdletFailure(
            "Parameter set cannot be resolved using the specified named parameters.",
            errors.BINDING, stage=errors.BINDING_STAGE, error_id="")
    alias = params.get("Alias") or _NOT_ALIAS.sub("", name).strip(".")[:64]
    _check_alias(alias)
    primary = params.get("PrimarySmtpAddress") or f"{alias}@{org.domain}"
    guid = str(uuid.uuid4())
    group = Recipient(
        guid=guid, name=name, alias=alias, display_name=params.get("DisplayName") or name,
        user_principal_name="", email_addresses=[f"SMTP:{primary}"], recipient_type_details=DYNAMIC,
        external_directory_object_id="", exchange_guid=NULL_GUID, exchange_object_id=guid,
        recipient_type=DYNAMIC)
    group.properties.update(RecipientFilterType="Custom", IncludedRecipients=None, Notes="",
                            RecipientContainer=_container_of(org, params.get("RecipientContainer")),
                            **{parameter: [] for parameter, unused in CONDITIONS})
    _choose_filter(org, group.properties, params)
    _check_free(org, None, group.email_addresses)
    group.when_created = group.when_changed = timestamp()
    org.add(group)
    return CmdletResult(rows=[dynamic_group_view(org, group)])


def set_dynamic_distribution_group(org, params, caller):
    """Set-DynamicDistributionGroup. Every value is checked before anything changes; a call that
    changes nothing succeeds with Exchange's "no settings ... modified" warning."""
    group = _dynamic_group(org, params["Identity"])
    before = (dynamic_group_view(org, group), list(group.email_addresses))
    if "Alias" in params:
        _check_alias(params["Alias"])
    if "DisplayName" in params and not params["DisplayName"].strip():
        raise errors.invalid_argument("The DisplayName property can't be empty.")
    container = _container_of(org, params.get("RecipientContainer", group.properties["RecipientContainer"]))
    owner = identity.resolve(org, params["ManagedBy"], referenced=True).guid if params.get("ManagedBy") else None
    addresses = list(group.email_addresses)
    if params.get("PrimarySmtpAddress"):
        primary = params["PrimarySmtpAddress"]
        addresses = [f"SMTP:{primary}"] + ["smtp:" + a[5:] if a.startswith("SMTP:") else a
                                           for a in addresses if a[5:].lower() != primary.lower()]
        _check_free(org, group, addresses)
    scratch = dict(group.properties)
    _choose_filter(org, scratch, params)
    group.properties.update(scratch, RecipientContainer=container)
    group.properties.update({k: ("" if params[k] is None else params[k]) for k in params
                             if k == "Notes" or k.startswith("CustomAttribute")})
    if "HiddenFromAddressListsEnabled" in params:
        group.properties["HiddenFromAddressListsEnabled"] = params["HiddenFromAddressListsEnabled"]
    if "ManagedBy" in params:
        group.managed_by = [owner] if owner else []
    org.set_email_addresses(group, addresses)
    for attribute, parameter in (("alias", "Alias"), ("display_name", "DisplayName")):
        if parameter in params:
            setattr(group, attribute, params[parameter].strip())
    result = CmdletResult()
    if (dynamic_group_view(org, group), list(group.email_addresses)) != before:
        group.when_changed = timestamp()
    else:
        result.warnings.append(f"The command completed successfully but no settings of '{group.name}' "
                               "have been modified.")
    return result


def remove_dynamic_distribution_group(org, params, caller):
    """Remove-DynamicDistributionGroup: the group, its name and addresses go."""
    org.remove(_dynamic_group(org, params["Identity"]))
    return CmdletResult()


_BASE_GET_RECIPIENT = CMDLETS["get-recipient"]


def get_recipient(org, params, caller):
    """Get-Recipient, with -RecipientPreviewFilter: the recipients a recipient filter selects now."""
    if "RecipientPreviewFilter" not in params:
        return _BASE_GET_RECIPIENT.handler(org, params, caller)
    tree = parse_filter(org, "RecipientPreviewFilter", params["RecipientPreviewFilter"])
    rows = [views.recipient_view(org, r) for r in org.all() if opath.evaluate(tree, _filter_row(org, r))]
    return _limit(rows, params, CmdletResult())


def _conditions(name, value):
    items = value if isinstance(value, list) else [] if value is None else [value]
    return [_string(name, item) for item in items]


_FILTERS = {"RecipientFilter": _string, "IncludedRecipients": _enum(WELL_KNOWN, multi=True),
            "RecipientContainer": _identity, **{p: _conditions for p, unused in CONDITIONS}}
_GROUP = {"Alias": _identity, "DisplayName": _string, "PrimarySmtpAddress": _smtp_address}

CMDLETS.update({c.name.lower(): c for c in (
    Cmdlet("Get-DynamicDistributionGroup", get_dynamic_distribution_group,
           {name: converter for name, converter in _GET_COMMON.items() if name != "RecipientTypeDetails"}),
    Cmdlet("New-DynamicDistributionGroup", new_dynamic_distribution_group,
           {"Name": _string, **_GROUP, **_FILTERS, **_CONFIRM}, mandatory=("Name",)),
    Cmdlet("Set-DynamicDistributionGroup", set_dynamic_distribution_group,
           {"Identity": _identity, **_GROUP, **_FILTERS, "ManagedBy": _nullable_string,
            "Notes": _nullable_string, "HiddenFromAddressListsEnabled": _bool,
            **{f"CustomAttribute{n}": _nullable_string for n in range(1, 16)}, **_CONFIRM},
           mandatory=("Identity",)),
    Cmdlet("Remove-DynamicDistributionGroup", remove_dynamic_distribution_group,
           {"Identity": _identity, **_CONFIRM}, mandatory=("Identity",)),
    Cmdlet("Get-Recipient", get_recipient,
           {**_BASE_GET_RECIPIENT.parameters, "RecipientPreviewFilter": _string}),
)})
