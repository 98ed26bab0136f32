# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Mailbox folder permissions as pure data: folder paths, access rights and sharing flags. No I/O.

Exchange accepts folder access rights either as one role (``Editor``) or as individual rights
(``ReadItems, CreateItems``) and reports a role whenever the rights equal one, so everything here
compares rights as a normalised set: ``[Reviewer]`` and ``[ReadItems, FolderVisible]`` are the same.
"""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import INVALID_ARGUMENT, NOT_FOUND, ExchangeError

# The well-known folders a task may name instead of a path, and the FolderScope/FolderType that
# finds them whatever the mailbox's language calls them (a German calendar is "Kalender").
WELL_KNOWN_FOLDERS = {
    'calendar': 'Calendar',
    'contacts': 'Contacts',
    'inbox': 'Inbox',
    'sent_items': 'SentItems',
    'deleted_items': 'DeletedItems',
    'drafts': 'Drafts',
    'junk_email': 'JunkEmail',
    'outbox': 'Outbox',
    'notes': 'Notes',
    'tasks': 'Tasks',
    'journal': 'Journal',
    'archive': 'Archive',
}

# Users that every folder has an entry for and that are not recipients.
SPECIAL_USERS = ('Default', 'Anonymous')

# In the order of their flag values, which is how Exchange lists them.
INDIVIDUAL_RIGHTS = (
    'ReadItems', 'CreateItems', 'EditOwnedItems', 'DeleteOwnedItems', 'EditAllItems',
    'DeleteAllItems', 'CreateSubfolders', 'FolderOwner', 'FolderContact', 'FolderVisible',
)

# Roles and the individual rights they stand for, as the Add-MailboxFolderPermission reference
# documents them. The two free/busy roles of calendars have no individual-rights equivalent and
# stand for themselves.
ROLES = {
    'None': frozenset(['FolderVisible']),
    'Owner': frozenset(['CreateItems', 'CreateSubfolders', 'DeleteAllItems', 'DeleteOwnedItems',
                        'EditAllItems', 'EditOwnedItems', 'FolderContact', 'FolderOwner',
                        'FolderVisible', 'ReadItems']),
    'PublishingEditor': frozenset(['CreateItems', 'CreateSubfolders', 'DeleteAllItems',
                                   'DeleteOwnedItems', 'EditAllItems', 'EditOwnedItems',
                                   'FolderVisible', 'ReadItems']),
    'Editor': frozenset(['CreateItems', 'DeleteAllItems', 'DeleteOwnedItems', 'EditAllItems',
                         'EditOwnedItems', 'FolderVisible', 'ReadItems']),
    'PublishingAuthor': frozenset(['CreateItems', 'CreateSubfolders', 'DeleteOwnedItems',
                                   'EditOwnedItems', 'FolderVisible', 'ReadItems']),
    'Author': frozenset(['CreateItems', 'DeleteOwnedItems', 'EditOwnedItems', 'FolderVisible',
                         'ReadItems']),
    'NonEditingAuthor': frozenset(['CreateItems', 'DeleteOwnedItems', 'FolderVisible', 'ReadItems']),
    'Reviewer': frozenset(['FolderVisible', 'ReadItems']),
    'Contributor': frozenset(['CreateItems', 'FolderVisible']),
    'AvailabilityOnly': frozenset(['AvailabilityOnly']),
    'LimitedDetails': frozenset(['LimitedDetails']),
}

NO_RIGHTS = ROLES['None']

# Roles that only exist on calendar folders.
CALENDAR_ONLY_ROLES = ('AvailabilityOnly', 'LimitedDetails')

# The roles for which Exchange can send a sharing invitation (SendNotificationToUser).
NOTIFICATION_ROLES = ('AvailabilityOnly', 'LimitedDetails', 'Reviewer', 'Editor')

SHARING_FLAGS = ('Delegate', 'CanViewPrivateItems')

_CANONICAL = dict((name.lower(), name) for name in list(ROLES) + list(INDIVIDUAL_RIGHTS))

# Exchange shows a "/" inside a folder name as U+F8FF in FolderPath, because "/" separates folders.
_SLASH_IN_NAME = u'\uf8ff'


class FolderPermissionError(ValueError):
    """An option value that cannot be a folder, a right or a flag; the message names both."""


def parse_access_rights(values, option='access_rights'):
    """The normalised rights of a task's ``access_rights``: one role, or individual rights.

    Names are matched case-insensitively. An unknown name, an empty list or a role mixed with
    other names raises FolderPermissionError naming the option and the value.
    """
    names = []
    for value in values or ():
        canonical = _CANONICAL.get(str(value).strip().lower())
        if canonical is None:
            raise FolderPermissionError(
                "%s: '%s' is neither a folder permission role (%s) nor an individual right (%s)"
                % (option, value, ', '.join(ROLES), ', '.join(INDIVIDUAL_RIGHTS)))
        if canonical not in names:
            names.append(canonical)
    if not names:
        raise FolderPermissionError('%s: give one role or at least one individual right' % option)
    roles = [name for name in names if name in ROLES]
    if roles and len(names) > 1:
        raise FolderPermissionError(
            "%s: the role '%s' cannot be combined with other rights (%s); give one role or only "
            "individual rights" % (option, roles[0], ', '.join(n for n in names if n != roles[0])))
    if roles:
        return ROLES[roles[0]]
    return frozenset(names)


def rights_from_service(value):
    """The normalised rights of an ``AccessRights`` value as Exchange reports it.

    ``value`` is a list or a comma-separated string of roles and rights. Roles are expanded;
    names this module does not know are kept as they are, so they never compare equal to a
    desired set and get corrected. No rights at all is the role ``None``.
    """
    if value is None:
        items = []
    elif isinstance(value, str):
        items = value.split(',')
    else:
        items = list(value)
    rights = set()
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        canonical = _CANONICAL.get(text.lower(), text)
        rights.update(ROLES.get(canonical, (canonical,)))
    return frozenset(rights) if rights else NO_RIGHTS


def show_rights(rights):
    """How Exchange shows normalised rights: ``[role]`` when they equal one, else sorted rights.

    This is also the ``AccessRights`` value sent, so a role goes to Exchange by its name.
    """
    if not rights:
        return []
    for role, role_rights in ROLES.items():
        if rights == role_rights:
            return [role]
    return sorted(rights)


def flags_from_service(value):
    """The sharing permission flags of an entry as a set, from a list or ``"A, B"`` (None: none)."""
    if value is None:
        return frozenset()
    items = value.split(',') if isinstance(value, str) else list(value)
    return frozenset(str(item).strip() for item in items
                     if str(item).strip() and str(item).strip().lower() != 'none')


def parse_sharing_flags(values):
    """The flags a task asks for as a set; ``None`` in the list means no flags."""
    return flags_from_service(list(values or ()))


def check_sharing_flags(flags, rights, user):
    """Why ``flags`` cannot go with ``rights`` for ``user`` (None when they can).

    The rules are those of the Add-MailboxFolderPermission reference: flags need the Editor
    role, CanViewPrivateItems needs Delegate, and they are for delegates, never Default or
    Anonymous.
    """
    if not flags:
        return None
    shown = ', '.join(sorted(flags))
    if user in SPECIAL_USERS:
        return "sharing_permission_flags: '%s' cannot be given to %s, only to a delegate" % (shown, user)
    if 'CanViewPrivateItems' in flags and 'Delegate' not in flags:
        return "sharing_permission_flags: 'CanViewPrivateItems' needs 'Delegate' as well"
    if rights != ROLES['Editor']:
        return ("sharing_permission_flags: '%s' needs access_rights 'Editor', not '%s'"
                % (shown, ', '.join(show_rights(rights))))
    return None


def special_user(text):
    """``Default`` or ``Anonymous`` when ``text`` names one of them (any case), else None."""
    for name in SPECIAL_USERS:
        if str(text).strip().lower() == name.lower():
            return name
    return None


def split_folder(text, option='folder'):
    """Split a task's ``folder`` into ``(folder_type, segments)``.

    The first segment may be a well-known name (``calendar``, ``sent_items``...) in any case, as
    Exchange compares folder names without case (``Calendar`` is the calendar, also where the
    mailbox's language calls it ``Kalender``): then ``folder_type`` is its FolderType and
    ``segments`` are the subfolders below it. Otherwise
    ``folder_type`` is None and ``segments`` is the whole path. ``/`` and ``\\`` both separate
    folders; leading and trailing separators are ignored.
    """
    segments = [part.strip() for part in str(text or '').replace('\\', '/').split('/')]
    segments = [part for part in segments if part]
    if not segments:
        raise FolderPermissionError("%s: '%s' is not a folder; give a path such as Inbox/Projects "
                                    "or one of %s" % (option, text, ', '.join(WELL_KNOWN_FOLDERS)))
    folder_type = WELL_KNOWN_FOLDERS.get(segments[0].lower())
    if folder_type is not None:
        return folder_type, segments[1:]
    return None, segments


def path_segments(folder_path):
    """The folder names of a FolderPath such as ``/Inbox/Projects`` (``/`` is the root)."""
    return [part.replace(_SLASH_IN_NAME, '/') for part in str(folder_path or '').split('/') if part]


def pick_folder(rows, folder_type):
    """The row of ``folder_type`` among Get-MailboxFolderStatistics rows, or None.

    A FolderScope answer also lists the folder's subfolders; the folder itself is the row of
    that FolderType, else the row nearest the root.
    """
    typed = [row for row in rows if str(row.get('FolderType', '')).lower() == folder_type.lower()]
    candidates = typed or list(rows)
    if not candidates:
        return None
    return min(candidates, key=lambda row: len(path_segments(row.get('FolderPath'))))


def folder_identity(mailbox, segments):
    """The identity the folder cmdlets take: ``mailbox:\\Folder\\Subfolder``."""
    return '%s:\\%s' % (mailbox, '\\'.join(segments))


def within(segments, ancestor):
    """Whether the folder ``segments`` is ``ancestor`` or below it (names compare case-insensitively)."""
    if len(segments) < len(ancestor):
        return False
    return all(a.lower() == b.lower() for a, b in zip(segments, ancestor))


def calendar_option(rights, flags, notify):
    """The option that makes a task calendar-only (delegate flags, a calendar-only role, a sharing
    invitation), or None."""
    if flags:
        return 'sharing_permission_flags'
    if rights is not None and show_rights(rights)[0] in CALENDAR_ONLY_ROLES:
        return 'access_rights'
    if notify:
        return 'send_notification_to_user'
    return None


def check_options(params):
    """Check every option of one folder permission task that needs no service; returns
    ``(folder_type, segments, rights, flags)`` or raises ValueError naming the option and value."""
    folder_type, segments = split_folder(params['folder'])
    rights = parse_access_rights(params['access_rights']) if params['access_rights'] is not None else None
    flags = parse_sharing_flags(params['sharing_permission_flags']) \
        if params['sharing_permission_flags'] is not None else None
    if params['state'] == 'absent':
        for option in ('access_rights', 'sharing_permission_flags'):
            if params[option] is not None:
                raise ValueError('%s: %s cannot be combined with state: absent, which removes the entry'
                                 % (option, params[option]))
        if params['send_notification_to_user']:
            raise ValueError('send_notification_to_user: true cannot be combined with state: absent')
        return folder_type, segments, rights, flags
    problem = check_sharing_flags(flags, rights, special_user(params['user']) or params['user'])
    if problem:
        raise ValueError(problem)
    if params['send_notification_to_user'] and show_rights(rights)[0] not in NOTIFICATION_ROLES:
        raise ValueError("send_notification_to_user: true needs access_rights %s, not '%s'"
                         % (', '.join(NOTIFICATION_ROLES), ', '.join(show_rights(rights))))
    return folder_type, segments, rights, flags


def entry_row(rights, flags):
    """A user's entry on a folder as the folder permission resource keeps it: its rights and flags
    (frozensets); ``rights`` None: the user has no entry."""
    return {'AccessRights': rights, 'SharingPermissionFlags': flags if rights is not None else None}


def entry_parameters(folder, user, want, send_flags, notify):
    """The parameters of the Add- or Set-MailboxFolderPermission that gives ``user`` the entry
    ``want`` (:func:`entry_row`) on ``folder``; flags only when ``send_flags`` (``None`` clears them)."""
    parameters = {'Identity': folder, 'User': user, 'AccessRights': show_rights(want['AccessRights']), 'Confirm': False}
    if send_flags:
        parameters['SharingPermissionFlags'] = [f for f in SHARING_FLAGS if f in want['SharingPermissionFlags']] or ['None']
    if notify:
        parameters['SendNotificationToUser'] = True
    return parameters


# Exchange's answer to Get-MailboxFolderPermission -User for a user without an entry.
USER_NOT_FOUND = 'UserNotFoundInPermissionEntryException'


def well_known_path(invoke, mailbox, folder_type, option_value):
    """The path segments of the mailbox's folder of ``folder_type`` (its name in the mailbox's
    language), read with ``invoke``; a mailbox without one fails naming the ``folder`` option."""
    row = pick_folder(invoke('Get-MailboxFolderStatistics', {'Identity': mailbox, 'FolderScope': folder_type}), folder_type)
    if row is None:
        raise ExchangeError("folder: '%s': the mailbox %s has no %s folder; nothing was changed"
                            % (option_value, mailbox, folder_type), kind=INVALID_ARGUMENT)
    return path_segments(row.get('FolderPath'))


def read_user_entry(invoke, folder, user, option_value=None, mailbox=None):
    """The entry row of ``user`` on ``folder`` (rights None: there is none), read with ``invoke``.
    A folder that is not there fails naming the ``folder`` option when ``option_value`` is given."""
    # Exchange answers -User for a user without an entry with an error; an empty answer is
    # taken the same way in case a service version returns nothing instead.
    try:
        rows = invoke('Get-MailboxFolderPermission', {'Identity': folder, 'User': user})
    except ExchangeError as err:
        if err.exception_type == USER_NOT_FOUND:
            return entry_row(None, None)
        if err.kind == NOT_FOUND and option_value is not None:
            raise ExchangeError("folder: '%s' was not found in the mailbox %s (looked for %s); nothing was changed"
                                % (option_value, mailbox, folder), kind=err.kind,
                                exception_type=err.exception_type) from None
        raise
    if not rows:
        return entry_row(None, None)
    return entry_row(rights_from_service(rows[0].get('AccessRights')), flags_from_service(rows[0].get('SharingPermissionFlags')))


# The folder types a person can be given a permission on: the root, the default folders a user
# sees in Outlook, and folders of their own. The system folders Get-MailboxFolderStatistics also
# lists (Recoverable Items, Sync Issues and their subfolders, Audits, Calendar Logging...) are
# left out, as the public scripts that clean a person's entries off every folder leave them out.
SHARED_FOLDER_TYPES = frozenset(name.lower() for name in (
    'Root', 'Inbox', 'Calendar', 'Contacts', 'DeletedItems', 'Drafts', 'JunkEmail', 'Journal', 'Notes',
    'Outbox', 'SentItems', 'Tasks', 'CommunicatorHistory', 'Clutter', 'Archive', 'User Created'))


def folder_listing(mailbox, folder):
    """The Get-MailboxFolderStatistics call that finds the folders a task's ``folder`` names in
    ``mailbox``: its well-known folder, or (``folder`` None) every folder."""
    folder_type = split_folder(folder)[0] if folder is not None else None
    return 'Get-MailboxFolderStatistics', {'Identity': mailbox, 'FolderScope': folder_type or 'All'}


def listed_folders(mailbox, folder, rows):
    """The identities of the folders of ``mailbox`` that ``folder`` names, from the rows of its
    :func:`folder_listing`: that one folder, or (``folder`` None) every folder of a type in
    :data:`SHARED_FOLDER_TYPES`, in the order listed."""
    if folder is None:
        return [folder_identity(mailbox, path_segments(row.get('FolderPath'))) for row in rows
                if str(row.get('FolderType', '')).lower() in SHARED_FOLDER_TYPES]
    folder_type, segments = split_folder(folder)
    row = pick_folder(rows, folder_type) if folder_type else None
    return [folder_identity(mailbox, (path_segments(row.get('FolderPath')) if row else []) + segments)]


def held_entries(invoke_all, asked):
    """For each ``(user, folders, every)`` of ``asked``, the folders on which ``user`` has an entry
    (lower-cased identity -> identity), or the first ExchangeError of their reads.

    Every folder of every item is read with one ``Get-MailboxFolderPermission -User`` through
    ``invoke_all`` (ten to a request on Exchange Online). No entry is Exchange's
    ``UserNotFoundInPermissionEntryException`` or an empty answer; with ``every`` (folders listed,
    not named by the task) a folder removed since it was listed holds nothing either.
    """
    calls = [('Get-MailboxFolderPermission', {'Identity': folder, 'User': user}) for user, folders, unused in asked for folder in folders]
    answers = iter(invoke_all(calls))
    results = []
    for unused, folders, every in asked:
        held = {}
        for folder in folders:
            answer = next(answers)
            if isinstance(held, ExchangeError):
                continue
            if isinstance(answer, ExchangeError):
                if answer.exception_type != USER_NOT_FOUND and not (every and answer.kind == NOT_FOUND):
                    held = answer
            elif answer:
                held[folder.lower()] = folder
        results.append(held)
    return results
