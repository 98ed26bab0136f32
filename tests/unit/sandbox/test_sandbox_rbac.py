"""Exchange RBAC for apps in the sandbox: the cmdlets, and what an app's roles and scopes allow."""

import pytest

from sandbox import catalog, cmdlets_rbac, errors, rbac

from cmdlet_testing import failure, new_org, run

APP = "aaaaaaaa-0000-4000-8000-000000000001"
OBJECT = "bbbbbbbb-0000-4000-8000-000000000001"


@pytest.fixture(name="org")
def _org():
    org = new_org()
    run(org, "Set-Mailbox", Identity="alice", CustomAttribute1="managed")
    run(org, "New-ServicePrincipal", AppId=APP, ObjectId=OBJECT, DisplayName="automation")
    run(org, "New-ManagementScope", Name="Managed", RecipientRestrictionFilter="CustomAttribute1 -eq 'managed'")
    return org


def allowed(org, cmdlet, **params):
    return cmdlets_rbac.authorise(org, APP, catalog.lookup(cmdlet), params)


def test_service_principal_is_found_by_app_id_object_id_and_name(org):
    for identity in (APP, OBJECT, "automation"):
        assert run(org, "Get-ServicePrincipal", Identity=identity).rows[0]["AppId"] == APP
    assert failure(org, "New-ServicePrincipal", AppId=APP, ObjectId=OBJECT).exception_type.endswith(
        "ADObjectAlreadyExistsException")
    assert failure(org, "Get-ServicePrincipal", Identity="nobody").category == "NotFound"


def test_an_app_without_assignments_may_run_nothing(org):
    assert not cmdlets_rbac.has_grants(org, APP)
    assert not allowed(org, "Get-Mailbox")


def test_roles_allow_their_cmdlets_only(org):
    run(org, "New-ManagementRoleAssignment", Name="mr", Role="Mail Recipients", App=APP)
    assert cmdlets_rbac.has_grants(org, APP)
    assert allowed(org, "Get-Mailbox") and allowed(org, "Set-Mailbox", Identity="bob")
    assert not allowed(org, "New-Mailbox", Name="x")
    assert not allowed(org, "Get-DistributionGroup")
    run(org, "Set-ManagementRoleAssignment", Identity="mr", Enabled=False)
    assert not allowed(org, "Get-Mailbox")


def test_a_scoped_assignment_writes_inside_its_scope_only(org):
    run(org, "New-ManagementRoleAssignment", Name="mr", Role="mail recipients", App=OBJECT,
        CustomResourceScope="Managed")
    assert run(org, "Get-ManagementRoleAssignment", Identity="mr").rows[0]["CustomResourceScope"] == "Managed"
    assert allowed(org, "Set-Mailbox", Identity="alice@contoso.com")
    assert allowed(org, "Get-Mailbox", Identity="bob")
    assert allowed(org, "Add-MailboxFolderPermission", Identity="alice:\\Calendar")
    with pytest.raises(errors.CmdletFailure) as refused:
        allowed(org, "Set-Mailbox", Identity="bob")
    assert "out of the current user's write scope" in refused.value.message
    assert "'Managed'" in refused.value.message
    run(org, "Set-ManagementRoleAssignment", Identity="mr", CustomRecipientWriteScope=None)
    assert allowed(org, "Set-Mailbox", Identity="bob")


def test_role_group_membership_grants_the_group_roles_and_scope(org):
    run(org, "New-RoleGroup", Name="Automation", Roles=["Distribution Groups"], CustomRecipientWriteScope="Managed")
    run(org, "Add-RoleGroupMember", Identity="Automation", Member=APP)
    assert [row["Name"] for row in run(org, "Get-RoleGroupMember", Identity="Automation").rows] == ["automation"]
    assert failure(org, "Add-RoleGroupMember", Identity="Automation", Member=APP).exception_type.endswith(
        "MemberAlreadyExistsException")
    assert allowed(org, "Get-DistributionGroup") and not allowed(org, "Get-Mailbox")
    run(org, "Remove-RoleGroupMember", Identity="Automation", Member="automation")
    assert not allowed(org, "Get-DistributionGroup")
    assert failure(org, "Remove-RoleGroup", Identity="Organization Management").exception_type.endswith(
        "CannotChangeBuiltInRoleGroupException")


def test_a_scope_in_use_is_not_removed_and_a_bad_filter_is_refused(org):
    run(org, "New-ManagementRoleAssignment", Name="mr", Role="Mail Recipients", App=APP, CustomResourceScope="Managed")
    assert "can't be removed" in failure(org, "Remove-ManagementScope", Identity="Managed").message
    assert "RecipientRestrictionFilter" in failure(org, "New-ManagementScope", Name="bad",
                                                   RecipientRestrictionFilter="NoSuch -eq 1").message
    run(org, "Remove-ManagementRoleAssignment", Identity="mr")
    run(org, "Remove-ManagementScope", Identity="Managed")
    assert run(org, "Get-ManagementScope").rows == []


def test_unknown_role_is_refused(org):
    assert failure(org, "New-ManagementRoleAssignment", Role="No Such Role", App=APP).category == "NotFound"


def test_removing_the_service_principal_ends_its_assignments(org):
    run(org, "New-ManagementRoleAssignment", Name="mr", Role="Mail Recipients", App=APP)
    run(org, "Remove-ServicePrincipal", Identity=APP)
    assert run(org, "Get-ManagementRoleAssignment").rows == []


def test_every_role_names_cmdlets_the_sandbox_serves():
    served = {cmdlet.name for cmdlet in catalog.cmdlets.CMDLETS.values()}
    missing = {name for names in rbac.ROLES.values() for name in names} - served
    assert not missing


def test_the_collection_names_a_role_the_sandbox_gives_each_cmdlet():
    from ansible_collections.mailops.exchange.plugins.module_utils.transport import exchange_roles
    wrong = {cmdlet: role for cmdlet, role in exchange_roles.ROLE_OF.items() if role not in rbac.roles_holding(cmdlet)}
    assert not wrong
