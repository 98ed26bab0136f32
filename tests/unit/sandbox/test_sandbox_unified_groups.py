"""Get/New/Set/Remove-UnifiedGroup and Get/Add/Remove-UnifiedGroupLinks over the model."""

import pytest
from cmdlet_testing import failure, new_org, run


@pytest.fixture
def org():
    return new_org()


def new(org, display="Project X", **params):
    return run(org, "New-UnifiedGroup", DisplayName=display, **params).rows[0]


def links(org, group, link_type):
    return sorted(row["Alias"] for row in run(org, "Get-UnifiedGroupLinks", Identity=group, LinkType=link_type).rows)


def test_new_unified_group_has_the_service_shape(org):
    row = new(org, Alias="projectx", AccessType="Private", Owner="alice", Members=["bob"], Notes="The X project")
    assert (row["RecipientType"], row["RecipientTypeDetails"]) == ("MailUniversalDistributionGroup", "GroupMailbox")
    assert row["Name"] == "projectx_" + row["ExternalDirectoryObjectId"]
    assert row["EmailAddresses"] == ["SMTP:projectx@contoso.com", "smtp:projectx@contoso.onmicrosoft.com"]
    assert (row["AccessType"], row["Language"], row["Notes"]) == ("Private", "en-US", "The X project")
    assert row["RequireSenderAuthenticationEnabled"] is True and row["AutoSubscribeNewMembers"] is False
    assert row["ManagedBy"] == ["alice"] and row["GroupMemberCount"] == 2
    assert links(org, "projectx", "Members") == ["alice", "bob"] and links(org, "projectx", "Owners") == ["alice"]


def test_a_unified_group_is_a_recipient_but_not_a_distribution_group(org):
    new(org, Alias="projectx")
    assert run(org, "Get-Recipient", Identity="projectx@contoso.com").rows[0]["RecipientTypeDetails"] == "GroupMailbox"
    assert failure(org, "Get-DistributionGroup", Identity="projectx").exception_type.endswith("ManagementObjectNotFoundException")
    assert failure(org, "Get-UnifiedGroup", Identity="all-staff").exception_type.endswith("ManagementObjectNotFoundException")


def test_a_derived_alias_is_kept_unique_and_a_given_taken_address_is_refused(org):
    assert new(org)["Alias"] == "ProjectX"
    assert new(org)["Alias"] == "ProjectX2"
    before = len(org.all())
    assert failure(org, "New-UnifiedGroup", DisplayName="Alice's", Alias="alice").exception_type.endswith(
        "ProxyAddressExistsException")
    assert len(org.all()) == before


def test_set_unified_group_changes_settings_and_warns_when_nothing_changes(org):
    new(org, Alias="projectx")
    run(org, "Set-UnifiedGroup", Identity="projectx", AccessType="private", HiddenFromAddressListsEnabled=True,
        Language="de-DE", CustomAttribute3="eu", EmailAddresses={"Add": ["x-team@contoso.com"]})
    row = run(org, "Get-UnifiedGroup", Identity="x-team@contoso.com").rows[0]
    assert (row["AccessType"], row["HiddenFromAddressListsEnabled"], row["Language"], row["CustomAttribute3"]) == (
        "Private", True, "de-DE", "eu")
    again = run(org, "Set-UnifiedGroup", Identity="projectx", AccessType="Private")
    assert "no settings of" in again.warnings[0]
    assert "Secret" in failure(org, "Set-UnifiedGroup", Identity="projectx", AccessType="Secret").message


def test_owners_and_subscribers_must_be_members_first(org):
    new(org, Alias="projectx", Owner="alice")
    refused = failure(org, "Add-UnifiedGroupLinks", Identity="projectx", LinkType="Owners", Links=["bob"])
    assert refused.message.startswith("Only Members can be Owners of a group. Please add 'bob' first as members")
    run(org, "Add-UnifiedGroupLinks", Identity="projectx", LinkType="Members", Links=["bob", "carol"])
    run(org, "Add-UnifiedGroupLinks", Identity="projectx", LinkType="Owners", Links=["bob"])
    run(org, "Add-UnifiedGroupLinks", Identity="projectx", LinkType="Subscribers", Links=["carol", "carol"])
    assert links(org, "projectx", "Owners") == ["alice", "bob"] and links(org, "projectx", "Subscribers") == ["carol"]
    run(org, "Add-UnifiedGroupLinks", Identity="projectx", LinkType="Members", Links=["bob"])
    assert links(org, "projectx", "Members") == ["alice", "bob", "carol"]


def test_groups_and_contacts_cannot_be_linked(org):
    new(org, Alias="projectx")
    refused = failure(org, "Add-UnifiedGroupLinks", Identity="projectx", LinkType="Members", Links=["bob", "all-staff"])
    assert "only users" in refused.message
    assert links(org, "projectx", "Members") == []


def test_an_owner_cannot_be_removed_as_member_and_the_only_owner_cannot_go(org):
    new(org, Alias="projectx", Owner="alice", Members=["bob"])
    refused = failure(org, "Remove-UnifiedGroupLinks", Identity="projectx", LinkType="Members", Links=["alice", "bob"])
    assert refused.exception_type.endswith("GroupOwnersCannotBeRemovedException")
    assert links(org, "projectx", "Members") == ["alice", "bob"]
    only = failure(org, "Remove-UnifiedGroupLinks", Identity="projectx", LinkType="Owners", Links=["alice"])
    assert "currently the only owner" in only.message
    run(org, "Add-UnifiedGroupLinks", Identity="projectx", LinkType="Owners", Links=["bob"])
    run(org, "Add-UnifiedGroupLinks", Identity="projectx", LinkType="Subscribers", Links=["alice"])
    run(org, "Remove-UnifiedGroupLinks", Identity="projectx", LinkType="Owners", Links=["alice"])
    run(org, "Remove-UnifiedGroupLinks", Identity="projectx", LinkType="Members", Links=["alice", "carol"])
    assert links(org, "projectx", "Members") == ["bob"] and links(org, "projectx", "Subscribers") == []


def test_remove_unified_group_keeps_its_addresses_taken(org):
    new(org, Alias="projectx", Owner="alice")
    run(org, "Remove-UnifiedGroup", Identity="projectx@contoso.com", Confirm=False)
    assert failure(org, "Get-UnifiedGroup", Identity="projectx").exception_type.endswith("ManagementObjectNotFoundException")
    assert failure(org, "New-UnifiedGroup", DisplayName="Again", Alias="projectx").exception_type.endswith(
        "ProxyAddressExistsException")


def test_get_unified_group_filters_with_opath(org):
    new(org, Alias="one", AccessType="Private")
    new(org, Alias="two")
    rows = run(org, "Get-UnifiedGroup", Filter="AccessType -eq 'Private'").rows
    assert [row["Alias"] for row in rows] == ["one"]


def test_a_removed_mailbox_leaves_every_link(org):
    new(org, Alias="projectx", Owner="alice", Members=["bob"])
    run(org, "Add-UnifiedGroupLinks", Identity="projectx", LinkType="Subscribers", Links=["bob"])
    org.remove(org.get(run(org, "Get-Recipient", Identity="bob").rows[0]["Guid"]))
    assert links(org, "projectx", "Members") == ["alice"] and links(org, "projectx", "Subscribers") == []
