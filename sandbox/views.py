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


def recipient_view(org, recipient):
    """The properties Get-Recipient returns."""
    props = recipient.properties
    return {
        "Alias": recipient.alias,
        "DisplayName": recipient.display_name,
        "EmailAddresses": list(recipient.email_addresses),
        "ExternalDirectoryObjectId": recipient.external_directory_object_id,
        "HiddenFromAddressListsEnabled": props["HiddenFromAddressListsEnabled"],
        "PrimarySmtpAddress": recipient.primary_smtp_address,
        "RecipientType": recipient.recipient_type,
        "RecipientTypeDetails": recipient.recipient_type_details,
        "WindowsLiveID": recipient.user_principal_name,
        "ExchangeGuid": recipient.exchange_guid,
        "ExternalEmailAddress": props.get("ExternalEmailAddress"),
        **{name: props.get(name, "") for name in PERSON_PROPERTIES},
        **{f"CustomAttribute{n}": props[f"CustomAttribute{n}"] for n in range(1, 16)},
        "OrganizationalUnit": f"{FOREST.lower()}.prod.outlook.com/Microsoft Exchange "
                              f"Hosted Organizations/{org.domain}",
        "IsDirSynced": False,
        "Identity": recipient.name,
        "Id": recipient.name,
        "IsValid": True,
        "Name": recipient.name,
        "DistinguishedName": org.distinguished_name(recipient),
        "WhenChanged": recipient.when_changed,
        "WhenCreated": recipient.when_created,
        "ExchangeObjectId": recipient.exchange_object_id,
        "OrganizationalUnitRoot": org.domain,
        "Guid": recipient.guid,
        "OriginatingServer": DOMAIN_CONTROLLER,
    }


def _forwarding_label(org, guid):
    # Get-Mailbox names the forwarding recipient by its Name (its Identity in Exchange Online).
    recipient = org.recipients.get(guid) if guid else None
    return recipient.name if recipient is not None else None


def mailbox_view(org, recipient):
    """The properties Get-Mailbox returns (a representative subset of the real 324)."""
    props = recipient.properties
    shared = recipient.recipient_type_details == "SharedMailbox"
    resource_type = MAILBOX_TYPES.get(recipient.recipient_type_details)
    upn = recipient.user_principal_name
    return {
        "Database": f"{FOREST}DG001-db001",
        "DatabaseGuid": org.database_guid,
        "DeliverToMailboxAndForward": props["DeliverToMailboxAndForward"],
        "LitigationHoldEnabled": props["LitigationHoldEnabled"],
        "SingleItemRecoveryEnabled": True,
        "RetentionHoldEnabled": False,
        "LitigationHoldDate": props["LitigationHoldDate"],
        "LitigationHoldOwner": props["LitigationHoldOwner"],
        "LitigationHoldDuration": props["LitigationHoldDuration"],
        "ExchangeGuid": recipient.exchange_guid,
        **{name: props[name] for name in MAILBOX_FEATURES},
        "ForwardingAddress": _forwarding_label(org, props["ForwardingAddress"]),
        "ForwardingSmtpAddress": props["ForwardingSmtpAddress"],
        "IsMailboxEnabled": True,
        "Languages": ["en-US"],
        "IsResource": resource_type is not None,
        "ResourceType": resource_type,
        "ResourceCapacity": props["ResourceCapacity"],
        "IsShared": shared,
        "UserPrincipalName": upn,
        "WindowsLiveID": upn,
        "MicrosoftOnlineServicesID": upn,
        "RoleAssignmentPolicy": "Default Role Assignment Policy",
        "SharingPolicy": "Default Sharing Policy",
        "AuditEnabled": True,
        "WhenMailboxCreated": recipient.when_created,
        "UsageLocation": "United States",
        "AccountDisabled": shared or resource_type is not None,
        "Alias": recipient.alias,
        "OrganizationalUnit": f"{FOREST.lower()}.prod.outlook.com/Microsoft Exchange "
                              f"Hosted Organizations/{org.domain}",
        **{f"CustomAttribute{n}": props[f"CustomAttribute{n}"] for n in range(1, 16)},
        **{f"ExtensionCustomAttribute{n}": [] for n in range(1, 6)},
        "DisplayName": recipient.display_name,
        "EmailAddresses": list(recipient.email_addresses),
        "GrantSendOnBehalfTo": [org.recipients[g].name
                                for g in recipient.grant_send_on_behalf_to
                                if g in org.recipients],
        "ExternalDirectoryObjectId": recipient.external_directory_object_id,
        "HiddenFromAddressListsEnabled": props["HiddenFromAddressListsEnabled"],
        "LegacyExchangeDN": props.get("LegacyExchangeDN") or next(
            (a[5:] for a in recipient.email_addresses if a.startswith("X500:")), ""),
        "MaxSendSize": "35 MB (36,700,160 bytes)",
        "MaxReceiveSize": "36 MB (37,748,736 bytes)",
        "EmailAddressPolicyEnabled": False,
        "PrimarySmtpAddress": recipient.primary_smtp_address,
        "RecipientType": recipient.recipient_type,
        "RecipientTypeDetails": recipient.recipient_type_details,
        "WindowsEmailAddress": recipient.primary_smtp_address,
        "Identity": recipient.name,
        "Id": recipient.name,
        "IsValid": True,
        "ExchangeVersion": "0.20 (15.0.0.0)",
        "Name": recipient.name,
        "DistinguishedName": org.distinguished_name(recipient),
        "ObjectClass": ["top", "person", "organizationalPerson", "user"],
        "WhenChanged": recipient.when_changed,
        "WhenCreated": recipient.when_created,
        "WhenChangedUTC": recipient.when_changed.replace("+00:00", "Z"),
        "WhenCreatedUTC": recipient.when_created.replace("+00:00", "Z"),
        "ExchangeObjectId": recipient.exchange_object_id,
        "OrganizationalUnitRoot": org.domain,
        "Guid": recipient.guid,
        "OriginatingServer": DOMAIN_CONTROLLER,
    }


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
