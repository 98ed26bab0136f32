#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_trustee_access
short_description: Remove every access one person holds anywhere in Exchange Online
version_added: 0.2.0
description:
  - Finds and removes, for one trustee (a leaver, say), every Full Access and Send As entry and every
    Send on Behalf delegation they hold on any mailbox of the organisation, every distribution and
    mail-enabled security group they are a direct member of, and, for the mailboxes given in
    O(folder_mailboxes), their permission on every folder of the mailbox (or on the one O(folder)).
  - The organisation is read in requests, not in mailboxes where the service allows it - Send As
    with one C(Get-RecipientPermission -Trustee), Send on Behalf with one C(Get-Mailbox) filtered on
    C(GrantSendOnBehalfTo), group memberships with one C(Get-DistributionGroup) filtered on
    C(Members). Exchange Online has no organisation-wide Full Access read by trustee, so every
    mailbox is listed (1,000 to a page) and asked with C(Get-MailboxPermission -User), ten mailboxes
    to a request; see the performance guide for what that costs at 1,000 and 10,000 mailboxes.
  - Folder permissions have no read by trustee either, not even within one mailbox. Each of
    O(folder_mailboxes) costs one C(Get-MailboxFolderStatistics) and one
    C(Get-MailboxFolderPermission -User) per folder, all sent ten to a request - a mailbox of 30
    folders is about 3 requests.
  - Removals are sent ten to a request and are safe to repeat - an entry someone else removed
    meanwhile counts as removed. A second run finds nothing and sends no write.
  - In check mode the task reports everything it would remove and sends no write.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
  - mailops.exchange.exchange_online.bulk
  - mailops.exchange.bulk_results
options:
  trustee:
    description:
      - The person (or mail-enabled group) whose access is removed, in any identity form Exchange
        accepts (name, alias, UPN, SMTP address, GUID).
      - Required unless O(trustees) is given.
    type: str
    aliases: [identity]
  trustees:
    description:
      - Many trustees in one task (bulk mode). The mailboxes are listed once for all of them; each
        trustee costs its own reads of every mailbox's Full Access.
      - One trustee's failure does not stop or undo the others; the task fails at the end and lists
        every failed trustee with its reason (RV(results) holds each trustee's outcome).
    type: list
    elements: dict
    suboptions:
      trustee:
        description: As O(trustee).
        type: str
        required: true
        aliases: [identity]
      access:
        description: As O(access), for this trustee.
        type: list
        elements: str
        choices: [full_access, send_as, send_on_behalf, member_of, folder_permissions]
      folder_mailboxes:
        description: As O(folder_mailboxes), for this trustee.
        type: list
        elements: str
      folder:
        description: As O(folder), for this trustee.
        type: str
      state:
        description: As O(state).
        type: str
        choices: [absent]
      bypass_security_group_manager_check:
        description: As O(bypass_security_group_manager_check), for this trustee.
        type: bool
  access:
    description:
      - Which access to remove. V(member_of) is direct membership of distribution and mail-enabled
        security groups; V(folder_permissions) is the entry on every folder (or on O(folder)) of each of
        O(folder_mailboxes).
    type: list
    elements: str
    choices: [full_access, send_as, send_on_behalf, member_of, folder_permissions]
    default: [full_access, send_as, send_on_behalf, member_of, folder_permissions]
  folder_mailboxes:
    description:
      - The mailboxes on whose folders the trustee's permissions are removed (the mailboxes that
        delegated their calendar or shared a folder, say). Exchange has no organisation-wide read of
        folder permissions, so they are named here.
    type: list
    elements: str
    default: []
  folder:
    description:
      - Omitted, every folder of each of O(folder_mailboxes) a person can be given a permission
        on - the root (Top of Information Store), the default folders and the mailbox owner's own
        folders - is cleaned. The system folders C(Get-MailboxFolderStatistics) also lists
        (Recoverable Items, Sync Issues and the like) are not read.
      - Given, only that folder of each mailbox - a well-known name (V(calendar), V(inbox),
        V(contacts)...) found in the mailbox's own language, or a path such as V(Inbox/Projects).
    type: str
  state:
    description:
      - V(absent), the only state - the trustee holds none of the O(access) anywhere. Granting
        access is the work of M(mailops.exchange.exo_mailbox_permission) and the member modules.
    type: str
    choices: [absent]
    default: absent
  bypass_security_group_manager_check:
    description:
      - Pass C(-BypassSecurityGroupManagerCheck) when removing the trustee from a group, which
        Exchange requires for security groups the caller does not own.
    type: bool
    default: true
notes:
  - Only explicit entries are removed; inherited entries and entries of groups the trustee is a
    member of are not the trustee's own.
  - Microsoft 365 groups (C(Get-UnifiedGroup)) and dynamic distribution groups are not covered.
seealso:
  - module: mailops.exchange.exo_mailbox_permission
  - module: mailops.exchange.exo_distribution_group_member
  - module: mailops.exchange.exo_mailbox_folder_permission
"""

EXAMPLES = r"""
- name: What would a leaver lose, every folder of two mailboxes included (check mode lists it, nothing is sent)
  mailops.exchange.exo_trustee_access:
    trustee: dave@contoso.com
    folder_mailboxes: [alice@contoso.com, bob@contoso.com]
  check_mode: true
  register: dave_access

- name: The leaver holds no access anywhere
  mailops.exchange.exo_trustee_access:
    trustee: dave@contoso.com
    folder_mailboxes: [alice@contoso.com, bob@contoso.com]

- name: Only calendar delegations on a room's calendar
  mailops.exchange.exo_trustee_access:
    trustee: dave@contoso.com
    access: [folder_permissions]
    folder_mailboxes: [room-101@contoso.com]
    folder: calendar

- name: Two leavers, group memberships only
  mailops.exchange.exo_trustee_access:
    trustees:
      - trustee: dave@contoso.com
      - trustee: erin@contoso.com
    access: [member_of]
"""

RETURN = r"""
trustee:
  description:
    - The trustee and the access it holds after the task, by kind (in check mode, what it would
      hold); every kind O(access) names is empty after a successful run.
  returned: without O(trustees)
  type: dict
  contains:
    identity:
      description: The trustee's primary SMTP address (or name).
      type: str
      sample: dave@contoso.com
    display_name:
      description: The trustee's display name.
      type: str
      sample: Dave Davis
    primary_smtp_address:
      description: The trustee's primary SMTP address (empty for a trustee without one).
      type: str
      sample: dave@contoso.com
    full_access:
      description: The mailboxes the trustee has Full Access to.
      type: list
      elements: str
      sample: []
    send_as:
      description: The recipients the trustee may send as.
      type: list
      elements: str
      sample: []
    send_on_behalf:
      description: The mailboxes the trustee may send on behalf of.
      type: list
      elements: str
      sample: []
    member_of:
      description: The groups the trustee is a direct member of.
      type: list
      elements: str
      sample: []
    folder_permissions:
      description: The folders (C(mailbox:\\Folder\\Subfolder), C(mailbox:\\) for the root) the trustee has a permission on.
      type: list
      elements: str
      sample: []
changes:
  description:
    - For each kind of O(access), C(added) (always empty) and C(removed) - what was (or in check
      mode would be) removed.
  returned: without O(trustees)
  type: dict
  sample: {full_access: {added: [], removed: [alice@contoso.com]}, member_of: {added: [], removed: [all-staff@contoso.com]}}
results:
  description:
    - With O(trustees), one entry per trustee in the order given - RV(trustee), C(changes) and
      C(changed) as for a single trustee, or C(failed=true) with C(msg) and the error's C(error_kind).
  returned: with O(trustees)
  type: list
  elements: dict
concurrency:
  description:
    - The requests the task had in flight at once when it ended - with O(parallel=auto) what it
      settled at (it grows while the service answers and halves on throttling), with a number
      that number or fewer after throttling; never more than were in flight at once.
  returned: when the task sent requests to the service
  type: int
  sample: 12
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Prop, argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import NOT_FOUND, ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.folder_permissions import (
    folder_listing, held_entries, listed_folders, split_folder)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.groups import memberships_read
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.permissions import (
    every_mailbox, full_access_reads, held_reads, holds_full_access, removal_calls, trustees_from_rows)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import sorted_values
from ansible_collections.mailops.exchange.plugins.module_utils.engine.relation import WRITES, Relation

KINDS = ('full_access', 'send_as', 'send_on_behalf', 'member_of', 'folder_permissions')
# Removing what is already gone: Exchange's exception types (a Full Access, Send As or Send on
# Behalf removal of an absent entry is only a warning).
_GONE = ('MemberNotFoundException', 'UserNotFoundInPermissionEntryException')


def _places(rows, name='PrimarySmtpAddress'):
    return dict((str(row.get('Guid') or row.get('Identity')).lower(), row.get(name) or row.get('Identity')) for row in rows)


class TrusteeAccess(Relation):
    """What one trustee holds: one set per kind (mailboxes, groups, folders), each removed whole."""

    noun = 'Recipient'
    identity = 'trustee'
    identity_aliases = ('identity',)
    key = 'trustee'
    what = 'recipient'
    bulk = 'trustees'
    properties = tuple(Prop(kind, kind, view=sorted_values, when=WRITES) for kind in KINDS)
    options = dict(
        access=dict(type='list', elements='str', choices=list(KINDS), default=list(KINDS)),
        folder_mailboxes=dict(type='list', elements='str', default=[]),
        folder=dict(type='str'),
        state=dict(type='str', choices=['absent'], default='absent'),
        bypass_security_group_manager_check=dict(type='bool', default=True),
    )

    def check_input(self, entry, where):
        if not entry['access']:
            raise ValueError('%saccess: [] names nothing to remove; give one or more of %s' % (where, ', '.join(KINDS)))
        for mailbox in entry['folder_mailboxes']:
            if not isinstance(mailbox, str) or not mailbox.strip():
                raise ValueError('%sfolder_mailboxes: %r is not an identity' % (where, mailbox))
        if entry['folder'] is not None:
            split_folder(entry['folder'], where + 'folder')

    def prepare(self, engine, plans):
        """Every kind of every trustee read together: the organisation-wide reads, one Full Access
        read per mailbox, the folders' names; then each folder's entry of the trustee."""
        found = [plan for plan in plans if plan.row is not None]
        wanted = [(plan, kind) for plan in found for kind in plan.entry['access']]
        mailboxes = every_mailbox(self.module.runner) if any(kind == 'full_access' for unused, kind in wanted) else []
        reads = [self.reads(plan, kind, mailboxes) for plan, kind in wanted]
        answers = iter(self.module.invoke_all([call for unused, group in reads for call in group]))
        for (plan, kind), (places, group) in zip(wanted, reads):
            plan.row[kind] = self.held(plan, kind, places, [next(answers) for unused in group])
        pending = [plan for plan in found if isinstance(plan.row.get('folder_permissions'), list)]
        held = held_entries(self.module.invoke_all, [(plan.row['PrimarySmtpAddress'], plan.row['folder_permissions'], plan.entry['folder'] is None)
                                                     for plan in pending])
        for plan, folders in zip(pending, held):
            plan.row['folder_permissions'] = folders

    def reads(self, plan, kind, mailboxes):
        """The places one kind is read for (key -> shown, None: the answer names them) and its calls."""
        key = self.object_key(plan.row, None)
        if kind == 'full_access':
            places = dict((k, shown) for k, shown in mailboxes if k != key)
            return places, full_access_reads(list(places), key)
        if kind == 'member_of':
            return None, [memberships_read(plan.row['DistinguishedName'])]
        if kind == 'folder_permissions':
            return plan.entry['folder_mailboxes'], [folder_listing(mailbox, plan.entry['folder']) for mailbox in plan.entry['folder_mailboxes']]
        return None, [held_reads(plan.row)[kind]]

    def held(self, plan, kind, places, answers):
        """The set one kind's answers show (key -> shown), or the first error among them; a mailbox
        listed for Full Access and removed before its read (a long scan) holds nothing."""
        errors = [answer for answer in answers if isinstance(answer, ExchangeError)
                  and not (kind == 'full_access' and answer.kind == NOT_FOUND)]
        if errors:
            if kind == 'folder_permissions' and errors[0].kind == NOT_FOUND:
                return ExchangeError('%sfolder_mailboxes: %s; nothing was changed' % (plan.where, errors[0].message), kind=NOT_FOUND)
            return errors[0]
        if kind == 'full_access':
            return dict((k, shown) for (k, shown), rows in zip(places.items(), answers)
                        if not isinstance(rows, ExchangeError) and holds_full_access(rows))
        if kind == 'send_as':
            return _places([row for row in answers[0] if trustees_from_rows(None, kind, [row])], 'Identity')
        if kind == 'folder_permissions':
            # The folders to ask for the trustee's entry (see prepare), not yet what it holds.
            return [folder for mailbox, rows in zip(places, answers) for folder in listed_folders(mailbox, plan.entry['folder'], rows)]
        return _places(answers[0])

    def wanted(self, plan):
        """Every kind asked for, as it is held: with state absent, all of it is removed."""
        if plan.row is None:
            raise ExchangeError("%strustee: '%s' was not found; nothing was changed" % (plan.where, plan.identity), kind=NOT_FOUND)
        for kind in plan.entry['access']:
            if isinstance(plan.row[kind], ExchangeError):
                raise plan.row[kind]
        return dict((kind, plan.row[kind] if kind in plan.entry['access'] else None) for kind in KINDS)

    def writes(self, plan, key, changes):
        bypass = {'BypassSecurityGroupManagerCheck': True} if plan.entry['bypass_security_group_manager_check'] else {}
        calls = []
        for kind, change in sorted(plan.detail.items()):
            for place, shown in change.removed.items():
                if kind == 'member_of':
                    calls.append(('Remove-DistributionGroupMember', dict({'Identity': place, 'Member': key, 'Confirm': False}, **bypass)))
                elif kind == 'folder_permissions':
                    calls.append(('Remove-MailboxFolderPermission', {'Identity': shown, 'User': plan.row['PrimarySmtpAddress'],
                                                                     'Confirm': False}))
                else:
                    calls.extend(removal_calls(kind, shown if kind == 'send_as' else place, key))
        return [calls] if calls else []

    def write_error(self, call, err):
        """A removal of what is gone already (someone else's run, or a lost answer) is done."""
        return None if err.exception_type in _GONE or err.kind == NOT_FOUND else err

    def facts(self, row):
        return dict(super().facts(row), identity=row.get('PrimarySmtpAddress') or row.get('Identity'))


def main():
    exo = ExoModule(**argument_spec(TrusteeAccess))
    exo.run(lambda module: module.converge_declared(TrusteeAccess))


if __name__ == '__main__':
    main()
