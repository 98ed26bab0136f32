"""Client access settings of a mailbox: Get-CASMailbox and Set-CASMailbox.

Importing this module adds its cmdlets to ``cmdlets.CMDLETS``. A mailbox's settings are made on
first use with the service's defaults (every protocol on, SMTP client authentication following
the organisation). Which behaviours are guesses about the real service is listed in
docs/sandbox.md.
"""

from . import identity
from .cmdlets import _CONFIRM, CMDLETS, Cmdlet, CmdletResult, _bool, _identity, _query, _result_size, _string

# The protocol switches Set-CASMailbox takes in Exchange Online, each True for a new mailbox.
PROTOCOLS = ("ActiveSyncEnabled", "OWAEnabled", "OWAforDevicesEnabled", "PopEnabled", "ImapEnabled",
             "MAPIEnabled", "EwsEnabled", "OutlookMobileEnabled", "UniversalOutlookEnabled",
             "MacOutlookEnabled", "OneWinNativeOutlookEnabled")


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
    return _query(org, org.mailboxes(), params, lambda mailbox: cas_view(org, mailbox))


def set_cas_mailbox(org, params, caller):
    """Set-CASMailbox: the switches given; a call that changes nothing warns as Exchange does."""
    mailbox = identity.resolve(org, params["Identity"], org.mailboxes())
    settings = _settings(mailbox)
    updated = dict(settings)
    updated.update((name, value) for name, value in params.items() if name in settings)
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
            "SmtpClientAuthenticationDisabled": _nullable_bool, **_CONFIRM}, mandatory=("Identity",)),
)})
