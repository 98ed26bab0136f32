"""Client access settings of an on-premises mailbox: Get-CASMailbox and Set-CASMailbox over
PowerShell remoting, and the OWA and mobile device policies they name.

Importing this module adds its cmdlets to ``cmdlets_onprem.CMDLETS`` (``onprem_catalog`` does).
The settings are kept on the recipient like Exchange Online's (``cmdlets_cas``), with the
on-premises parameter set: the cloud-only switches (Outlook mobile, the new Outlook, SMTP client
authentication per mailbox) are unknown parameters here. A remote (hybrid) mailbox's settings
live in Exchange Online, so on premises it is not found. Guesses are listed in docs/sandbox.md.
"""

from . import cmdlets_cas
from .cmdlets import Cmdlet, CmdletResult, _accepted, _bool, _identity, _limit, _result_size, _string
from .cmdlets_onprem import CMDLETS, ONPREM_MAILBOX, domain_controller, onprem_recipients, resolve_recipient

# The protocol switches Set-CASMailbox takes in Exchange Server 2016 and 2019.
PROTOCOLS = ("ActiveSyncEnabled", "OWAEnabled", "OWAforDevicesEnabled", "PopEnabled", "ImapEnabled",
             "MAPIEnabled", "EwsEnabled")
# The policies an organisation starts with (an Exchange server's are named Default), and one more
# of each kind the sandbox's organisation made.
OWA_POLICIES = ("Default", "Frontline Web")
MOBILE_POLICIES = ("Default", "Leavers No Devices")
POLICY_PARAMETERS = {"OwaMailboxPolicy": OWA_POLICIES, "ActiveSyncMailboxPolicy": MOBILE_POLICIES}


def _settings(mailbox):
    """The on-premises settings of ``mailbox``, made on first use with Exchange's defaults (every
    protocol on, no OWA policy assigned, the default mobile device policy)."""
    settings = mailbox.__dict__.get("onprem_cas_settings")
    if settings is None:
        settings = dict.fromkeys(PROTOCOLS, True)
        settings.update({"ECPEnabled": True, "ActiveSyncMailboxPolicy": "Default",
                         "ActiveSyncMailboxPolicyIsDefaulted": True, "OwaMailboxPolicy": None})
        mailbox.__dict__["onprem_cas_settings"] = settings
    return settings


def cas_view(org, mailbox):
    """One on-premises Get-CASMailbox row."""
    user = org.ad_users[mailbox.guid]
    return {
        "Name": mailbox.name,
        "DisplayName": mailbox.display_name,
        "Identity": f"{user.organizational_unit}/{mailbox.name}",
        "Guid": mailbox.guid,
        "SamAccountName": user.sam_account_name,
        "PrimarySmtpAddress": mailbox.primary_smtp_address,
        "EmailAddresses": list(mailbox.email_addresses),
        "DistinguishedName": org.ad_distinguished_name(user),
        "HasActiveSyncDevicePartnership": False,
        **_settings(mailbox),
        "OriginatingServer": domain_controller(org),
        "IsValid": True,
    }


def get_cas_mailbox(org, params, caller):
    """Get-CASMailbox: one on-premises mailbox by Identity (a remote mailbox is not found), or all."""
    if "Identity" in params:
        mailboxes = [resolve_recipient(org, params["Identity"], ONPREM_MAILBOX)]
    else:
        mailboxes = onprem_recipients(org, ONPREM_MAILBOX)
    return _limit([cas_view(org, m) for m in mailboxes], params, CmdletResult())


def set_cas_mailbox(org, params, caller):
    """Set-CASMailbox: the switches and policies given; a call that changes nothing warns."""
    mailbox = resolve_recipient(org, params["Identity"], ONPREM_MAILBOX)
    settings = _settings(mailbox)
    updated = dict(settings)
    updated.update((name, value) for name, value in params.items() if name in PROTOCOLS)
    for name, names in POLICY_PARAMETERS.items():
        if params.get(name) is not None:
            updated[name] = cmdlets_cas._policy(names, params[name])  # pylint: disable=protected-access
    if params.get("ActiveSyncMailboxPolicy") is not None:
        updated["ActiveSyncMailboxPolicyIsDefaulted"] = False
    result = CmdletResult()
    if updated == settings:
        result.warnings.append(f"The command completed successfully but no settings of '{mailbox.name}' "
                               "have been modified.")
    settings.update(updated)
    return result


def _policies(names):
    return lambda org, params, caller: cmdlets_cas._policy_rows(names, params)  # pylint: disable=protected-access


CMDLETS.update({c.name.lower(): c for c in (
    Cmdlet("Get-CASMailbox", get_cas_mailbox, {"Identity": _identity, "ResultSize": _result_size}),
    Cmdlet("Set-CASMailbox", set_cas_mailbox,
           {"Identity": _identity, **{name: _bool for name in PROTOCOLS}, "OwaMailboxPolicy": _string,
            "ActiveSyncMailboxPolicy": _string, "Confirm": _accepted}, mandatory=("Identity",)),
    Cmdlet("Get-OwaMailboxPolicy", _policies(OWA_POLICIES), {"Identity": _identity}),
    Cmdlet("Get-MobileDeviceMailboxPolicy", _policies(MOBILE_POLICIES), {"Identity": _identity}),
)})
