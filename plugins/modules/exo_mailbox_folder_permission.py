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
        German mailbox. The names are matched in any case, as Exchange matches folder names -
        V(Calendar) is the calendar too, C(Kalender) in a German mailbox.
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
      description: The mailbox - its C(identity), C(display_name) and C(primary_smtp_address), as every module shows it.
      type: dict
      returned: always
      sample: {identity: jonas, display_name: Jonas Berg, primary_smtp_address: jonas@contoso.com}
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

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Prop, Resource, argument_spec, one_row
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.folder_permissions import (
    NO_RIGHTS, ROLES, USER_NOT_FOUND, calendar_option, check_options, entry_parameters, entry_row, flags_from_service, folder_identity,
    read_user_entry, rights_from_service, show_rights, special_user, well_known_path, within)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import RecipientResolver, object_summary
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import INVALID_ARGUMENT, NOT_FOUND, ExchangeError


class FolderEntry(Resource):
    """One user's entry on one folder: added, changed in place or removed, never removed and added
    again. The row is the entry (rights None: there is none), so the engine always plans a change."""

    noun = 'MailboxFolderPermission'
    identity = 'mailbox'
    key = 'permission'
    what = 'recipient'
    presence = None
    reread = False
    options = dict(
        folder=dict(type='str', required=True),
        user=dict(type='str', required=True),
        access_rights=dict(type='list', elements='str'),
        sharing_permission_flags=dict(type='list', elements='str', choices=['None', 'Delegate', 'CanViewPrivateItems']),
        send_notification_to_user=dict(type='bool', default=False),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    module_checks = dict(required_if=[('state', 'present', ('access_rights',))])
    properties = (
        Prop('access_rights', 'AccessRights', view=lambda rights: show_rights(rights) if rights is not None else []),
        Prop('sharing_permission_flags', 'SharingPermissionFlags', view=lambda flags: sorted(flags or ())),
    )

    def __init__(self, module):
        super().__init__(module)
        self.resolver = RecipientResolver(module.invoke)
        self.options = self.mailbox = self.mailbox_row = self.user = self.folder = None
        self.segments = []

    def check_input(self, entry, where):
        if not entry['user'].strip():
            raise ValueError('user: %r is not an identity' % entry['user'])
        self.options = check_options(entry)

    def read_answers(self, plans):
        """Resolve the mailbox, the user and the folder (its well-known names in the mailbox's
        language), refuse calendar-only options elsewhere, then read the user's entry."""
        if not plans:
            return []
        entry = plans[0].entry
        row = one_row(self.module.invoke_one(('Get-Mailbox', {'Identity': plans[0].identity})), 'mailbox', plans[0].identity,
                      'recipient')
        if row is None:
            raise ExchangeError("mailbox: '%s' was not found; nothing was changed" % plans[0].identity, kind=NOT_FOUND)
        self.mailbox, self.mailbox_row = self.resolver.remember(row).shown, row
        self.user = special_user(entry['user']) or list(self.resolver.resolve_all('user', [entry['user']]).values())[0].shown
        folder_type, segments, rights, flags = self.options
        base = self.well_known(folder_type, entry['folder']) if folder_type else []
        self.segments = base + segments
        option = calendar_option(rights, flags, entry['send_notification_to_user'])
        calendar = (base if folder_type == 'Calendar' else self.well_known('Calendar', 'calendar')) if option else None
        if option and not within(self.segments, calendar):
            raise ExchangeError("%s: %s is only for the calendar (%s) and the folders below it, not '%s'; nothing was changed"
                                % (option, entry[option], '/'.join(calendar), '/'.join(self.segments)), kind=INVALID_ARGUMENT)
        self.folder = folder_identity(self.mailbox, self.segments)
        return [[self.read_entry(entry['folder'])]]

    def well_known(self, folder_type, option_value):
        return well_known_path(self.module.invoke, self.mailbox, folder_type, option_value)

    def read_entry(self, option_value=None):
        return read_user_entry(self.module.invoke, self.folder, self.user, option_value, self.mailbox)

    def changes(self, plan, facts):
        """The entry wanted, when it differs from the one there: the rights and flags asked for
        (an Editor keeps its flags unless they are given), None rights for no entry at all."""
        rights, flags = self.options[2:4]
        have = plan.row
        if plan.entry['state'] == 'present':
            kept = have['SharingPermissionFlags'] if have['AccessRights'] is not None and rights == ROLES['Editor'] else None
            want = entry_row(rights, flags if flags is not None else kept or frozenset())
        else:
            want = entry_row(NO_RIGHTS, frozenset()) if special_user(self.user) else entry_row(None, None)
        plan.detail = want
        return {} if want == have else {'access_rights': want['AccessRights'], 'sharing_permission_flags': want['SharingPermissionFlags']}

    def shown_changes(self, plan, facts, changes):
        after = self.facts(plan.detail)
        return dict((option, {'before': facts[option], 'after': after[option]}) for option in changes if facts[option] != after[option])

    def predict(self, plan, changes):
        return plan.detail

    def set_steps(self, plan, key, changes):
        if not changes:
            return []
        if plan.detail['AccessRights'] is None:
            return [[('Remove-MailboxFolderPermission', {'Identity': self.folder, 'User': self.user, 'Confirm': False})]]
        verb = 'Add' if plan.row['AccessRights'] is None else 'Set'
        send_flags = bool(plan.detail['SharingPermissionFlags']) if verb == 'Add' else self.options[3] is not None
        return [[(verb + '-MailboxFolderPermission',
                  entry_parameters(self.folder, self.user, plan.detail, send_flags, plan.entry['send_notification_to_user']))]]

    def write_error(self, call, err):
        """Removing an entry that is gone is done; adding one that someone added meanwhile (or a
        lost answer to this very call did) changes it in place when it differs."""
        if call[0].startswith('Remove-') and err.exception_type == USER_NOT_FOUND:
            return None
        if not call[0].startswith('Add-') or err.kind != 'already_exists':
            return err
        want = entry_row(rights_from_service(call[1]['AccessRights']), flags_from_service(call[1].get('SharingPermissionFlags')))
        if self.read_entry() != want:
            self.module.invoke('Set-MailboxFolderPermission', dict(call[1], SharingPermissionFlags=call[1].get(
                'SharingPermissionFlags', ['None'])), idempotent=True)
        return None

    def facts(self, row):
        return dict(super().facts(row), mailbox=object_summary(self.mailbox_row), folder='/'.join(self.segments), user=self.user)

    def present(self, facts, row):
        return {'permission': facts or self.facts(entry_row(None, None))}


def main():
    exo = ExoModule(**argument_spec(FolderEntry))
    exo.run(lambda module: module.converge(FolderEntry))


if __name__ == '__main__':
    main()
