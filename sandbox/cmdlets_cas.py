"""Client access settings of a mailbox: Get-CASMailbox and Set-CASMailbox.

Importing this module adds its cmdlets to ``cmdlets.CMDLETS``. A mailbox's settings are made on
first use with the service's defaults (every protocol on, SMTP client authentication following
the organisation). Which behaviours are guesses about the real service is listed in
docs/sandbox.md.
"""

import uuid

from . import errors, identity
from .cmdlets import _CONFIRM, CMDLETS, Cmdlet, CmdletResult, _bool, _identity, _query, _result_size, _string

# The protocol switches Set-CASMailbox takes in Exchange Online, each True for a new mailbox.
PROTOCOLS = ("ActiveSyncEnabled", "OWAEnabled", "OWAforDevicesEnabled", "PopEnabled", "ImapEnabled",
             "MAPIEnabled", "EwsEnabled", "OutlookMobileEnabled", "UniversalOutlookEnabled",
             "MacOutlookEnabled", "OneWinNativeOutlookEnabled")


# The policies a tenant starts with, and one of each kind the sandbox's organisation made.
OWA_POLICIES = ("OwaMailboxPolicy-Default", "Frontline Web")
MOBILE_POLICIES = ("Default", "Leavers No Devices")
POLICY_PARAMETERS = {"OwaMailboxPolicy": OWA_POLICIES, "ActiveSyncMailboxPolicy": MOBILE_POLICIES}


def _policy(names, name):
    """The policy of ``names`` that ``name`` names (case-insensitive), or the not-found refusal
    Exchange gives for a policy named in a parameter."""
    found = next((policy for policy in names if policy.lower() == name.strip().lower()), None)
    if found is None:
        raise errors.referenced_not_found(name)
    return found


def _policy_rows(names, params):
    chosen = [_policy(names, params["Identity"])] if "Identity" in params else list(names)
    return CmdletResult(rows=[{"Name": name, "Identity": name, "IsDefault": name == names[0],
                               "Guid": str(uuid.uuid5(uuid.NAMESPACE_URL, "policy/" + name))} for name in chosen])


def _nullable_bool(name, value):
    return None if value is None else _bool(name, value)


def _settings(mailbox):
    """The mailbox's client access settings, made on first use (kept on the recipient, so a
    reset of the organisation starts them again)."""
    settings = mailbox.__dict__.get("cas_settings")
    if settings is None:
        settings = dict.fromkeys(PROTOCOLS, True)
        settings.update({"SmtpClientAuthenticationDisabled": None, "ECPEnabled": True,
                         "ActiveSyncMailboxPolicy": "Default", "ActiveSyncMailboxPolicyIsDefaulted": True,
                         "OwaMailboxPolicy": "OwaMailboxPolicy-Default"})
        mailbox.__dict__["cas_settings"] = settings
    return settings


def cas_view(org, mailbox):
    """One Get-CASMailbox row: the mailbox's names and its client access settings."""
    return {
        "Name": mailbox.name,
        "DisplayName": mailbox.display_name,
        "Identity": mailbox.name,
        "Guid": mailbox.guid,
        "ExchangeObjectId": mailbox.exchange_object_id,
        "ExternalDirectoryObjectId": mailbox.external_directory_object_id,
        "PrimarySmtpAddress": mailbox.primary_smtp_address,
        "EmailAddresses": list(mailbox.email_addresses),
        "DistinguishedName": org.distinguished_name(mailbox),
        "HasActiveSyncDevicePartnership": False,
        **_settings(mailbox),
        "IsValid": True,
    }


def get_cas_mailbox(org, params, caller):
    """Get-CASMailbox: one mailbox by Identity (not found and ambiguous as Get-Mailbox), or every
    mailbox matching Filter."""
    return _query(org, org.mailboxes(view=True), params, lambda mailbox: cas_view(org, mailbox))


def set_cas_mailbox(org, params, caller):
    """Set-CASMailbox: the switches given; a call that changes nothing warns as Exchange does."""
    mailbox = identity.resolve(org, params["Identity"], org.mailboxes(view=True))
    settings = _settings(mailbox)
    updated = dict(settings)
    updated.update((name, value) for name, value in params.items() if name in settings)
    for name, names in POLICY_PARAMETERS.items():
        if params.get(name) is not None:
            updated[name] = _policy(names, params[name])
    if params.get("ActiveSyncMailboxPolicy") is not None:
        updated["ActiveSyncMailboxPolicyIsDefaulted"] = False
    result = CmdletResult()
    if updated == settings:
        result.warnings.append(f"The command completed successfully but no settings of '{mailbox.name}' "
                               "have been modified.")
    settings.update(updated)
    return result


CMDLETS.update({c.name.lower(): c for c in (
    Cmdlet("Get-CASMailbox", get_cas_mailbox,
           {"Identity": _identity, "ResultSize": _result_size, "Filter": _string}),
    Cmdlet("Set-CASMailbox", set_cas_mailbox,
           {"Identity": _identity, **{name: _bool for name in PROTOCOLS},
            "SmtpClientAuthenticationDisabled": _nullable_bool, "OwaMailboxPolicy": _string,
            "ActiveSyncMailboxPolicy": _string, **_CONFIRM}, mandatory=("Identity",)),
    Cmdlet("Get-OwaMailboxPolicy", lambda org, params, caller: _policy_rows(OWA_POLICIES, params),
           {"Identity": _identity}),
    Cmdlet("Get-MobileDeviceMailboxPolicy", lambda org, params, caller: _policy_rows(MOBILE_POLICIES, params),
           {"Identity": _identity}),
)})
