#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_mailbox_folder_permission
short_description: Manage one user's permission on a folder of an Exchange Online mailbox
version_added: 0.1.0
description:
  - Manages the permission entry of one user on one mailbox folder, such as a calendar shared
    with an assistant or a project folder below the inbox, as desired state through
    C(Get/Add/Set/Remove-MailboxFolderPermission).
  - A user without an entry gets one with C(Add-MailboxFolderPermission); an entry with other
    rights is changed in place with C(Set-MailboxFolderPermission). An entry is never removed
    and added again, so the user never loses access in between.
  - Access rights are compared as a set, so the role V(Reviewer) and the rights
    V(ReadItems) + V(FolderVisible) are the same and a re-run reports no change.
  - The mailbox, the user and the folder are resolved and every option is checked before the
    first write. An unknown folder, user or right fails the task and changes nothing.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
options:
  mailbox:
    description:
      - The mailbox that holds the folder, in any identity form Exchange accepts
        (name, alias, UPN, SMTP address, GUID).
    type: str
    required: true
  folder:
    description:
      - The folder, as a path from the top of the mailbox such as V(Inbox/Projects)
        (C(/) or C(\\) separate folders; names compare case-insensitively).
      - Or a well-known folder, whatever the mailbox's language calls it - V(calendar),
        V(contacts), V(inbox), V(sent_items), V(deleted_items), V(drafts), V(junk_email),
        V(outbox), V(notes), V(tasks), V(journal), V(archive) - found through
        C(Get-MailboxFolderStatistics -FolderScope). A German mailbox's V(calendar) is C(Kalender).
      - A well-known name may start a path, V(inbox/Projects) is C(Posteingang/Projects) in a
        German mailbox. Only these exact lower-case names are well-known; V(Calendar) is a path.
    type: str
    required: true
  user:
    description:
      - Whose permission this is - a recipient in any identity form, or V(Default) (everyone in
        the organisation without an entry of their own) or V(Anonymous) (unauthenticated users).
    type: str
    required: true
  access_rights:
    description:
      - One role - V(None), V(Owner), V(PublishingEditor), V(Editor), V(PublishingAuthor),
        V(Author), V(NonEditingAuthor), V(Reviewer), V(Contributor), or on calendars
        V(AvailabilityOnly) and V(LimitedDetails).
      - Or a list of individual rights - V(ReadItems), V(CreateItems), V(EditOwnedItems),
        V(DeleteOwnedItems), V(EditAllItems), V(DeleteAllItems), V(CreateSubfolders),
        V(FolderOwner), V(FolderContact), V(FolderVisible). A role cannot be mixed with rights.
      - Required with O(state=present); not allowed with O(state=absent).
    type: list
    elements: str
  sharing_permission_flags:
    description:
      - Calendar delegate flags. V(Delegate) makes the user a delegate who receives meeting
        requests; V(CanViewPrivateItems) (only with V(Delegate)) shows private items;
        V(None) (or an empty list) removes the flags.
      - Only on the calendar or a folder below it, only with O(access_rights=Editor), and never
        for V(Default) or V(Anonymous).
      - When not given, the entry's flags are not managed.
    type: list
    elements: str
    choices: [None, Delegate, CanViewPrivateItems]
  send_notification_to_user:
    description:
      - Send the user a sharing invitation when the entry is added or changed.
      - Only on calendar folders with the roles V(AvailabilityOnly), V(LimitedDetails),
        V(Reviewer) or V(Editor). Not part of the desired state - it never causes a change.
    type: bool
    default: false
  state:
    description:
      - V(present) makes the user's entry have O(access_rights); V(absent) removes the entry.
      - V(Default) and V(Anonymous) always have an entry; for them V(absent) sets the role V(None).
    type: str
    choices: [present, absent]
    default: present
notes:
  - Exchange shows a role whenever the rights equal one; the result does the same.
seealso:
  - module: mailops.exchange.exo_mailbox_permission
  - module: mailops.exchange.exo_mailbox_regional_configuration
"""

EXAMPLES = r"""
- name: Let the assistant edit the manager's calendar as a delegate
  mailops.exchange.exo_mailbox_folder_permission:
    mailbox: manager@contoso.com
    folder: calendar
    user: assistant@contoso.com
    access_rights: Editor
    sharing_permission_flags: [Delegate, CanViewPrivateItems]

- name: Everyone in the organisation sees subjects and locations in the room calendar
  mailops.exchange.exo_mailbox_folder_permission:
    mailbox: room-101@contoso.com
    folder: calendar
    user: Default
    access_rights: LimitedDetails

- name: Read access to a project folder below the inbox
  mailops.exchange.exo_mailbox_folder_permission:
    mailbox: alice@contoso.com
    folder: inbox/Projects
    user: bob@contoso.com
    access_rights: [ReadItems, FolderVisible]

- name: Take a leaver's access away
  mailops.exchange.exo_mailbox_folder_permission:
    mailbox: manager@contoso.com
    folder: calendar
    user: leaver@contoso.com
    state: absent
"""

RETURN = r"""
permission:
  description:
    - The user's entry after the task; in check mode, what it would be.
  returned: always
  type: dict
  contains:
    mailbox:
      description: The mailbox, as its primary SMTP address.
      type: str
      returned: always
      sample: jonas@contoso.com
    folder:
      description: The folder's path in the mailbox, in the mailbox's language.
      type: str
      returned: always
      sample: Kalender
    user:
      description: The user, as a primary SMTP address, or C(Default) or C(Anonymous).
      type: str
      returned: always
      sample: alice@contoso.com
    access_rights:
      description: The role (a list of one) or the individual rights, sorted; empty when the user has no entry.
      type: list
      elements: str
      returned: always
      sample: [Editor]
    sharing_permission_flags:
      description: The calendar delegate flags, sorted; empty when there are none.
      type: list
      elements: str
      returned: always
      sample: [CanViewPrivateItems, Delegate]
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine import one_row
from ansible_collections.mailops.exchange.plugins.module_utils.errors import NOT_FOUND, ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.folder_permissions import (
    CALENDAR_ONLY_ROLES,
    NO_RIGHTS,
    NOTIFICATION_ROLES,
    ROLES,
    SHARING_FLAGS,
    FolderPermissionError,
    check_sharing_flags,
    flags_from_service,
    folder_identity,
    parse_access_rights,
    parse_sharing_flags,
    path_segments,
    pick_folder,
    rights_from_service,
    show_rights,
    special_user,
    split_folder,
    within,
)
from ansible_collections.mailops.exchange.plugins.module_utils.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.recipients import RecipientResolver
from ansible_collections.mailops.exchange.plugins.module_utils.reconcile import build_diff

_USER_NOT_FOUND = 'UserNotFoundInPermissionEntryException'


class Entry(object):
    """A permission entry's rights and flags (None for a user without an entry)."""

    def __init__(self, rights, flags):
        self.rights = rights
        self.flags = flags


class FolderPermission(object):
    """Reads and changes one user's entry on one folder."""

    def __init__(self, exo):
        self.exo = exo
        self.resolver = RecipientResolver(exo.invoke)
        self.mailbox = None
        self.identity = None
        self.user = None

    def read_mailbox(self, identity):
        row = one_row(self.exo.invoke_one(('Get-Mailbox', {'Identity': identity})), 'mailbox', identity, 'recipient')
        if row is None:
            raise ExchangeError("mailbox: '%s' was not found; nothing was changed" % identity, kind=NOT_FOUND)
        self.mailbox = self.resolver.remember(row)
        return self.mailbox

    def resolve_user(self, text):
        """The ``User`` parameter value: Default/Anonymous, or the recipient's primary address."""
        special = special_user(text)
        if special:
            self.user = special
        else:
            self.user = list(self.resolver.resolve_all('user', [text]).values())[0].shown
        return self.user

    def well_known(self, folder_type, option_value):
        """The path of the mailbox's folder of ``folder_type``, in the mailbox's language."""
        rows = self.exo.invoke('Get-MailboxFolderStatistics',
                               {'Identity': self.mailbox.shown, 'FolderScope': folder_type})
        row = pick_folder(rows, folder_type)
        if row is None:
            self.exo.fail("folder: '%s': the mailbox %s has no %s folder; nothing was changed"
                          % (option_value, self.mailbox.shown, folder_type))
        return path_segments(row.get('FolderPath'))

    def read(self, segments, option_value):
        """The user's entry on the folder ``segments``, or None when there is none."""
        self.identity = folder_identity(self.mailbox.shown, segments)
        try:
            return self._entry()
        except ExchangeError as err:
            if err.kind == 'not_found':
                self.exo.fail("folder: '%s' was not found in the mailbox %s (looked for %s); nothing "
                              "was changed" % (option_value, self.mailbox.shown, self.identity),
                              error={'kind': err.kind, 'exception_type': err.exception_type})
            raise

    def _entry(self):
        # Exchange answers -User for a user without an entry with an error; an empty answer is
        # handled the same way in case a service version returns nothing instead.
        try:
            rows = self.exo.invoke('Get-MailboxFolderPermission',
                                   {'Identity': self.identity, 'User': self.user})
        except ExchangeError as err:
            if err.exception_type == _USER_NOT_FOUND:
                return None
            raise
        if not rows:
            return None
        return Entry(rights_from_service(rows[0].get('AccessRights')),
                     flags_from_service(rows[0].get('SharingPermissionFlags')))

    def _params(self, entry, send_flags, notify):
        params = {'Identity': self.identity, 'User': self.user,
                  'AccessRights': show_rights(entry.rights), 'Confirm': False}
        if send_flags:
            params['SharingPermissionFlags'] = [f for f in SHARING_FLAGS if f in entry.flags] or ['None']
        if notify:
            params['SendNotificationToUser'] = True
        return params

    def add(self, entry, notify):
        """Add the entry; if the user has one by now, change that one instead."""
        try:
            self.exo.invoke('Add-MailboxFolderPermission', self._params(entry, bool(entry.flags), notify),
                            idempotent=True)
        except ExchangeError as err:
            if err.kind != 'already_exists':
                raise
            # Someone else, or a lost answer to this very call, added an entry since it was read.
            now = self._entry()
            if now is None or now.rights != entry.rights or now.flags != entry.flags:
                self.set(entry, True, notify)

    def set(self, entry, send_flags, notify):
        self.exo.invoke('Set-MailboxFolderPermission', self._params(entry, send_flags, notify),
                        idempotent=True)

    def remove(self):
        try:
            self.exo.invoke('Remove-MailboxFolderPermission',
                            {'Identity': self.identity, 'User': self.user, 'Confirm': False},
                            idempotent=True)
        except ExchangeError as err:
            # Already gone: a lost answer to this call, or someone else removed it.
            if err.exception_type != _USER_NOT_FOUND:
                raise


def _calendar_only(rights, flags, notify):
    """The option that makes this a calendar-only task, or None."""
    if flags:
        return 'sharing_permission_flags'
    if rights is not None and show_rights(rights)[0] in CALENDAR_ONLY_ROLES:
        return 'access_rights'
    if notify:
        return 'send_notification_to_user'
    return None


def _validate(exo):
    """Check every option that needs no service; returns (folder_type, segments, rights, flags)."""
    params = exo.params
    try:
        folder_type, segments = split_folder(params['folder'])
        rights = parse_access_rights(params['access_rights']) if params['access_rights'] is not None else None
    except FolderPermissionError as err:
        exo.fail('%s; nothing was changed' % err)
    flags = parse_sharing_flags(params['sharing_permission_flags']) \
        if params['sharing_permission_flags'] is not None else None
    if params['state'] == 'absent':
        for option in ('access_rights', 'sharing_permission_flags'):
            if params[option] is not None:
                exo.fail('%s: %s cannot be combined with state: absent, which removes the entry'
                         % (option, params[option]))
        if params['send_notification_to_user']:
            exo.fail('send_notification_to_user: true cannot be combined with state: absent')
        return folder_type, segments, rights, flags
    problem = check_sharing_flags(flags, rights, special_user(params['user']) or params['user'])
    if problem:
        exo.fail('%s; nothing was changed' % problem)
    if params['send_notification_to_user'] and show_rights(rights)[0] not in NOTIFICATION_ROLES:
        exo.fail("send_notification_to_user: true needs access_rights %s, not '%s'"
                 % (', '.join(NOTIFICATION_ROLES), ', '.join(show_rights(rights))))
    return folder_type, segments, rights, flags


def converge(exo):
    params = exo.params
    folder_type, segments, rights, flags = _validate(exo)
    notify = params['send_notification_to_user']

    permission = FolderPermission(exo)
    mailbox = permission.read_mailbox(params['mailbox'])
    user = permission.resolve_user(params['user'])
    base = permission.well_known(folder_type, params['folder']) if folder_type else []
    segments = base + segments
    calendar_option = _calendar_only(rights, flags, notify)
    if calendar_option:
        calendar = base if folder_type == 'Calendar' else permission.well_known('Calendar', 'calendar')
        if not within(segments, calendar):
            exo.fail("%s: %s is only for the calendar (%s) and the folders below it, not '%s'; "
                     "nothing was changed" % (calendar_option, params[calendar_option],
                                              '/'.join(calendar), '/'.join(segments)))
    current = permission.read(segments, params['folder'])

    if params['state'] == 'present':
        kept = current.flags if current and rights == ROLES['Editor'] else frozenset()
        desired = Entry(rights, flags if flags is not None else kept)
        changed = current is None or current.rights != desired.rights or current.flags != desired.flags
    elif special_user(user):
        desired = Entry(NO_RIGHTS, frozenset())
        changed = current is None or current.rights != NO_RIGHTS or bool(current.flags)
    else:
        desired = None
        changed = current is not None

    if changed and not exo.check_mode:
        if desired is None:
            permission.remove()
        elif current is None:
            permission.add(desired, notify)
        else:
            permission.set(desired, flags is not None, notify)

    def view(entry):
        return {
            'mailbox': mailbox.shown,
            'folder': '/'.join(segments),
            'user': user,
            'access_rights': show_rights(entry.rights) if entry else [],
            'sharing_permission_flags': sorted(entry.flags) if entry else [],
        }

    result = dict(changed=changed, permission=view(desired))
    if exo.module._diff:
        result['diff'] = build_diff(view(current), view(desired))
    return result


def main():
    exo = ExoModule(
        argument_spec=dict(
            mailbox=dict(type='str', required=True),
            folder=dict(type='str', required=True),
            user=dict(type='str', required=True),
            access_rights=dict(type='list', elements='str'),
            sharing_permission_flags=dict(type='list', elements='str',
                                          choices=['None', 'Delegate', 'CanViewPrivateItems']),
            send_notification_to_user=dict(type='bool', default=False),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_if=[('state', 'present', ('access_rights',))],
    )
    for option in ('mailbox', 'user'):
        if not exo.params[option].strip():
            exo.fail("%s: %r is not an identity" % (option, exo.params[option]))
    exo.run(converge)


if __name__ == '__main__':
    main()
