"""Distribution groups and their members over PowerShell remoting: Get/New/Set/Remove-DistributionGroup,
Get/Set-Group and Get/Add/Remove-DistributionGroupMember in the on-premises table.

Importing this module adds its cmdlets to ``cmdlets_onprem.CMDLETS`` (``onprem_catalog`` does).
The groups are the shared organisation's (``cmdlets_groups``), as if directory synchronisation were
instant. What differs on premises is answered here:

- ``New-DistributionGroup`` takes ``OrganizationalUnit`` (one of ``Get-OrganizationalUnit``'s, the
  Users container by default) and ``SamAccountName`` (by default the alias, cut to 20 characters,
  as for a user); a SamAccountName another directory object holds is Active Directory's
  ``ADOperationException`` (LDAP ``ENTRY_EXISTS``), and nothing is created.
- Every group is universal: ``GroupType`` reads ``Universal`` or ``Universal, SecurityEnabled``;
  every row shows ``OrganizationalUnit`` and ``SamAccountName``.
- ``HiddenGroupMembershipEnabled`` is Exchange Online's only: an unknown parameter here, and not in
  the rows.
- A not-found error names the on-premises domain controller (``ManagementObjectNotFoundException``);
  a member that is already there is ``MemberAlreadyExistsException``, one that is not
  ``MemberNotFoundException``, both naming the recipients by canonical name.

Guesses are listed in docs/sandbox.md.
"""

from . import cmdlets, cmdlets_groups, errors, identity
from .cmdlets import CMDLETS as ONLINE, Cmdlet, _string
from .cmdlets_onprem import CMDLETS, domain_controller, organizational_units
from .model import DOMAIN_CONTROLLER

AD_OPERATION = "Microsoft.Exchange.Data.Directory.ADOperationException"

_NAMES = ("Get-DistributionGroup", "New-DistributionGroup", "Set-DistributionGroup", "Remove-DistributionGroup",
          "Get-Group", "Set-Group", "Get-DistributionGroupMember", "Add-DistributionGroupMember",
          "Remove-DistributionGroupMember")
_MEMBER_ERRORS = (cmdlets_groups.MEMBER_ALREADY_EXISTS, cmdlets_groups.MEMBER_NOT_FOUND)
_CLOUD_ONLY = ("HiddenGroupMembershipEnabled",)


def _canonical(org, recipient):
    """A recipient's on-premises identity: its canonical name (``contoso.local/Users/Name``)."""
    user = org.ad_users.get(recipient.guid)
    unit = user.organizational_unit if user is not None else _unit(recipient, org)
    return f"{unit}/{recipient.name}"


def _unit(group, org):
    return group.properties.get("OrganizationalUnit") or f"{org.ad_domain}/Users"


def _on_premises(handler):
    """``handler`` with the on-premises error shapes, and each group row's on-premises properties."""
    def run(org, params, caller):
        try:
            result = handler(org, params, caller)
        except errors.CmdletFailure as failure:
            raise _failure(org, params, failure) from None
        for row in result.rows:
            group = org.recipients.get(str(row.get("Guid")))
            if group is not None and group.is_group:
                _onprem_row(org, group, row)
        return result
    run.__doc__ = "%s on premises." % (handler.__doc__ or "").split(":", 1)[0].split(".", 1)[0]
    return run


def _failure(org, params, failure):
    if failure.exception_type == errors.NOT_FOUND and DOMAIN_CONTROLLER in failure.message:
        return errors.not_found(params.get("Identity"), domain_controller(org))
    if failure.exception_type in _MEMBER_ERRORS:
        group = _recipient(org, params.get("Identity"), org.groups())
        member = _recipient(org, params.get("Member"))
        if group is not None and member is not None:
            verb = "is already" if failure.exception_type == _MEMBER_ERRORS[0] else "isn't"
            return errors.CmdletFailure(f'The recipient "{_canonical(org, member)}" {verb} a member of the group '
                                        f'"{_canonical(org, group)}".', failure.exception_type)
    return failure


def _recipient(org, text, candidates=None):
    try:
        return identity.resolve(org, text, candidates) if text else None
    except errors.CmdletFailure:
        return None


def _onprem_row(org, group, row):
    security = group.recipient_type_details == "MailUniversalSecurityGroup"
    row.update(GroupType="Universal, SecurityEnabled" if security else "Universal",
               OrganizationalUnit=_unit(group, org), SamAccountName=group.properties.get("SamAccountName", group.alias),
               OriginatingServer=domain_controller(org))
    for name in _CLOUD_ONLY:
        row.pop(name, None)


def _sam_taken(org, sam):
    folded = sam.lower()
    return any(u.sam_account_name.lower() == folded for u in org.ad_users.values()) or any(
        str(g.properties.get("SamAccountName", g.alias)).lower() == folded for g in org.groups())


def new_distribution_group(org, params, caller):
    """New-DistributionGroup on premises: OrganizationalUnit is one the directory has, SamAccountName is free."""
    params = dict(params)
    unit = params.pop("OrganizationalUnit", None)
    if unit is not None:
        found = next((u for u in organizational_units(org) if u.lower() == str(unit).strip().lower()), None)
        if found is None:
            raise errors.not_found(unit, domain_controller(org))
        unit = found
    sam = params.pop("SamAccountName", None)
    if sam is None:
        sam = (params.get("Alias") or cmdlets_groups._NOT_ALIAS.sub("", params["Name"]))[:20]  # pylint: disable=protected-access
    if _sam_taken(org, sam):
        domain = ",".join(f"DC={part}" for part in org.ad_domain.split("."))
        raise errors.CmdletFailure(
            f"Active Directory operation failed on {domain_controller(org)}. This error is not retriable. Additional "
            f"information: The object 'CN={params['Name']},CN=Users,{domain}' already exists. Active directory response: "
            "00000524: UpdErr: DSID-031A11E5, problem 6005 (ENTRY_EXISTS), data 0", AD_OPERATION)
    result = cmdlets_groups.new_distribution_group(org, params, caller)
    group = org.get(result.rows[0]["Guid"])
    group.properties.update(SamAccountName=sam, OrganizationalUnit=unit or f"{org.ad_domain}/Users")
    _onprem_row(org, group, result.rows[0])
    return result


def _cmdlet(name):
    online = ONLINE[name.lower()]
    parameters = {key: value for key, value in online.parameters.items() if key not in _CLOUD_ONLY}
    if name == "New-DistributionGroup":
        return Cmdlet(name, _on_premises(new_distribution_group),
                      {**parameters, "OrganizationalUnit": _string, "SamAccountName": _string}, mandatory=online.mandatory)
    return Cmdlet(name, _on_premises(online.handler), parameters, mandatory=online.mandatory)


assert cmdlets.CMDLETS is ONLINE
CMDLETS.update({name.lower(): _cmdlet(name) for name in _NAMES})
