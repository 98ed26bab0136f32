"""The wire views of the organisation: the rows each Get- cmdlet returns, as the service shapes
them (property names, types and the representative subset of what the real cmdlets show).

The model (``model.py``) holds the organisation; these functions only read it, so a cmdlet family
shapes its rows here or in its own ``cmdlets_<family>.py`` and the model stays free of wire
concerns.
"""

from .model import (
    DOMAIN_CONTROLLER,
    FOREST,
    GROUP_RECIPIENT_LISTS,
    GROUP_TYPES,
    MAILBOX_FEATURES,
    MAILBOX_TYPES,
    PERSON_PROPERTIES,
)


def _prop(name):
    return lambda org, r: r.properties[name]


def _prop_or(name, default=None):
    return lambda org, r: r.properties.get(name, default)


def _constant(value):
    return lambda org, r: value


def _fresh_empty_list(org, r):
    return []


def _unit(org):
    return f"{FOREST.lower()}.prod.outlook.com/Microsoft Exchange Hosted Organizations/{org.domain}"


def _custom_attributes():
    return tuple((f"CustomAttribute{n}", _prop(f"CustomAttribute{n}")) for n in range(1, 16))


def build(fields, org, recipient, wanted=None):
    """The row of ``fields`` ((name, getter) pairs, in wire order) for ``recipient``; only the
    ``wanted`` ones (lower-case names, ``$select``) when given, in the same order."""
    if wanted is not None:
        fields = _chosen(fields, wanted)
    return {name: get(org, recipient) for name, get in fields}


_CHOSEN = {}


def _chosen(fields, wanted):
    key = (id(fields), wanted)
    chosen = _CHOSEN.get(key)
    if chosen is None:
        if len(_CHOSEN) > 256:
            _CHOSEN.clear()
        chosen = _CHOSEN[key] = tuple((name, get) for name, get in fields if name.lower() in wanted)
    return chosen


# The last properties of every recipient row, Get-Recipient's and Get-Mailbox's, in wire order.
_OBJECT_TAIL = (
    ("ExchangeObjectId", lambda org, r: r.exchange_object_id),
    ("OrganizationalUnitRoot", lambda org, r: org.domain),
    ("Guid", lambda org, r: r.guid),
    ("OriginatingServer", _constant(DOMAIN_CONTROLLER)),
)

# The properties Get-Recipient returns, in wire order.
RECIPIENT_FIELDS = (
    ("Alias", lambda org, r: r.alias),
    ("DisplayName", lambda org, r: r.display_name),
    ("EmailAddresses", lambda org, r: list(r.email_addresses)),
    ("ExternalDirectoryObjectId", lambda org, r: r.external_directory_object_id),
    ("HiddenFromAddressListsEnabled", _prop("HiddenFromAddressListsEnabled")),
    ("PrimarySmtpAddress", lambda org, r: r.primary_smtp_address),
    ("RecipientType", lambda org, r: r.recipient_type),
    ("RecipientTypeDetails", lambda org, r: r.recipient_type_details),
    ("WindowsLiveID", lambda org, r: r.user_principal_name),
    ("ExchangeGuid", lambda org, r: r.exchange_guid),
    ("ExternalEmailAddress", _prop_or("ExternalEmailAddress")),
    *((name, _prop_or(name, "")) for name in PERSON_PROPERTIES),
    *_custom_attributes(),
    ("OrganizationalUnit", lambda org, r: _unit(org)),
    ("IsDirSynced", _constant(False)),
    ("Identity", lambda org, r: r.name),
    ("Id", lambda org, r: r.name),
    ("IsValid", _constant(True)),
    ("Name", lambda org, r: r.name),
    ("DistinguishedName", lambda org, r: org.distinguished_name(r)),
    ("WhenChanged", lambda org, r: r.when_changed),
    ("WhenCreated", lambda org, r: r.when_created),
    *_OBJECT_TAIL,
)


def recipient_view(org, recipient, wanted=None):
    """The properties Get-Recipient returns; only the ``wanted`` ones when given (``$select``)."""
    return build(RECIPIENT_FIELDS, org, recipient, wanted)


def _forwarding_label(org, r):
    # Get-Mailbox names the forwarding recipient by its Name (its Identity in Exchange Online).
    guid = r.properties["ForwardingAddress"]
    recipient = org.recipients.get(guid) if guid else None
    return recipient.name if recipient is not None else None


def _resource_type(org, r):
    return MAILBOX_TYPES.get(r.recipient_type_details)


def _legacy_dn(org, r):
    return r.properties.get("LegacyExchangeDN") or next(
        (a[5:] for a in r.email_addresses if a.startswith("X500:")), "")


# The properties Get-Mailbox returns (a representative subset of the real 324), in wire order.
MAILBOX_FIELDS = (
    ("Database", _constant(f"{FOREST}DG001-db001")),
    ("DatabaseGuid", lambda org, r: org.database_guid),
    ("DeliverToMailboxAndForward", _prop("DeliverToMailboxAndForward")),
    ("LitigationHoldEnabled", _prop("LitigationHoldEnabled")),
    ("SingleItemRecoveryEnabled", _constant(True)),
    ("RetentionHoldEnabled", _constant(False)),
    ("LitigationHoldDate", _prop("LitigationHoldDate")),
    ("LitigationHoldOwner", _prop("LitigationHoldOwner")),
    ("LitigationHoldDuration", _prop("LitigationHoldDuration")),
    ("ExchangeGuid", lambda org, r: r.exchange_guid),
    *((name, _prop(name)) for name in MAILBOX_FEATURES),
    ("ForwardingAddress", _forwarding_label),
    ("ForwardingSmtpAddress", _prop("ForwardingSmtpAddress")),
    ("IsMailboxEnabled", _constant(True)),
    ("Languages", lambda org, r: ["en-US"]),
    ("IsResource", lambda org, r: _resource_type(org, r) is not None),
    ("ResourceType", _resource_type),
    ("ResourceCapacity", _prop("ResourceCapacity")),
    ("IsShared", lambda org, r: r.recipient_type_details == "SharedMailbox"),
    ("UserPrincipalName", lambda org, r: r.user_principal_name),
    ("WindowsLiveID", lambda org, r: r.user_principal_name),
    ("MicrosoftOnlineServicesID", lambda org, r: r.user_principal_name),
    ("RoleAssignmentPolicy", _constant("Default Role Assignment Policy")),
    ("SharingPolicy", _constant("Default Sharing Policy")),
    ("AuditEnabled", _constant(True)),
    ("WhenMailboxCreated", lambda org, r: r.when_created),
    ("UsageLocation", _constant("United States")),
    ("AccountDisabled", lambda org, r: r.recipient_type_details == "SharedMailbox" or _resource_type(org, r) is not None),
    ("Alias", lambda org, r: r.alias),
    ("OrganizationalUnit", lambda org, r: _unit(org)),
    *_custom_attributes(),
    *((f"ExtensionCustomAttribute{n}", _fresh_empty_list) for n in range(1, 6)),
    ("DisplayName", lambda org, r: r.display_name),
    ("EmailAddresses", lambda org, r: list(r.email_addresses)),
    ("GrantSendOnBehalfTo", lambda org, r: names(org, r.grant_send_on_behalf_to)),
    ("ExternalDirectoryObjectId", lambda org, r: r.external_directory_object_id),
    ("HiddenFromAddressListsEnabled", _prop("HiddenFromAddressListsEnabled")),
    ("LegacyExchangeDN", _legacy_dn),
    ("MaxSendSize", _constant("35 MB (36,700,160 bytes)")),
    ("MaxReceiveSize", _constant("36 MB (37,748,736 bytes)")),
    ("EmailAddressPolicyEnabled", _constant(False)),
    ("PrimarySmtpAddress", lambda org, r: r.primary_smtp_address),
    ("RecipientType", lambda org, r: r.recipient_type),
    ("RecipientTypeDetails", lambda org, r: r.recipient_type_details),
    ("WindowsEmailAddress", lambda org, r: r.primary_smtp_address),
    ("Identity", lambda org, r: r.name),
    ("Id", lambda org, r: r.name),
    ("IsValid", _constant(True)),
    ("ExchangeVersion", _constant("0.20 (15.0.0.0)")),
    ("Name", lambda org, r: r.name),
    ("DistinguishedName", lambda org, r: org.distinguished_name(r)),
    ("ObjectClass", lambda org, r: ["top", "person", "organizationalPerson", "user"]),
    ("WhenChanged", lambda org, r: r.when_changed),
    ("WhenCreated", lambda org, r: r.when_created),
    ("WhenChangedUTC", lambda org, r: r.when_changed.replace("+00:00", "Z")),
    ("WhenCreatedUTC", lambda org, r: r.when_created.replace("+00:00", "Z")),
    *_OBJECT_TAIL,
)


def mailbox_view(org, recipient, wanted=None):
    """The properties Get-Mailbox returns; only the ``wanted`` ones when given (``$select``)."""
    return build(MAILBOX_FIELDS, org, recipient, wanted)


def group_view(org, group):
    """The properties Get-DistributionGroup returns (a representative subset)."""
    props = group.properties
    return {
        "GroupType": GROUP_TYPES[group.recipient_type_details],
        "ManagedBy": [org.recipients[g].name for g in group.managed_by
                      if g in org.recipients],
        "MemberJoinRestriction": props["MemberJoinRestriction"],
        "MemberDepartRestriction": props["MemberDepartRestriction"],
        "RequireSenderAuthenticationEnabled": props["RequireSenderAuthenticationEnabled"],
        "HiddenFromAddressListsEnabled": props["HiddenFromAddressListsEnabled"],
        "ModerationEnabled": props["ModerationEnabled"],
        "SendModerationNotifications": props["SendModerationNotifications"],
        "HiddenGroupMembershipEnabled": props["HiddenGroupMembershipEnabled"],
        **{name: names(org, props[name]) for name in GROUP_RECIPIENT_LISTS},
        "Alias": group.alias,
        "DisplayName": group.display_name,
        "EmailAddresses": list(group.email_addresses),
        "PrimarySmtpAddress": group.primary_smtp_address,
        "WindowsEmailAddress": group.primary_smtp_address,
        "ExternalDirectoryObjectId": group.external_directory_object_id,
        **{f"CustomAttribute{n}": props[f"CustomAttribute{n}"] for n in range(1, 16)},
        "RecipientType": group.recipient_type,
        "RecipientTypeDetails": group.recipient_type_details,
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


def names(org, guids):
    """How group rows name the recipients of a list: by Name, those that still exist."""
    return [org.recipients[g].name for g in guids if g in org.recipients]


def group_member_view(org, member):
    """A Get-DistributionGroupMember row (the member's own recipient properties)."""
    return {
        "Name": member.name,
        "DisplayName": member.display_name,
        "Alias": member.alias,
        "PrimarySmtpAddress": member.primary_smtp_address,
        "ExternalDirectoryObjectId": member.external_directory_object_id,
        "RecipientType": member.recipient_type,
        "RecipientTypeDetails": member.recipient_type_details,
        "Identity": member.name,
        "Guid": member.guid,
    }


def mailbox_permission_view(org, recipient, ace):
    """A Get-MailboxPermission row."""
    return {
        "AccessRights": list(ace.access_rights),
        "Deny": ace.deny,
        "InheritanceType": ace.inheritance_type,
        "User": org.trustee_label(ace.trustee, ace.builtin),
        "Identity": recipient.name,
        "IsInherited": ace.is_inherited,
        "IsValid": True,
    }


def recipient_permission_view(org, recipient, ace):
    """A Get-RecipientPermission row."""
    return {
        "Identity": recipient.name,
        "Trustee": org.trustee_label(ace.trustee, ace.builtin),
        "AccessControlType": "Allow",
        "AccessRights": list(ace.access_rights),
        "IsInherited": ace.is_inherited,
        "InheritanceType": ace.inheritance_type,
        "IsValid": True,
    }
