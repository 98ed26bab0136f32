"""Folder permission, auto-reply and regional settings cmdlets over the model, without a server."""

import pytest
from cmdlet_testing import failure as fails, new_org, run

from sandbox import cmdlets_mailbox_settings, errors, exo_api


@pytest.fixture
def org():
    return new_org()


def entries(org, folder):
    return {r["User"]: r for r in run(org, "Get-MailboxFolderPermission", Identity=folder).rows}


# -- folders ----------------------------------------------------------------------------------


def test_calendar_scope_finds_the_localised_calendar_and_its_subfolders(org):
    rows = run(org, "Get-MailboxFolderStatistics", Identity="jonas@contoso.com",
               FolderScope="Calendar").rows
    assert [(r["Name"], r["FolderPath"], r["FolderType"], r["Identity"]) for r in rows] == [
        ("Kalender", "/Kalender", "Calendar", "jonas\\Kalender")]
    inbox = run(org, "Get-MailboxFolderStatistics", Identity="alice", FolderScope="Inbox").rows
    assert [(r["FolderPath"], r["FolderType"]) for r in inbox] == [
        ("/Inbox", "Inbox"), ("/Inbox/Projects", "User Created")]


def test_all_folders_start_at_the_root(org):
    rows = run(org, "Get-MailboxFolderStatistics", Identity="bob").rows
    assert rows[0]["FolderPath"] == "/" and rows[0]["FolderType"] == "Root"
    assert {"/Calendar", "/Sent Items", "/Deleted Items"} <= {r["FolderPath"] for r in rows}


def test_unknown_folder_scope_is_an_enum_error(org):
    failure = fails(org, "Get-MailboxFolderStatistics", Identity="bob", FolderScope="Kalender")
    assert failure.stage == errors.TRANSFORMATION_STAGE
    assert "Calendar" in failure.message


def test_new_mailbox_folders_have_default_and_anonymous_entries(org):
    calendar = entries(org, "bob@contoso.com:\\Calendar")
    assert calendar["Default"]["AccessRights"] == ["AvailabilityOnly"]
    assert calendar["Anonymous"]["AccessRights"] == ["None"]
    assert entries(org, "bob:\\Inbox")["Default"]["AccessRights"] == ["None"]


def test_folder_paths_are_case_insensitive_and_unknown_ones_not_found(org):
    assert entries(org, "alice:\\inbox\\PROJECTS")["Default"]["FolderName"] == "Projects"
    failure = fails(org, "Get-MailboxFolderPermission", Identity="jonas:\\Calendar")
    assert failure.exception_type == errors.NOT_FOUND and failure.category == "NotFound"
    assert "jonas:\\Calendar" in failure.message


def test_add_then_read_one_user_by_any_identity(org):
    row = run(org, "Add-MailboxFolderPermission", Identity="jonas:\\Kalender", User="alice",
              AccessRights=["Reviewer"]).rows[0]
    assert row["User"] == "Alice Adams" and row["AccessRights"] == ["Reviewer"]
    rows = run(org, "Get-MailboxFolderPermission", Identity="jonas:\\Kalender",
               User="alice@contoso.com").rows
    assert [r["AccessRights"] for r in rows] == [["Reviewer"]]


def test_rights_equal_to_a_role_are_shown_as_the_role(org):
    run(org, "Add-MailboxFolderPermission", Identity="bob:\\Inbox", User="alice",
        AccessRights=["ReadItems", "FolderVisible"])
    run(org, "Add-MailboxFolderPermission", Identity="bob:\\Inbox", User="carol",
        AccessRights="CreateItems, ReadItems")
    shown = entries(org, "bob:\\Inbox")
    assert shown["Alice Adams"]["AccessRights"] == ["Reviewer"]
    assert shown["Carol Clark"]["AccessRights"] == ["ReadItems", "CreateItems"]


def test_add_for_a_user_with_an_entry_is_an_error(org):
    run(org, "Add-MailboxFolderPermission", Identity="bob:\\Calendar", User="alice",
        AccessRights=["Reviewer"])
    failure = fails(org, "Add-MailboxFolderPermission", Identity="bob:\\Calendar", User="alice",
                    AccessRights=["Editor"])
    assert failure.exception_type.endswith("UserAlreadyExistsInPermissionEntryException")
    assert failure.message == "An existing permission entry was found for user: Alice Adams."
    default = fails(org, "Add-MailboxFolderPermission", Identity="bob:\\Calendar",
                    User="default", AccessRights=["Reviewer"])
    assert default.exception_type == cmdlets_mailbox_settings.USER_EXISTS


def test_set_and_remove_need_an_entry(org):
    for name in ("Set-MailboxFolderPermission", "Remove-MailboxFolderPermission"):
        params = {"AccessRights": ["Editor"]} if name.startswith("Set") else {}
        failure = fails(org, name, Identity="bob:\\Calendar", User="alice", **params)
        assert failure.exception_type.endswith("UserNotFoundInPermissionEntryException")
        assert failure.message == "There is no existing permission entry found for user: Alice Adams."
    failure = fails(org, "Get-MailboxFolderPermission", Identity="bob:\\Calendar", User="alice")
    assert failure.exception_type == cmdlets_mailbox_settings.USER_NOT_FOUND


def test_set_changes_the_entry_in_place(org):
    run(org, "Add-MailboxFolderPermission", Identity="bob:\\Calendar", User="alice",
        AccessRights=["Reviewer"])
    assert run(org, "Set-MailboxFolderPermission", Identity="bob:\\Calendar", User="alice",
               AccessRights=["Editor"]).warnings == []
    assert entries(org, "bob:\\Calendar")["Alice Adams"]["AccessRights"] == ["Editor"]
    again = run(org, "Set-MailboxFolderPermission", Identity="bob:\\Calendar", User="alice",
                AccessRights=["Editor"])
    assert "no settings" in again.warnings[0]


def test_remove_drops_a_user_but_only_resets_default(org):
    run(org, "Add-MailboxFolderPermission", Identity="bob:\\Calendar", User="alice",
        AccessRights=["Reviewer"])
    run(org, "Remove-MailboxFolderPermission", Identity="bob:\\Calendar", User="alice")
    run(org, "Remove-MailboxFolderPermission", Identity="bob:\\Calendar", User="Default")
    shown = entries(org, "bob:\\Calendar")
    assert "Alice Adams" not in shown
    assert shown["Default"]["AccessRights"] == ["None"]


def test_invalid_right_is_an_enum_error_in_the_captured_shape(org):
    failure = fails(org, "Add-MailboxFolderPermission", Identity="bob:\\Calendar", User="alice",
                    AccessRights=["ReadEverything"])
    assert failure.stage == errors.TRANSFORMATION_STAGE
    assert "MailboxFolderAccessRight[]" in failure.message and "AvailabilityOnly" in failure.message
    error = exo_api.failure_payload(failure)["error"]
    assert error["message"] == "Invalid Operation" and "details" not in error
    assert error["innererror"]["internalexception"]["message"] == failure.message
    assert exo_api.failure_status(failure) == 400


def test_role_mixed_with_rights_is_refused(org):
    failure = fails(org, "Add-MailboxFolderPermission", Identity="bob:\\Inbox", User="alice",
                    AccessRights=["Reviewer", "CreateItems"])
    assert "can't be combined" in failure.message


@pytest.mark.parametrize("folder, rights, flags, text", [
    ("bob:\\Inbox", ["Editor"], ["Delegate"], "only be used on calendar folders"),
    ("bob:\\Calendar", ["Reviewer"], ["Delegate"], "Editor access right"),
    ("bob:\\Calendar", ["Editor"], ["CanViewPrivateItems"], "requires Delegate"),
    ("bob:\\Inbox", ["AvailabilityOnly"], [], "only be used on calendar folders"),
])
def test_calendar_only_combinations_are_refused(org, folder, rights, flags, text):
    params = {"SharingPermissionFlags": flags} if flags else {}
    failure = fails(org, "Add-MailboxFolderPermission", Identity=folder, User="alice",
                    AccessRights=rights, **params)
    assert text in failure.message
    assert "Alice Adams" not in entries(org, folder)


def test_delegate_flags_are_kept_while_editor_and_dropped_otherwise(org):
    run(org, "Add-MailboxFolderPermission", Identity="bob:\\Calendar", User="alice",
        AccessRights=["Editor"], SharingPermissionFlags=["Delegate", "CanViewPrivateItems"])
    assert entries(org, "bob:\\Calendar")["Alice Adams"]["SharingPermissionFlags"] == \
        "Delegate, CanViewPrivateItems"
    run(org, "Set-MailboxFolderPermission", Identity="bob:\\Calendar", User="alice",
        AccessRights=["Reviewer"])
    assert entries(org, "bob:\\Calendar")["Alice Adams"]["SharingPermissionFlags"] is None


def test_notification_needs_a_calendar_role(org):
    failure = fails(org, "Add-MailboxFolderPermission", Identity="bob:\\Calendar", User="alice",
                    AccessRights=["Owner"], SendNotificationToUser=True)
    assert "SendNotificationToUser" in failure.message
    run(org, "Add-MailboxFolderPermission", Identity="bob:\\Calendar", User="alice",
        AccessRights=["Reviewer"], SendNotificationToUser=True)


# -- automatic replies ------------------------------------------------------------------------


def test_auto_reply_defaults(org):
    row = run(org, "Get-MailboxAutoReplyConfiguration", Identity="bob").rows[0]
    assert row["AutoReplyState"] == "Disabled" and row["ExternalAudience"] == "All"
    assert row["InternalMessage"] == "" and row["StartTime"] < row["EndTime"]


def test_plain_text_is_stored_wrapped_in_html(org):
    run(org, "Set-MailboxAutoReplyConfiguration", Identity="bob", AutoReplyState="Enabled",
        InternalMessage="Away <until> Monday & back\nBob", ExternalMessage="<html><b>Out</b></html>")
    row = run(org, "Get-MailboxAutoReplyConfiguration", Identity="bob").rows[0]
    assert row["InternalMessage"] == (
        "<html>\n<body>\nAway &lt;until&gt; Monday &amp; back<br>\nBob\n</body>\n</html>\n")
    assert row["ExternalMessage"] == "<html><b>Out</b></html>"


def test_times_are_stored_in_utc(org):
    run(org, "Set-MailboxAutoReplyConfiguration", Identity="bob", AutoReplyState="Scheduled",
        StartTime="2030-07-01T08:00:00+02:00", EndTime="2030-07-15T18:00:00Z")
    row = run(org, "Get-MailboxAutoReplyConfiguration", Identity="bob").rows[0]
    assert row["StartTime"] == "2030-07-01T06:00:00.0000000+00:00"
    assert row["EndTime"] == "2030-07-15T18:00:00.0000000+00:00"


def test_schedule_ending_before_it_starts_is_refused_and_changes_nothing(org):
    before = run(org, "Get-MailboxAutoReplyConfiguration", Identity="bob").rows[0]
    failure = fails(org, "Set-MailboxAutoReplyConfiguration", Identity="bob",
                    AutoReplyState="Scheduled", StartTime="2030-07-15T08:00:00Z",
                    EndTime="2030-07-01T08:00:00Z")
    assert "end time must be later" in failure.message
    assert run(org, "Get-MailboxAutoReplyConfiguration", Identity="bob").rows[0] == before


def test_bad_time_and_state_are_transformation_errors(org):
    assert fails(org, "Set-MailboxAutoReplyConfiguration", Identity="bob",
                 StartTime="next monday").stage == errors.TRANSFORMATION_STAGE
    assert fails(org, "Set-MailboxAutoReplyConfiguration", Identity="bob",
                 AutoReplyState="On").stage == errors.TRANSFORMATION_STAGE


def test_unchanged_auto_reply_is_a_warning(org):
    result = run(org, "Set-MailboxAutoReplyConfiguration", Identity="bob", AutoReplyState="Disabled")
    assert "no settings of 'bob'" in result.warnings[0]


# -- regional settings ------------------------------------------------------------------------


def test_regional_defaults_and_the_german_mailbox(org):
    bob = run(org, "Get-MailboxRegionalConfiguration", Identity="bob").rows[0]
    assert (bob["Language"], bob["DateFormat"], bob["TimeFormat"]) == ("en-US", "M/d/yyyy", "h:mm tt")
    jonas = run(org, "Get-MailboxRegionalConfiguration", Identity="jonas").rows[0]
    assert jonas["Language"] == "de-DE" and jonas["TimeZone"] == "W. Europe Standard Time"
    assert jonas["DefaultFolderNameMatchingUserLanguage"] is True


def test_date_format_must_suit_the_language(org):
    failure = fails(org, "Set-MailboxRegionalConfiguration", Identity="jonas", DateFormat="M/d/yyyy")
    assert failure.message.startswith(
        'The DateFormat "M/d/yyyy" isn\'t valid for current language setting "de-DE". '
        'Valid formats include "dd.MM.yyyy, ')
    assert run(org, "Get-MailboxRegionalConfiguration", Identity="jonas").rows[0]["DateFormat"] == \
        "dd.MM.yyyy"


def test_formats_are_checked_against_the_new_language(org):
    run(org, "Set-MailboxRegionalConfiguration", Identity="bob", Language="de-de",
        DateFormat="dd.MM.yyyy", TimeFormat="HH:mm")
    row = run(org, "Get-MailboxRegionalConfiguration", Identity="bob").rows[0]
    assert (row["Language"], row["DateFormat"], row["TimeFormat"]) == ("de-DE", "dd.MM.yyyy", "HH:mm")


def test_new_language_resets_formats_it_does_not_allow(org):
    run(org, "Set-MailboxRegionalConfiguration", Identity="bob", Language="nl-NL")
    row = run(org, "Get-MailboxRegionalConfiguration", Identity="bob").rows[0]
    assert (row["DateFormat"], row["TimeFormat"]) == ("d-M-yyyy", "HH:mm")


def test_localize_default_folder_name_renames_the_default_folders(org):
    run(org, "Add-MailboxFolderPermission", Identity="bob:\\Calendar", User="alice",
        AccessRights=["Reviewer"])
    run(org, "Set-MailboxRegionalConfiguration", Identity="bob", Language="de-DE",
        LocalizeDefaultFolderName=True)
    names = {r["FolderType"]: r["Name"] for r in
             run(org, "Get-MailboxFolderStatistics", Identity="bob").rows}
    assert names["Calendar"] == "Kalender" and names["Inbox"] == "Posteingang"
    assert names["SentItems"] == "Gesendete Elemente" and names["DeletedItems"] == "Gelöschte Elemente"
    assert entries(org, "bob:\\Kalender")["Alice Adams"]["AccessRights"] == ["Reviewer"]


def test_language_without_localizing_keeps_folder_names(org):
    run(org, "Set-MailboxRegionalConfiguration", Identity="bob", Language="fr-FR")
    assert run(org, "Get-MailboxFolderStatistics", Identity="bob",
               FolderScope="Calendar").rows[0]["Name"] == "Calendar"
    assert run(org, "Get-MailboxRegionalConfiguration",
               Identity="bob").rows[0]["DefaultFolderNameMatchingUserLanguage"] is False


def test_unknown_language_and_time_zone_are_transformation_errors(org):
    language = fails(org, "Set-MailboxRegionalConfiguration", Identity="bob", Language="xx-YY")
    assert language.stage == errors.TRANSFORMATION_STAGE and "xx-YY" in language.message
    zone = fails(org, "Set-MailboxRegionalConfiguration", Identity="bob", TimeZone="Mars Time")
    assert "The time zone ID 'Mars Time' was not found" in zone.message


def test_the_sandbox_formats_agree_with_the_modules_table():
    from ansible_collections.mailops.exchange.plugins.module_utils.recipients import regional
    for language, (dates, times) in cmdlets_mailbox_settings.REGIONAL_FORMATS.items():
        if language in regional.DATE_FORMATS:
            assert regional.DATE_FORMATS[language] == dates
            assert regional.TIME_FORMATS[language] == times


def test_the_sandbox_roles_agree_with_the_modules_table():
    from ansible_collections.mailops.exchange.plugins.module_utils.recipients import folder_permissions
    assert {k: set(v) for k, v in folder_permissions.ROLES.items()} == \
        cmdlets_mailbox_settings.FOLDER_ROLES
    assert folder_permissions.INDIVIDUAL_RIGHTS == cmdlets_mailbox_settings.FOLDER_RIGHTS


def test_all_folders_include_the_system_folders_and_their_scope_narrows_to_them(org):
    types = {r["FolderPath"]: r["FolderType"] for r in run(org, "Get-MailboxFolderStatistics", Identity="bob").rows}
    assert types["/Recoverable Items"] == "RecoverableItemsRoot" and types["/Sync Issues/Conflicts"] == "Conflicts"
    rows = run(org, "Get-MailboxFolderStatistics", Identity="bob", FolderScope="RecoverableItems").rows
    assert [r["FolderPath"] for r in rows] == ["/Recoverable Items", "/Recoverable Items/Deletions",
                                               "/Recoverable Items/Purges", "/Recoverable Items/Versions"]
