"""Mail contacts: Get/New/Set/Remove-MailContact and Get/Set-Contact over the organisation model.

A mail contact is a recipient whose mail goes to an address outside the organisation
(``ExternalEmailAddress``). Its mail settings are the MailContact cmdlets'; its person
properties (company, department, phone ...) are the Contact cmdlets', as in Exchange. Names and
proxy addresses are unique across the organisation, so an external address that a mailbox,
group or another contact already has is refused. Importing this module adds its cmdlets to
``cmdlets.CMDLETS``.
"""

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
from .cmdlets_mailbox import (
    NAME_EXISTS,
    _NOT_ALIAS,
    _check_alias,
    _check_free,
    _proxy,
    _proxy_collection,
    _smtp_address,
    _with_primary,
    new_addresses,
)
from .model import DOMAIN_CONTROLLER, FOREST, NULL_GUID, PERSON_PROPERTIES, Recipient, timestamp

CONTACT = "MailContact"

# Set-Contact's person properties beyond the ones Get-Recipient also shows (PERSON_PROPERTIES).
CONTACT_ONLY_PROPERTIES = ("Initials", "MobilePhone", "HomePhone", "Fax", "StreetAddress", "Pager",
                           "AssistantName", "WebPage")


def _external(name, value):
    """ExternalEmailAddress: one proxy address, ``SMTP:`` when it has no prefix."""
    address = _proxy(name, value)
    prefix, unused, rest = address.partition(":")
    return f"SMTP:{rest}" if prefix.lower() == "smtp" else address


def contacts(org):
    """Every mail contact, in creation order."""
    return [r for r in org.all() if r.recipient_type == CONTACT]


def _check_name(org, name, own=None):
    if not name.strip() or len(name) > 64:
        raise errors.invalid_argument("The Name property must be 1 to 64 characters long.")
    holder = org.claimant(name)
    if holder is not None and holder is not own:
        raise errors.CmdletFailure(
            f'The name "{name}" is already being used. Please try another name.', NAME_EXISTS)


def _common(org, contact):
    return {
        "Identity": contact.name,
        "Id": contact.name,
        "IsValid": True,
        "Name": contact.name,
        "DisplayName": contact.display_name,
        "RecipientType": contact.recipient_type,
        "RecipientTypeDetails": contact.recipient_type_details,
        "WindowsEmailAddress": contact.primary_smtp_address,
        "OrganizationalUnit": f"{FOREST.lower()}.prod.outlook.com/Microsoft Exchange "
                              f"Hosted Organizations/{org.domain}",
        "DistinguishedName": org.distinguished_name(contact),
        "IsDirSynced": False,
        "WhenChanged": contact.when_changed,
        "WhenCreated": contact.when_created,
        "ExchangeObjectId": contact.exchange_object_id,
        "ExternalDirectoryObjectId": contact.external_directory_object_id,
        "OrganizationalUnitRoot": org.domain,
        "Guid": contact.guid,
        "OriginatingServer": DOMAIN_CONTROLLER,
    }


def mail_contact_view(org, contact):
    """The properties Get-MailContact returns (a representative subset)."""
    props = contact.properties
    return {
        "ExternalEmailAddress": props["ExternalEmailAddress"],
        "MacAttachmentFormat": "BinHex",
        "MessageBodyFormat": "TextAndHtml",
        "MessageFormat": "Mime",
        "UsePreferMessageFormat": False,
        "UseMapiRichTextFormat": "UseDefaultSettings",
        "Alias": contact.alias,
        "EmailAddresses": list(contact.email_addresses),
        "PrimarySmtpAddress": contact.primary_smtp_address,
        "EmailAddressPolicyEnabled": False,
        "HiddenFromAddressListsEnabled": props["HiddenFromAddressListsEnabled"],
        "RequireSenderAuthenticationEnabled": False,
        "ModerationEnabled": False,
        "MaxSendSize": "Unlimited",
        "MaxReceiveSize": "Unlimited",
        "LegacyExchangeDN": props["LegacyExchangeDN"],
        **{f"CustomAttribute{n}": props[f"CustomAttribute{n}"] for n in range(1, 16)},
        **{f"ExtensionCustomAttribute{n}": [] for n in range(1, 6)},
        **_common(org, contact),
    }


def contact_view(org, contact):
    """The properties Get-Contact returns: the person, not the mail settings."""
    props = contact.properties
    return {
        **{name: props[name] for name in PERSON_PROPERTIES + CONTACT_ONLY_PROPERTIES},
        "Manager": None,
        "SimpleDisplayName": "",
        "OtherTelephone": [],
        **_common(org, contact),
    }


def get_mail_contact(org, params, caller):
    """Get-MailContact: one mail contact by Identity, or all matching Filter."""
    return _contacts_query(org, params, mail_contact_view)


def get_contact(org, params, caller):
    """Get-Contact: the person properties of one mail contact by Identity, or of all."""
    return _contacts_query(org, params, contact_view)


def _contacts_query(org, params, view):
    params = dict(params)
    candidates = [identity.find_one(org, params.pop("Identity"), CONTACT)] if "Identity" in params else contacts(org)
    return _query(org, candidates, params, lambda contact: view(org, contact))


def new_mail_contact(org, params, caller):
    """New-MailContact. Everything is checked before the contact exists."""
    name = params["Name"].strip()
    _check_name(org, name)
    alias = params.get("Alias") or _NOT_ALIAS.sub("", name).strip(".")[:64]
    _check_alias(alias)
    display_name = params.get("DisplayName") or name
    if not display_name.strip():
        raise errors.invalid_argument("The DisplayName property can't be empty.")
    external = params["ExternalEmailAddress"]
    primary = params.get("PrimarySmtpAddress") or external.partition(":")[2]
    addresses = _with_primary([external] if external.lower().startswith("smtp:") else [], primary)
    _check_free(org, None, addresses)
    guid = str(uuid.uuid4())
    contact = Recipient(
        guid=guid, name=name, alias=alias, display_name=display_name, user_principal_name="",
        email_addresses=addresses, recipient_type_details=CONTACT,
        external_directory_object_id=str(uuid.uuid4()), exchange_guid=NULL_GUID,
        exchange_object_id=guid, recipient_type=CONTACT,
    )
    contact.properties.update({name: "" for name in PERSON_PROPERTIES + CONTACT_ONLY_PROPERTIES})
    contact.properties.update(
        ExternalEmailAddress=external,
        LegacyExchangeDN="/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)"
                         f"/cn=Recipients/cn={guid.replace('-', '')}-{alias}",
        **{parameter: params[parameter] or "" for parameter in ("FirstName", "LastName", "Initials")
           if parameter in params})
    contact.when_created = contact.when_changed = timestamp()
    org.add(contact)
    return CmdletResult(rows=[mail_contact_view(org, contact)])


_SET_MAIL_CONTACT_PROPERTIES = {
    "HiddenFromAddressListsEnabled": _bool,
    **{f"CustomAttribute{n}": _nullable_string for n in range(1, 16)},
}


def _new_external(contact, params):
    """ExternalEmailAddress and EmailAddresses after a Set-MailContact: a new external SMTP
    address becomes the primary and the old one stays as a secondary address (a guess, see
    docs/sandbox.md)."""
    external = params.get("ExternalEmailAddress", contact.properties["ExternalEmailAddress"])
    if "EmailAddresses" in params:
        addresses = new_addresses(contact, params["EmailAddresses"])
    else:
        addresses = list(contact.email_addresses)
    if external != contact.properties["ExternalEmailAddress"] and external.lower().startswith("smtp:"):
        addresses = _with_primary(addresses, external[5:])
    if params.get("PrimarySmtpAddress"):
        addresses = _with_primary(addresses, params["PrimarySmtpAddress"])
    return external, addresses


def set_mail_contact(org, params, caller):
    """Set-MailContact: names, external address, addresses, visibility, custom attributes.

    All values are checked before anything changes; a call that changes nothing succeeds with
    Exchange's "no settings ... modified" warning.
    """
    contact = identity.find_one(org, params["Identity"], CONTACT)
    if "Name" in params:
        _check_name(org, params["Name"].strip(), contact)
    if "Alias" in params:
        _check_alias(params["Alias"])
    if "DisplayName" in params and not params["DisplayName"].strip():
        raise errors.invalid_argument("The DisplayName property can't be empty.")
    external, addresses = _new_external(contact, params)
    _check_free(org, contact, addresses)
    updates = {name: ("" if value is None else value) for name, value in params.items()
               if name in _SET_MAIL_CONTACT_PROPERTIES}
    updates["ExternalEmailAddress"] = external
    changed = addresses != contact.email_addresses
    org.set_email_addresses(contact, addresses)
    for attribute, parameter in (("name", "Name"), ("alias", "Alias"), ("display_name", "DisplayName")):
        if parameter in params and getattr(contact, attribute) != params[parameter].strip():
            setattr(contact, attribute, params[parameter].strip())
            changed = True
    return _updated(contact, updates, changed)


def _updated(contact, updates, changed):
    for name, value in updates.items():
        if contact.properties.get(name) != value:
            contact.properties[name] = value
            changed = True
    result = CmdletResult()
    if changed:
        contact.when_changed = timestamp()
    else:
        result.warnings.append(
            f"The command completed successfully but no settings of '{contact.name}' have been "
            "modified.")
    return result


def set_contact(org, params, caller):
    """Set-Contact: the person properties of a contact, and its names. An empty value clears one."""
    contact = identity.find_one(org, params["Identity"], CONTACT)
    if "Name" in params:
        _check_name(org, params["Name"].strip(), contact)
    if "DisplayName" in params and not (params["DisplayName"] or "").strip():
        raise errors.invalid_argument("The DisplayName property can't be empty.")
    changed = False
    for attribute, parameter in (("name", "Name"), ("display_name", "DisplayName")):
        if parameter in params and getattr(contact, attribute) != params[parameter].strip():
            setattr(contact, attribute, params[parameter].strip())
            changed = True
    updates = {name: params[name] or "" for name in PERSON_PROPERTIES + CONTACT_ONLY_PROPERTIES
               if name in params}
    return _updated(contact, updates, changed)


def remove_mail_contact(org, params, caller):
    """Remove-MailContact: the contact, its name and addresses, and every membership go."""
    org.remove(identity.find_one(org, params["Identity"], CONTACT))
    return CmdletResult()


_PERSON = {name: _nullable_string for name in PERSON_PROPERTIES + CONTACT_ONLY_PROPERTIES}
_GET = {name: converter for name, converter in _GET_COMMON.items() if name != "RecipientTypeDetails"}

CMDLETS.update({c.name.lower(): c for c in (
    Cmdlet("Get-MailContact", get_mail_contact, dict(_GET)),
    Cmdlet("Get-Contact", get_contact, dict(_GET)),
    Cmdlet("New-MailContact", new_mail_contact,
           {"Name": _string, "ExternalEmailAddress": _external, "Alias": _identity,
            "DisplayName": _string, "PrimarySmtpAddress": _smtp_address, "FirstName": _nullable_string,
            "LastName": _nullable_string, "Initials": _nullable_string, **_CONFIRM},
           mandatory=("Name", "ExternalEmailAddress")),
    Cmdlet("Set-MailContact", set_mail_contact,
           {"Identity": _identity, "Name": _string, "Alias": _identity, "DisplayName": _string,
            "ExternalEmailAddress": _external, "EmailAddresses": _proxy_collection,
            "PrimarySmtpAddress": _smtp_address, **_SET_MAIL_CONTACT_PROPERTIES, **_CONFIRM},
           mandatory=("Identity",)),
    Cmdlet("Remove-MailContact", remove_mail_contact, {"Identity": _identity, **_CONFIRM},
           mandatory=("Identity",)),
    Cmdlet("Set-Contact", set_contact,
           {"Identity": _identity, "Name": _string, "DisplayName": _string, **_PERSON, **_CONFIRM},
           mandatory=("Identity",)),
)})
