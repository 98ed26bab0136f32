"""Distribution groups over the sandbox's remoting front end: the shared groups, OUs, SamAccountName,
universal scope, no hidden membership, and the on-premises error shapes."""

import pytest

from sandbox import errors, onprem_catalog
from sandbox.cmdlets_onprem_groups import AD_OPERATION
from sandbox.model import Organization


@pytest.fixture(name="org")
def org_fixture():
    return Organization(users=2, shared=1)


def run(org, name, **params):
    return onprem_catalog.lookup(name).run(org, params, caller="CONTOSO\\exadmin")


def test_a_group_is_universal_in_its_ou_with_its_sam_account_name(org):
    row = run(org, "New-DistributionGroup", Name="Project X", Type="Security", OrganizationalUnit="contoso.local/staff",
              SamAccountName="projx").rows[0]
    assert (row["OrganizationalUnit"], row["SamAccountName"], row["GroupType"]) == (
        "contoso.local/Staff", "projx", "Universal, SecurityEnabled")
    assert "HiddenGroupMembershipEnabled" not in row
    other = run(org, "Get-DistributionGroup", Identity="Project X").rows[0]
    assert other["SamAccountName"] == "projx"
    plain = run(org, "New-DistributionGroup", Name="A very long group name here").rows[0]
    assert (plain["OrganizationalUnit"], plain["SamAccountName"], plain["GroupType"]) == (
        "contoso.local/Users", "Averylonggroupnamehe", "Universal")


def test_hidden_membership_is_no_parameter_on_premises(org):
    with pytest.raises(errors.CmdletFailure):
        run(org, "New-DistributionGroup", Name="Secret", HiddenGroupMembershipEnabled=True)


def test_on_premises_error_shapes(org):
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Get-DistributionGroup", Identity="nobody")
    assert caught.value.exception_type == errors.NOT_FOUND and "DC01.contoso.local" in caught.value.message
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "New-DistributionGroup", Name="Frank's list", SamAccountName="FRANK")
    assert caught.value.exception_type == AD_OPERATION and "already exists" in caught.value.message
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "New-DistributionGroup", Name="Elsewhere", OrganizationalUnit="contoso.local/No")
    assert caught.value.exception_type == errors.NOT_FOUND
    assert not [g for g in org.groups() if g.name in ("Frank's list", "Elsewhere")], "nothing was made"
    run(org, "New-DistributionGroup", Name="Team")
    member = org.mailboxes()[0].primary_smtp_address
    run(org, "Add-DistributionGroupMember", Identity="Team", Member=member)
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Add-DistributionGroupMember", Identity="Team", Member=member)
    assert caught.value.exception_type.endswith("MemberAlreadyExistsException")
    assert '"contoso.local/Users/Team"' in caught.value.message
    run(org, "Remove-DistributionGroupMember", Identity="Team", Member=member, BypassSecurityGroupManagerCheck=True)
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Remove-DistributionGroupMember", Identity="Team", Member=member)
    assert caught.value.exception_type.endswith("MemberNotFoundException")
