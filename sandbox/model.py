"""The in-memory Exchange organisation that every front end serves.

Recipients hold references to each other by ``Guid`` (delegates, permission trustees), so a
rename shows up everywhere, as it does in Active Directory. All access goes through
``Organization.lock``: a cmdlet holds it for its whole run, which makes every cmdlet atomic.
"""

import datetime
import threading
import uuid
from dataclasses import dataclass, field

# The sandbox's made-up forest; real tenants show names such as NAMPR01A001.
FOREST = "SBXPR01A001"
DOMAIN_CONTROLLER = f"{FOREST}DC001.{FOREST}.PROD.OUTLOOK.COM"
_DC_SUFFIX = f"DC={FOREST},DC=PROD,DC=OUTLOOK,DC=COM"
_SEED_TIME = "2024-01-15T09:30:00.0000000+00:00"

SELF = "NT AUTHORITY\\SELF"

# Order in which Exchange lists mailbox rights ("FullAccess, ReadPermission").
MAILBOX_RIGHTS = (
    "FullAccess", "ExternalAccount", "DeleteItem", "ReadPermission", "ChangePermission",
    "ChangeOwner",
)

# Property names whose values are GUIDs or timestamps; front ends annotate them with types.
GUID_PROPERTIES = frozenset(
    {"Guid", "ExchangeGuid", "ExchangeObjectId", "DatabaseGuid", "ArchiveGuid"}
)
DATETIME_PROPERTIES = frozenset(
    {"WhenChanged", "WhenCreated", "WhenChangedUTC", "WhenCreatedUTC", "WhenMailboxCreated",
     "LitigationHoldDate"}
)

SETTABLE_DEFAULTS = {
    "HiddenFromAddressListsEnabled": False,
    "LitigationHoldEnabled": False,
    "LitigationHoldDate": None,
    "LitigationHoldOwner": "",
    "LitigationHoldDuration": "Unlimited",
    "ForwardingSmtpAddress": None,
    "DeliverToMailboxAndForward": False,
    **{f"CustomAttribute{n}": "" for n in range(1, 16)},
}


def timestamp():
    """The current time in the format Exchange uses for DateTime properties."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond * 10:07d}+00:00"


@dataclass
class MailboxAce:
    """One access control entry of a mailbox (Get-MailboxPermission row).

    ``trustee`` is a recipient Guid, or the account name of a built-in principal when
    ``builtin`` is true.
    """

    trustee: str
    access_rights: list
    builtin: bool = False
    is_inherited: bool = False
    deny: bool = False
    inheritance_type: str = "All"


@dataclass
class SendAsAce:
    """One Send As entry of a recipient (Get-RecipientPermission row)."""

    trustee: str
    builtin: bool = False
    access_rights: list = field(default_factory=lambda: ["SendAs"])
    is_inherited: bool = False
    inheritance_type: str = "None"


@dataclass
class Recipient:
    """A mail-enabled object. Today every recipient is a mailbox."""

    guid: str
    name: str
    alias: str
    display_name: str
    user_principal_name: str
    email_addresses: list
    recipient_type_details: str
    external_directory_object_id: str
    exchange_guid: str
    exchange_object_id: str
    recipient_type: str = "UserMailbox"
    when_created: str = _SEED_TIME
    when_changed: str = _SEED_TIME
    properties: dict = field(default_factory=lambda: dict(SETTABLE_DEFAULTS))
    grant_send_on_behalf_to: list = field(default_factory=list)
    mailbox_permissions: list = field(default_factory=list)
    recipient_permissions: list = field(default_factory=list)

    @property
    def primary_smtp_address(self):
        """The address marked primary by an upper-case ``SMTP:`` prefix."""
        for address in self.email_addresses:
            if address.startswith("SMTP:"):
                return address[5:]
        return ""

    def smtp_addresses(self):
        """Every SMTP address of the recipient, primary first, without prefixes."""
        primary = self.primary_smtp_address
        others = [a[5:] for a in self.email_addresses
                  if a.lower().startswith("smtp:") and a[5:] != primary]
        return [primary, *others] if primary else others

    @property
    def is_mailbox(self):
        """Whether Get-Mailbox and the mailbox cmdlets see this recipient."""
        return self.recipient_type == "UserMailbox"


class ProxyAddressConflict(ValueError):
    """A proxy address or name is already used by another recipient."""


class Organization:
    """One Exchange Online organisation: its recipients and their permissions."""

    def __init__(self, name="contoso", tenant_id=None, users=20, shared=5):
        self.name = name
        self.domain = f"{name}.onmicrosoft.com"
        self.alternate_domain = f"{name}.com"
        self.tenant_id = tenant_id or str(uuid.uuid4())
        self.users = users
        self.shared = shared
        self.lock = threading.RLock()
        self.recipients = {}
        self.seed()

    # -- lifecycle ----------------------------------------------------------------------

    def seed(self):
        """(Re)create the start state. Ids derive from the tenant id, so they repeat."""
        with self.lock:
            self.recipients = {}
            # Lower-cased names and proxy addresses -> owning recipient Guid.
            self._claims = {}
            for n in range(1, self.users + 1):
                self._seed_mailbox(f"user{n:04d}", f"User {n:04d}")
            for n in range(1, self.shared + 1):
                self._seed_mailbox(f"shared{n:04d}", f"Shared {n:04d}", shared=True)
            for alias, display in (("alice", "Alice Adams"), ("bob", "Bob Brown"),
                                   ("carol", "Carol Clark"), ("dave", "Dave Davis")):
                self._seed_mailbox(alias, display, vanity=True)
            self._seed_mailbox("sales", "Sales Team", shared=True, vanity=True)
            self._seed_mailbox("support", "Support", shared=True, vanity=True)
            # Two people with the same display name make "Chris Green" ambiguous.
            self._seed_mailbox("chris.green", "Chris Green", name="Chris Green")
            self._seed_mailbox("chris.green2", "Chris Green", name="Chris Green2")

    def _id(self, kind, alias):
        return str(uuid.uuid5(uuid.UUID(self.tenant_id), f"{kind}:{alias}"))

    def _seed_mailbox(self, alias, display_name, *, shared=False, vanity=False, name=None):
        tenant_address = f"{alias}@{self.domain}"
        if vanity:
            primary = f"{alias}@{self.alternate_domain}"
            addresses = [f"SMTP:{primary}", f"smtp:{tenant_address}"]
        else:
            primary = tenant_address
            addresses = [f"SMTP:{primary}"]
        if not shared:
            addresses.append(f"SIP:{primary}")
        legacy = (f"/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)"
                  f"/cn=Recipients/cn={self._id('legacy', alias).replace('-', '')}-{alias}")
        addresses.append(f"X500:{legacy}")
        recipient = Recipient(
            guid=self._id("guid", alias),
            name=name or alias,
            alias=alias,
            display_name=display_name,
            user_principal_name=primary,
            email_addresses=addresses,
            recipient_type_details="SharedMailbox" if shared else "UserMailbox",
            external_directory_object_id=self._id("entra", alias),
            exchange_guid=self._id("exchange", alias),
            exchange_object_id=self._id("exchange-object", alias),
        )
        recipient.mailbox_permissions = _default_mailbox_permissions()
        recipient.recipient_permissions = [SendAsAce(trustee=SELF, builtin=True)]
        self.add(recipient)

    def add(self, recipient):
        """Add a recipient, enforcing unique names and proxy addresses as Exchange does."""
        keys = [recipient.name] + [a.split(":", 1)[-1] for a in recipient.email_addresses]
        with self.lock:
            for key in keys:
                owner = self._claims.get(key.lower())
                if owner is not None:
                    raise ProxyAddressConflict(
                        f"'{key}' is already used by recipient '{self.recipients[owner].name}'."
                    )
            for key in keys:
                self._claims[key.lower()] = recipient.guid
            self.recipients[recipient.guid] = recipient

    # -- queries ------------------------------------------------------------------------

    def get(self, guid):
        """The recipient with ``guid``; KeyError if there is none."""
        return self.recipients[guid]

    def all(self):
        """Every recipient, in creation order."""
        return list(self.recipients.values())

    def mailboxes(self):
        """Every mailbox, in creation order."""
        return [r for r in self.recipients.values() if r.is_mailbox]

    def distinguished_name(self, recipient):
        """The recipient's AD distinguished name in the sandbox's forest."""
        return (f"CN={recipient.name},OU={self.domain},"
                f"OU=Microsoft Exchange Hosted Organizations,{_DC_SUFFIX}")

    def trustee_label(self, trustee, builtin):
        """How permission rows name a trustee: the UPN of a cloud user, else the account."""
        if builtin:
            return trustee
        recipient = self.recipients.get(trustee)
        return recipient.user_principal_name if recipient else trustee

    # -- views ----------------------------------------------------------------------------

    def recipient_view(self, recipient):
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
            **{f"CustomAttribute{n}": props[f"CustomAttribute{n}"] for n in range(1, 16)},
            "OrganizationalUnit": f"{FOREST.lower()}.prod.outlook.com/Microsoft Exchange "
                                  f"Hosted Organizations/{self.domain}",
            "IsDirSynced": False,
            "Identity": recipient.name,
            "Id": recipient.name,
            "IsValid": True,
            "Name": recipient.name,
            "DistinguishedName": self.distinguished_name(recipient),
            "WhenChanged": recipient.when_changed,
            "WhenCreated": recipient.when_created,
            "ExchangeObjectId": recipient.exchange_object_id,
            "OrganizationalUnitRoot": self.domain,
            "Guid": recipient.guid,
            "OriginatingServer": DOMAIN_CONTROLLER,
        }

    def mailbox_view(self, recipient):
        """The properties Get-Mailbox returns (a representative subset of the real 324)."""
        props = recipient.properties
        shared = recipient.recipient_type_details == "SharedMailbox"
        upn = recipient.user_principal_name
        return {
            "Database": f"{FOREST}DG001-db001",
            "DatabaseGuid": self._id("database", "db001"),
            "DeliverToMailboxAndForward": props["DeliverToMailboxAndForward"],
            "LitigationHoldEnabled": props["LitigationHoldEnabled"],
            "SingleItemRecoveryEnabled": True,
            "RetentionHoldEnabled": False,
            "LitigationHoldDate": props["LitigationHoldDate"],
            "LitigationHoldOwner": props["LitigationHoldOwner"],
            "LitigationHoldDuration": props["LitigationHoldDuration"],
            "RetentionPolicy": "Default MRM Policy",
            "ExchangeGuid": recipient.exchange_guid,
            "ArchiveGuid": "00000000-0000-0000-0000-000000000000",
            "ArchiveStatus": "None",
            "ForwardingAddress": None,
            "ForwardingSmtpAddress": props["ForwardingSmtpAddress"],
            "IsMailboxEnabled": True,
            "Languages": ["en-US"],
            "ProhibitSendQuota": "49.5 GB (53,150,220,288 bytes)",
            "ProhibitSendReceiveQuota": "50 GB (53,687,091,200 bytes)",
            "IssueWarningQuota": "49 GB (52,613,349,376 bytes)",
            "IsResource": False,
            "IsShared": shared,
            "UserPrincipalName": upn,
            "WindowsLiveID": upn,
            "MicrosoftOnlineServicesID": upn,
            "RoleAssignmentPolicy": "Default Role Assignment Policy",
            "SharingPolicy": "Default Sharing Policy",
            "AuditEnabled": True,
            "WhenMailboxCreated": recipient.when_created,
            "UsageLocation": "United States",
            "AccountDisabled": shared,
            "Alias": recipient.alias,
            "OrganizationalUnit": f"{FOREST.lower()}.prod.outlook.com/Microsoft Exchange "
                                  f"Hosted Organizations/{self.domain}",
            **{f"CustomAttribute{n}": props[f"CustomAttribute{n}"] for n in range(1, 16)},
            **{f"ExtensionCustomAttribute{n}": [] for n in range(1, 6)},
            "DisplayName": recipient.display_name,
            "EmailAddresses": list(recipient.email_addresses),
            "GrantSendOnBehalfTo": [self.recipients[g].name
                                    for g in recipient.grant_send_on_behalf_to
                                    if g in self.recipients],
            "ExternalDirectoryObjectId": recipient.external_directory_object_id,
            "HiddenFromAddressListsEnabled": props["HiddenFromAddressListsEnabled"],
            "LegacyExchangeDN": next(a[5:] for a in recipient.email_addresses
                                     if a.startswith("X500:")),
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
            "DistinguishedName": self.distinguished_name(recipient),
            "ObjectClass": ["top", "person", "organizationalPerson", "user"],
            "WhenChanged": recipient.when_changed,
            "WhenCreated": recipient.when_created,
            "WhenChangedUTC": recipient.when_changed.replace("+00:00", "Z"),
            "WhenCreatedUTC": recipient.when_created.replace("+00:00", "Z"),
            "ExchangeObjectId": recipient.exchange_object_id,
            "OrganizationalUnitRoot": self.domain,
            "Guid": recipient.guid,
            "OriginatingServer": DOMAIN_CONTROLLER,
        }

    def mailbox_permission_view(self, recipient, ace):
        """A Get-MailboxPermission row."""
        return {
            "AccessRights": list(ace.access_rights),
            "Deny": ace.deny,
            "InheritanceType": ace.inheritance_type,
            "User": self.trustee_label(ace.trustee, ace.builtin),
            "Identity": recipient.name,
            "IsInherited": ace.is_inherited,
            "IsValid": True,
        }

    def recipient_permission_view(self, recipient, ace):
        """A Get-RecipientPermission row."""
        return {
            "Identity": recipient.name,
            "Trustee": self.trustee_label(ace.trustee, ace.builtin),
            "AccessControlType": "Allow",
            "AccessRights": list(ace.access_rights),
            "IsInherited": ace.is_inherited,
            "InheritanceType": ace.inheritance_type,
            "IsValid": True,
        }


def _default_mailbox_permissions():
    # What a new Exchange Online mailbox shows before anyone grants access.
    forest = FOREST
    return [
        MailboxAce(SELF, ["FullAccess", "ReadPermission"], builtin=True),
        MailboxAce(f"{forest}\\Administrator", ["FullAccess"], builtin=True,
                   is_inherited=True, deny=True),
        MailboxAce(f"{forest}\\Domain Admins", ["FullAccess"], builtin=True,
                   is_inherited=True, deny=True),
        MailboxAce(f"{forest}\\Enterprise Admins", ["FullAccess"], builtin=True,
                   is_inherited=True, deny=True),
        MailboxAce(f"{forest}\\Organization Management", ["FullAccess"], builtin=True,
                   is_inherited=True, deny=True),
        MailboxAce("NT AUTHORITY\\SYSTEM", ["FullAccess"], builtin=True, is_inherited=True),
        MailboxAce("NT AUTHORITY\\NETWORK SERVICE", ["ReadPermission"], builtin=True,
                   is_inherited=True),
        MailboxAce(f"{forest}\\Exchange Servers", ["FullAccess", "ReadPermission"],
                   builtin=True, is_inherited=True),
    ]
