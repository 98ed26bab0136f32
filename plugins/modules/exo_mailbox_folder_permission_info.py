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
    calls it - of one mailbox or many, through C(Get-MailboxFolderPermission) - who has which
    rights, C(Default) and C(Anonymous) included, and the calendar delegate flags.
  - Many mailboxes are read ten to a request - first each mailbox and where its folder is, then
    the folders' entries - so auditing a hundred calendars costs about twenty requests.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.info_attributes
options:
  mailbox:
    description:
      - The mailbox, in any identity form Exchange accepts (name, alias, UPN, SMTP address, GUID).
        A mailbox that does not exist fails the task.
      - Give O(mailbox) or O(mailboxes).
    type: str
    aliases: [identity]
  mailboxes:
    description:
      - Many mailboxes. RV(folder_permissions) holds them in the order given, each once; the
        identities that name no mailbox are listed in RV(not_found), not an error. An identity that
        matches more than one mailbox fails the task naming it.
    type: list
    elements: str
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
  - A folder that one of the mailboxes does not have fails the task, naming the folder and the mailbox.
seealso:
  - module: mailops.exchange.exo_mailbox_folder_permission
  - module: mailops.exchange.exo_mailbox_permission_info
"""

EXAMPLES = r"""
- name: Who can see the manager's calendar (Kalender in a German mailbox)
  mailops.exchange.exo_mailbox_folder_permission_info:
    mailbox: manager@contoso.com
  register: calendar

- name: Every room calendar that anyone can read in full
  mailops.exchange.exo_mailbox_folder_permission_info:
    mailboxes: "{{ rooms }}"
  register: rooms_audit

- name: The project folder below an inbox
  mailops.exchange.exo_mailbox_folder_permission_info:
    mailbox: alice@contoso.com
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
      description: The mailbox, as its primary SMTP address.
      type: str
      sample: jonas@contoso.com
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

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import one_row
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import INVALID_ARGUMENT, NOT_FOUND, ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.folder_permissions import (
    FolderPermissionError, flags_from_service, folder_identity, path_segments, pick_folder, rights_from_service,
    show_rights, split_folder)
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import check_identities


def _entry(row):
    return {'user': str(row.get('User') or ''), 'access_rights': show_rights(rights_from_service(row.get('AccessRights'))),
            'sharing_permission_flags': sorted(flags_from_service(row.get('SharingPermissionFlags')))}


def _locate(exo, option, identities, folder_type, segments):
    """Each mailbox's row and its folder's path, read together ten to a request; the identities
    that name no mailbox apart. A mailbox named twice is kept once."""
    per = 2 if folder_type else 1
    answers = exo.invoke_all([call for identity in identities for call in (
        [('Get-Mailbox', {'Identity': identity})]
        + ([('Get-MailboxFolderStatistics', {'Identity': identity, 'FolderScope': folder_type})] if folder_type else []))])
    located, missing, seen = [], [], set()
    for index, identity in enumerate(identities):
        row = one_row(answers[index * per], option, identity, 'mailbox')
        if row is None:
            missing.append(identity)
            continue
        if str(row.get('Guid')).lower() in seen:
            continue
        seen.add(str(row.get('Guid')).lower())
        address = row.get('PrimarySmtpAddress') or row.get('Identity')
        base = []
        if folder_type:
            stats = answers[index * per + 1]
            if isinstance(stats, ExchangeError):
                raise stats
            picked = pick_folder(stats, folder_type)
            if picked is None:
                raise ExchangeError("folder: '%s': the mailbox %s has no %s folder" % (exo.params['folder'], address, folder_type),
                                    kind=INVALID_ARGUMENT)
            base = path_segments(picked.get('FolderPath'))
        located.append((address, base + segments))
    return located, missing


def read(exo):
    params = exo.params
    option = 'mailbox' if params['mailbox'] is not None else 'mailboxes'
    identities = [params['mailbox']] if option == 'mailbox' else params['mailboxes']
    check_identities(option, identities)
    try:
        folder_type, segments = split_folder(params['folder'])
    except FolderPermissionError as err:
        exo.fail(str(err))
    located, missing = _locate(exo, option, identities, folder_type, segments)
    if option == 'mailbox' and missing:
        raise ExchangeError("mailbox: '%s' was not found" % params['mailbox'], kind=NOT_FOUND)
    answers = exo.invoke_all([('Get-MailboxFolderPermission', {'Identity': folder_identity(address, path)})
                              for address, path in located])
    folders = []
    for (address, path), answer in zip(located, answers):
        if isinstance(answer, ExchangeError):
            if answer.kind == NOT_FOUND:
                raise ExchangeError("folder: '%s' was not found in the mailbox %s (looked for %s)"
                                    % (params['folder'], address, folder_identity(address, path)), kind=NOT_FOUND,
                                    exception_type=answer.exception_type)
            raise answer
        folders.append({'mailbox': address, 'folder': '/'.join(path), 'permissions': [_entry(row) for row in answer]})
    result = dict(changed=False, folder_permissions=folders)
    if option == 'mailboxes':
        result['not_found'] = missing
    return result


def main():
    exo = ExoModule(
        argument_spec=dict(
            mailbox=dict(type='str', aliases=['identity']),
            mailboxes=dict(type='list', elements='str'),
            folder=dict(type='str', default='calendar'),
        ),
        mutually_exclusive=[('mailbox', 'mailboxes')],
        required_one_of=[('mailbox', 'mailboxes')],
    )
    exo.run(read)


if __name__ == '__main__':
    main()
