#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: onprem_exchange_mailbox_permission
short_description: Full Access, Send As and Send on Behalf of on-premises and hybrid Exchange mailboxes
version_added: 0.2.0
description:
  - Grants and revokes the delegate permissions of mailboxes of an on-premises Exchange organisation
    over PowerShell remoting, as desired state, with the same sets, trustee rules and results as
    M(mailops.exchange.exo_mailbox_permission) - one mailbox per task, or many with O(mailboxes).
  - Full Access with C(Add-MailboxPermission)/C(Remove-MailboxPermission). Send As is an Active
    Directory extended right on premises - C(Add-ADPermission -ExtendedRights Send-As), read with
    C(Get-ADPermission) - not C(Add-RecipientPermission). Send on Behalf is the mailbox's
    C(GrantSendOnBehalfTo), changed with an Add/Remove table so other delegates stay.
  - Only explicit allow entries are managed; inherited and deny entries, C(NT AUTHORITY\\SELF) and
    bare SIDs are never reported or changed.
  - With O(infrastructure=hybrid) the mailbox is a remote mailbox (its mailbox is in Exchange Online).
    Send As is written on its on-premises AD object, for senders whose mailbox is on premises;
    Microsoft documents that Send As is not synchronised, so senders in Exchange Online need it in
    Exchange Online too (M(mailops.exchange.exo_mailbox_permission)). Send on Behalf is written on
    premises (C(Set-RemoteMailbox)), from where directory synchronisation carries it. Full Access of a
    remote mailbox is in Exchange Online only, so O(full_access) fails in hybrid.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_onprem
  - mailops.exchange.exchange_onprem.attributes
  - mailops.exchange.exchange_onprem.bulk
  - mailops.exchange.bulk_results
options:
  mailbox:
    description:
      - The mailbox whose permissions are managed, in any form Exchange accepts (name, alias, UPN,
        SMTP address, C(DOMAIN\\sAMAccountName), GUID). Give O(mailbox) or O(mailboxes).
    type: str
  mailboxes:
    description:
      - Many mailboxes in one task (bulk mode), each entry with C(mailbox) and any of the per-mailbox
        options below; options it leaves out take the task's value. Every mailbox and trustee is read
        and checked before the first change; one mailbox's failure does not stop the others.
    type: list
    elements: dict
    suboptions:
      mailbox:
        description: As O(mailbox).
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
      infrastructure:
        description: The task's O(infrastructure); an entry that names another one fails.
        type: str
        choices: [onpremises, hybrid]
  infrastructure:
    description:
      - V(onpremises) for a mailbox on an on-premises database, V(hybrid) for a remote mailbox.
    type: str
    choices: [onpremises, hybrid]
    default: onpremises
  full_access:
    description:
      - Trustees (Active Directory users, in any form C(Get-User) takes) with Full Access. On-premises
        mailboxes only.
    type: list
    elements: str
  send_as:
    description:
      - Trustees with the Send-As extended right on the mailbox's AD object.
    type: list
    elements: str
  send_on_behalf:
    description:
      - Trustees in the mailbox's C(GrantSendOnBehalfTo).
    type: list
    elements: str
  automapping:
    description:
      - Whether Outlook adds a mailbox the trustee gets Full Access to by itself. Only for new grants.
    type: bool
    default: true
  state:
    description:
      - V(present) grants the trustees named, V(absent) revokes them.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With V(true) the trustees named are the only ones of each kind given; the others are revoked.
        Not with O(state=absent).
    type: bool
    default: false
notes:
  - The trustee lists follow the collection's C(state) + C(exclusive) convention for multi-valued options.
seealso:
  - module: mailops.exchange.exo_mailbox_permission
  - module: mailops.exchange.onprem_exchange_mailbox
"""

EXAMPLES = r"""
- name: The service desk reads the shared mailbox and sends as it
  mailops.exchange.onprem_exchange_mailbox_permission:
    mailbox: servicedesk@contoso.com
    full_access: [erin@contoso.com, CONTOSO\frank]
    send_as: [erin@contoso.com]
    automapping: false

- name: Exactly these delegates may send on behalf of a remote mailbox
  mailops.exchange.onprem_exchange_mailbox_permission:
    mailbox: ceo@contoso.com
    infrastructure: hybrid
    send_on_behalf: [assistant@contoso.com]
    exclusive: true

- name: A leaver's access taken away from several mailboxes
  mailops.exchange.onprem_exchange_mailbox_permission:
    mailboxes:
      - {mailbox: sales@contoso.com}
      - {mailbox: servicedesk@contoso.com}
    full_access: [leaver@contoso.com]
    send_as: [leaver@contoso.com]
    state: absent
"""

RETURN = r"""
mailbox:
  description: The mailbox whose permissions these are.
  returned: with O(mailbox)
  type: dict
  contains:
    identity:
      description: Its identity as Exchange shows it.
      type: str
    display_name:
      description: Its display name.
      type: str
    primary_smtp_address:
      description: Its primary SMTP address.
      type: str
  sample:
    identity: contoso.local/Users/Service Desk
    display_name: Service Desk
    primary_smtp_address: servicedesk@contoso.com
permission:
  description:
    - The mailbox (as RV(mailbox)) and the trustees of each kind the task names after it, as user principal names (a trustee that is
      no Active Directory user, such as a security group, as Exchange spells it), sorted.
    - In check mode, what they would be.
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
      description: Trustees with the Send-As extended right.
      type: list
      elements: str
      returned: when O(send_as) is given
    send_on_behalf:
      description: Trustees with Send on Behalf.
      type: list
      elements: str
      returned: when O(send_on_behalf) is given
  sample:
    mailbox: {identity: contoso.local/Users/Service Desk, display_name: Service Desk, primary_smtp_address: servicedesk@contoso.com}
    full_access: [erin@contoso.com, frank@contoso.com]
    send_as: [erin@contoso.com]
changes:
  description: What was (or in check mode would be) granted and revoked, per kind.
  returned: with O(mailbox)
  type: dict
  sample:
    full_access: {added: [frank@contoso.com], removed: []}
results:
  description:
    - With O(mailboxes), one entry per mailbox in the order given - RV(mailbox), RV(permission),
      RV(changes) and C(changed) as for a single mailbox, or C(failed=true) with C(msg) and the
      error's C(error_kind).
  returned: with O(mailboxes)
  type: list
  elements: dict
  sample:
    - key: sales@contoso.com
      mailbox: {identity: contoso.local/Users/Sales, display_name: Sales, primary_smtp_address: sales@contoso.com}
      changed: true
      failed: false
      permission: {mailbox: {identity: contoso.local/Users/Sales, display_name: Sales, primary_smtp_address: sales@contoso.com}, full_access: []}
      changes: {full_access: {added: [], removed: [leaver@contoso.com]}}
concurrency:
  description:
    - The calls the task had in flight at once when it ended (pipelines on the runspace pool) -
      O(parallel), or fewer after WinRM refused pipelines for quota.
  returned: when the task sent calls to the server
  type: int
  sample: 4
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Prop, argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.onprem_module import OnPremModule
from ansible_collections.mailops.exchange.plugins.module_utils.engine.relation import WRITES, Relation, check_entry
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.onprem_permissions import (
    Directory,
    check_kinds,
    delegates_change,
    kinds,
    permission_calls,
    permission_read,
    trustees_from_rows,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import object_summary
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import sorted_values
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError

TRUSTEES = dict(type='list', elements='str')


class Permissions(Relation):
    """A mailbox's Full Access, Send As and Send on Behalf trustees, each a set: the first two
    written by Add-/Remove- calls, the third by Set-(Remote)Mailbox's Add/Remove table."""

    identity = 'mailbox'
    key = 'permission'
    what = 'mailbox'
    bulk = 'mailboxes'
    write_switches = {'Confirm': False}
    options = dict(
        infrastructure=dict(type='str', default='onpremises', choices=['onpremises', 'hybrid']),
        automapping=dict(type='bool', default=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        exclusive=dict(type='bool', default=False),
    )
    properties = (
        Prop('full_access', 'FullAccess', view=sorted_values, when=WRITES, spec=TRUSTEES),
        Prop('send_as', 'SendAs', view=sorted_values, when=WRITES, spec=TRUSTEES),
        Prop('send_on_behalf', 'GrantSendOnBehalfTo', view=sorted_values, wire=delegates_change, spec=TRUSTEES),
    )

    def __init__(self, module):
        super().__init__(module)
        self.hybrid = module.params['infrastructure'] == 'hybrid'
        self.noun = 'RemoteMailbox' if self.hybrid else 'Mailbox'
        self.directory = Directory(module.invoke_all)

    def check_input(self, entry, where):
        if entry['infrastructure'] != self.module.params['infrastructure']:
            raise ValueError("%sinfrastructure: '%s' differs from the task's '%s'; one task manages one infrastructure"
                             % (where, entry['infrastructure'], self.module.params['infrastructure']))
        check_entry(entry, where, 'mailbox', 'trustees')
        check_kinds(entry, self.hybrid, where)

    def prepare(self, engine, plans):
        """Each mailbox's trustees of the kinds its entry names, read together; then every trustee
        spelling read or asked for, looked up with Get-User together."""
        reads = [(plan, kind) for plan in plans if plan.row is not None for kind in kinds(plan.entry)
                 if permission_read(kind, self.object_key(plan.row, plan.identity))]
        answers = self.module.invoke_all([permission_read(kind, self.object_key(plan.row, plan.identity)) for plan, kind in reads])
        found = dict(((id(plan), kind), answer) for (plan, kind), answer in zip(reads, answers))
        read = {}
        for plan in plans:
            for kind in kinds(plan.entry) if plan.row is not None else ():
                rows = found.get((id(plan), kind), ())
                read[id(plan), kind] = rows if isinstance(rows, ExchangeError) else trustees_from_rows(kind, rows, plan.row)
        self.directory.prefetch([name for names in read.values() if not isinstance(names, ExchangeError) for name in names]
                                + [name for plan in plans for kind in kinds(plan.entry) for name in plan.entry[kind]])
        for plan in plans:
            if plan.row is not None:
                plan.row = dict(plan.row, **dict((prop.parameter, read[id(plan), prop.option] if isinstance(
                    read[id(plan), prop.option], ExchangeError) else self.directory.current(read[id(plan), prop.option]))
                    for prop in self.properties if prop.option in kinds(plan.entry)))

    def wanted(self, plan):
        if plan.row is None and not self.module.check_mode:
            return {}
        for error in [value for value in (plan.row or {}).values() if isinstance(value, ExchangeError)]:
            raise error
        return dict((kind, self.directory.resolve(kind, plan.entry[kind], plan.where)) for kind in kinds(plan.entry))

    def new_object(self, plan):
        return {'PrimarySmtpAddress': plan.identity}

    def writes(self, plan, key, changes):
        calls = [call for kind in ('full_access', 'send_as') if plan.detail.get(kind)
                 for call in permission_calls(key, kind, plan.detail[kind], plan.entry['automapping'])]
        return [calls] if calls else []

    def present(self, facts, row):
        mailbox = object_summary(row)
        return {'mailbox': mailbox, 'permission': dict(facts, mailbox=mailbox)}


def main():
    module = OnPremModule(**argument_spec(Permissions))
    module.run(lambda m: m.converge_declared(Permissions))


if __name__ == '__main__':
    main()
