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
options:
  mailbox:
    description:
      - The mailbox whose permissions are managed, in any identity form Exchange accepts
        (name, alias, UPN, SMTP address, GUID).
    type: str
    required: true
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
  description: The mailbox, as its primary SMTP address.
  returned: always
  type: str
  sample: sales@contoso.com
permissions:
  description:
    - The trustees of each managed kind after the task, as primary SMTP addresses, sorted.
    - In check mode, what they would be.
    - Only the kinds whose option was given are present.
  returned: always
  type: dict
  contains:
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
    full_access: [alice@contoso.com, bob@contoso.com]
    send_as: [alice@contoso.com]
changes:
  description: What was (or in check mode would be) granted and revoked, per kind.
  returned: always
  type: dict
  sample:
    full_access:
      added: [bob@contoso.com]
      removed: []
"""

from ansible_collections.mailops.exchange.plugins.module_utils.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.permissions import (
    KINDS,
    read_permissions,
    trustee_id,
)
from ansible_collections.mailops.exchange.plugins.module_utils.reconcile import (
    apply_plan,
    build_diff,
    plan_set,
    sorted_values,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients import (
    RecipientResolver,
    check_identities,
)


class Plan(object):
    """The current trustees of one kind and what to add and remove."""

    def __init__(self, current, to_add, to_remove):
        self.current = current
        self.to_add = to_add
        self.to_remove = to_remove
        self.changes = bool(to_add or to_remove)
        self.after = apply_plan(current, to_add, to_remove)


class MailboxPermissions(object):
    """Reads, plans and applies the delegate permissions of one mailbox."""

    def __init__(self, exo):
        self.exo = exo
        self.resolver = RecipientResolver(exo.invoke)
        self.mailbox = None

    def read_mailbox(self, identity):
        try:
            rows = self.exo.invoke('Get-Mailbox', {'Identity': identity})
        except ExchangeError as err:
            if err.kind == 'not_found':
                self.exo.fail("mailbox: '%s' was not found; nothing was changed" % identity,
                              error={'kind': err.kind, 'exception_type': err.exception_type})
            if err.kind == 'ambiguous':
                self.exo.fail("mailbox: '%s' matches more than one recipient; give its SMTP "
                              "address or GUID; nothing was changed" % identity,
                              error={'kind': err.kind, 'exception_type': err.exception_type})
            raise
        self.mailbox = self.resolver.remember(rows[0])
        return self.mailbox

    def read(self, kind):
        return read_permissions(self.exo.invoke, self.resolver, self.mailbox, kind)

    def apply(self, kind, to_add, to_remove, automapping):
        mailbox = self.mailbox.key
        if kind == 'send_on_behalf':
            change = {'@odata.type': '#Exchange.GenericHashTable'}
            if to_add:
                change['Add'] = [trustee_id(k, v) for k, v in to_add.items()]
            if to_remove:
                change['Remove'] = [trustee_id(k, v) for k, v in to_remove.items()]
            self.exo.invoke('Set-Mailbox', {'Identity': mailbox, 'GrantSendOnBehalfTo': change},
                            idempotent=True)
            return
        if kind == 'full_access':
            cmdlet, trustee_param, rights = 'MailboxPermission', 'User', 'FullAccess'
            extra_add = {'InheritanceType': 'All', 'AutoMapping': automapping}
            extra_remove = {'InheritanceType': 'All'}
        else:
            cmdlet, trustee_param, rights = 'RecipientPermission', 'Trustee', 'SendAs'
            extra_add = extra_remove = {}
        for key, shown in to_add.items():
            params = {'Identity': mailbox, trustee_param: trustee_id(key, shown),
                      'AccessRights': [rights], 'Confirm': False}
            params.update(extra_add)
            self.exo.invoke('Add-' + cmdlet, params, idempotent=True)
        for key, shown in to_remove.items():
            params = {'Identity': mailbox, trustee_param: trustee_id(key, shown),
                      'AccessRights': [rights], 'Confirm': False}
            params.update(extra_remove)
            self.exo.invoke('Remove-' + cmdlet, params, idempotent=True)


def converge(exo):
    params = exo.params
    kinds = [kind for kind in KINDS if params[kind] is not None]
    for kind in kinds:
        check_identities(kind, params[kind])

    permissions = MailboxPermissions(exo)
    mailbox = permissions.read_mailbox(params['mailbox'])
    desired = {}
    for kind in kinds:
        desired[kind] = {k: r.shown for k, r in
                         permissions.resolver.resolve_all(kind, params[kind]).items()}

    plans = {}
    for kind in kinds:
        current = permissions.read(kind)
        plans[kind] = Plan(current, *plan_set(current, desired[kind], params['state'], params['exclusive']))

    changed = any(plan.changes for plan in plans.values())
    if changed and not exo.check_mode:
        for kind, plan in plans.items():
            if plan.changes:
                permissions.apply(kind, plan.to_add, plan.to_remove, params['automapping'])

    before = {kind: sorted_values(plan.current) for kind, plan in plans.items()}
    after = {kind: sorted_values(plan.after) for kind, plan in plans.items()}
    changes = {kind: {'added': sorted_values(plan.to_add), 'removed': sorted_values(plan.to_remove)}
               for kind, plan in plans.items()}
    result = dict(changed=changed, mailbox=mailbox.shown, permissions=after, changes=changes)
    if exo.module._diff:
        result['diff'] = build_diff(before, after)
    return result


def main():
    exo = ExoModule(
        argument_spec=dict(
            mailbox=dict(type='str', required=True),
            full_access=dict(type='list', elements='str'),
            send_as=dict(type='list', elements='str'),
            send_on_behalf=dict(type='list', elements='str'),
            automapping=dict(type='bool', default=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            exclusive=dict(type='bool', default=False),
        ),
        required_one_of=[list(KINDS)],
    )
    if exo.params['state'] == 'absent' and exo.params['exclusive']:
        exo.fail('exclusive: true cannot be combined with state: absent; exclusive describes '
                 'the complete set of trustees to keep')
    if not exo.params['mailbox'].strip():
        exo.fail("mailbox: %r is not an identity" % exo.params['mailbox'])
    exo.run(converge)


if __name__ == '__main__':
    main()
