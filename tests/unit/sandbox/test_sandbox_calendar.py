"""Calendar processing cmdlets over the model, without a server."""

import pytest
from cmdlet_testing import failure as fails, new_org, run

from sandbox import errors


@pytest.fixture
def org():
    org = new_org()
    run(org, "New-Mailbox", Name="Room 1", Room=True, PrimarySmtpAddress="room1@contoso.com")
    return org


def processing(org, mailbox):
    return run(org, "Get-CalendarProcessing", Identity=mailbox).rows[0]


def test_a_room_accepts_automatically_and_a_user_mailbox_only_updates(org):
    room = processing(org, "room1@contoso.com")
    assert (room["AutomateProcessing"], room["AllBookInPolicy"], room["BookingWindowInDays"]) == ("AutoAccept", True, 180)
    assert room["BookInPolicy"] == [] and room["ResourceDelegates"] == [] and room["Identity"] == "Room 1"
    assert processing(org, "bob")["AutomateProcessing"] == "AutoUpdate"


def test_lists_replace_and_show_delegates_by_name_and_book_in_policy_by_legacy_dn(org):
    run(org, "Set-CalendarProcessing", Identity="Room 1", ResourceDelegates=["alice@contoso.com"],
        BookInPolicy=["bob", "alice"], AllBookInPolicy=False)
    room = processing(org, "room1@contoso.com")
    assert room["ResourceDelegates"] == ["alice"]
    assert [dn.split("-")[-1] for dn in room["BookInPolicy"]] == ["bob", "alice"]
    assert all(dn.startswith("/o=ExchangeLabs/") for dn in room["BookInPolicy"])
    # The shown LegacyExchangeDN names the recipient again.
    assert run(org, "Get-Recipient", Identity=room["BookInPolicy"][0]).rows[0]["Alias"] == "bob"
    run(org, "Set-CalendarProcessing", Identity="Room 1", BookInPolicy=["bob"])
    assert len(processing(org, "Room 1")["BookInPolicy"]) == 1


def test_a_created_mailbox_answers_to_its_legacy_dn(org):
    run(org, "New-Mailbox", Name="Anna", Shared=True, PrimarySmtpAddress="anna@contoso.com")
    run(org, "Set-CalendarProcessing", Identity="Room 1", BookInPolicy=["anna@contoso.com"])
    shown = processing(org, "Room 1")["BookInPolicy"][0]
    assert run(org, "Get-Recipient", Identity=shown).rows[0]["Name"] == "Anna"


def test_an_unchanged_set_warns(org):
    result = run(org, "Set-CalendarProcessing", Identity="Room 1", AllowConflicts=False)
    assert result.warnings and "no settings of 'Room 1' have been modified" in result.warnings[0]


def test_refusals(org):
    unknown = fails(org, "Set-CalendarProcessing", Identity="Room 1", BookInPolicy=["nobody@contoso.com"])
    assert unknown.exception_type == errors.NOT_FOUND and "nobody@contoso.com" in unknown.message
    assert processing(org, "Room 1")["BookInPolicy"] == []
    window = fails(org, "Set-CalendarProcessing", Identity="Room 1", BookingWindowInDays=1081)
    assert "BookingWindowInDays" in window.message and "1080" in window.message
    percent = fails(org, "Set-CalendarProcessing", Identity="Room 1", ConflictPercentageAllowed=-1)
    assert "ConflictPercentageAllowed" in percent.message
    mode = fails(org, "Set-CalendarProcessing", Identity="Room 1", AutomateProcessing="Sometimes")
    assert "AutoAccept" in mode.message
    user = fails(org, "Set-CalendarProcessing", Identity="bob", AutomateProcessing="AutoAccept")
    assert user.exception_type == errors.TASK_ARGUMENT and "resource mailboxes" in user.message
    assert processing(org, "bob")["AutomateProcessing"] == "AutoUpdate"
    missing = fails(org, "Get-CalendarProcessing", Identity="nobody")
    assert missing.exception_type == errors.NOT_FOUND
