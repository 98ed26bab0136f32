"""Exchange RBAC for apps: the ServicePrincipal, ManagementScope, RoleGroup, RoleGroupMember and
ManagementRoleAssignment cmdlets, and :func:`authorise`, which the InvokeCommand front end asks
before it runs a cmdlet for an app without an Exchange-capable Entra role.

The state is ``org.rbac`` (:class:`sandbox.rbac.RbacState`); the rows are the sandbox's guess of
the service's (docs/sandbox.md). Importing this module adds its cmdlets to ``cmdlets.CMDLETS``.
"""

import re
import uuid

from . import errors, identity, opath, views
from .cmdlets import CMDLETS, Cmdlet, CmdletResult, _CONFIRM, _bool, _identity, _identity_list, _nullable_string, _string
from .cmdlets_mailbox import NAME_EXISTS
from .model import DOMAIN_CONTROLLER
from .rbac import RECIPIENT_ROLES, role_name, roles_holding

_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\}?$")
_IN_USE = "Microsoft.Exchange.Management.Tasks.ManagementScopeInUseException"
_BUILT_IN = "Microsoft.Exchange.Management.Tasks.CannotChangeBuiltInRoleGroupException"
_MEMBER_EXISTS = "Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException"
_NOT_MEMBER = "Microsoft.Exchange.Management.Tasks.MemberNotFoundException"


def _guid(name, value):
    text = _string(name, value)
    if not _GUID.match(text.strip()):
        raise errors.transformation(name, text, "System.Guid", "Guid should contain 32 digits with 4 dashes "
                                    "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).")
    return text.strip().strip("{}").lower()


def _name(value, what):
    if not value.strip() or len(value) > 64:
        raise errors.invalid_argument(f"The {what} name must be 1 to 64 characters long.")
    return value.strip()


def _one(table, text, keys):
    """The one object of ``table`` (lower-case name -> row) ``text`` names by any of ``keys``."""
    folded = text.strip().strip("{}").lower()
    matches = [row for row in table.values() if folded in {str(row.get(key) or "").lower() for key in keys}]
    if not matches:
        raise errors.not_found(text, DOMAIN_CONTROLLER)
    if len(matches) > 1:
        raise errors.ambiguous(text)
    return matches[0]


def _listed(rows, params, table, keys):
    if "Identity" in params:
        rows = [_one(table, params["Identity"], keys)]
    return CmdletResult(rows=[dict(row) for row in rows])


# -- service principals -------------------------------------------------------------------

_PRINCIPAL_KEYS = ("AppId", "ObjectId", "ServiceId", "DisplayName", "Guid")


def _principal(org, text):
    return _one(org.rbac.service_principals, text, _PRINCIPAL_KEYS)


def get_service_principal(org, params, caller):
    """Get-ServicePrincipal: one by Identity (AppId, ObjectId, DisplayName) or all."""
    return _listed([_principal_row(p) for p in org.rbac.service_principals.values()], params,
                   {k: _principal_row(p) for k, p in org.rbac.service_principals.items()}, _PRINCIPAL_KEYS)


def _principal_row(principal):
    return dict(principal, Identity=principal["ObjectId"], Name=principal["ObjectId"])


def new_service_principal(org, params, caller):
    """New-ServicePrincipal: Exchange's pointer to an Entra service principal (AppId, ObjectId)."""
    object_id = params.get("ObjectId") or params.get("ServiceId")
    if object_id is None:
        raise errors.missing_parameters(["ObjectId"])
    app_id = params["AppId"]
    if org.rbac.principal_of_app(app_id) is not None or any(
            p["ObjectId"] == object_id for p in org.rbac.service_principals.values()):
        raise errors.CmdletFailure(f"The service principal with AppId '{app_id}' already exists.", NAME_EXISTS)
    guid = str(uuid.uuid4())
    org.rbac.service_principals[guid] = {"AppId": app_id, "ObjectId": object_id, "ServiceId": object_id,
                                         "DisplayName": params.get("DisplayName") or app_id, "Guid": guid}
    return CmdletResult(rows=[_principal_row(org.rbac.service_principals[guid])])


def set_service_principal(org, params, caller):
    """Set-ServicePrincipal: its DisplayName."""
    principal = _principal(org, params["Identity"])
    if params.get("DisplayName"):
        principal["DisplayName"] = params["DisplayName"]
    return CmdletResult()


def remove_service_principal(org, params, caller):
    """Remove-ServicePrincipal: also ends its role assignments and role group memberships (a guess)."""
    principal = _principal(org, params["Identity"])
    del org.rbac.service_principals[principal["Guid"]]
    for key in [k for k, a in org.rbac.assignments.items() if a["App"] == principal["Guid"]]:
        del org.rbac.assignments[key]
    for group in org.rbac.role_groups.values():
        if principal["Guid"] in group["Members"]:
            group["Members"].remove(principal["Guid"])
    return CmdletResult()


# -- management scopes --------------------------------------------------------------------

_NAMED = ("Name", "Guid")


def _scope(org, text):
    return _one(org.rbac.scopes, text, _NAMED)


def _filter(org, text):
    try:
        tree = opath.parse(text)
        sample = next(iter(org.all()), None)
        if sample is not None:
            opath.check_properties(tree, views.recipient_view(org, sample))
    except (opath.FilterSyntaxError, opath.UnknownPropertyError) as exc:
        raise errors.CmdletFailure(f'Cannot bind parameter \'RecipientRestrictionFilter\' to the target. Exception '
                                   f'setting "RecipientRestrictionFilter": "{exc}"', errors.BINDING,
                                   stage=errors.TRANSFORMATION_STAGE) from exc
    return text


def _scope_row(scope):
    return dict(scope, Identity=scope["Name"], ScopeRestrictionType="RecipientScope", RecipientRoot=None,
                Exclusive=False)


def get_management_scope(org, params, caller):
    """Get-ManagementScope: one by Identity (its name) or all."""
    rows = {k: _scope_row(s) for k, s in org.rbac.scopes.items()}
    return _listed(list(rows.values()), params, rows, _NAMED)


def new_management_scope(org, params, caller):
    """New-ManagementScope -Name -RecipientRestrictionFilter."""
    name = _name(params["Name"], "management scope")
    if name.lower() in org.rbac.scopes:
        raise errors.CmdletFailure(f'The management scope "{name}" already exists.', NAME_EXISTS)
    org.rbac.scopes[name.lower()] = {"Name": name, "Guid": str(uuid.uuid4()),
                                     "RecipientRestrictionFilter": _filter(org, params["RecipientRestrictionFilter"])}
    return CmdletResult(rows=[_scope_row(org.rbac.scopes[name.lower()])])


def set_management_scope(org, params, caller):
    """Set-ManagementScope: its RecipientRestrictionFilter."""
    scope = _scope(org, params["Identity"])
    if "RecipientRestrictionFilter" in params:
        scope["RecipientRestrictionFilter"] = _filter(org, params["RecipientRestrictionFilter"])
    return CmdletResult()


def remove_management_scope(org, params, caller):
    """Remove-ManagementScope: refused while an assignment or role group uses it."""
    scope = _scope(org, params["Identity"])
    users = [a["Name"] for a in org.rbac.assignments.values() if (a["CustomRecipientWriteScope"] or "").lower()
             == scope["Name"].lower()]
    users += [g["Name"] for g in org.rbac.role_groups.values() if (g["CustomRecipientWriteScope"] or "").lower()
              == scope["Name"].lower()]
    if users:
        raise errors.CmdletFailure(f'The management scope "{scope["Name"]}" can\'t be removed because role assignments '
                                   f'or role groups use it: {", ".join(sorted(users))}.', _IN_USE)
    del org.rbac.scopes[scope["Name"].lower()]
    return CmdletResult()


# -- role groups ----------------------------------------------------------------------------


def _group(org, text):
    return _one(org.rbac.role_groups, text, _NAMED)


def _member_label(org, guid):
    principal = org.rbac.service_principals.get(guid)
    if principal is not None:
        return principal["DisplayName"]
    recipient = org.recipients.get(guid)
    return recipient.name if recipient is not None else guid


def _group_row(org, group):
    return {"Identity": group["Name"], "Name": group["Name"], "DisplayName": group["Name"],
            "Description": group["Description"], "Roles": list(group["Roles"]),
            "Members": [_member_label(org, g) for g in group["Members"]],
            "CustomRecipientWriteScope": group["CustomRecipientWriteScope"],
            "RoleGroupType": "Standard",
            "IsValid": True, "Guid": group["Guid"]}


def _member(org, text):
    """The Guid of the service principal or recipient ``text`` names."""
    try:
        return _principal(org, text)["Guid"]
    except errors.CmdletFailure:
        return identity.resolve(org, text, referenced=True).guid


def _roles(values):
    roles = []
    for value in values:
        role = role_name(value)
        if role is None:
            raise errors.CmdletFailure(f'The role "{value}" couldn\'t be found.', errors.NOT_FOUND, category="NotFound")
        roles.append(role)
    return list(dict.fromkeys(roles))


def get_role_group(org, params, caller):
    """Get-RoleGroup: one by Identity (its name) or all."""
    rows = {k: _group_row(org, g) for k, g in org.rbac.role_groups.items()}
    return _listed(list(rows.values()), params, rows, _NAMED)


def new_role_group(org, params, caller):
    """New-RoleGroup -Name [-Roles] [-Members] [-Description] [-CustomRecipientWriteScope]."""
    name = _name(params["Name"], "role group")
    if name.lower() in org.rbac.role_groups:
        raise errors.CmdletFailure(f'The role group "{name}" already exists.', NAME_EXISTS)
    scope = params.get("CustomRecipientWriteScope")
    group = {"Name": name, "Description": params.get("Description") or "", "Roles": _roles(params.get("Roles", [])),
             "Members": list(dict.fromkeys(_member(org, m) for m in params.get("Members", []))),
             "CustomRecipientWriteScope": _scope(org, scope)["Name"] if scope else None, "Guid": str(uuid.uuid4())}
    org.rbac.role_groups[name.lower()] = group
    return CmdletResult(rows=[_group_row(org, group)])


def set_role_group(org, params, caller):
    """Set-RoleGroup: its Description."""
    group = _group(org, params["Identity"])
    if "Description" in params:
        group["Description"] = params["Description"] or ""
    return CmdletResult()


def remove_role_group(org, params, caller):
    """Remove-RoleGroup: a built-in role group cannot be removed."""
    group = _group(org, params["Identity"])
    if group.get("BuiltIn"):
        raise errors.CmdletFailure(f'The role group "{group["Name"]}" is a built-in role group and can\'t be '
                                   "removed.", _BUILT_IN)
    del org.rbac.role_groups[group["Name"].lower()]
    return CmdletResult()


def get_role_group_member(org, params, caller):
    """Get-RoleGroupMember -Identity: one row per member."""
    group = _group(org, params["Identity"])
    rows = []
    for guid in group["Members"]:
        principal = org.rbac.service_principals.get(guid)
        if principal is not None:
            rows.append({"Identity": principal["ObjectId"], "Name": principal["DisplayName"],
                         "DisplayName": principal["DisplayName"], "RecipientType": "ServicePrincipal",
                         "ExternalDirectoryObjectId": principal["ObjectId"], "Guid": guid})
        elif guid in org.recipients:
            recipient = org.recipients[guid]
            rows.append({"Identity": recipient.name, "Name": recipient.name, "DisplayName": recipient.display_name,
                         "RecipientType": recipient.recipient_type,
                         "ExternalDirectoryObjectId": recipient.external_directory_object_id, "Guid": guid})
    return CmdletResult(rows=rows)


def add_role_group_member(org, params, caller):
    """Add-RoleGroupMember -Identity -Member: a member already there is refused."""
    group = _group(org, params["Identity"])
    member = _member(org, params["Member"])
    if member in group["Members"]:
        raise errors.CmdletFailure(f'The recipient "{params["Member"]}" is already a member of the group '
                                   f'"{group["Name"]}".', _MEMBER_EXISTS)
    group["Members"].append(member)
    return CmdletResult()


def remove_role_group_member(org, params, caller):
    """Remove-RoleGroupMember -Identity -Member: a member not there is refused."""
    group = _group(org, params["Identity"])
    member = _member(org, params["Member"])
    if member not in group["Members"]:
        raise errors.CmdletFailure(f'The recipient "{params["Member"]}" isn\'t a member of the group '
                                   f'"{group["Name"]}".', _NOT_MEMBER)
    group["Members"].remove(member)
    return CmdletResult()


# -- management role assignments -------------------------------------------------------------


def _assignment(org, text):
    return _one(org.rbac.assignments, text, _NAMED)


def _assignment_row(org, assignment):
    scope = assignment["CustomRecipientWriteScope"]
    principal = org.rbac.service_principals.get(assignment["App"], {})
    return {"Identity": assignment["Name"], "Name": assignment["Name"], "Role": assignment["Role"],
            "RoleAssignee": principal.get("ObjectId"), "RoleAssigneeName": principal.get("DisplayName"),
            "RoleAssigneeType": "ServicePrincipal", "App": principal.get("AppId"),
            "CustomRecipientWriteScope": scope, "CustomResourceScope": scope,
            "RecipientWriteScope": "CustomRecipientScope" if scope else "Organization",
            "Enabled": assignment["Enabled"], "AssignmentMethod": "Direct", "IsValid": True,
            "Guid": assignment["Guid"]}


def _scope_parameter(org, params):
    """The scope of ``-CustomRecipientWriteScope`` or its synonym ``-CustomResourceScope`` (None: not given)."""
    given = [params[name] for name in ("CustomRecipientWriteScope", "CustomResourceScope") if name in params]
    if not given:
        return None
    return _scope(org, given[0])["Name"] if given[0] else ""


def get_management_role_assignment(org, params, caller):
    """Get-ManagementRoleAssignment: one by Identity, or all, or those of a -Role."""
    rows = {k: _assignment_row(org, a) for k, a in org.rbac.assignments.items()}
    result = _listed(list(rows.values()), params, rows, _NAMED)
    if "Role" in params:
        result.rows = [row for row in result.rows if row["Role"].lower() == params["Role"].lower()]
    return result


def new_management_role_assignment(org, params, caller):
    """New-ManagementRoleAssignment -Role -App [-Name] [-CustomResourceScope]."""
    role = _roles([params["Role"]])[0]
    principal = _principal(org, params["App"])
    name = _name(params.get("Name") or f"{role}-{principal['DisplayName']}"[:64], "role assignment")
    if name.lower() in org.rbac.assignments:
        raise errors.CmdletFailure(f'The role assignment "{name}" already exists.', NAME_EXISTS)
    assignment = {"Name": name, "Role": role, "App": principal["Guid"], "Enabled": params.get("Enabled", True),
                  "CustomRecipientWriteScope": _scope_parameter(org, params) or None, "Guid": str(uuid.uuid4())}
    org.rbac.assignments[name.lower()] = assignment
    return CmdletResult(rows=[_assignment_row(org, assignment)])


def set_management_role_assignment(org, params, caller):
    """Set-ManagementRoleAssignment: its scope (``$null`` or "" for the whole organisation) and Enabled."""
    assignment = _assignment(org, params["Identity"])
    scope = _scope_parameter(org, params)
    if scope is not None:
        assignment["CustomRecipientWriteScope"] = scope or None
    if "Enabled" in params:
        assignment["Enabled"] = params["Enabled"]
    return CmdletResult()


def remove_management_role_assignment(org, params, caller):
    """Remove-ManagementRoleAssignment -Identity."""
    del org.rbac.assignments[_assignment(org, params["Identity"])["Name"].lower()]
    return CmdletResult()


# -- the access decision ----------------------------------------------------------------------


def has_grants(org, app_id):
    """Whether the app ``app_id`` has an Exchange service principal holding any role."""
    principal = org.rbac.principal_of_app(app_id)
    return principal is not None and bool(org.rbac.grants(principal))


def _target(org, cmdlet, text):
    """The one recipient a write's ``Identity`` (``text``) names (a folder's mailbox for
    ``mailbox:\\folder``), or None."""
    if not cmdlet.is_write or not isinstance(text, str):
        return None
    mailbox, separator, unused = text.partition(":\\")
    matches = identity.find(org, mailbox if separator else text)
    return matches[0] if len(matches) == 1 else None


def in_scope(org, scope, recipient):
    """Whether ``recipient`` is one the management scope ``scope`` (its row) selects."""
    tree = opath.parse(scope["RecipientRestrictionFilter"])
    return opath.evaluate(tree, views.recipient_view(org, recipient))


def out_of_scope(recipient, cmdlet, scopes):
    """The service's refusal of a write to a recipient outside every scope that allows it (the
    first sentence is the service's text; the naming of the scopes is a guess, docs/sandbox.md)."""
    kind = "mailbox" if recipient.is_mailbox else "object"
    names = ", ".join("'%s'" % name for name in scopes)
    return errors.CmdletFailure(
        f'The operation on {kind} "{recipient.name}" failed because it\'s out of the current user\'s write '
        f"scope. The action '{cmdlet}' can't be performed on the object '{recipient.name}' because the "
        f"object isn't within the management scope {names} of the role assignments that allow it.",
        "System.InvalidOperationException")


def authorise(org, app_id, cmdlet, raw_params):
    """Whether the app ``app_id`` (no Exchange-capable Entra role) may run ``cmdlet`` with
    ``raw_params``: False when none of its roles holds the cmdlet; a write to a recipient outside
    every scope of the assignments that allow it raises the service's failure."""
    with org.lock:
        principal = org.rbac.principal_of_app(app_id)
        if principal is None:
            return False
        holding = set(roles_holding(cmdlet.name))
        grants = [(role, scope) for role, scope in org.rbac.grants(principal) if role in holding]
        if not grants:
            return False
        named = [value for key, value in (raw_params or {}).items() if key.lower() == "identity"]
        recipient = _target(org, cmdlet, named[0]) if named else None
        if recipient is None or not holding & RECIPIENT_ROLES:
            return True
        scopes = [scope for unused, scope in grants]
        if None in scopes or any(in_scope(org, org.rbac.scopes[s.lower()], recipient) for s in scopes
                                 if s.lower() in org.rbac.scopes):
            return True
        raise out_of_scope(recipient, cmdlet.name, sorted(set(scopes)))


_NAME = {"Name": _identity}
_GET = {"Identity": _identity}
_SCOPES = {"CustomRecipientWriteScope": _nullable_string, "CustomResourceScope": _nullable_string}

CMDLETS.update((c.name.lower(), c) for c in (
    Cmdlet("Get-ServicePrincipal", get_service_principal, dict(_GET)),
    Cmdlet("New-ServicePrincipal", new_service_principal,
           {"AppId": _guid, "ObjectId": _guid, "ServiceId": _guid, "DisplayName": _string, **_CONFIRM},
           mandatory=("AppId",)),
    Cmdlet("Set-ServicePrincipal", set_service_principal, {**_GET, "DisplayName": _string, **_CONFIRM},
           mandatory=("Identity",)),
    Cmdlet("Remove-ServicePrincipal", remove_service_principal, {**_GET, **_CONFIRM}, mandatory=("Identity",)),
    Cmdlet("Get-ManagementScope", get_management_scope, dict(_GET)),
    Cmdlet("New-ManagementScope", new_management_scope, {**_NAME, "RecipientRestrictionFilter": _string, **_CONFIRM},
           mandatory=("Name", "RecipientRestrictionFilter")),
    Cmdlet("Set-ManagementScope", set_management_scope,
           {**_GET, "RecipientRestrictionFilter": _string, **_CONFIRM}, mandatory=("Identity",)),
    Cmdlet("Remove-ManagementScope", remove_management_scope, {**_GET, **_CONFIRM}, mandatory=("Identity",)),
    Cmdlet("Get-RoleGroup", get_role_group, dict(_GET)),
    Cmdlet("New-RoleGroup", new_role_group,
           {**_NAME, "Roles": _identity_list, "Members": _identity_list, "Description": _nullable_string,
            "CustomRecipientWriteScope": _string, **_CONFIRM}, mandatory=("Name",)),
    Cmdlet("Set-RoleGroup", set_role_group, {**_GET, "Description": _nullable_string, **_CONFIRM},
           mandatory=("Identity",)),
    Cmdlet("Remove-RoleGroup", remove_role_group, {**_GET, **_CONFIRM}, mandatory=("Identity",)),
    Cmdlet("Get-RoleGroupMember", get_role_group_member, dict(_GET), mandatory=("Identity",)),
    Cmdlet("Add-RoleGroupMember", add_role_group_member, {**_GET, "Member": _identity, **_CONFIRM},
           mandatory=("Identity", "Member")),
    Cmdlet("Remove-RoleGroupMember", remove_role_group_member, {**_GET, "Member": _identity, **_CONFIRM},
           mandatory=("Identity", "Member")),
    Cmdlet("Get-ManagementRoleAssignment", get_management_role_assignment, {**_GET, "Role": _string}),
    Cmdlet("New-ManagementRoleAssignment", new_management_role_assignment,
           {"Name": _string, "Role": _identity, "App": _identity, "Enabled": _bool, **_SCOPES, **_CONFIRM},
           mandatory=("Role", "App")),
    Cmdlet("Set-ManagementRoleAssignment", set_management_role_assignment,
           {**_GET, "Enabled": _bool, **_SCOPES, **_CONFIRM}, mandatory=("Identity",)),
    Cmdlet("Remove-ManagementRoleAssignment", remove_management_role_assignment, {**_GET, **_CONFIRM},
           mandatory=("Identity",)),
))
