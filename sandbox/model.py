"""The in-memory Exchange organisation that every front end serves.

Recipients hold references to each other by ``Guid`` (delegates, permission trustees), so a
rename shows up everywhere, as it does in Active Directory. All access goes through
``Organization.lock``: a cmdlet holds it for its whole run, which makes every cmdlet atomic.
"""

import datetime
import itertools
import threading
import uuid
from dataclasses import dataclass, field

from .rbac import RbacState

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
     "LitigationHoldDate", "StartTime", "EndTime"}
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
    "ResourceCapacity": None,
    # Archive, retention, sent-item copies, internal forwarding and quotas (cmdlets_mailbox.py).
    "ArchiveGuid": "00000000-0000-0000-0000-000000000000",
    "ArchiveDatabase": None,
    "ArchiveStatus": "None",
    "ArchiveState": "None",
    "ArchiveName": [],
    "AutoExpandingArchiveEnabled": False,
    "RetentionPolicy": "Default MRM Policy",
    "RetainDeletedItemsFor": "14.00:00:00",
    "MessageCopyForSentAsEnabled": False,
    "MessageCopyForSendOnBehalfEnabled": False,
    "ForwardingAddress": None,
    "ProhibitSendQuota": "49.5 GB (53,150,220,288 bytes)",
    "ProhibitSendReceiveQuota": "50 GB (53,687,091,200 bytes)",
    "IssueWarningQuota": "49 GB (52,613,349,376 bytes)",
}

# Get-Mailbox shows these settable properties as they are kept.
MAILBOX_FEATURES = ("ArchiveGuid", "ArchiveDatabase", "ArchiveStatus", "ArchiveState", "ArchiveName",
                    "AutoExpandingArchiveEnabled", "RetentionPolicy", "RetainDeletedItemsFor",
                    "MessageCopyForSentAsEnabled", "MessageCopyForSendOnBehalfEnabled", "ProhibitSendQuota",
                    "ProhibitSendReceiveQuota", "IssueWarningQuota")

# The person properties of a recipient that Get-Recipient shows besides Get-Contact/Get-User
# (ReducedRecipient); Set-Contact writes them on a mail contact.
PERSON_PROPERTIES = ("FirstName", "LastName", "Company", "Department", "Title", "Phone", "Office",
                     "City", "StateOrProvince", "PostalCode", "CountryOrRegion", "Notes")

# Mailbox types: RecipientTypeDetails -> ResourceType (None for mailboxes that are not resources).
MAILBOX_TYPES = {
    "UserMailbox": None,
    "SharedMailbox": None,
    "RoomMailbox": "Room",
    "EquipmentMailbox": "Equipment",
}
# The domain of the seeded addresses that tests treat as managed elsewhere (excluded_domains).
LEGACY_DOMAIN = "legacy.contoso.example"

# Mail-enabled groups: RecipientTypeDetails -> GroupType as Get-DistributionGroup shows it.
GROUP_TYPES = {
    "MailUniversalDistributionGroup": "Universal",
    "MailUniversalSecurityGroup": "Universal, SecurityEnabled",
}
NULL_GUID = "00000000-0000-0000-0000-000000000000"
# A group's recipient lists besides members and owners, kept in its properties as recipient
# Guids and shown by Name, as ManagedBy is; a removed recipient leaves them.
GROUP_RECIPIENT_LISTS = ("ModeratedBy", "BypassModerationFromSendersOrMembers",
                         "AcceptMessagesOnlyFromSendersOrMembers",
                         "RejectMessagesFromSendersOrMembers", "GrantSendOnBehalfTo")

# The Recipient attributes identities are matched on (DistinguishedName derives from the name):
# assigning any of them, or changing the proxy address list in place, re-indexes the recipient.
IDENTITY_ATTRIBUTES = frozenset(
    {"name", "alias", "display_name", "user_principal_name", "guid", "exchange_guid",
     "exchange_object_id", "external_directory_object_id", "email_addresses"}
)


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


class _WatchedList(list):
    """A list that calls ``_mutated`` after every change made in place."""

    def _mutated(self):
        raise NotImplementedError


def _notifying(name):
    method = getattr(list, name)

    def changed(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        self._mutated()  # pylint: disable=protected-access
        return result
    changed.__name__ = name
    return changed


for _method in ("append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse",
                "__setitem__", "__delitem__", "__iadd__", "__imul__"):
    setattr(_WatchedList, _method, _notifying(_method))


class _AddressList(_WatchedList):
    """A recipient's proxy addresses, which tell the recipient when they change in place."""

    def __init__(self, items, owner):
        super().__init__(items)
        self.owner = owner

    def _mutated(self):
        self.owner.identity_changed()


class RecipientList(_WatchedList):
    """What ``Organization.all()``, ``mailboxes()`` and ``groups()`` return: a list of
    recipients that also carries the set of their ``id()``s, so that narrowing a lookup to it
    costs no scan; the set is dropped when the list is changed."""

    def __init__(self, items, ids):
        super().__init__(items)
        self.ids = ids

    def _mutated(self):
        self.ids = None


class RecipientView:
    """A read-only view of a cached listing: iterates it and carries the set of its ``id()``s like
    :class:`RecipientList`, without copying it."""

    def __init__(self, items, ids):
        self._items = items
        self.ids = ids

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def __getitem__(self, index):
        return self._items[index]

    @property
    def listing(self):
        """The cached listing itself (read only)."""
        return self._items


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
    # Groups only: member and owner (ManagedBy) Guids, in the order they were added; Microsoft
    # 365 groups also have subscribers.
    members: list = field(default_factory=list)
    managed_by: list = field(default_factory=list)
    subscribers: list = field(default_factory=list)
    # Set when the recipient is also in the on-premises directory (hybrid): what the
    # on-premises Exchange shows for it, e.g. RecipientTypeDetails, Database, RemoteRoutingAddress.
    onprem: dict = None
    # Mailboxes only, made on first use by Organization.mailbox_settings: folders (the root
    # first), and the properties of Get-MailboxAutoReplyConfiguration and
    # Get-MailboxRegionalConfiguration.
    folders: list = field(default_factory=list)
    auto_reply: dict = None
    regional: dict = None

    def __setattr__(self, attribute, value):
        if attribute == "email_addresses":
            value = _AddressList(value, self)
        object.__setattr__(self, attribute, value)
        if attribute in IDENTITY_ATTRIBUTES:
            self.identity_changed()
        elif attribute == "recipient_type":
            index = self.__dict__.get("_index")
            if index is not None:
                index.retyped()

    def identity_changed(self):
        """Bring the organisation's identity index up to date with this recipient's names."""
        index = self.__dict__.get("_index")
        if index is not None:
            index.update(self)

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

    @property
    def is_group(self):
        """Whether Get-DistributionGroup and the group cmdlets see this recipient (a Microsoft 365
        group has the RecipientType of a distribution group, but only the UnifiedGroup cmdlets see it)."""
        return self.recipient_type in GROUP_TYPES and self.recipient_type_details != "GroupMailbox"


@dataclass
class ADUser:
    """A user of the on-premises Active Directory, mail-enabled or not.

    A mail-enabled user is also a :class:`Recipient` with the same ``guid``.
    """

    guid: str
    name: str
    sam_account_name: str
    user_principal_name: str
    first_name: str = ""
    last_name: str = ""
    display_name: str = ""
    organizational_unit: str = ""
    when_created: str = _SEED_TIME


# Default folders of a mailbox by FolderType, named in the mailbox's language when it was created
# or when Set-MailboxRegionalConfiguration -LocalizeDefaultFolderName renamed them.
DEFAULT_FOLDER_NAMES = {
    "en": {"Calendar": "Calendar", "Contacts": "Contacts", "DeletedItems": "Deleted Items",
           "Drafts": "Drafts", "Inbox": "Inbox", "JunkEmail": "Junk Email", "Journal": "Journal",
           "Notes": "Notes", "Outbox": "Outbox", "SentItems": "Sent Items", "Tasks": "Tasks",
           "Archive": "Archive"},
    "de": {"Calendar": "Kalender", "Contacts": "Kontakte", "DeletedItems": "Gelöschte Elemente",
           "Drafts": "Entwürfe", "Inbox": "Posteingang", "JunkEmail": "Junk-E-Mail",
           "Journal": "Journal", "Notes": "Notizen", "Outbox": "Postausgang",
           "SentItems": "Gesendete Elemente", "Tasks": "Aufgaben", "Archive": "Archiv"},
    "fr": {"Calendar": "Calendrier", "Contacts": "Contacts", "DeletedItems": "Éléments supprimés",
           "Drafts": "Brouillons", "Inbox": "Boîte de réception", "JunkEmail": "Courrier indésirable",
           "Journal": "Journal", "Notes": "Notes", "Outbox": "Boîte d'envoi",
           "SentItems": "Éléments envoyés", "Tasks": "Tâches", "Archive": "Archives"},
    "nl": {"Calendar": "Agenda", "Contacts": "Contactpersonen", "DeletedItems": "Verwijderde items",
           "Drafts": "Concepten", "Inbox": "Postvak IN", "JunkEmail": "Ongewenste e-mail",
           "Journal": "Journaal", "Notes": "Notities", "Outbox": "Postvak UIT",
           "SentItems": "Verzonden items", "Tasks": "Taken", "Archive": "Archief"},
}
ROOT_FOLDER = "Top of Information Store"
DEFAULT_REGIONAL = {"Language": "en-US", "TimeZone": "Pacific Standard Time",
                    "DateFormat": "M/d/yyyy", "TimeFormat": "h:mm tt"}


def default_folder_name(folder_type, language):
    """The name of a default folder in ``language`` (``de-DE``); English for other languages."""
    names = DEFAULT_FOLDER_NAMES.get(str(language or "").partition("-")[0].lower(),
                                     DEFAULT_FOLDER_NAMES["en"])
    return names[folder_type]


@dataclass
class FolderPermission:
    """One entry of a folder's permission list (Get-MailboxFolderPermission row).

    ``user`` is a recipient Guid, or ``Default``/``Anonymous``; ``access_rights`` is what the
    row shows (a role name, or individual rights).
    """

    user: str
    access_rights: list
    sharing_permission_flags: list = field(default_factory=list)


@dataclass
class MailboxFolder:
    """One folder of a mailbox; ``folder_type`` as Get-MailboxFolderStatistics shows it
    (``Root``, ``Calendar``, ``Inbox``, ... or ``User Created``)."""

    name: str
    folder_type: str
    parent: object = None
    permissions: list = field(default_factory=list)

    @property
    def path(self):
        """The folder names from below the root down to this folder (``[]`` for the root)."""
        names = []
        folder = self
        while folder.parent is not None:
            names.insert(0, folder.name)
            folder = folder.parent
        return names

    @property
    def is_calendar(self):
        """Whether this is the calendar or a folder below it."""
        folder = self
        while folder is not None:
            if folder.folder_type == "Calendar":
                return True
            folder = folder.parent
        return False


# System folders Get-MailboxFolderStatistics lists beside the ones users see, by parent: their
# FolderType values follow reported output, the names are English whatever the language.
SYSTEM_FOLDERS = (
    ("Recoverable Items", "RecoverableItemsRoot", (("Deletions", "RecoverableItemsDeletions"),
                                                   ("Purges", "RecoverableItemsPurges"),
                                                   ("Versions", "RecoverableItemsVersions"))),
    ("Sync Issues", "SyncIssues", (("Conflicts", "Conflicts"), ("Local Failures", "LocalFailures"),
                                   ("Server Failures", "ServerFailures"))),
)


def _system_folders(root):
    folders = []
    for name, folder_type, children in SYSTEM_FOLDERS:
        parent = MailboxFolder(name, folder_type, root, _default_folder_permissions(folder_type))
        folders.append(parent)
        folders.extend(MailboxFolder(child, child_type, parent, _default_folder_permissions(child_type))
                       for child, child_type in children)
    return folders


def _default_folder_permissions(folder_type):
    # What a new mailbox shows: others see free/busy on the calendar and nothing elsewhere.
    default = "AvailabilityOnly" if folder_type == "Calendar" else "None"
    return [FolderPermission("Default", [default]), FolderPermission("Anonymous", ["None"])]


def identity_keys(org, recipient):
    """Every identifier ``recipient`` answers to, as given (not normalised; may hold blanks)."""
    yield recipient.name
    yield recipient.alias
    yield recipient.display_name
    yield recipient.user_principal_name
    yield recipient.guid
    yield recipient.exchange_guid
    yield recipient.exchange_object_id
    yield recipient.external_directory_object_id
    yield org.distinguished_name(recipient)
    # Exchange takes a LegacyExchangeDN as an identity (a created mailbox keeps it as a property).
    yield recipient.properties.get("LegacyExchangeDN")
    for address in recipient.email_addresses:
        prefix, unused, value = address.partition(":")
        if prefix.lower() == "smtp":
            yield value
        elif prefix.lower() == "x500":
            yield address
            yield value


class RecipientIndex:
    """Lower-cased identity keys -> the recipients that answer to them.

    ``Organization.add`` and ``remove`` enter and drop recipients; a recipient re-indexes
    itself whenever one of its ``IDENTITY_ATTRIBUTES`` is assigned or its address list changes
    in place, and reports a new ``recipient_type`` (which decides whether it is a mailbox or a
    group), so no path that renames, re-addresses or retypes a recipient leaves the index or
    the organisation's cached recipient lists stale.
    """

    def __init__(self, org):
        self._org = org
        self._by_key = {}      # key -> {id(recipient): recipient}
        self._keys_of = {}     # id(recipient) -> the keys it is filed under
        self._order = {}       # id(recipient) -> when it was added, for creation order
        self._added = itertools.count()

    def add(self, recipient):
        """File ``recipient`` under its keys and let it report its later changes here."""
        self._order[id(recipient)] = next(self._added)
        recipient.__dict__["_index"] = self
        self.update(recipient)

    def update(self, recipient):
        """Re-file ``recipient`` under the keys it has now."""
        rid = id(recipient)
        keys = {key.lower() for key in identity_keys(self._org, recipient) if key}
        old = self._keys_of.get(rid, set())
        for key in old - keys:
            self._drop(key, rid)
        for key in keys - old:
            self._by_key.setdefault(key, {})[rid] = recipient
        self._keys_of[rid] = keys
        self._org.changed(lists=False)

    def retyped(self):
        """A recipient's type changed: the mailbox and group lists no longer hold."""
        self._org.changed()

    def discard(self, recipient):
        """Forget ``recipient``; it no longer reports its changes."""
        rid = id(recipient)
        for key in self._keys_of.pop(rid, ()):
            self._drop(key, rid)
        self._order.pop(rid, None)
        recipient.__dict__.pop("_index", None)

    def _drop(self, key, rid):
        bucket = self._by_key[key]
        del bucket[rid]
        if not bucket:
            del self._by_key[key]

    def lookup(self, key):
        """The recipients filed under the normalised ``key``, in creation order."""
        bucket = self._by_key.get(key)
        if not bucket:
            return []
        return sorted(bucket.values(), key=lambda r: self._order[id(r)])


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
        # Bumped by every change of state (write cmdlets, Organization's own methods), so a
        # result computed at one generation can be served again while it is current.
        self.generation = 0
        self._lists = {}
        self._sorted = {}
        self.database_guid = self._id("database", "db001")
        self.seed()

    # -- lifecycle ----------------------------------------------------------------------

    def seed(self):
        """(Re)create the start state. Ids derive from the tenant id, so they repeat."""
        with self.lock:
            self.recipients = {}
            # Removed mailboxes kept recoverable (Guid -> (Recipient, WhenSoftDeleted)): their
            # names and addresses stay claimed until they are purged.
            self.soft_deleted = {}
            self.index = RecipientIndex(self)
            self.changed()
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
            # A shared mailbox with an archive (to be disabled only on purpose).
            self.get(self._id("guid", "support")).properties.update(
                ArchiveGuid=self._id("archive", "support"), ArchiveDatabase=f"{FOREST}DG002-db014", ArchiveStatus="Active",
                ArchiveState="Local", ArchiveName=["In-Place Archive - Support"])
            # Two people with the same display name make "Chris Green" ambiguous.
            self._seed_mailbox("chris.green", "Chris Green", name="Chris Green")
            self._seed_mailbox("chris.green2", "Chris Green", name="Chris Green2")
            # A user with an address in a domain another system manages, besides SIP and X500.
            self._seed_mailbox("paula", "Paula Perez", vanity=True,
                               extra=(f"smtp:paula@{LEGACY_DOMAIN}",))
            self._seed_groups()
            self._seed_directory()
            self._seed_mailbox_settings()
            # Exchange RBAC for apps: service principals, scopes, role groups, assignments.
            self.rbac = RbacState(lambda: str(uuid.uuid4()))

    # -- on-premises directory ------------------------------------------------------------

    def _seed_directory(self):
        """The on-premises side of a hybrid organisation: AD users, databases, a policy.

        Users without mailboxes are there for ``Enable-Mailbox``/``Enable-RemoteMailbox``.
        """
        self.ad_domain = f"{self.name}.local"
        self.ad_netbios = self.name.upper()
        self.databases = ["DB01", "DB02"]
        # The default email address policy: first.last at the vanity domain.
        self.address_policy = f"%g.%s@{self.alternate_domain}"
        self.routing_domain = f"{self.name}.mail.onmicrosoft.com"
        self.ad_users = {}
        for sam, first, last in (("erin", "Erin", "Evans"), ("frank", "Frank", "Foster"),
                                 ("grace", "Grace", "Green"), ("henry", "Henry", "Hill"),
                                 ("exadmin", "Exchange", "Admin")):
            self.add_ad_user(ADUser(
                guid=self._id("ad", sam), name=f"{first} {last}", sam_account_name=sam,
                user_principal_name=f"{sam}@{self.alternate_domain}", first_name=first,
                last_name=last, display_name=f"{first} {last}",
                organizational_unit=f"{self.ad_domain}/Users"))

    def add_ad_user(self, user):
        """Add an AD user; ValueError naming the clash if its name, sAMAccountName or UPN is taken."""
        with self.lock:
            for other in self.ad_users.values():
                for label, mine, theirs in (
                        ("name", user.name, other.name),
                        ("sAMAccountName", user.sam_account_name, other.sam_account_name),
                        ("UserPrincipalName", user.user_principal_name, other.user_principal_name)):
                    if mine and mine.lower() == theirs.lower():
                        raise ValueError(f"The {label} '{mine}' is already used by '{other.name}'.")
            self.ad_users[user.guid] = user

    def ad_distinguished_name(self, user):
        """The on-premises distinguished name of an AD user."""
        path = user.organizational_unit.split("/")[1:]
        ous = "".join(f"OU={part}," if part != "Users" else "CN=Users," for part in reversed(path))
        domain = ",".join(f"DC={part}" for part in self.ad_domain.split("."))
        return f"CN={user.name},{ous}{domain}"

    def _id(self, kind, alias):
        return str(uuid.uuid5(uuid.UUID(self.tenant_id), f"{kind}:{alias}"))

    def _seed_mailbox(self, alias, display_name, *, shared=False, vanity=False, name=None,
                      extra=()):
        tenant_address = f"{alias}@{self.domain}"
        if vanity:
            primary = f"{alias}@{self.alternate_domain}"
            addresses = [f"SMTP:{primary}", f"smtp:{tenant_address}"]
        else:
            primary = tenant_address
            addresses = [f"SMTP:{primary}"]
        addresses.extend(extra)
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

    def make_mailbox(self, name, alias, display_name, addresses, recipient_type_details):
        """A new mailbox as New-Mailbox creates it (random ids, default ACL), not yet added.

        Unlike the seeded ones it has no X500 proxy: its LegacyExchangeDN is its own property.
        """
        guid = str(uuid.uuid4())
        mailbox = Recipient(
            guid=guid,
            name=name,
            alias=alias,
            display_name=display_name,
            user_principal_name=addresses[0].split(":", 1)[-1],
            email_addresses=list(addresses),
            recipient_type_details=recipient_type_details,
            external_directory_object_id=str(uuid.uuid4()),
            exchange_guid=str(uuid.uuid4()),
            exchange_object_id=guid,
        )
        mailbox.properties["LegacyExchangeDN"] = (
            "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients"
            f"/cn={guid.replace('-', '')}-{alias}")
        mailbox.mailbox_permissions = _default_mailbox_permissions()
        mailbox.recipient_permissions = [SendAsAce(trustee=SELF, builtin=True)]
        mailbox.when_created = mailbox.when_changed = timestamp()
        return mailbox

    def _seed_mailbox_settings(self):
        # A German mailbox whose default folders carry German names ("Kalender"), and a folder
        # of their own below Alice's and Jonas's inboxes.
        self._seed_mailbox("jonas", "Jonas Becker", vanity=True)
        jonas = self.mailbox_settings(self.get(self._id("guid", "jonas")), {
            "Language": "de-DE", "TimeZone": "W. Europe Standard Time",
            "DateFormat": "dd.MM.yyyy", "TimeFormat": "HH:mm"})
        alice = self.mailbox_settings(self.get(self._id("guid", "alice")))
        for mailbox, name in ((alice, "Projects"), (jonas, "Projekte")):
            inbox = next(f for f in mailbox.folders if f.folder_type == "Inbox")
            mailbox.folders.append(MailboxFolder(name, "User Created", inbox,
                                                 _default_folder_permissions("User Created")))

    def mailbox_settings(self, mailbox, regional=None):
        """``mailbox`` with its folders, auto-reply and regional settings, made on first use.

        A new mailbox gets ``regional`` (default: en-US) and default folders named in its
        language, each with the Default and Anonymous permission entries.
        """
        if not mailbox.folders:
            mailbox.regional = dict(regional or DEFAULT_REGIONAL)
            root = MailboxFolder(ROOT_FOLDER, "Root", None, _default_folder_permissions("Root"))
            mailbox.folders = [root] + [
                MailboxFolder(default_folder_name(folder_type, mailbox.regional["Language"]),
                              folder_type, root, _default_folder_permissions(folder_type))
                for folder_type in DEFAULT_FOLDER_NAMES["en"]]
            mailbox.folders += _system_folders(root)
            mailbox.auto_reply = {
                "AutoReplyState": "Disabled", "StartTime": "2024-01-15T10:00:00.0000000+00:00",
                "EndTime": "2024-01-16T10:00:00.0000000+00:00", "InternalMessage": "",
                "ExternalMessage": "", "ExternalAudience": "All"}
        return mailbox

    def add(self, recipient):
        """Add a recipient, enforcing unique names and proxy addresses as Exchange does."""
        keys = [recipient.name] + [a.split(":", 1)[-1] for a in recipient.email_addresses]
        with self.lock:
            for key in keys:
                owner = self.claimant(key)
                if owner is not None:
                    raise ProxyAddressConflict(
                        f"'{key}' is already used by recipient '{owner.name}'."
                    )
            for key in keys:
                self._claims[key.lower()] = recipient.guid
            self.recipients[recipient.guid] = recipient
            self.index.add(recipient)
            self.changed()

    # -- groups ---------------------------------------------------------------------------

    def _seed_groups(self):
        for alias, display, security, members, owners in (
                ("all-staff", "All Staff", False, ("alice", "bob", "carol", "dave"), ("alice",)),
                ("sales-team", "Sales Staff", True, ("alice", "bob"), ("bob",)),
                ("finance", "Finance", False, ("carol",), ("carol",))):
            group = self.make_group(alias, alias, display, f"{alias}@{self.alternate_domain}",
                                    security=security)
            group.members = [self._id("guid", m) for m in members]
            group.managed_by = [self._id("guid", o) for o in owners]
            self.add(group)

    def make_group(self, name, alias, display_name, primary, *, security=False):
        """A new mail-enabled group with Exchange Online's defaults, not yet added."""
        group = Recipient(
            guid=self._id("group", name.lower()),
            name=name,
            alias=alias,
            display_name=display_name,
            user_principal_name="",
            email_addresses=[f"SMTP:{primary}", f"smtp:{alias}@{self.domain}"],
            recipient_type_details=("MailUniversalSecurityGroup" if security
                                    else "MailUniversalDistributionGroup"),
            external_directory_object_id=self._id("group-entra", name.lower()),
            exchange_guid=NULL_GUID,
            exchange_object_id=self._id("group-object", name.lower()),
            recipient_type=("MailUniversalSecurityGroup" if security
                            else "MailUniversalDistributionGroup"),
        )
        if group.email_addresses[0][5:].lower() == group.email_addresses[1][5:].lower():
            del group.email_addresses[1]
        group.properties.update(
            RequireSenderAuthenticationEnabled=True,
            MemberJoinRestriction="Closed",
            MemberDepartRestriction="Closed" if security else "Open",
            ModerationEnabled=False,
            SendModerationNotifications="Always",
            HiddenGroupMembershipEnabled=False,
            Notes="",
            **{name: [] for name in GROUP_RECIPIENT_LISTS},
        )
        return group

    def groups(self, view=False):
        """Every mail-enabled group, in creation order; ``view`` as for :meth:`mailboxes`."""
        return self._listed("groups", lambda r: r.is_group, view)

    def claimant(self, key):
        """The recipient whose Name or proxy address is ``key`` (case-insensitive), or None;
        a soft-deleted mailbox still holds its name and addresses."""
        owner = self._claims.get(key.lower())
        if not owner:
            return None
        return self.recipients.get(owner) or self.soft_deleted.get(owner, (None,))[0]

    def set_email_addresses(self, recipient, addresses):
        """Replace a recipient's proxy addresses, keeping them unique across the organisation."""
        with self.lock:
            for address in addresses:
                owner = self.claimant(address.split(":", 1)[-1])
                if owner is not None and owner is not recipient:
                    raise ProxyAddressConflict(
                        f"'{address}' is already used by recipient '{owner.name}'.")
            for address in recipient.email_addresses:
                self._claims.pop(address.split(":", 1)[-1].lower(), None)
            for address in addresses:
                self._claims[address.split(":", 1)[-1].lower()] = recipient.guid
            recipient.email_addresses = list(addresses)

    def remove(self, recipient, keep_claims=False):
        """Delete a recipient, its name and addresses (unless ``keep_claims``), and every
        membership and ownership."""
        with self.lock:
            if not keep_claims:
                self._claims = {k: g for k, g in self._claims.items() if g != recipient.guid}
            del self.recipients[recipient.guid]
            self.index.discard(recipient)
            self.changed()
            for group in self.groups():
                group.members = [g for g in group.members if g != recipient.guid]
                group.managed_by = [g for g in group.managed_by if g != recipient.guid]
                for name in GROUP_RECIPIENT_LISTS:
                    group.properties[name] = [g for g in group.properties[name] if g != recipient.guid]
            for group in self.all():
                if group.recipient_type_details == "GroupMailbox":
                    for links in ("members", "managed_by", "subscribers"):
                        setattr(group, links, [g for g in getattr(group, links) if g != recipient.guid])

    def soft_delete(self, recipient):
        """Remove a mailbox as Exchange Online's Remove-Mailbox does: it leaves every list,
        membership and ownership, but stays recoverable with its name and addresses taken
        (Microsoft documents 30 days) until :meth:`purge`."""
        with self.lock:
            when = timestamp()
            self.remove(recipient, keep_claims=True)
            self.soft_deleted[recipient.guid] = (recipient, when)

    def purge(self, recipient):
        """Delete a soft-deleted mailbox for good: its name and addresses are free again."""
        with self.lock:
            self.soft_deleted.pop(recipient.guid, None)
            self._claims = {k: g for k, g in self._claims.items() if g != recipient.guid}
            self.changed()

    def find_soft_deleted(self, text):
        """The soft-deleted mailboxes ``text`` names (any identity key, case-insensitive)."""
        folded = text.strip().lower()
        return [recipient for recipient, unused in self.soft_deleted.values()
                if folded in {key.lower() for key in identity_keys(self, recipient) if key}]

    def changed(self, lists=True):
        """Note a change of state; ``lists``: recipients were added, removed or retyped."""
        self.generation += 1
        if lists:
            self._lists = {}

    def sorted_by(self, listing, attribute):
        """``(keys, positions)``: the lower-case ``attribute`` (name, guid) of each recipient of a
        cached ``listing`` in sorted order, with its position in the listing; made once per
        listing and state (what narrows a range filter on Name or Guid without a scan)."""
        with self.lock:
            key = (id(listing), attribute)
            kept = self._sorted.get(key)
            if kept is None or kept[0] != self.generation or kept[1] is not listing:
                if len(self._sorted) >= 8:
                    self._sorted.clear()
                keyed = sorted((getattr(r, attribute).lower(), i) for i, r in enumerate(listing))
                kept = self._sorted[key] = (self.generation, listing, [k for k, unused in keyed], [i for unused, i in keyed])
            return kept[2], kept[3]

    def _listed(self, kind, wanted, view=False):
        with self.lock:
            if kind not in self._lists:
                items = [r for r in self.recipients.values() if wanted(r)]
                self._lists[kind] = (items, frozenset(map(id, items)))
            items, ids = self._lists[kind]
            return RecipientView(items, ids) if view else RecipientList(items, ids)

    # -- queries ------------------------------------------------------------------------

    def get(self, guid):
        """The recipient with ``guid``; KeyError if there is none."""
        return self.recipients[guid]

    def all(self, view=False):
        """Every recipient, in creation order; ``view``: a :class:`RecipientView`, as for :meth:`mailboxes`."""
        return self._listed("all", lambda r: True, view)

    def mailboxes(self, view=False):
        """Every mailbox, in creation order; ``view``: a :class:`RecipientView`, which copies
        nothing (what narrowing an identity lookup needs, at a cost that does not grow with N)."""
        return self._listed("mailboxes", lambda r: r.is_mailbox, view)

    def distinguished_name(self, recipient):
        """The recipient's AD distinguished name in the sandbox's forest."""
        return (f"CN={recipient.name},OU={self.domain},"
                f"OU=Microsoft Exchange Hosted Organizations,{_DC_SUFFIX}")

    def link_values(self, recipient, row, links):
        """``row`` as a filter sees it: each of ``links`` (GrantSendOnBehalfTo, Members) holds
        the distinguished names of the recipients it links to (see docs/sandbox.md)."""
        if not links:
            return row
        values = {"GrantSendOnBehalfTo": recipient.grant_send_on_behalf_to, "Members": recipient.members}
        return dict(row, **{name: [self.distinguished_name(self.recipients[g]) for g in values[name]
                                   if g in self.recipients] for name in links})

    def trustee_label(self, trustee, builtin):
        """How permission rows (Get-MailboxPermission ``User``, Get-RecipientPermission
        ``Trustee``) and their warnings name a trustee: the UPN of a cloud user, the Name of a
        recipient without one (a mail-enabled security group), else the account."""
        if builtin:
            return trustee
        recipient = self.recipients.get(trustee)
        if recipient is None:
            return trustee
        return recipient.user_principal_name or recipient.name


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
