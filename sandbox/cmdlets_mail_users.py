"""Mail users: Get/New/Set/Remove-MailUser and Set-User over the organisation model.

A mail user has an account in the organisation (its ``MicrosoftOnlineServicesID``, shown as
``UserPrincipalName``, ``WindowsLiveID`` and ``MicrosoftOnlineServicesID``, and a password) but no
mailbox: mail to it goes to its ``ExternalEmailAddress``. Exchange Online creates one with the
``MicrosoftOnlineServicesID`` parameter set (``Name``, ``MicrosoftOnlineServicesID``, ``Password``);
the external address is what makes it a mail user rather than an account, so it is required here.
Its person properties (first and last name) change through ``Set-User``. What the real service
does that public sources do not show is written down in docs/sandbox.md ("Mail users").
Importing this module adds its cmdlets to ``cmdlets.CMDLETS``.
"""

import re
import uuid

from . import errors, identity
from .cmdlets import (
    CMDLETS,
    Cmdlet,
    CmdletResult,
    _CONFIRM,
    _GET_COMMON,
    _bool,
    _identity,
    _nullable_string,
    _query,
    _string,
)
from .cmdlets_contacts import _check_name, _common, _external, _new_external, _updated
from .cmdlets_mailbox import _check_alias, _check_free, _proxy_collection, _smtp_address, _with_primary
from .model import NULL_GUID, PERSON_PROPERTIES, Recipient, timestamp

MAIL_USER = "MailUser"
RECIPIENT_TASK = "Microsoft.Exchange.Configuration.Tasks.RecipientTaskException"
# The exception types below are guesses (docs/sandbox.md, "Mail users").
PASSWORD_POLICY = "Microsoft.Exchange.Management.RecipientTasks.PasswordPolicyException"
ID_EXISTS = "Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException"
_UPN = re.compile(r"^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
# Microsoft Entra ID's password rule for cloud accounts: 8 to 256 characters, three of the four kinds.
_KINDS = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"[0-9]"), re.compile(r"[^a-zA-Z0-9]"))


class Secret:
    """A password as a cmdlet holds it: never shown, never compared, never in a message."""

    __slots__ = ("_text",)

    def __init__(self, text):
        self._text = text

    def __repr__(self):
        return "Secret(****)"

    def acceptable(self):
        """Whether Microsoft Entra ID's password rule allows it."""
        return 8 <= len(self._text) <= 256 and sum(1 for kind in _KINDS if kind.search(self._text)) >= 3


def _secure_string(name, value):
    """A SecureString parameter: through the REST API, a JSON string (a guess, docs/sandbox.md)."""
    if not isinstance(value, str) or not value:
        raise errors.transformation(name, "System.String" if isinstance(value, str) else "System.Object",
                                    "System.Security.SecureString", "The value can't be empty.")
    return Secret(value)


def _windows_live_id(name, value):
    text = _identity(name, value).strip()
    if not _UPN.match(text) or ".." in text or text.startswith("."):
        raise errors.transformation(name, text, "Microsoft.Exchange.Data.WindowsLiveId",
                                    f'"{text}" is not a valid value for WindowsLiveId.')
    return text


def mail_users(org):
    """Every mail user, in creation order."""
    return [r for r in org.all() if r.recipient_type == MAIL_USER]


def _check_account(org, upn, own=None):
    """A MicrosoftOnlineServicesID no other user of the organisation has."""
    for other in org.all():
        if other is not own and other.user_principal_name and other.user_principal_name.lower() == upn.lower():
            raise errors.CmdletFailure(
                f"The WindowsLiveID {upn} is already used by the recipient \"{other.name}\". Please use "
                "another WindowsLiveID.", ID_EXISTS)


def mail_user_view(org, user):
    """The properties Get-MailUser returns (a representative subset)."""
    props = user.properties
    return {
        "ExternalEmailAddress": props["ExternalEmailAddress"],
        "UserPrincipalName": user.user_principal_name,
        "MicrosoftOnlineServicesID": user.user_principal_name,
        "WindowsLiveID": user.user_principal_name,
        "Alias": user.alias,
        "EmailAddresses": list(user.email_addresses),
        "PrimarySmtpAddress": user.primary_smtp_address,
        "EmailAddressPolicyEnabled": False,
        "HiddenFromAddressListsEnabled": props["HiddenFromAddressListsEnabled"],
        "RequireSenderAuthenticationEnabled": False,
        "UsePreferMessageFormat": False,
        "MessageFormat": "Mime",
        "MessageBodyFormat": "TextAndHtml",
        "MacAttachmentFormat": "BinHex",
        "ExchangeGuid": user.exchange_guid,
        "ArchiveGuid": NULL_GUID,
        "LegacyExchangeDN": props["LegacyExchangeDN"],
        **{f"CustomAttribute{n}": props[f"CustomAttribute{n}"] for n in range(1, 16)},
        **{f"ExtensionCustomAttribute{n}": [] for n in range(1, 6)},
        **_common(org, user),
    }


def get_mail_user(org, params, caller):
    """Get-MailUser: one mail user by Identity, or all matching Filter."""
    params = dict(params)
    candidates = [identity.find_one(org, params.pop("Identity"), MAIL_USER)] if "Identity" in params else mail_users(org)
    return _query(org, candidates, params, lambda user: mail_user_view(org, user))


def new_mail_user(org, params, caller):
    """New-MailUser, the MicrosoftOnlineServicesID parameter set. Everything is checked before the
    mail user exists; the password is checked against Microsoft Entra ID's rule and kept nowhere."""
    name = params["Name"].strip()
    _check_name(org, name)
    upn = params["MicrosoftOnlineServicesID"]
    _check_account(org, upn)
    if not params["Password"].acceptable():
        raise errors.CmdletFailure(
            "The password does not comply with the password policy: it must be 8 to 256 characters and contain "
            "three of lower case letters, upper case letters, numbers and symbols.", PASSWORD_POLICY)
    alias = params.get("Alias") or upn.partition("@")[0]
    _check_alias(alias)
    display_name = params.get("DisplayName") or name
    if not display_name.strip():
        raise errors.invalid_argument("The DisplayName property can't be empty.")
    external = params["ExternalEmailAddress"]
    primary = params.get("PrimarySmtpAddress") or external.partition(":")[2]
    addresses = _with_primary([], primary)
    _check_free(org, None, addresses)
    guid = str(uuid.uuid4())
    user = Recipient(
        guid=guid, name=name, alias=alias, display_name=display_name, user_principal_name=upn,
        email_addresses=addresses, recipient_type_details=MAIL_USER,
        external_directory_object_id=str(uuid.uuid4()), exchange_guid=NULL_GUID,
        exchange_object_id=guid, recipient_type=MAIL_USER,
    )
    user.properties.update({name: "" for name in PERSON_PROPERTIES})
    user.properties.update(
        ExternalEmailAddress=external,
        LegacyExchangeDN="/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)"
                         f"/cn=Recipients/cn={guid.replace('-', '')}-{alias}",
        **{parameter: params[parameter] or "" for parameter in ("FirstName", "LastName") if parameter in params})
    user.when_created = user.when_changed = timestamp()
    org.add(user)
    return CmdletResult(rows=[mail_user_view(org, user)])


_SET_MAIL_USER_PROPERTIES = {
    "HiddenFromAddressListsEnabled": _bool,
    **{f"CustomAttribute{n}": _nullable_string for n in range(1, 16)},
}


def set_mail_user(org, params, caller):
    """Set-MailUser: names, account, external address, addresses, visibility, custom attributes.

    All values are checked before anything changes; a call that changes nothing succeeds with
    Exchange's "no settings ... modified" warning.
    """
    user = identity.find_one(org, params["Identity"], MAIL_USER)
    if "Name" in params:
        _check_name(org, params["Name"].strip(), user)
    if "Alias" in params:
        _check_alias(params["Alias"])
    if "DisplayName" in params and not params["DisplayName"].strip():
        raise errors.invalid_argument("The DisplayName property can't be empty.")
    upn = params.get("MicrosoftOnlineServicesID", user.user_principal_name)
    _check_account(org, upn, user)
    external, addresses = _new_external(user, params)
    _check_free(org, user, addresses)
    updates = {name: ("" if value is None else value) for name, value in params.items()
               if name in _SET_MAIL_USER_PROPERTIES}
    updates["ExternalEmailAddress"] = external
    changed = addresses != user.email_addresses
    org.set_email_addresses(user, addresses)
    for attribute, value in (("name", params.get("Name")), ("alias", params.get("Alias")),
                             ("display_name", params.get("DisplayName")), ("user_principal_name", upn)):
        if value is not None and getattr(user, attribute) != value.strip():
            setattr(user, attribute, value.strip())
            changed = True
    return _updated(user, updates, changed)


def set_user(org, params, caller):
    """Set-User on a mail user or a mailbox: the person properties. An empty value clears one."""
    user = identity.resolve(org, params["Identity"], [r for r in org.all() if r.recipient_type in (MAIL_USER, "UserMailbox")])
    if "DisplayName" in params and not (params["DisplayName"] or "").strip():
        raise errors.invalid_argument("The DisplayName property can't be empty.")
    changed = False
    if "DisplayName" in params and user.display_name != params["DisplayName"].strip():
        user.display_name = params["DisplayName"].strip()
        changed = True
    updates = {name: params[name] or "" for name in PERSON_PROPERTIES if name in params}
    return _updated(user, updates, changed)


def remove_mail_user(org, params, caller):
    """Remove-MailUser: the mail user, its account, name and addresses, and every membership go."""
    org.remove(identity.find_one(org, params["Identity"], MAIL_USER))
    return CmdletResult()


_GET = {name: converter for name, converter in _GET_COMMON.items() if name != "RecipientTypeDetails"}

CMDLETS.update({c.name.lower(): c for c in (
    Cmdlet("Get-MailUser", get_mail_user, dict(_GET)),
    Cmdlet("New-MailUser", new_mail_user,
           {"Name": _string, "ExternalEmailAddress": _external, "MicrosoftOnlineServicesID": _windows_live_id,
            "Password": _secure_string, "Alias": _identity, "DisplayName": _string,
            "PrimarySmtpAddress": _smtp_address, "FirstName": _nullable_string, "LastName": _nullable_string,
            "ResetPasswordOnNextLogon": _bool, **_CONFIRM},
           mandatory=("Name", "MicrosoftOnlineServicesID", "Password", "ExternalEmailAddress")),
    Cmdlet("Set-MailUser", set_mail_user,
           {"Identity": _identity, "Name": _string, "Alias": _identity, "DisplayName": _string,
            "ExternalEmailAddress": _external, "EmailAddresses": _proxy_collection,
            "MicrosoftOnlineServicesID": _windows_live_id, "PrimarySmtpAddress": _smtp_address,
            **_SET_MAIL_USER_PROPERTIES, **_CONFIRM},
           mandatory=("Identity",)),
    Cmdlet("Remove-MailUser", remove_mail_user, {"Identity": _identity, **_CONFIRM}, mandatory=("Identity",)),
    Cmdlet("Set-User", set_user,
           {"Identity": _identity, "DisplayName": _string, **{name: _nullable_string for name in PERSON_PROPERTIES},
            **_CONFIRM},
           mandatory=("Identity",)),
)})
