"""Group cmdlets over the model, without any server."""

import pytest
from cmdlet_testing import failure, new_org, run

from sandbox import catalog, cmdlets, cmdlets_groups, errors


@pytest.fixture
def org():
    """A small seeded organisation with the demo people and the three seeded groups."""
    return new_org()


def members(org, group):
    return [r["PrimarySmtpAddress"] for r in
            run(org, "Get-DistributionGroupMember", Identity=group).rows]


def test_group_cmdlets_are_registered_and_classified():
    assert not catalog.lookup("get-distributiongroup").is_write
    assert not catalog.lookup("Get-DistributionGroupMember").is_write
    for name in ("New-DistributionGroup", "Set-DistributionGroup", "Remove-DistributionGroup",
                 "Add-DistributionGroupMember", "Remove-DistributionGroupMember"):
        assert catalog.lookup(name).is_write


def test_seeded_groups(org):
    rows = run(org, "Get-DistributionGroup").rows
    assert [(r["Name"], r["RecipientTypeDetails"]) for r in rows] == [
        ("all-staff", "MailUniversalDistributionGroup"),
        ("sales-team", "MailUniversalSecurityGroup"),
        ("finance", "MailUniversalDistributionGroup"),
    ]
    staff = rows[0]
    assert staff["PrimarySmtpAddress"] == "all-staff@contoso.com"
    assert staff["ManagedBy"] == ["alice"]
    assert staff["GroupType"] == "Universal"
    assert (staff["MemberJoinRestriction"], staff["MemberDepartRestriction"]) == ("Closed", "Open")
    assert rows[1]["GroupType"] == "Universal, SecurityEnabled"
    assert rows[1]["MemberDepartRestriction"] == "Closed"
    assert members(org, "all-staff") == ["alice@contoso.com", "bob@contoso.com",
                                         "carol@contoso.com", "dave@contoso.com"]


def test_groups_are_recipients_but_not_mailboxes(org):
    row = run(org, "Get-Recipient", Identity="all-staff@contoso.com").rows[0]
    assert row["RecipientTypeDetails"] == "MailUniversalDistributionGroup"
    assert "all-staff" not in [r["Name"] for r in run(org, "Get-Mailbox").rows]
    assert failure(org, "Get-Mailbox", Identity="all-staff").category == "NotFound"
    assert failure(org, "Get-DistributionGroup", Identity="alice").category == "NotFound"


def test_get_filters_by_type_and_opath(org):
    rows = run(org, "Get-DistributionGroup",
               RecipientTypeDetails="MailUniversalSecurityGroup").rows
    assert [r["Name"] for r in rows] == ["sales-team"]
    rows = run(org, "Get-DistributionGroup", Filter="DisplayName -like 'F*'").rows
    assert [r["Name"] for r in rows] == ["finance"]


def test_member_rows_carry_the_recipient_properties(org):
    row = run(org, "Get-DistributionGroupMember", Identity="finance").rows[0]
    assert set(row) >= {"Name", "DisplayName", "PrimarySmtpAddress", "Alias",
                        "ExternalDirectoryObjectId", "Guid", "RecipientType",
                        "RecipientTypeDetails"}
    assert (row["Name"], row["RecipientTypeDetails"]) == ("carol", "UserMailbox")


def test_new_group_defaults(org):
    row = run(org, "New-DistributionGroup", Name="Project X", ManagedBy=["bob"]).rows[0]
    assert row["Alias"] == "ProjectX"
    assert row["DisplayName"] == "Project X"
    assert row["EmailAddresses"] == ["SMTP:ProjectX@contoso.com",
                                     "smtp:ProjectX@contoso.onmicrosoft.com"]
    assert row["ManagedBy"] == ["bob"]
    assert row["RequireSenderAuthenticationEnabled"] is True
    assert row["HiddenFromAddressListsEnabled"] is False
    assert (row["MemberJoinRestriction"], row["MemberDepartRestriction"]) == ("Closed", "Open")
    assert run(org, "Get-DistributionGroup", Identity="projectx@contoso.com").rows[0]["Guid"] \
        == row["Guid"]


def test_new_security_group_with_everything(org):
    row = run(org, "New-DistributionGroup", Name="auditors", Alias="audit",
              DisplayName="Auditors", PrimarySmtpAddress="audit@contoso.com", Type="security",
              ManagedBy=["alice", "carol@contoso.com"], Members=["bob"],
              MemberJoinRestriction="ApprovalRequired", RequireSenderAuthenticationEnabled=False,
              Confirm=False).rows[0]
    assert row["RecipientTypeDetails"] == "MailUniversalSecurityGroup"
    assert row["ManagedBy"] == ["alice", "carol"]
    assert row["MemberJoinRestriction"] == "ApprovalRequired"
    assert row["MemberDepartRestriction"] == "Closed"
    assert row["RequireSenderAuthenticationEnabled"] is False
    assert members(org, "audit") == ["bob@contoso.com"]


def test_new_group_proxy_address_clash_changes_nothing(org):
    before = len(org.all())
    caught = failure(org, "New-DistributionGroup", Name="helpdesk",
                     PrimarySmtpAddress="alice@contoso.com")
    assert caught.exception_type == cmdlets_groups.PROXY_ADDRESS_EXISTS
    assert caught.message == (
        'The proxy address "SMTP:alice@contoso.com" is already being used by the proxy '
        'addresses or LegacyExchangeDN of "alice". Please choose another proxy address.')
    assert len(org.all()) == before


def test_new_group_default_address_clash_and_name_clash(org):
    caught = failure(org, "New-DistributionGroup", Name="team2", Alias="sales")
    assert caught.exception_type == cmdlets_groups.PROXY_ADDRESS_EXISTS
    assert '"SMTP:sales@contoso.com"' in caught.message
    caught = failure(org, "New-DistributionGroup", Name="Alice")
    assert caught.exception_type == cmdlets_groups.NAME_EXISTS


def test_new_group_unknown_owner_and_bad_values(org):
    before = len(org.all())
    assert "Couldn't find object \"ghost\"" in failure(
        org, "New-DistributionGroup", Name="g1", ManagedBy=["ghost"]).message
    assert failure(org, "New-DistributionGroup", Name="g2",
                   MemberJoinRestriction="Sometimes").stage == errors.TRANSFORMATION_STAGE
    assert failure(org, "New-DistributionGroup", Name="g3", Type="Dynamic").stage \
        == errors.TRANSFORMATION_STAGE
    assert "Security groups can't be open" in failure(
        org, "New-DistributionGroup", Name="g4", Type="Security",
        MemberJoinRestriction="Open").message
    assert len(org.all()) == before


def test_security_group_changes_need_the_bypass_switch(org):
    caught = failure(org, "Add-DistributionGroupMember", Identity="sales-team", Member="carol")
    assert caught.exception_type == cmdlets_groups.REQUIRES_MANAGER
    assert caught.message == ("You don't have sufficient permissions. This operation can only "
                              "be performed by a manager of the group.")
    for name, extra in (("Set-DistributionGroup", {"DisplayName": "x"}),
                        ("Remove-DistributionGroup", {}),
                        ("Remove-DistributionGroupMember", {"Member": "alice"})):
        assert failure(org, name, Identity="sales-team", **extra).exception_type \
            == cmdlets_groups.REQUIRES_MANAGER
    assert members(org, "sales-team") == ["alice@contoso.com", "bob@contoso.com"]
    run(org, "Add-DistributionGroupMember", Identity="sales-team", Member="carol",
        BypassSecurityGroupManagerCheck=True)
    assert members(org, "sales-team")[-1] == "carol@contoso.com"
    # Distribution groups need no switch.
    run(org, "Add-DistributionGroupMember", Identity="finance", Member="dave")


def test_add_existing_member_and_remove_non_member_are_errors(org):
    caught = failure(org, "Add-DistributionGroupMember", Identity="finance", Member="Carol Clark")
    assert caught.exception_type == cmdlets_groups.MEMBER_ALREADY_EXISTS
    assert caught.message == ('The recipient "carol@contoso.com" is already a member of the '
                              'group "finance".')
    caught = failure(org, "Remove-DistributionGroupMember", Identity="finance", Member="bob")
    assert caught.exception_type == cmdlets_groups.MEMBER_NOT_FOUND
    assert caught.message == ('The recipient "bob@contoso.com" isn\'t a member of the group '
                              '"finance".')
    run(org, "Remove-DistributionGroupMember", Identity="finance", Member="carol",
        Confirm=False)
    assert members(org, "finance") == []


def test_member_resolution_failures(org):
    assert failure(org, "Add-DistributionGroupMember", Identity="finance",
                   Member="Chris Green").category == "NotFound"
    assert "matches multiple entries" in failure(
        org, "Add-DistributionGroupMember", Identity="finance", Member="Chris Green").message
    assert failure(org, "Add-DistributionGroupMember", Identity="nogroup",
                   Member="bob").category == "NotFound"


def test_groups_nest_but_not_in_themselves(org):
    run(org, "Add-DistributionGroupMember", Identity="all-staff", Member="finance")
    assert "finance@contoso.com" in members(org, "all-staff")
    assert "member of itself" in failure(org, "Add-DistributionGroupMember",
                                         Identity="finance", Member="finance").message


def test_set_changes_properties_and_keeps_the_old_primary(org):
    run(org, "Set-DistributionGroup", Identity="finance", DisplayName="Finance Dept",
        Alias="fin", PrimarySmtpAddress="money@contoso.com", HiddenFromAddressListsEnabled=True,
        RequireSenderAuthenticationEnabled=False, MemberJoinRestriction="ApprovalRequired",
        ManagedBy=["alice", "bob"])
    row = run(org, "Get-DistributionGroup", Identity="money@contoso.com").rows[0]
    assert row["EmailAddresses"] == ["SMTP:money@contoso.com", "smtp:finance@contoso.com",
                                     "smtp:finance@contoso.onmicrosoft.com"]
    assert (row["DisplayName"], row["Alias"]) == ("Finance Dept", "fin")
    assert row["HiddenFromAddressListsEnabled"] is True
    assert row["RequireSenderAuthenticationEnabled"] is False
    assert row["MemberJoinRestriction"] == "ApprovalRequired"
    assert row["ManagedBy"] == ["alice", "bob"]
    # The old primary is still the group's: no other recipient may take it.
    assert run(org, "Get-Recipient", Identity="finance@contoso.com").rows[0]["Name"] == "finance"


def test_set_managed_by_add_remove_hashtable(org):
    run(org, "Set-DistributionGroup", Identity="all-staff",
        ManagedBy={"@odata.type": "#Exchange.GenericHashTable", "Add": ["bob"],
                   "Remove": "alice"})
    assert run(org, "Get-DistributionGroup", Identity="all-staff").rows[0]["ManagedBy"] == ["bob"]


def test_set_without_change_warns_and_clash_fails(org):
    result = run(org, "Set-DistributionGroup", Identity="finance", DisplayName="Finance")
    assert result.warnings == ["The command completed successfully but no settings of "
                               "'finance' have been modified."]
    caught = failure(org, "Set-DistributionGroup", Identity="finance",
                     PrimarySmtpAddress="bob@contoso.onmicrosoft.com", DisplayName="Changed")
    assert caught.exception_type == cmdlets_groups.PROXY_ADDRESS_EXISTS
    row = run(org, "Get-DistributionGroup", Identity="finance").rows[0]
    assert (row["PrimarySmtpAddress"], row["DisplayName"]) == ("finance@contoso.com", "Finance")
    assert "Security groups can't be open" in failure(
        org, "Set-DistributionGroup", Identity="sales-team", MemberDepartRestriction="Open",
        BypassSecurityGroupManagerCheck=True).message


def test_remove_releases_addresses_and_memberships(org):
    run(org, "Add-DistributionGroupMember", Identity="all-staff", Member="finance")
    run(org, "Remove-DistributionGroup", Identity="finance", Confirm=False)
    assert failure(org, "Get-DistributionGroup", Identity="finance").category == "NotFound"
    assert "finance@contoso.com" not in members(org, "all-staff")
    row = run(org, "New-DistributionGroup", Name="finance2",
              PrimarySmtpAddress="finance@contoso.com").rows[0]
    assert row["PrimarySmtpAddress"] == "finance@contoso.com"


def test_member_result_size(org):
    result = run(org, "Get-DistributionGroupMember", Identity="all-staff", ResultSize=2)
    assert len(result.rows) == 2
    assert result.warnings == [cmdlets.RESULT_SIZE_WARNING]
    assert len(run(org, "Get-DistributionGroupMember", Identity="all-staff",
                   ResultSize="Unlimited").rows) == 4


def test_reset_restores_the_seeded_groups(org):
    run(org, "Remove-DistributionGroup", Identity="finance")
    org.seed()
    assert members(org, "finance") == ["carol@contoso.com"]


def test_new_group_takes_moderation_hidden_membership_and_notes(org):
    row = run(org, "New-DistributionGroup", Name="board", ModerationEnabled=True,
              ModeratedBy=["alice", "carol@contoso.com"], SendModerationNotifications="Internal",
              HiddenGroupMembershipEnabled=True, Notes="Board of directors", Members=["bob"]).rows[0]
    assert (row["ModerationEnabled"], row["ModeratedBy"], row["SendModerationNotifications"]) == \
        (True, ["alice", "carol"], "Internal")
    assert row["HiddenGroupMembershipEnabled"] is True
    assert "Notes" not in row
    group = run(org, "Get-Group", Identity="board").rows[0]
    assert (group["Notes"], group["Members"], group["RecipientTypeDetails"]) == \
        ("Board of directors", ["bob"], "MailUniversalDistributionGroup")
    # Only Set- takes the delivery restrictions and Send on Behalf, as Microsoft documents.
    assert failure(org, "New-DistributionGroup", Name="x",
                   GrantSendOnBehalfTo=["bob"]).category == "BadRequest"


def test_new_group_defaults_for_moderation_and_lists(org):
    row = run(org, "New-DistributionGroup", Name="plain").rows[0]
    assert (row["ModerationEnabled"], row["SendModerationNotifications"]) == (False, "Always")
    for name in ("ModeratedBy", "BypassModerationFromSendersOrMembers", "GrantSendOnBehalfTo",
                 "AcceptMessagesOnlyFromSendersOrMembers", "RejectMessagesFromSendersOrMembers"):
        assert row[name] == []
    assert run(org, "Get-Group", Identity="plain").rows[0]["Notes"] == ""


def test_set_replaces_adds_and_clears_recipient_lists(org):
    run(org, "Set-DistributionGroup", Identity="finance", AcceptMessagesOnlyFromSendersOrMembers=["alice", "all-staff"],
        GrantSendOnBehalfTo=["bob"], RejectMessagesFromSendersOrMembers=["dave@contoso.com"])
    row = run(org, "Get-DistributionGroup", Identity="finance").rows[0]
    assert row["AcceptMessagesOnlyFromSendersOrMembers"] == ["alice", "all-staff"]
    assert (row["GrantSendOnBehalfTo"], row["RejectMessagesFromSendersOrMembers"]) == (["bob"], ["dave"])
    run(org, "Set-DistributionGroup", Identity="finance",
        AcceptMessagesOnlyFromSendersOrMembers={"Add": ["carol"], "Remove": ["alice"]},
        RejectMessagesFromSendersOrMembers=None)
    row = run(org, "Get-DistributionGroup", Identity="finance").rows[0]
    assert row["AcceptMessagesOnlyFromSendersOrMembers"] == ["all-staff", "carol"]
    assert row["RejectMessagesFromSendersOrMembers"] == []
    assert "Couldn't find object \"ghost\"" in failure(
        org, "Set-DistributionGroup", Identity="finance", ModeratedBy=["ghost"]).message


def test_a_removed_recipient_leaves_every_group_list(org):
    run(org, "Set-DistributionGroup", Identity="finance", ModeratedBy=["dave"], BypassModerationFromSendersOrMembers=["dave"])
    org.remove(org.recipients[identity_guid(org, "dave")])
    row = run(org, "Get-DistributionGroup", Identity="finance").rows[0]
    assert (row["ModeratedBy"], row["BypassModerationFromSendersOrMembers"]) == ([], [])


def identity_guid(org, name):
    return run(org, "Get-Recipient", Identity=name).rows[0]["Guid"]


def test_a_moderated_security_group_needs_a_moderator(org):
    caught = failure(org, "Set-DistributionGroup", Identity="sales-team", ModerationEnabled=True,
                     BypassSecurityGroupManagerCheck=True)
    assert caught.exception_type == cmdlets_groups.RECIPIENT_TASK
    assert "ModeratedBy" in caught.message
    assert "ModeratedBy" in failure(org, "New-DistributionGroup", Name="mod", Type="Security",
                                    ModerationEnabled=True).message
    run(org, "Set-DistributionGroup", Identity="sales-team", ModerationEnabled=True, ModeratedBy=["bob"],
        BypassSecurityGroupManagerCheck=True)
    # A distribution group's owners moderate when it names no moderator.
    run(org, "Set-DistributionGroup", Identity="finance", ModerationEnabled=True)
    assert run(org, "Get-DistributionGroup", Identity="finance").rows[0]["ModerationEnabled"] is True


def test_hidden_membership_cannot_be_revealed(org):
    run(org, "Set-DistributionGroup", Identity="finance", HiddenGroupMembershipEnabled=True)
    caught = failure(org, "Set-DistributionGroup", Identity="finance", HiddenGroupMembershipEnabled=False,
                     DisplayName="Finance 2")
    assert caught.exception_type == cmdlets_groups.RECIPIENT_TASK
    row = run(org, "Get-DistributionGroup", Identity="finance").rows[0]
    assert (row["HiddenGroupMembershipEnabled"], row["DisplayName"]) == (True, "Finance")


def test_notification_flags_and_custom_attributes(org):
    assert failure(org, "Set-DistributionGroup", Identity="finance",
                   SendModerationNotifications="Sometimes").stage == errors.TRANSFORMATION_STAGE
    run(org, "Set-DistributionGroup", Identity="finance", SendModerationNotifications="never",
        CustomAttribute3="cost centre 42")
    row = run(org, "Get-DistributionGroup", Identity="finance").rows[0]
    assert (row["SendModerationNotifications"], row["CustomAttribute3"]) == ("Never", "cost centre 42")
    run(org, "Set-DistributionGroup", Identity="finance", CustomAttribute3=None)
    assert run(org, "Get-DistributionGroup", Identity="finance").rows[0]["CustomAttribute3"] == ""


def test_set_group_writes_notes_and_needs_the_bypass_for_security_groups(org):
    assert not catalog.lookup("Get-Group").is_write and catalog.lookup("Set-Group").is_write
    result = run(org, "Set-Group", Identity="finance@contoso.com", Notes="Quarterly close")
    assert result.warnings == []
    assert run(org, "Get-Group", Identity="finance").rows[0]["Notes"] == "Quarterly close"
    assert run(org, "Set-Group", Identity="finance", Notes="Quarterly close").warnings
    assert failure(org, "Set-Group", Identity="sales-team", Notes="x").exception_type == cmdlets_groups.REQUIRES_MANAGER
    run(org, "Set-Group", Identity="sales-team", Notes="Sales", BypassSecurityGroupManagerCheck=True)
    run(org, "Set-Group", Identity="finance", Notes=None)
    assert [r["Notes"] for r in run(org, "Get-Group").rows] == ["", "Sales", ""]
    assert failure(org, "Get-Group", Identity="alice").category == "NotFound"


def test_link_filters_compare_distinguished_names(org):
    """Members and GrantSendOnBehalfTo filters take a DN (what a trustee's reads send); the rows
    keep showing names, and a name in the filter matches nothing."""
    dave = run(org, "Get-Recipient", Identity="dave").rows[0]["DistinguishedName"]
    groups = run(org, "Get-DistributionGroup", Filter="Members -eq '%s'" % dave).rows
    assert sorted(r["Name"] for r in groups) == ["all-staff"]
    recipients = run(org, "Get-Recipient", Filter="Members -eq '%s'" % dave).rows
    assert [r["Name"] for r in recipients] == ["all-staff"]
    assert run(org, "Get-DistributionGroup", Filter="Members -eq 'dave'").rows == []
    run(org, "Set-Mailbox", Identity="alice", GrantSendOnBehalfTo=["dave"])
    mailboxes = run(org, "Get-Mailbox", Filter="GrantSendOnBehalfTo -eq '%s'" % dave).rows
    assert [(r["Name"], r["GrantSendOnBehalfTo"]) for r in mailboxes] == [("alice", ["dave"])]
    assert failure(org, "Get-Mailbox", Filter="Members -eq '%s'" % dave).category == "BadRequest"
    assert failure(org, "Get-CASMailbox", Filter="GrantSendOnBehalfTo -eq '%s'" % dave).category == "BadRequest"
