#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_mailbox_permission
short_description: Grant or revoke Full Access, Send As and Send on Behalf on an Exchange Online mailbox
version_added: 0.1.0
description:
  - Manages the three delegate permissions of one mailbox as desired state. C(FullAccess) through
    C(Get/Add/Remove-MailboxPermission), C(SendAs) through C(Get/Add/Remove-RecipientPermission),
    and Send on Behalf through the mailbox's C(GrantSendOnBehalfTo) list.
  - Only the kinds whose option is given are read and managed; the others are left alone.
  - Every trustee is resolved to one recipient before anything is compared or changed, so a name,
    an alias, any SMTP address, the UPN and the GUID of one person are the same trustee. An unknown
    or ambiguous trustee fails the task before the first write.
  - Inherited entries, deny entries, C(NT AUTHORITY\SELF) and entries shown as a SID
    (C(S-1-5-...)) are never changed, not even with O(exclusive=true).
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
  - mailops.exchange.exchange_online.bulk
  - mailops.exchange.bulk_results
options:
  mailbox:
    description:
      - The mailbox whose permissions are managed, in any identity form Exchange accepts
        (name, alias, UPN, SMTP address, GUID).
      - Give O(mailbox) or O(mailboxes).
    type: str
  mailboxes:
    description:
      - Many mailboxes in one task (bulk mode), converged inside one module run that shares one
        token, one connection pool and one trustee lookup.
      - Everything is read before anything is written, in a few requests rather than several per
        mailbox - more than ten mailboxes, and the trustees, are looked for in the organisation-wide
        C(Get-Mailbox) and C(Get-Recipient) pages of 1,000 (never more pages than reading them ten
        to a C($batch) would cost); Send As is read organisation-wide when that is cheaper; Full
        Access ten mailboxes to a C($batch). A converged run of 1,000 mailboxes costs about a
        hundred requests.
      - The writes go ten to a C($batch) request, each write's outcome reported for its own
        mailbox; they are all safe to repeat.
      - Each entry names a mailbox and may set any of the per-mailbox options below; options it
        leaves out take the task's value (for example O(state) or O(exclusive)).
      - One mailbox's failure does not stop or undo the others; the task fails at the end and
        lists every failed mailbox with its reason (RV(results) holds each mailbox's outcome).
      - Prefer it to C(loop) for more than a handful of mailboxes - a looped task pays Ansible's
        per-item start-up and a token cache read for every item, and works on one item at a time.
    type: list
    elements: dict
    suboptions:
      mailbox:
        description: The mailbox, in any identity form.
        type: str
        required: true
      full_access:
        description: As O(full_access), for this mailbox.
        type: list
        elements: str
      send_as:
        description: As O(send_as), for this mailbox.
        type: list
        elements: str
      send_on_behalf:
        description: As O(send_on_behalf), for this mailbox.
        type: list
        elements: str
      automapping:
        description: As O(automapping), for this mailbox.
        type: bool
      state:
        description: As O(state), for this mailbox.
        type: str
        choices: [present, absent]
      exclusive:
        description: As O(exclusive), for this mailbox.
        type: bool
  full_access:
    description:
      - Trustees with Full Access (C(FullAccess), inheritance C(All)) to the mailbox.
    type: list
    elements: str
  send_as:
    description:
      - Trustees allowed to send as the mailbox (C(SendAs)).
    type: list
    elements: str
  send_on_behalf:
    description:
      - Trustees allowed to send on behalf of the mailbox (C(GrantSendOnBehalfTo)).
    type: list
    elements: str
  automapping:
    description:
      - Whether Outlook adds the mailbox automatically for trustees who are granted Full Access.
      - Applies when an entry is added; Exchange does not report it for existing entries, so
        changing it does not re-create entries that are already there.
    type: bool
    default: true
  state:
    description:
      - V(present) grants the listed trustees; V(absent) revokes them.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), also revoke every explicit entry of the given kinds whose trustee is
        not listed. An empty list with O(exclusive=true) revokes every explicit entry of that kind.
      - Not allowed with O(state=absent).
    type: bool
    default: false
notes:
  - The multi-valued options follow the collection's C(state) + C(exclusive) convention.
  - Exchange Online allows at most 500 explicit access control entries per mailbox.
seealso:
  - module: mailops.exchange.exo_mailbox_info
"""

EXAMPLES = r"""
- name: Give the sales team access to the Sales shared mailbox
  mailops.exchange.exo_mailbox_permission:
    mailbox: sales@contoso.com
    full_access:
      - alice@contoso.com
      - bob@contoso.com
    send_as:
      - alice@contoso.com
    send_on_behalf:
      - carol@contoso.com

- name: Make exactly these people the Full Access delegates, revoking everyone else
  mailops.exchange.exo_mailbox_permission:
    mailbox: sales
    full_access: [alice, bob]
    exclusive: true

- name: Revoke a leaver's access without touching the other delegates
  mailops.exchange.exo_mailbox_permission:
    mailbox: sales@contoso.com
    full_access: [dave@contoso.com]
    send_as: [dave@contoso.com]
    send_on_behalf: [dave@contoso.com]
    state: absent

- name: Converge the delegates of many shared mailboxes in one task
  mailops.exchange.exo_mailbox_permission:
    mailboxes:
      - mailbox: sales@contoso.com
        full_access: [alice@contoso.com, bob@contoso.com]
        send_as: [alice@contoso.com]
      - mailbox: support@contoso.com
        full_access: [carol@contoso.com]
        send_on_behalf: [dave@contoso.com]
    exclusive: true
    parallel: 4

- name: Connection options usually come from module_defaults or the environment
  module_defaults:
    group/mailops.exchange.exchange_online:
      tenant_id: "{{ exo_tenant_id }}"
      client_id: "{{ exo_client_id }}"
      client_certificate_path: /etc/mailops/exo-app.pem
      organization: contoso.onmicrosoft.com
  block:
    - name: Grant Full Access without Outlook automapping
      mailops.exchange.exo_mailbox_permission:
        mailbox: support@contoso.com
        full_access: [bob@contoso.com]
        automapping: false
"""

RETURN = r"""
mailbox:
  description:
    - The mailbox, as every module shows the object it manages - its C(identity), C(display_name) and
      C(primary_smtp_address).
  returned: with O(mailbox)
  type: dict
  sample: {identity: sales, display_name: Sales, primary_smtp_address: sales@contoso.com}
results:
  description:
    - With O(mailboxes), one entry per mailbox in the order given - RV(mailbox), RV(permission),
      RV(changes) and C(changed) as for a single mailbox, or C(failed=true) with C(msg) and
      the error's C(error_kind).
  returned: with O(mailboxes)
  type: list
  elements: dict
  sample:
    - key: sales@contoso.com
      mailbox: {identity: sales, display_name: Sales, primary_smtp_address: sales@contoso.com}
      changed: true
      failed: false
      permission:
        mailbox: {identity: sales, display_name: Sales, primary_smtp_address: sales@contoso.com}
        full_access: [alice@contoso.com, bob@contoso.com]
      changes: {full_access: {added: [bob@contoso.com], removed: []}}
    - key: ghost@contoso.com
      failed: true
      error_kind: not_found
      msg: "mailbox: 'ghost@contoso.com' was not found; nothing was changed"
permission:
  description:
    - The mailbox and the trustees of each managed kind after the task, as primary SMTP addresses,
      sorted; in check mode, what they would be. An element of
      RV(mailops.exchange.exo_mailbox_permission_info#module:permissions) has the same shape.
    - Only the kinds whose option was given are present.
  returned: with O(mailbox)
  type: dict
  contains:
    mailbox:
      description: The mailbox, as RV(mailbox).
      type: dict
      returned: always
    full_access:
      description: Trustees with explicit Full Access.
      type: list
      elements: str
      returned: when O(full_access) is given
    send_as:
      description: Trustees with Send As.
      type: list
      elements: str
      returned: when O(send_as) is given
    send_on_behalf:
      description: Trustees with Send on Behalf.
      type: list
      elements: str
      returned: when O(send_on_behalf) is given
  sample:
    mailbox: {identity: sales, display_name: Sales, primary_smtp_address: sales@contoso.com}
    full_access: [alice@contoso.com, bob@contoso.com]
    send_as: [alice@contoso.com]
changes:
  description: What was (or in check mode would be) granted and revoked, per kind.
  returned: with O(mailbox)
  type: dict
  sample:
    full_access:
      added: [bob@contoso.com]
      removed: []
concurrency:
  description:
    - The requests the task had in flight at once when it ended - with O(parallel=auto) what it
      settled at (it grows while the service answers and halves on throttling), with a number
      that number or fewer after throttling; never more than were in flight at once.
  returned: when the task sent requests to the service
  type: int
  sample: 12
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.bulk import PARALLEL_SPEC, RESULTS_SPEC, check_parallel, merge_entries
from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Prop
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.permissions import (
    KINDS, MAX_EXPLICIT_ACES, SendAsRead, permission_writes, read_all_trustees, read_mailboxes, remember_mailboxes, send_on_behalf_change,
    trustee_map)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import sorted_values
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import (
    IdentityError, RecipientResolver, check_identities, object_summary, recipient_key)
from ansible_collections.mailops.exchange.plugins.module_utils.engine.relation import WRITES, Relation, check_entry as check_relation


def check_entry(entry, where):
    check_relation(entry, where, 'mailbox', 'trustees')


def kinds(entry):
    return [kind for kind in KINDS if entry.get(kind) is not None]


class Permissions(Relation):
    """A mailbox's Full Access, Send As and Send on Behalf trustees: each a set, the first two
    written by Add-/Remove- calls, the third by Set-Mailbox's Add/Remove table."""

    noun = 'Mailbox'
    identity = 'mailbox'
    key = 'permission'
    what = 'recipient'
    properties = (
        Prop('full_access', 'FullAccess', view=sorted_values, when=WRITES),
        Prop('send_as', 'SendAs', view=sorted_values, when=WRITES),
        Prop('send_on_behalf', 'GrantSendOnBehalfTo', view=sorted_values, wire=send_on_behalf_change),
    )

    def __init__(self, module):
        super().__init__(module)
        self.resolver = RecipientResolver(module.invoke, module.warn if module.check_mode else None)
        self.org_size = self.send_as_read = None

    def check_input(self, entry, where):
        if not kinds(entry):
            raise IdentityError("give at least one of full_access, send_as, send_on_behalf for mailbox '%s'"
                                % entry['mailbox'], kind='invalid_argument')
        for kind in kinds(entry):
            check_identities(kind, entry[kind])

    def read_answers(self, plans):
        """The mailboxes from an organisation-wide page when that is cheaper, else ten to a request;
        with many Send As entries, the organisation-wide Send As read starts beside them."""
        self.send_as_read = SendAsRead.speculative(self.module.runner, sum('send_as' in kinds(plan.entry) for plan in plans))
        rows, self.org_size = read_mailboxes(self.module.runner, [plan.identity for plan in plans], self.module.parallel)
        return [rows[plan.identity] if isinstance(rows[plan.identity], ExchangeError) else [rows[plan.identity]]
                for plan in plans]

    def object_key(self, row, identity):
        return recipient_key(row) if row else identity

    def prepare(self, engine, plans):
        """Every mailbox's trustees of the kinds its entries name, read in bulk, and every trustee
        named or found looked up in one go."""
        found = [plan for plan in plans if plan.row is not None]
        wanted = remember_mailboxes(self.resolver, found, kinds)
        asked = [name for plan in plans if plan.row is not None or self.module.check_mode
                 for kind in kinds(plan.entry) for name in plan.entry[kind]]
        trustees = read_all_trustees(self.module.runner, self.resolver, wanted, self.module.parallel,
                                     self.org_size, also=asked, send_as_read=self.send_as_read)
        for plan in found:
            read = trustees[self.object_key(plan.row, None)]
            plan.row.update((prop.parameter, read[prop.option] if isinstance(read[prop.option], ExchangeError)
                             else trustee_map(self.resolver, read[prop.option])) for prop in self.properties if prop.option in kinds(plan.entry))

    def wanted(self, plan):
        if plan.row is None and not self.module.check_mode:
            return {}
        for error in [value for value in (plan.row or {}).values() if isinstance(value, ExchangeError)]:
            raise error
        return dict((kind, dict((key, recipient.shown) for key, recipient
                                in self.resolver.resolve_all(kind, plan.entry[kind], plan.row is None).items()))
                    for kind in kinds(plan.entry))

    def new_object(self, plan):
        return {'PrimarySmtpAddress': plan.identity}

    def validate(self, plan, changes):
        full_access = plan.detail.get('full_access')
        if full_access and full_access.added and len(full_access.after()) > MAX_EXPLICIT_ACES:
            # Exchange refuses the entry past the limit, after granting the ones before it.
            return ("full_access: %d trustees would leave '%s' with %d explicit entries, more than Exchange Online's "
                    'limit of %d' % (len(full_access.added), (plan.row or {}).get('PrimarySmtpAddress', plan.identity),
                                     len(full_access.after()), MAX_EXPLICIT_ACES))
        return None

    def writes(self, plan, key, changes):
        calls = [call for kind in ('full_access', 'send_as') if plan.detail.get(kind)
                 for call in permission_writes(key, kind, plan.detail[kind], plan.entry['automapping'])]
        return [calls] if calls else []

    def present(self, facts, row):
        mailbox = object_summary(row)
        return {'mailbox': mailbox, 'permission': dict(facts, mailbox=mailbox)}

    def diff_name(self, result):
        return result['mailbox']['primary_smtp_address']


def main():
    options = dict(
        full_access=dict(type='list', elements='str'),
        send_as=dict(type='list', elements='str'),
        send_on_behalf=dict(type='list', elements='str'),
        automapping=dict(type='bool'),
        state=dict(type='str', choices=['present', 'absent']),
        exclusive=dict(type='bool'),
    )
    # The task's values are each entry's defaults; an entry gives its own or None.
    defaults = dict(automapping=True, state='present', exclusive=False)
    exo = ExoModule(
        argument_spec=dict(
            dict((option, dict(spec, default=defaults.get(option))) for option, spec in options.items()),
            mailbox=dict(type='str'),
            mailboxes=dict(type='list', elements='dict', options=dict(options, mailbox=dict(type='str', required=True))),
            parallel=dict(PARALLEL_SPEC),
            results=dict(RESULTS_SPEC),
        ),
        required_one_of=[('mailbox', 'mailboxes')],
        mutually_exclusive=[('mailbox', 'mailboxes')],
    )
    params = exo.params
    entries = None
    try:
        check_parallel(params['parallel'])
        if params['mailbox'] is not None:
            check_entry(params, '')
            if not kinds(params):
                raise ValueError('one of the following is required: full_access, send_as, send_on_behalf')
        else:
            entries = merge_entries(params['mailboxes'], dict((option, params[option]) for option in options))
            for index, entry in enumerate(entries):
                check_entry(entry, 'mailboxes[%d].' % index)
    except ValueError as exc:
        exo.fail(str(exc))
    exo.run(lambda module: module.converge(Permissions, entries, 'mailboxes'))


if __name__ == '__main__':
    main()
