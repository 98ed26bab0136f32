"""Mailbox settings cmdlets: folders and their permissions, automatic replies, regional settings.

Importing this module adds its cmdlets to ``cmdlets.CMDLETS``. A mailbox's folders and
settings are made on first use (``Organization.mailbox_settings``), in English unless seeded
otherwise. Which behaviours are guesses about the real service is listed in docs/sandbox.md.
"""

import datetime
import html

from . import errors, identity
from .cmdlets import (
    _CONFIRM,
    CMDLETS,
    Cmdlet,
    CmdletResult,
    EnumType,
    _bool,
    _enum,
    _identity,
    _nullable_string,
    _string,
)
from .model import (
    DEFAULT_FOLDER_NAMES,
    DOMAIN_CONTROLLER,
    FolderPermission,
    default_folder_name,
)

USER_EXISTS = ("Microsoft.Exchange.Management.StoreTasks."
               "UserAlreadyExistsInPermissionEntryException")
USER_NOT_FOUND = ("Microsoft.Exchange.Management.StoreTasks."
                  "UserNotFoundInPermissionEntryException")
SPECIAL_USERS = ("Default", "Anonymous")

# -- folders ----------------------------------------------------------------------------------

FOLDER_SCOPE = EnumType(
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.ElcFolderType",
    ["All", "Archive", "Calendar", "Contacts", "ConversationHistory", "DeletedItems", "Drafts",
     "Inbox", "JunkEmail", "Journal", "LegacyArchiveJournals", "ManagedCustomFolder",
     "NonIpmRoot", "Notes", "Outbox", "Personal", "RecoverableItems", "RssSubscriptions",
     "SentItems", "SyncIssues", "Tasks"],
)

# Individual rights in flag order, and the roles as the Add-MailboxFolderPermission reference
# defines them. The calendar's free/busy roles have no individual-rights equivalent.
FOLDER_RIGHTS = ("ReadItems", "CreateItems", "EditOwnedItems", "DeleteOwnedItems", "EditAllItems",
                 "DeleteAllItems", "CreateSubfolders", "FolderOwner", "FolderContact",
                 "FolderVisible")
_EDITOR = {"CreateItems", "DeleteAllItems", "DeleteOwnedItems", "EditAllItems", "EditOwnedItems",
           "FolderVisible", "ReadItems"}
FOLDER_ROLES = {
    "None": {"FolderVisible"},
    "Owner": _EDITOR | {"CreateSubfolders", "FolderContact", "FolderOwner"},
    "PublishingEditor": _EDITOR | {"CreateSubfolders"},
    "Editor": _EDITOR,
    "PublishingAuthor": {"CreateItems", "CreateSubfolders", "DeleteOwnedItems", "EditOwnedItems",
                         "FolderVisible", "ReadItems"},
    "Author": {"CreateItems", "DeleteOwnedItems", "EditOwnedItems", "FolderVisible", "ReadItems"},
    "NonEditingAuthor": {"CreateItems", "DeleteOwnedItems", "FolderVisible", "ReadItems"},
    "Reviewer": {"FolderVisible", "ReadItems"},
    "Contributor": {"CreateItems", "FolderVisible"},
    "AvailabilityOnly": {"AvailabilityOnly"},
    "LimitedDetails": {"LimitedDetails"},
}
CALENDAR_ROLES = ("AvailabilityOnly", "LimitedDetails")
NOTIFICATION_ROLES = ("AvailabilityOnly", "LimitedDetails", "Reviewer", "Editor")
FOLDER_ACCESS_RIGHT = EnumType(
    "Microsoft.Exchange.Management.StoreTasks.MailboxFolderAccessRight[]",
    list(FOLDER_RIGHTS) + list(FOLDER_ROLES),
)
SHARING_FLAGS = EnumType(
    "Microsoft.Exchange.Data.Storage.Management.MailboxFolderPermissionFlags",
    ["None", "Delegate", "CanViewPrivateItems"],
)


def _mailbox(org, text):
    return org.mailbox_settings(identity.resolve(org, text, org.mailboxes(view=True)))


def _folder(org, text):
    """(mailbox, folder) for a folder identity ``mailbox:\\Folder\\Subfolder``."""
    owner, separator, path = text.partition(":\\")
    if not separator:
        owner, path = text.rstrip(":"), ""
    mailbox = _mailbox(org, owner)
    folder = mailbox.folders[0]
    for name in (part for part in path.split("\\") if part):
        folder = next((f for f in mailbox.folders
                       if f.parent is folder and f.name.lower() == name.lower()), None)
        if folder is None:
            raise errors.not_found(text, DOMAIN_CONTROLLER)
    return mailbox, folder


def _folder_path(folder):
    # FolderPath separates folders with "/", so a "/" inside a name is shown as U+F8FF.
    return "/" + "/".join(name.replace("/", "\uf8ff") for name in folder.path)


def _statistics_row(mailbox, folder):
    return {
        "Name": folder.name,
        "FolderPath": _folder_path(folder),
        "FolderType": folder.folder_type,
        "Identity": mailbox.alias + "\\" + "\\".join(folder.path),
        "ItemsInFolder": 0,
        "FolderSize": "0 B (0 bytes)",
        "ItemsInFolderAndSubfolders": 0,
        "IsValid": True,
    }


def _in_scope(folder, scope):
    if scope == "All":
        return True
    wanted = "User Created" if scope == "Personal" else scope
    while folder is not None:
        if folder.folder_type == wanted or scope == "RecoverableItems" and folder.folder_type == "RecoverableItemsRoot":
            return True
        folder = folder.parent
    return False


def get_mailbox_folder_statistics(org, params, caller):
    """Get-MailboxFolderStatistics: the folders of one mailbox, narrowed by FolderScope.

    A scope such as Calendar lists that default folder and the folders below it.
    """
    mailbox = _mailbox(org, params["Identity"])
    scope = params.get("FolderScope", "All")
    return CmdletResult(rows=[_statistics_row(mailbox, f) for f in mailbox.folders
                              if _in_scope(f, scope)])


def _folder_user(org, text):
    """``Default``/``Anonymous``, or the Guid of the recipient ``text`` names."""
    for name in SPECIAL_USERS:
        if text.strip().lower() == name.lower():
            return name
    return identity.resolve(org, text, referenced=True).guid


def _user_label(org, user):
    # Rows name people by display name, the way Outlook shows them.
    if user in SPECIAL_USERS:
        return user
    recipient = org.recipients.get(user)
    return recipient.display_name if recipient else user


def _entry(folder, user):
    return next((p for p in folder.permissions if p.user == user), None)


def _folder_permission_row(org, mailbox, folder, entry):
    return {
        "Identity": mailbox.alias + ":\\" + "\\".join(folder.path),
        "FolderName": folder.name,
        "User": _user_label(org, entry.user),
        "AccessRights": list(entry.access_rights),
        "SharingPermissionFlags": ", ".join(entry.sharing_permission_flags) or None,
        "IsValid": True,
    }


def _shown_rights(names):
    """What a row shows for the rights given: a role when they equal one, else the rights."""
    roles = [n for n in names if n in FOLDER_ROLES]
    if roles and len(names) > 1:
        raise errors.invalid_argument(
            f"The role '{roles[0]}' can't be combined with other access rights.")
    if roles:
        return roles
    rights = set(names)
    for role, role_rights in FOLDER_ROLES.items():
        if rights == role_rights:
            return [role]
    return [r for r in FOLDER_RIGHTS if r in rights]


def _sharing_flags(names):
    return [f for f in ("Delegate", "CanViewPrivateItems") if f in names]


def _not_found_entry(org, user):
    return errors.CmdletFailure(
        f"There is no existing permission entry found for user: {_user_label(org, user)}.",
        USER_NOT_FOUND)


def _check_entry(folder, user, rights, flags, notify):
    """Refuse combinations the Add-MailboxFolderPermission reference rules out."""
    if rights[0] in CALENDAR_ROLES and not folder.is_calendar:
        raise errors.invalid_argument(
            f"The access right '{rights[0]}' can only be used on calendar folders.")
    if flags:
        if not folder.is_calendar:
            raise errors.invalid_argument(
                "SharingPermissionFlags can only be used on calendar folders.")
        if user in SPECIAL_USERS:
            raise errors.invalid_argument(
                f"SharingPermissionFlags can't be set for the user {user}.")
        if rights != ["Editor"]:
            raise errors.invalid_argument(
                "SharingPermissionFlags can only be used with the Editor access right.")
        if "CanViewPrivateItems" in flags and "Delegate" not in flags:
            raise errors.invalid_argument(
                "The sharing permission flag CanViewPrivateItems requires Delegate.")
    if notify and (not folder.is_calendar or rights[0] not in NOTIFICATION_ROLES):
        raise errors.invalid_argument(
            "SendNotificationToUser can only be used on calendar folders with the access rights "
            + ", ".join(NOTIFICATION_ROLES) + ".")


def get_mailbox_folder_permission(org, params, caller):
    """Get-MailboxFolderPermission: a folder's entries, or the entry of one User."""
    mailbox, folder = _folder(org, params["Identity"])
    entries = folder.permissions
    if "User" in params:
        user = _folder_user(org, params["User"])
        entries = [e for e in entries if e.user == user]
        if not entries:
            raise _not_found_entry(org, user)
    return CmdletResult(rows=[_folder_permission_row(org, mailbox, folder, e) for e in entries])


def add_mailbox_folder_permission(org, params, caller):
    """Add-MailboxFolderPermission: a new entry; a user with an entry already is an error."""
    mailbox, folder = _folder(org, params["Identity"])
    user = _folder_user(org, params["User"])
    rights = _shown_rights(params["AccessRights"])
    flags = _sharing_flags(params.get("SharingPermissionFlags", []))
    _check_entry(folder, user, rights, flags, params.get("SendNotificationToUser", False))
    if _entry(folder, user) is not None:
        raise errors.CmdletFailure(
            f"An existing permission entry was found for user: {_user_label(org, user)}.",
            USER_EXISTS)
    entry = FolderPermission(user, rights, flags)
    folder.permissions.append(entry)
    return CmdletResult(rows=[_folder_permission_row(org, mailbox, folder, entry)])


def set_mailbox_folder_permission(org, params, caller):
    """Set-MailboxFolderPermission: change the entry of a user who has one.

    Without SharingPermissionFlags the flags are kept while the rights stay Editor, and
    dropped otherwise.
    """
    mailbox, folder = _folder(org, params["Identity"])
    user = _folder_user(org, params["User"])
    entry = _entry(folder, user)
    if entry is None:
        raise _not_found_entry(org, user)
    rights = _shown_rights(params["AccessRights"])
    if "SharingPermissionFlags" in params:
        flags = _sharing_flags(params["SharingPermissionFlags"])
    else:
        flags = entry.sharing_permission_flags if rights == ["Editor"] else []
    _check_entry(folder, user, rights, flags, params.get("SendNotificationToUser", False))
    result = CmdletResult()
    if entry.access_rights == rights and entry.sharing_permission_flags == flags:
        result.warnings.append(_unchanged(params["Identity"]))
    entry.access_rights, entry.sharing_permission_flags = rights, flags
    return result


def remove_mailbox_folder_permission(org, params, caller):
    """Remove-MailboxFolderPermission. Default and Anonymous stay, with the role None."""
    unused, folder = _folder(org, params["Identity"])
    user = _folder_user(org, params["User"])
    entry = _entry(folder, user)
    if entry is None:
        raise _not_found_entry(org, user)
    if user in SPECIAL_USERS:
        entry.access_rights, entry.sharing_permission_flags = ["None"], []
    else:
        folder.permissions.remove(entry)
    return CmdletResult()


def _unchanged(name):
    return (f"The command completed successfully but no settings of '{name}' have been "
            "modified.")


# -- automatic replies ----------------------------------------------------------------------

AUTO_REPLY_STATE = EnumType("Microsoft.Exchange.Data.Storage.Management.OofState",
                            ["Disabled", "Enabled", "Scheduled"])
EXTERNAL_AUDIENCE = EnumType("Microsoft.Exchange.Data.Storage.Management.ExternalAudience",
                             ["None", "Known", "All"])


def _parse_time(text):
    moment = datetime.datetime.fromisoformat(text)
    # Exchange Online's servers run on UTC, so a time without an offset is taken as UTC.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc)


def _exchange_time(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond * 10:07d}+00:00"


def _datetime(name, value):
    if isinstance(value, str):
        try:
            return _exchange_time(_parse_time(value.strip()))
        except ValueError:
            pass
    raise errors.transformation(name, value, "System.DateTime",
                                "String was not recognized as a valid DateTime.")


def _message(name, value):
    """How Exchange stores an auto-reply message: plain text goes into an HTML document."""
    text = _nullable_string(name, value)
    if not text or not text.strip():
        return ""
    if "<html" in text.lower():
        return text
    body = "<br>\n".join(html.escape(line, quote=False) for line in text.splitlines())
    return f"<html>\n<body>\n{body}\n</body>\n</html>\n"


def get_mailbox_auto_reply_configuration(org, params, caller):
    """Get-MailboxAutoReplyConfiguration."""
    mailbox = _mailbox(org, params["Identity"])
    return CmdletResult(rows=[{
        **mailbox.auto_reply,
        "DeclineAllEventsForScheduledOOF": False,
        "MailboxOwnerId": mailbox.name,
        "Identity": mailbox.name,
        "IsValid": True,
    }])


_AUTO_REPLY_PROPERTIES = ("AutoReplyState", "StartTime", "EndTime", "InternalMessage",
                          "ExternalMessage", "ExternalAudience")


def set_mailbox_auto_reply_configuration(org, params, caller):
    """Set-MailboxAutoReplyConfiguration. A schedule must end after it starts."""
    mailbox = _mailbox(org, params["Identity"])
    updated = dict(mailbox.auto_reply)
    updated.update((k, v) for k, v in params.items() if k in _AUTO_REPLY_PROPERTIES)
    if (updated["AutoReplyState"] == "Scheduled"
            and _parse_time(updated["EndTime"]) <= _parse_time(updated["StartTime"])):
        raise errors.invalid_argument("The end time must be later than the start time.")
    result = CmdletResult()
    if updated == mailbox.auto_reply:
        result.warnings.append(_unchanged(mailbox.name))
    mailbox.auto_reply = updated
    return result


# -- regional settings ----------------------------------------------------------------------

# Short date and short time patterns per culture, the default first. Languages without their
# own DEFAULT_FOLDER_NAMES keep English folder names when localised.
REGIONAL_FORMATS = {
    "en-US": (("M/d/yyyy", "M/d/yy", "MM/dd/yy", "MM/dd/yyyy", "yy/MM/dd", "yyyy-MM-dd",
               "dd-MMM-yy"), ("h:mm tt", "hh:mm tt", "H:mm", "HH:mm")),
    "en-GB": (("dd/MM/yyyy", "dd/MM/yy", "d/M/yy", "d.M.yy", "yyyy-MM-dd"),
              ("HH:mm", "H:mm", "hh:mm tt", "h:mm tt")),
    "de-DE": (("dd.MM.yyyy", "dd.MM.yy", "d.M.yyyy", "d.M.yy", "yyyy-MM-dd"), ("HH:mm", "H:mm")),
    "fr-FR": (("dd/MM/yyyy", "dd/MM/yy", "dd.MM.yy", "dd-MM-yy", "yyyy-MM-dd"),
              ("HH:mm", "HH' h 'mm", "H:mm", "HH.mm")),
    "nl-NL": (("d-M-yyyy", "dd-MM-yy", "dd/MM/yy", "dd.MM.yy", "yyyy-MM-dd"), ("HH:mm", "H:mm")),
    "it-IT": (("dd/MM/yyyy", "dd/MM/yy", "d/M/yy", "d-M-yy", "d.M.yy", "yyyy-MM-dd"),
              ("HH:mm", "H:mm", "HH.mm")),
    "es-ES": (("dd/MM/yyyy", "dd/MM/yy", "d/M/yy", "d.M.yy", "yyyy-MM-dd"), ("H:mm", "HH:mm")),
}

# A subset of the Windows time zone ids.
TIME_ZONES = (
    "Dateline Standard Time", "UTC-11", "Hawaiian Standard Time", "Alaskan Standard Time",
    "Pacific Standard Time", "Mountain Standard Time", "Central Standard Time",
    "Eastern Standard Time", "Atlantic Standard Time", "Newfoundland Standard Time",
    "E. South America Standard Time", "Argentina Standard Time", "UTC-02", "Azores Standard Time",
    "UTC", "GMT Standard Time", "Greenwich Standard Time", "W. Europe Standard Time",
    "Central Europe Standard Time", "Romance Standard Time", "Central European Standard Time",
    "GTB Standard Time", "FLE Standard Time", "E. Europe Standard Time", "Israel Standard Time",
    "South Africa Standard Time", "Russian Standard Time", "Turkey Standard Time",
    "Arabian Standard Time", "Pakistan Standard Time", "India Standard Time",
    "SE Asia Standard Time", "China Standard Time", "Singapore Standard Time",
    "Tokyo Standard Time", "Korea Standard Time", "AUS Eastern Standard Time",
    "E. Australia Standard Time", "New Zealand Standard Time",
)


def _language(name, value):
    text = _string(name, value).strip()
    for culture in REGIONAL_FORMATS:
        if culture.lower() == text.lower():
            return culture
    raise errors.transformation(
        name, value, "System.Globalization.CultureInfo",
        f"Culture is not supported. Parameter name: name {text} is an invalid culture identifier.")


def _time_zone(name, value):
    text = _string(name, value).strip()
    for zone in TIME_ZONES:
        if zone.lower() == text.lower():
            return zone
    raise errors.transformation(
        name, value, "Microsoft.Exchange.Data.Storage.Management.ExTimeZoneValue",
        f"The time zone ID '{text}' was not found on the local computer.")


def get_mailbox_regional_configuration(org, params, caller):
    """Get-MailboxRegionalConfiguration."""
    mailbox = _mailbox(org, params["Identity"])
    language = mailbox.regional["Language"]
    localised = all(f.name == default_folder_name(f.folder_type, language)
                    for f in mailbox.folders if f.folder_type in DEFAULT_FOLDER_NAMES["en"])
    return CmdletResult(rows=[{
        **mailbox.regional,
        "DefaultFolderNameMatchingUserLanguage": localised,
        "Identity": mailbox.name,
        "IsValid": True,
    }])


def _check_format(kind, value, language):
    allowed = REGIONAL_FORMATS[language][0 if kind == "DateFormat" else 1]
    if value not in allowed:
        raise errors.invalid_argument(
            f'The {kind} "{value}" isn\'t valid for current language setting "{language}". '
            f'Valid formats include "{", ".join(allowed)}".')


def set_mailbox_regional_configuration(org, params, caller):
    """Set-MailboxRegionalConfiguration.

    Formats are checked against the language after the change. A new language without new
    formats keeps the old ones where it allows them and takes its defaults otherwise.
    LocalizeDefaultFolderName renames the default folders into the language.
    """
    mailbox = _mailbox(org, params["Identity"])
    updated = dict(mailbox.regional)
    updated.update((k, v) for k, v in params.items()
                   if k in ("Language", "TimeZone", "DateFormat", "TimeFormat"))
    language = updated["Language"]
    for index, kind in enumerate(("DateFormat", "TimeFormat")):
        if kind in params:
            _check_format(kind, params[kind], language)
        elif updated[kind] not in REGIONAL_FORMATS[language][index]:
            updated[kind] = REGIONAL_FORMATS[language][index][0]
    result = CmdletResult()
    renamed = False
    if params.get("LocalizeDefaultFolderName"):
        for folder in mailbox.folders:
            if folder.folder_type in DEFAULT_FOLDER_NAMES["en"]:
                name = default_folder_name(folder.folder_type, language)
                renamed = renamed or folder.name != name
                folder.name = name
    if updated == mailbox.regional and not renamed:
        result.warnings.append(_unchanged(mailbox.name))
    mailbox.regional = updated
    return result


_FOLDER_PERMISSION_WRITE = {
    "Identity": _identity,
    "User": _identity,
    "AccessRights": _enum(FOLDER_ACCESS_RIGHT, multi=True),
    "SharingPermissionFlags": _enum(SHARING_FLAGS, multi=True),
    "SendNotificationToUser": _bool,
    **_CONFIRM,
}

CMDLETS.update({c.name.lower(): c for c in (
    Cmdlet("Get-MailboxFolderStatistics", get_mailbox_folder_statistics,
           {"Identity": _identity, "FolderScope": _enum(FOLDER_SCOPE)}, mandatory=("Identity",)),
    Cmdlet("Get-MailboxFolderPermission", get_mailbox_folder_permission,
           {"Identity": _identity, "User": _identity}, mandatory=("Identity",)),
    Cmdlet("Add-MailboxFolderPermission", add_mailbox_folder_permission,
           dict(_FOLDER_PERMISSION_WRITE), mandatory=("Identity", "User", "AccessRights")),
    Cmdlet("Set-MailboxFolderPermission", set_mailbox_folder_permission,
           dict(_FOLDER_PERMISSION_WRITE), mandatory=("Identity", "User", "AccessRights")),
    Cmdlet("Remove-MailboxFolderPermission", remove_mailbox_folder_permission,
           {"Identity": _identity, "User": _identity, "SendNotificationToUser": _bool,
            "Force": _bool, **_CONFIRM}, mandatory=("Identity", "User")),
    Cmdlet("Get-MailboxAutoReplyConfiguration", get_mailbox_auto_reply_configuration,
           {"Identity": _identity}, mandatory=("Identity",)),
    Cmdlet("Set-MailboxAutoReplyConfiguration", set_mailbox_auto_reply_configuration,
           {"Identity": _identity, "AutoReplyState": _enum(AUTO_REPLY_STATE),
            "StartTime": _datetime, "EndTime": _datetime, "InternalMessage": _message,
            "ExternalMessage": _message, "ExternalAudience": _enum(EXTERNAL_AUDIENCE),
            **_CONFIRM}, mandatory=("Identity",)),
    Cmdlet("Get-MailboxRegionalConfiguration", get_mailbox_regional_configuration,
           {"Identity": _identity}, mandatory=("Identity",)),
    Cmdlet("Set-MailboxRegionalConfiguration", set_mailbox_regional_configuration,
           {"Identity": _identity, "Language": _language, "TimeZone": _time_zone,
            "DateFormat": _string, "TimeFormat": _string, "LocalizeDefaultFolderName": _bool,
            **_CONFIRM}, mandatory=("Identity",)),
)})
