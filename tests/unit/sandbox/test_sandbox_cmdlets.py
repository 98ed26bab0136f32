"""Cmdlet semantics over the model, without any server."""

import pytest
from cmdlet_testing import new_org, run

from sandbox import catalog, cmdlets, errors


@pytest.fixture
def org():
    """A small seeded organisation: 3 users, 2 shared mailboxes and the named demo people."""
    return new_org(users=3, shared=2)


def explicit(org, mailbox):
    rows = run(org, "Get-MailboxPermission", Identity=mailbox).rows
    return [r for r in rows if not r["IsInherited"] and r["User"] != "NT AUTHORITY\\SELF"]


# -- lookup and binding -------------------------------------------------------------------


def test_lookup_is_case_insensitive_and_classifies_writes():
    assert catalog.lookup("get-mailbox").name == "Get-Mailbox"
    assert not catalog.lookup("Get-Mailbox").is_write
    assert catalog.lookup("Set-Mailbox").is_write


def test_unknown_cmdlet():
    with pytest.raises(errors.CmdletFailure) as caught:
        catalog.lookup("Get-Nonsense")
    assert caught.value.exception_type == errors.COMMAND_NOT_FOUND


def test_unknown_parameter_matches_captured_text(org):
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Get-Mailbox", BogusParameter=1)
    failure = caught.value
    assert failure.stage == errors.BINDING_STAGE
    assert failure.error_id == ""
    assert failure.message.endswith("Invalid cmdlet parameters specified. BogusParameter")


def test_invalid_enum_lists_the_names(org):
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Add-MailboxPermission", Identity="sales", User="bob", AccessRights="Everything")
    failure = caught.value
    assert failure.stage == errors.TRANSFORMATION_STAGE
    assert "Cannot convert value \"Everything\"" in failure.message
    assert "FullAccess" in failure.message


def test_wrong_type_is_a_transformation_error(org):
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Set-Mailbox", Identity="alice", HiddenFromAddressListsEnabled="yes")
    assert caught.value.exception_type == errors.TRANSFORMATION


def test_missing_mandatory_parameter(org):
    with pytest.raises(errors.CmdletFailure, match="missing mandatory parameters: User"):
        run(org, "Add-MailboxPermission", Identity="sales", AccessRights=["FullAccess"])


def test_parameter_names_are_case_insensitive(org):
    assert run(org, "Get-Mailbox", identity="alice").rows[0]["Name"] == "alice"


# -- queries ------------------------------------------------------------------------------


def test_get_mailbox_result_size_warns_when_it_cuts(org):
    result = run(org, "Get-Mailbox", ResultSize=2)
    assert len(result.rows) == 2
    assert result.warnings == [cmdlets.RESULT_SIZE_WARNING]
    assert run(org, "Get-Mailbox", ResultSize="Unlimited").warnings == []


def test_get_mailbox_filter_and_type(org):
    rows = run(org, "Get-Mailbox", RecipientTypeDetails="SharedMailbox").rows
    assert {r["Name"] for r in rows} == {"shared0001", "shared0002", "sales", "support"}
    rows = run(org, "Get-Mailbox", Filter="DisplayName -like 'User*'").rows
    assert [r["Name"] for r in rows] == ["user0001", "user0002", "user0003"]


def test_bad_filter_names_the_filter(org):
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Get-Mailbox", Filter="Name -eq")
    assert "Cannot bind parameter 'Filter'" in caught.value.message
    with pytest.raises(errors.CmdletFailure, match="not a recognized filterable property"):
        run(org, "Get-Mailbox", Filter="Bogus -eq 1")


def test_get_recipient_returns_recipient_view(org):
    row = run(org, "Get-Recipient", Identity="sales@contoso.com").rows[0]
    assert row["RecipientTypeDetails"] == "SharedMailbox"
    assert "LitigationHoldEnabled" not in row


# -- mailbox permissions ---------------------------------------------------------------------


def test_default_permissions_look_like_exchange(org):
    rows = run(org, "Get-MailboxPermission", Identity="alice").rows
    self_row = rows[0]
    assert self_row["User"] == "NT AUTHORITY\\SELF"
    assert self_row["AccessRights"] == ["FullAccess", "ReadPermission"]
    assert not self_row["IsInherited"]
    assert any(r["Deny"] and r["IsInherited"] for r in rows)
    assert explicit(org, "alice") == []


def test_add_then_duplicate_add_is_a_warning(org):
    first = run(org, "Add-MailboxPermission", Identity="sales", User="bob",
                AccessRights=["FullAccess"], AutoMapping=False, Confirm=False)
    assert first.rows[0]["User"] == "bob@contoso.com"
    assert first.warnings == []
    second = run(org, "Add-MailboxPermission", Identity="sales", User="bob@contoso.com",
                 AccessRights="FullAccess")
    assert second.rows == []
    assert second.warnings[0].startswith("The appropriate access control entry is already present")
    assert [r["AccessRights"] for r in explicit(org, "sales")] == [["FullAccess"]]


def test_add_merges_rights_and_remove_subtracts(org):
    run(org, "Add-MailboxPermission", Identity="sales", User="bob", AccessRights=["FullAccess"])
    run(org, "Add-MailboxPermission", Identity="sales", User="bob",
        AccessRights="ReadPermission, FullAccess")
    assert explicit(org, "sales")[0]["AccessRights"] == ["FullAccess", "ReadPermission"]
    result = run(org, "Remove-MailboxPermission", Identity="sales", User="bob",
                 AccessRights=["FullAccess"], Confirm=False)
    assert result.warnings == []
    assert explicit(org, "sales")[0]["AccessRights"] == ["ReadPermission"]
    run(org, "Remove-MailboxPermission", Identity="sales", User="bob",
        AccessRights=["ReadPermission"])
    assert explicit(org, "sales") == []


def test_remove_absent_is_a_warning_not_an_error(org):
    result = run(org, "Remove-MailboxPermission", Identity="sales", User="carol",
                 AccessRights=["FullAccess"])
    assert result.warnings and "doesn't exist" in result.warnings[0]


def test_user_filter_and_unknown_trustee(org):
    run(org, "Add-MailboxPermission", Identity="sales", User="bob", AccessRights=["FullAccess"])
    rows = run(org, "Get-MailboxPermission", Identity="sales", User="bob").rows
    assert [r["User"] for r in rows] == ["bob@contoso.com"]
    rows = run(org, "Get-MailboxPermission", Identity="sales", User="NT AUTHORITY\\SELF").rows
    assert len(rows) == 1
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Add-MailboxPermission", Identity="sales", User="ghost",
            AccessRights=["FullAccess"])
    assert caught.value.category == "NotFound"


def test_explicit_ace_limit(org, monkeypatch):
    monkeypatch.setattr(cmdlets, "MAX_EXPLICIT_ACES", 2)
    run(org, "Add-MailboxPermission", Identity="sales", User="bob", AccessRights=["FullAccess"])
    run(org, "Add-MailboxPermission", Identity="sales", User="carol", AccessRights=["FullAccess"])
    with pytest.raises(errors.CmdletFailure, match="maximum number"):
        run(org, "Add-MailboxPermission", Identity="sales", User="dave",
            AccessRights=["FullAccess"])
    # Adding rights to an existing entry is still allowed at the limit.
    run(org, "Add-MailboxPermission", Identity="sales", User="bob", AccessRights=["DeleteItem"])


# -- recipient permissions -----------------------------------------------------------------


def test_send_as_lifecycle(org):
    assert [r["Trustee"] for r in run(org, "Get-RecipientPermission", Identity="sales").rows] \
        == ["NT AUTHORITY\\SELF"]
    added = run(org, "Add-RecipientPermission", Identity="sales", Trustee="alice",
                AccessRights=["SendAs"], Confirm=False)
    assert added.rows[0] | {"Identity": "sales", "Trustee": "alice@contoso.com",
                            "AccessControlType": "Allow", "AccessRights": ["SendAs"],
                            "IsInherited": False, "InheritanceType": "None"} == added.rows[0]
    again = run(org, "Add-RecipientPermission", Identity="sales", Trustee="alice",
                AccessRights="SendAs")
    assert again.rows == [] and "already present" in again.warnings[0]
    rows = run(org, "Get-RecipientPermission", Identity="sales", Trustee="alice").rows
    assert len(rows) == 1
    run(org, "Remove-RecipientPermission", Identity="sales", Trustee="alice",
        AccessRights="SendAs")
    gone = run(org, "Remove-RecipientPermission", Identity="sales", Trustee="alice",
               AccessRights="SendAs")
    assert "doesn't exist" in gone.warnings[0]


def test_recipient_permission_rejects_other_rights(org):
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Add-RecipientPermission", Identity="sales", Trustee="alice",
            AccessRights="FullAccess")
    assert caught.value.stage == errors.TRANSFORMATION_STAGE


# -- Set-Mailbox -----------------------------------------------------------------------------


def delegates(org, mailbox):
    return run(org, "Get-Mailbox", Identity=mailbox).rows[0]["GrantSendOnBehalfTo"]


def test_grant_send_on_behalf_replace_and_hashtable(org):
    run(org, "Set-Mailbox", Identity="sales", GrantSendOnBehalfTo=["alice", "bob@contoso.com"])
    assert delegates(org, "sales") == ["alice", "bob"]
    run(org, "Set-Mailbox", Identity="sales", GrantSendOnBehalfTo={
        "@odata.type": "#Exchange.GenericHashTable", "Add": "carol", "Remove": ["alice"]})
    assert delegates(org, "sales") == ["bob", "carol"]
    # Adding a present value and removing an absent one change nothing.
    result = run(org, "Set-Mailbox", Identity="sales",
                 GrantSendOnBehalfTo={"add": ["bob"], "remove": "dave"})
    assert delegates(org, "sales") == ["bob", "carol"]
    assert "no settings of 'sales' have been modified" in result.warnings[0]
    run(org, "Set-Mailbox", Identity="sales", GrantSendOnBehalfTo=None)
    assert delegates(org, "sales") == []


def test_grant_send_on_behalf_resolves_everything_before_changing(org):
    run(org, "Set-Mailbox", Identity="sales", GrantSendOnBehalfTo=["alice"])
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Set-Mailbox", Identity="sales", GrantSendOnBehalfTo={"Add": ["bob", "ghost"]})
    assert 'Couldn\'t find object "ghost"' in caught.value.message
    with pytest.raises(errors.CmdletFailure, match="matches multiple entries"):
        run(org, "Set-Mailbox", Identity="sales", GrantSendOnBehalfTo=["Chris Green"])
    with pytest.raises(errors.CmdletFailure):
        run(org, "Set-Mailbox", Identity="sales", GrantSendOnBehalfTo={"Replace": ["bob"]})
    assert delegates(org, "sales") == ["alice"]


def test_set_mailbox_simple_properties(org):
    result = run(org, "Set-Mailbox", Identity="alice", HiddenFromAddressListsEnabled=True,
                 CustomAttribute7="x", ForwardingSmtpAddress="fwd@example.com",
                 DeliverToMailboxAndForward=True, LitigationHoldEnabled=True,
                 LitigationHoldDuration=365, DisplayName="Alice A.")
    assert result.warnings == [] and result.rows == []
    row = run(org, "Get-Mailbox", Identity="alice").rows[0]
    assert row["HiddenFromAddressListsEnabled"] is True
    assert row["CustomAttribute7"] == "x"
    assert row["ForwardingSmtpAddress"] == "smtp:fwd@example.com"
    assert row["LitigationHoldDuration"] == "365.00:00:00"
    assert row["LitigationHoldOwner"] == "tester"
    assert row["LitigationHoldDate"]
    assert row["DisplayName"] == "Alice A."
    assert row["WhenChanged"] != row["WhenCreated"]
    again = run(org, "Set-Mailbox", Identity="alice", HiddenFromAddressListsEnabled=True)
    assert "have been modified" in again.warnings[0]


def test_set_mailbox_rejects_unknown_and_bad_values(org):
    with pytest.raises(errors.CmdletFailure, match="Invalid cmdlet parameters specified. Office"):
        run(org, "Set-Mailbox", Identity="alice", Office="x")
    with pytest.raises(errors.CmdletFailure, match="ProxyAddress"):
        run(org, "Set-Mailbox", Identity="alice", ForwardingSmtpAddress="not an address")


def test_a_group_trustee_is_listed_by_its_name(org):
    # A mail-enabled security group has no UPN: its rows and warnings name it by Name, never "".
    run(org, "Add-MailboxPermission", Identity="support", User="Sales Staff", AccessRights=["FullAccess"])
    run(org, "Add-RecipientPermission", Identity="support", Trustee="sales-team@contoso.com", AccessRights=["SendAs"])
    users = [r["User"] for r in run(org, "Get-MailboxPermission", Identity="support", User="sales-team").rows]
    assert users == ["sales-team"]
    trustees = [r["Trustee"] for r in run(org, "Get-RecipientPermission", Identity="support").rows]
    assert "sales-team" in trustees
    again = run(org, "Add-MailboxPermission", Identity="support", User="sales-team", AccessRights=["FullAccess"])
    assert again.warnings and 'for account "sales-team"' in again.warnings[0]
