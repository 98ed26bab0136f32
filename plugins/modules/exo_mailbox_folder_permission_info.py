#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_mailbox_folder_permission_info
short_description: Read every permission entry of a folder of Exchange Online mailboxes
version_added: 0.2.0
description:
  - Reads every entry of one folder - by default the calendar, whatever the mailbox's language
    calls it - of one mailbox by O(identity), several by O(mailboxes), or every mailbox an OPATH
    O(filter) selects, through C(Get-MailboxFolderPermission) - who has which rights, C(Default)
    and C(Anonymous) included, and the calendar delegate flags.
  - Many mailboxes are read ten to a request - the mailboxes, then where each one's folder is,
    then the folders' entries - so auditing a hundred calendars costs about thirty requests.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.info_attributes
options:
  identity:
    description:
      - One mailbox, in any identity form Exchange accepts (name, alias, UPN, SMTP address, GUID).
      - A mailbox that does not exist gives an empty RV(folder_permissions) list, not an error.
    type: str
  mailboxes:
    description:
      - Several mailboxes, in any identity form, read ten to a request.
      - RV(folder_permissions) holds them in the order given, each once; the identities that name
        no mailbox are listed in RV(not_found), not an error. An identity that matches more than one
        mailbox fails the task naming it.
    type: list
    elements: str
  filter:
    description:
      - An OPATH filter selecting the mailboxes, for example V(RecipientTypeDetails -eq 'RoomMailbox').
    type: str
  result_size:
    description:
      - The most mailboxes to read with O(filter) (or without any of O(identity), O(mailboxes) and
        O(filter), every mailbox of the organisation). By default every matching mailbox.
    type: int
  folder:
    description:
      - The folder, as M(mailops.exchange.exo_mailbox_folder_permission) takes it - a well-known
        folder whatever the mailbox's language calls it (V(calendar), V(contacts), V(inbox),
        V(sent_items), V(deleted_items), V(drafts), V(junk_email), V(outbox), V(notes), V(tasks),
        V(journal), V(archive)), optionally followed by subfolders (V(inbox/Projects)), or a path
        from the top of the mailbox (V(Projects/2026)).
    type: str
    default: calendar
notes:
  - O(identity) and O(mailboxes) cannot be combined with each other, O(filter) or O(result_size).
  - A folder that one of the mailboxes does not have fails the task, naming the folder and the mailbox.
seealso:
  - module: mailops.exchange.exo_mailbox_folder_permission
  - module: mailops.exchange.exo_mailbox_permission_info
"""

EXAMPLES = r"""
- name: Who can see the manager's calendar (Kalender in a German mailbox)
  mailops.exchange.exo_mailbox_folder_permission_info:
    identity: manager@contoso.com
  register: calendar

- name: Who can see each room's calendar
  mailops.exchange.exo_mailbox_folder_permission_info:
    filter: "RecipientTypeDetails -eq 'RoomMailbox'"
  register: rooms_audit

- name: The project folder below an inbox
  mailops.exchange.exo_mailbox_folder_permission_info:
    identity: alice@contoso.com
    folder: inbox/Projects
"""

RETURN = r"""
not_found:
  description: With O(mailboxes), the identities given that name no mailbox, in the order given.
  returned: with O(mailboxes)
  type: list
  elements: str
  sample: [ghost@contoso.com]
folder_permissions:
  description: One entry per mailbox, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    mailbox:
      description: The mailbox - its C(identity), C(display_name) and C(primary_smtp_address), as every module shows it.
      type: dict
      sample: {identity: jonas, display_name: Jonas Berg, primary_smtp_address: jonas@contoso.com}
    folder:
      description: The folder's path in the mailbox, in the mailbox's language.
      type: str
      sample: Kalender
    permissions:
      description: Every entry of the folder, in the order Exchange lists them.
      type: list
      elements: dict
      contains:
        user:
          description: Whose entry it is, as Exchange names it - a display name, or C(Default) or C(Anonymous).
          type: str
          sample: Alice Adams
        access_rights:
          description: The role (a list of one) or the individual rights, sorted, as M(mailops.exchange.exo_mailbox_folder_permission) shows them.
          type: list
          elements: str
          sample: [Editor]
        sharing_permission_flags:
          description: The calendar delegate flags, sorted; empty when there are none.
          type: list
          elements: str
          sample: [Delegate]
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.info import Listing, listing_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.folder_permissions import (
    flags_from_service, folder_identity, path_segments, pick_folder, rights_from_service, show_rights, split_folder)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import object_summary
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import INVALID_ARGUMENT, NOT_FOUND, ExchangeError


def _entry(row):
    return {'user': str(row.get('User') or ''), 'access_rights': show_rights(rights_from_service(row.get('AccessRights'))),
            'sharing_permission_flags': sorted(flags_from_service(row.get('SharingPermissionFlags')))}


class FolderPermissions(Listing):
    cmdlet = 'Get-Mailbox'
    key = 'folder_permissions'
    many = 'mailboxes'
    what = 'mailbox'
    options = {'folder': dict(type='str', default='calendar')}
    # The folder as split_folder gives it: (its well-known type or None, the path below it).
    where = (None, [])

    def read(self):
        try:
            self.where = split_folder(self.module.params['folder'])
        except ValueError as err:
            # A folder no mailbox can have fails before anything is read.
            raise ExchangeError(str(err), kind=INVALID_ARGUMENT) from None
        return super().read()

    def paths(self, addresses):
        """Each mailbox's folder as a path in its language: a well-known folder found by its type."""
        folder_type, segments = self.where
        if not folder_type:
            return [segments for unused in addresses]
        answers = self.module.invoke_all([('Get-MailboxFolderStatistics', {'Identity': address, 'FolderScope': folder_type})
                                          for address in addresses])
        paths = []
        for address, answer in zip(addresses, answers):
            picked = pick_folder(answer, folder_type) if not isinstance(answer, ExchangeError) else None
            if picked is None:
                raise answer if isinstance(answer, ExchangeError) else ExchangeError(
                    "folder: '%s': the mailbox %s has no %s folder" % (self.module.params['folder'], address, folder_type),
                    kind=INVALID_ARGUMENT)
            paths.append(path_segments(picked.get('FolderPath')) + segments)
        return paths

    def complete(self, rows):
        """Every mailbox's folder entries: the folders found, then read, ten to a request each."""
        addresses = [row.get('PrimarySmtpAddress') or row.get('Identity') for row in rows]
        paths = self.paths(addresses)
        answers = self.module.invoke_all([('Get-MailboxFolderPermission', {'Identity': folder_identity(address, path)})
                                          for address, path in zip(addresses, paths)])
        folders = []
        for row, address, path, answer in zip(rows, addresses, paths, answers):
            if isinstance(answer, ExchangeError):
                if answer.kind == NOT_FOUND:
                    raise ExchangeError("folder: '%s' was not found in the mailbox %s (looked for %s)"
                                        % (self.module.params['folder'], address, folder_identity(address, path)),
                                        kind=NOT_FOUND, exception_type=answer.exception_type)
                raise answer
            folders.append({'mailbox': object_summary(row), 'folder': '/'.join(path), 'permissions': [_entry(row) for row in answer]})
        return folders


def main():
    ExoModule(**listing_spec(FolderPermissions)).list_declared(FolderPermissions)


if __name__ == '__main__':
    main()
