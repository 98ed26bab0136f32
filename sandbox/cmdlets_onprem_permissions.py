"""Mailbox permissions on premises: Full Access (Get-/Add-/Remove-MailboxPermission) and Send As,
which on premises is an Active Directory extended right (Get-/Add-/Remove-ADPermission
-ExtendedRights Send-As), not Exchange Online's Add-RecipientPermission.

Importing this module adds its cmdlets to ``cmdlets_onprem.CMDLETS`` (``onprem_catalog`` does).
The entries are kept per AD object, apart from Exchange Online's (they are not synchronised,
as Microsoft documents for hybrid). Full Access is on an on-premises mailbox only: a remote
mailbox's is in Exchange Online, so Get-/Add-MailboxPermission do not find it here. Send As is on
the AD object of either. Trustees are AD users (any identity ``Get-User`` takes) and are shown as
``DOMAIN\\sAMAccountName``; guesses are listed in docs/sandbox.md.
"""

from . import errors
from .cmdlets import Cmdlet, CmdletResult, _accepted, _bool, _identity, _string
from .cmdlets_onprem import (
    CMDLETS,
    ONPREM_MAILBOX,
    domain_controller,
    find_users,
    resolve_recipient,
    resolve_user,
)

AD_OPERATION = "Microsoft.Exchange.Data.Directory.ADOperationException"
SEND_AS = "Send-As"
# What every mailbox shows besides its explicit entries: the mailbox's own (SELF) and entries
# inherited from the organisation, which a module must leave alone.
_SELF_FULL_ACCESS = {"User": "NT AUTHORITY\\SELF", "AccessRights": ["FullAccess", "ReadPermission"],
                     "IsInherited": False, "Deny": False}
_INHERITED_SEND_AS = {"User": "NT AUTHORITY\\SELF", "ExtendedRights": ["Send-As"], "AccessRights": ["ExtendedRight"],
                      "IsInherited": True, "Deny": False}


def _acl(org, guid):
    """The explicit entries of the AD object ``guid``: right -> trustee GUIDs in order."""
    acls = org.__dict__.setdefault("onprem_acls", {})
    return acls.setdefault(guid, {"FullAccess": [], SEND_AS: []})


def _trustee_name(org, guid):
    user = org.ad_users.get(guid)
    return f"{org.ad_netbios}\\{user.sam_account_name}" if user else guid


def _trustee(org, text, parameter):
    """The AD user a -User parameter names; an unknown one fails as Active Directory does."""
    users = find_users(org, text)
    if len(users) > 1:
        raise errors.ambiguous(text)
    if not users:
        raise errors.CmdletFailure(
            f"Active Directory operation failed on {domain_controller(org)}. No mapping between account names "
            f"and security IDs was done for {parameter} '{text}'.", AD_OPERATION)
    return users[0]


def _rights(name, value):
    items = value if isinstance(value, list) else [value]
    return [_string(name, item) for item in items]


def _send_as(name, value):
    rights = _rights(name, value)
    if [r.replace(" ", "-").lower() for r in rights] != ["send-as"]:
        raise errors.invalid_argument(f"The extended right '{', '.join(rights)}' isn't supported here; use Send-As.")
    return [SEND_AS]


def get_mailbox_permission(org, params, caller):
    """Get-MailboxPermission: SELF's entry, then the explicit Full Access entries."""
    mailbox = resolve_recipient(org, params["Identity"], ONPREM_MAILBOX)
    rows = [dict(_SELF_FULL_ACCESS)] + [
        {"User": _trustee_name(org, guid), "AccessRights": ["FullAccess"], "IsInherited": False, "Deny": False}
        for guid in _acl(org, mailbox.guid)["FullAccess"]]
    if "User" in params:
        wanted = _trustee(org, params["User"], "User")
        rows = [row for row in rows if row["User"] == _trustee_name(org, wanted.guid)]
    result = CmdletResult()
    result.rows.extend(dict(row, Identity=f"{org.ad_users[mailbox.guid].organizational_unit}/{mailbox.name}")
                       for row in rows)
    return result


def _change(right, add):
    def change(org, params, caller):
        if right == "FullAccess":
            target = resolve_recipient(org, params["Identity"], ONPREM_MAILBOX)
            if [r.lower() for r in params["AccessRights"]] != ["fullaccess"]:
                raise errors.invalid_argument("Only FullAccess is supported by the sandbox.")
        else:
            target = resolve_user(org, params["Identity"])
        trustee = _trustee(org, params["User"], "User")
        entries = _acl(org, target.guid)[right]
        result = CmdletResult()
        if add == (trustee.guid in entries):
            # As Exchange: granting a present entry or revoking a missing one is only a warning.
            result.warnings.append(f"The appropriate access control entry is {'already' if add else 'not'} present on "
                                   f"object \"{target.name}\" for account \"{_trustee_name(org, trustee.guid)}\".")
        elif add:
            entries.append(trustee.guid)
        else:
            entries.remove(trustee.guid)
        return result
    verb = "Add" if add else "Remove"
    change.__doc__ = f"{verb}-{'MailboxPermission' if right == 'FullAccess' else 'ADPermission'} on premises."
    return change


def get_ad_permission(org, params, caller):
    """Get-ADPermission: an inherited Send-As entry, then the explicit Send-As entries."""
    user = resolve_user(org, params["Identity"])
    rows = [dict(_INHERITED_SEND_AS)] + [
        {"User": _trustee_name(org, guid), "ExtendedRights": [SEND_AS], "AccessRights": ["ExtendedRight"],
         "IsInherited": False, "Deny": False}
        for guid in _acl(org, user.guid)[SEND_AS]]
    if "User" in params:
        wanted = _trustee(org, params["User"], "User")
        rows = [row for row in rows if row["User"] == _trustee_name(org, wanted.guid)]
    result = CmdletResult()
    result.rows.extend(dict(row, Identity=org.ad_distinguished_name(user)) for row in rows)
    return result


_CONFIRM = {"Confirm": _accepted}
_MAILBOX_PERMISSION = {"Identity": _identity, "User": _identity, "AccessRights": _rights,
                       "InheritanceType": _string, **_CONFIRM}

CMDLETS.update({c.name.lower(): c for c in (
    Cmdlet("Get-MailboxPermission", get_mailbox_permission, {"Identity": _identity, "User": _identity},
           mandatory=("Identity",)),
    Cmdlet("Add-MailboxPermission", _change("FullAccess", True), {**_MAILBOX_PERMISSION, "AutoMapping": _bool},
           mandatory=("Identity", "User", "AccessRights")),
    Cmdlet("Remove-MailboxPermission", _change("FullAccess", False), dict(_MAILBOX_PERMISSION),
           mandatory=("Identity", "User", "AccessRights")),
    Cmdlet("Get-ADPermission", get_ad_permission, {"Identity": _identity, "User": _identity}, mandatory=("Identity",)),
    Cmdlet("Add-ADPermission", _change(SEND_AS, True),
           {"Identity": _identity, "User": _identity, "ExtendedRights": _send_as, "AccessRights": _rights, **_CONFIRM},
           mandatory=("Identity", "User", "ExtendedRights")),
    Cmdlet("Remove-ADPermission", _change(SEND_AS, False),
           {"Identity": _identity, "User": _identity, "ExtendedRights": _send_as, "AccessRights": _rights, **_CONFIRM},
           mandatory=("Identity", "User", "ExtendedRights")),
)})
