"""Mail contacts over PowerShell remoting: Get-Recipient, Get/New/Set/Remove-MailContact and
Get/Set-Contact in the on-premises table.

Importing this module adds its cmdlets to ``cmdlets_onprem.CMDLETS`` (``onprem_catalog`` does).
The contacts are the shared organisation's (``cmdlets_contacts``), as if directory
synchronisation were instant: a contact made on premises is one Exchange Online lists too. What
differs on premises is answered here: a not-found error names the on-premises domain
controller, a name already taken is Active Directory's ``ADObjectAlreadyExistsException``, and
``New-MailContact`` takes ``OrganizationalUnit`` (one of ``Get-OrganizationalUnit``'s), which
every row shows. Get-Recipient sees every recipient of the
organisation with the Exchange Online view (an on-premises mailbox is shown with the properties
the address and name checks read). Guesses are listed in docs/sandbox.md.
"""

import uuid

from . import cmdlets, cmdlets_contacts, errors
from .cmdlets import CMDLETS as ONLINE, Cmdlet, CmdletResult, _identity, _string
from .cmdlets_onprem import ALREADY_EXISTS, CMDLETS, domain_controller, organizational_units
from .model import DOMAIN_CONTROLLER

_NAMES = ("Get-Recipient", "Get-MailContact", "Get-Contact", "New-MailContact", "Set-MailContact",
          "Remove-MailContact", "Set-Contact")


def _on_premises(handler):
    """``handler`` with the on-premises error shapes, and each row's OrganizationalUnit."""
    def run(org, params, caller):
        try:
            result = handler(org, params, caller)
        except errors.CmdletFailure as failure:
            if failure.exception_type == errors.NOT_FOUND and DOMAIN_CONTROLLER in failure.message:
                raise errors.not_found(params.get("Identity"), domain_controller(org)) from None
            if failure.exception_type == cmdlets_contacts.NAME_EXISTS:
                raise errors.CmdletFailure(failure.message, ALREADY_EXISTS) from None
            raise
        for row in result.rows:
            recipient = org.recipients.get(str(row.get("Guid")))
            if recipient is not None:
                row["OrganizationalUnit"] = _unit(org, recipient)
        return result
    run.__doc__ = "%s on premises." % (handler.__doc__ or "").split(":", 1)[0]
    return run


def _unit(org, recipient):
    user = org.ad_users.get(recipient.guid)
    if user is not None:
        return user.organizational_unit
    return recipient.properties.get("OrganizationalUnit") or f"{org.ad_domain}/Users"


def new_mail_contact(org, params, caller):
    """New-MailContact on premises: OrganizationalUnit is one the directory has."""
    params = dict(params)
    unit = params.pop("OrganizationalUnit", None)
    if unit is not None:
        unit = _organizational_unit(org, unit)
    result = cmdlets_contacts.new_mail_contact(org, params, caller)
    if unit is not None:
        org.get(result.rows[0]["Guid"]).properties["OrganizationalUnit"] = unit
    return result


def _organizational_unit(org, text):
    found = next((u for u in organizational_units(org) if u.lower() == str(text).strip().lower()), None)
    if found is None:
        raise errors.not_found(text, domain_controller(org))
    return found


def get_organizational_unit(org, params, caller):
    """Get-OrganizationalUnit: one OU by its canonical name, or every one."""
    units = [_organizational_unit(org, params["Identity"])] if "Identity" in params else organizational_units(org)
    return CmdletResult(rows=[{"Name": u.rsplit("/", 1)[1], "Identity": u, "CanonicalName": u,
                               "Guid": str(uuid.uuid5(uuid.NAMESPACE_URL, "ou/" + u))} for u in units])


def _cmdlet(name):
    online = ONLINE[name.lower()]
    if name == "New-MailContact":
        return Cmdlet(name, _on_premises(new_mail_contact), {**online.parameters, "OrganizationalUnit": _string},
                      mandatory=online.mandatory)
    return Cmdlet(name, _on_premises(online.handler), dict(online.parameters), mandatory=online.mandatory)


assert cmdlets.CMDLETS is ONLINE
CMDLETS.update({name.lower(): _cmdlet(name) for name in _NAMES})
CMDLETS["get-organizationalunit"] = Cmdlet("Get-OrganizationalUnit", get_organizational_unit, {"Identity": _identity})
