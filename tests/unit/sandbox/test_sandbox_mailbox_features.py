"""Archive, retention, sent-item copies, internal forwarding and quotas of a mailbox
(Enable-/Disable-Mailbox, Set-Mailbox, Get-RetentionPolicy), and the OWA and ActiveSync
policies of Set-CASMailbox, over the model."""

import pytest
from cmdlet_testing import failure, new_org, run

from sandbox import errors


@pytest.fixture
def org():
    return new_org()


def mailbox(org, identity):
    return run(org, "Get-Mailbox", Identity=identity).rows[0]


def test_a_mailbox_starts_without_archive_with_the_plan_quotas_and_default_policy(org):
    row = mailbox(org, "alice")
    assert (row["ArchiveStatus"], row["ArchiveDatabase"], row["AutoExpandingArchiveEnabled"]) == ("None", None, False)
    assert row["ArchiveGuid"] == "00000000-0000-0000-0000-000000000000"
    assert row["RetentionPolicy"] == "Default MRM Policy"
    assert row["RetainDeletedItemsFor"] == "14.00:00:00"
    assert row["ProhibitSendReceiveQuota"] == "50 GB (53,687,091,200 bytes)"
    assert row["ForwardingAddress"] is None


def test_archive_enabled_then_auto_expanding_then_disabled_keeps_its_guid(org):
    assert failure(org, "Enable-Mailbox", Identity="alice", AutoExpandingArchive=True).exception_type.endswith(
        "RecipientTaskException")
    run(org, "Enable-Mailbox", Identity="alice", Archive=True)
    row = mailbox(org, "alice")
    assert row["ArchiveStatus"] == "Active" and row["ArchiveDatabase"]
    assert "already has an archive" in failure(org, "Enable-Mailbox", Identity="alice", Archive=True).message
    run(org, "Enable-Mailbox", Identity="alice", AutoExpandingArchive=True)
    assert mailbox(org, "alice")["AutoExpandingArchiveEnabled"] is True
    run(org, "Disable-Mailbox", Identity="alice", Archive=True, Confirm=False)
    after = mailbox(org, "alice")
    assert (after["ArchiveStatus"], after["ArchiveDatabase"], after["ArchiveGuid"]) == ("None", None, row["ArchiveGuid"])
    assert "doesn't have an archive" in failure(org, "Disable-Mailbox", Identity="alice", Archive=True).message


def test_retention_policy_by_any_case_and_unknown_refused(org):
    run(org, "Set-Mailbox", Identity="alice", RetentionPolicy="leavers 7 years")
    assert mailbox(org, "alice")["RetentionPolicy"] == "Leavers 7 Years"
    refused = failure(org, "Set-Mailbox", Identity="alice", RetentionPolicy="Nope", MessageCopyForSentAsEnabled=True)
    assert refused.exception_type == errors.NOT_FOUND and "Nope" in refused.message
    assert mailbox(org, "alice")["MessageCopyForSentAsEnabled"] is False, 'a refused call changes nothing'
    assert [r["Name"] for r in run(org, "Get-RetentionPolicy").rows][0] == "Default MRM Policy"
    assert failure(org, "Get-RetentionPolicy", Identity="Nope").exception_type == errors.NOT_FOUND


def test_quotas_compare_as_sizes_and_above_the_plan_are_refused(org):
    run(org, "Set-Mailbox", Identity="alice", ProhibitSendQuota="45GB", IssueWarningQuota="44.5 gb",
        ProhibitSendReceiveQuota="48318382080")
    row = mailbox(org, "alice")
    assert row["ProhibitSendQuota"] == "45 GB (48,318,382,080 bytes)"
    assert row["IssueWarningQuota"] == "44.5 GB (47,781,511,168 bytes)"
    assert row["ProhibitSendReceiveQuota"] == "45 GB (48,318,382,080 bytes)"
    for value in ("60 GB", "Unlimited"):
        refused = failure(org, "Set-Mailbox", Identity="alice", ProhibitSendQuota=value)
        assert "ProhibitSendQuota" in refused.message and "maximum of 50 GB" in refused.message
    assert failure(org, "Set-Mailbox", Identity="alice", IssueWarningQuota="lots").stage == errors.TRANSFORMATION_STAGE


def test_retain_deleted_items_at_most_30_days(org):
    run(org, "Set-Mailbox", Identity="alice", RetainDeletedItemsFor="30.00:00:00")
    assert mailbox(org, "alice")["RetainDeletedItemsFor"] == "30.00:00:00"
    assert "RetainDeletedItemsFor" in failure(org, "Set-Mailbox", Identity="alice", RetainDeletedItemsFor=31).message


def test_internal_forwarding_names_the_recipient_and_clears_with_null(org):
    run(org, "Set-Mailbox", Identity="alice", ForwardingAddress="bob@contoso.com", DeliverToMailboxAndForward=True)
    assert mailbox(org, "alice")["ForwardingAddress"] == "bob"
    assert failure(org, "Set-Mailbox", Identity="alice", ForwardingAddress="nobody").exception_type == errors.NOT_FOUND
    run(org, "Set-Mailbox", Identity="alice", ForwardingAddress=None)
    assert mailbox(org, "alice")["ForwardingAddress"] is None


def test_cas_policies_by_any_case_unknown_refused(org):
    run(org, "Set-CASMailbox", Identity="alice", OwaMailboxPolicy="frontline web", ActiveSyncMailboxPolicy="LEAVERS NO DEVICES")
    row = run(org, "Get-CASMailbox", Identity="alice").rows[0]
    assert (row["OwaMailboxPolicy"], row["ActiveSyncMailboxPolicy"]) == ("Frontline Web", "Leavers No Devices")
    assert row["ActiveSyncMailboxPolicyIsDefaulted"] is False
    for parameter in ("OwaMailboxPolicy", "ActiveSyncMailboxPolicy"):
        assert failure(org, "Set-CASMailbox", Identity="alice", **{parameter: "Nope"}).exception_type == errors.NOT_FOUND
    assert [r["Name"] for r in run(org, "Get-OwaMailboxPolicy").rows] == ["OwaMailboxPolicy-Default", "Frontline Web"]
    assert run(org, "Get-MobileDeviceMailboxPolicy", Identity="default").rows[0]["IsDefault"] is True


def test_smtp_client_authentication_follows_the_organisation_until_set_and_again_after_null(org):
    assert run(org, "Get-CASMailbox", Identity="alice").rows[0]["SmtpClientAuthenticationDisabled"] is None
    run(org, "Set-CASMailbox", Identity="alice", SmtpClientAuthenticationDisabled=True)
    assert run(org, "Get-CASMailbox", Identity="alice").rows[0]["SmtpClientAuthenticationDisabled"] is True
    run(org, "Set-CASMailbox", Identity="alice", SmtpClientAuthenticationDisabled=None)
    assert run(org, "Get-CASMailbox", Identity="alice").rows[0]["SmtpClientAuthenticationDisabled"] is None
