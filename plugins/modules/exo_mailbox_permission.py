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
  description: The mailbox, as its primary SMTP address.
  returned: with O(mailbox)
  type: str
  sample: sales@contoso.com
results:
  description:
    - With O(mailboxes), one entry per mailbox in the order given - RV(mailbox), RV(permissions),
      RV(changes) and C(changed) as for a single mailbox, or C(failed=true) with C(msg) and
      the error C(kind).
  returned: with O(mailboxes)
  type: list
  elements: dict
  sample:
    - key: sales@contoso.com
      mailbox: sales@contoso.com
      changed: true
      failed: false
      permissions: {full_access: [alice@contoso.com, bob@contoso.com]}
      changes: {full_access: {added: [bob@contoso.com], removed: []}}
    - key: ghost@contoso.com
      failed: true
      kind: not_found
      msg: "mailbox: 'ghost@contoso.com' was not found; nothing was changed"
permissions:
  description:
    - The trustees of each managed kind after the task, as primary SMTP addresses, sorted.
    - In check mode, what they would be.
    - Only the kinds whose option was given are present.
  returned: with O(mailbox)
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
  returned: with O(mailbox)
  type: dict
  sample:
    full_access:
      added: [bob@contoso.com]
      removed: []
"""

from ansible_collections.mailops.exchange.plugins.module_utils.bulk import (
    DEFAULT_PARALLEL,
    Outcome,
    bulk_result,
    check_parallel,
)
from ansible_collections.mailops.exchange.plugins.module_utils.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.permissions import (
    KINDS,
    MAX_EXPLICIT_ACES,
    mailbox_error,
    read_all_trustees,
    read_mailboxes,
    read_permissions,
    trustee_id,
    trustee_map,
)
from ansible_collections.mailops.exchange.plugins.module_utils.reconcile import (
    apply_plan,
    build_diff,
    plan_set,
    sorted_values,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients import (
    IdentityError,
    RecipientResolver,
    check_identities,
    invoke_parallel,
)


class Plan(object):
    """The current trustees of one kind and what to add and remove."""

    def __init__(self, current, to_add, to_remove):
        self.current = current
        self.to_add = to_add
        self.to_remove = to_remove
        self.changes = bool(to_add or to_remove)
        self.after = apply_plan(current, to_add, to_remove)


def read_mailbox(exo, resolver, identity):
    """The mailbox as a resolved recipient; a missing or ambiguous one names the option."""
    try:
        rows = exo.invoke('Get-Mailbox', {'Identity': identity})
    except ExchangeError as err:
        raise mailbox_error(identity, err) from None
    return resolver.remember(rows[0])


def writes(mailbox, kind, plan, automapping):
    """The ``(cmdlet, parameters)`` that carry out one kind's plan on ``mailbox``; each is safe
    to repeat (granting a present entry or revoking an absent one is only a warning)."""
    if kind == 'send_on_behalf':
        change = {'@odata.type': '#Exchange.GenericHashTable'}
        if plan.to_add:
            change['Add'] = [trustee_id(k, v) for k, v in plan.to_add.items()]
        if plan.to_remove:
            change['Remove'] = [trustee_id(k, v) for k, v in plan.to_remove.items()]
        return [('Set-Mailbox', {'Identity': mailbox.key, 'GrantSendOnBehalfTo': change})]
    if kind == 'full_access':
        cmdlet, trustee_param, rights = 'MailboxPermission', 'User', 'FullAccess'
        extra = {'Add': {'InheritanceType': 'All', 'AutoMapping': automapping},
                 'Remove': {'InheritanceType': 'All'}}
    else:
        cmdlet, trustee_param, rights = 'RecipientPermission', 'Trustee', 'SendAs'
        extra = {'Add': {}, 'Remove': {}}
    calls = []
    for verb, entries in (('Add', plan.to_add), ('Remove', plan.to_remove)):
        for key, shown in entries.items():
            params = {'Identity': mailbox.key, trustee_param: trustee_id(key, shown),
                      'AccessRights': [rights], 'Confirm': False}
            params.update(extra[verb])
            calls.append(('%s-%s' % (verb, cmdlet), params))
    return calls


def entry_kinds(entry):
    """The kinds an entry manages, after checking its identities; nothing is read before."""
    kinds = [kind for kind in KINDS if entry.get(kind) is not None]
    if not kinds:
        raise IdentityError('give at least one of full_access, send_as, send_on_behalf for '
                            "mailbox '%s'" % entry['mailbox'], kind='invalid_argument')
    for kind in kinds:
        check_identities(kind, entry[kind])
    return kinds


def plan_mailbox(resolver, entry, mailbox, current):
    """Plan one mailbox from its current trustees (kind -> canonical key -> shown); returns its
    result dict (with ``before``) and the writes that carry it out (none in check mode)."""
    desired = {kind: {k: r.shown for k, r in resolver.resolve_all(kind, entry[kind]).items()}
               for kind in current}
    plans = {kind: Plan(current[kind], *plan_set(current[kind], desired[kind], entry['state'], entry['exclusive']))
             for kind in current}
    full_access = plans.get('full_access')
    if full_access and full_access.to_add and len(full_access.after) > MAX_EXPLICIT_ACES:
        # Exchange refuses the entry past the limit, after granting the ones before it.
        raise IdentityError("full_access: %d trustees would leave '%s' with %d explicit entries, more than Exchange "
                            "Online's limit of %d; nothing was changed"
                            % (len(full_access.to_add), mailbox.shown, len(full_access.after), MAX_EXPLICIT_ACES),
                            kind='invalid_argument')
    calls = []
    for kind, plan in plans.items():
        if plan.changes:
            calls.extend(writes(mailbox, kind, plan, entry['automapping']))
    result = dict(
        changed=bool(calls), mailbox=mailbox.shown,
        permissions={kind: sorted_values(plan.after) for kind, plan in plans.items()},
        changes={kind: {'added': sorted_values(plan.to_add), 'removed': sorted_values(plan.to_remove)}
                 for kind, plan in plans.items()},
        before={kind: sorted_values(plan.current) for kind, plan in plans.items()},
    )
    return result, calls


def converge_mailbox(exo, resolver, entry):
    """Read, plan and (unless in check mode) apply one mailbox's permissions; its result dict."""
    kinds = entry_kinds(entry)
    mailbox = read_mailbox(exo, resolver, entry['mailbox'])
    current = {kind: read_permissions(exo.invoke, resolver, mailbox, kind) for kind in kinds}
    result, calls = plan_mailbox(resolver, entry, mailbox, current)
    if not exo.check_mode:
        for cmdlet, params in calls:
            exo.invoke(cmdlet, params, idempotent=True)
    return result


def check_entry(entry, where):
    """Refuse option combinations that describe no desired state, before anything is read."""
    if entry['state'] == 'absent' and entry['exclusive']:
        raise ValueError('%sexclusive: true cannot be combined with state: absent; exclusive '
                         'describes the complete set of trustees to keep' % where)
    if not isinstance(entry['mailbox'], str) or not entry['mailbox'].strip():
        raise ValueError('%smailbox: %r is not an identity' % (where, entry['mailbox']))


def converge_one(exo):
    params = exo.params
    result = converge_mailbox(exo, RecipientResolver(exo.invoke), params)
    before = result.pop('before')
    if exo.module._diff:
        result['diff'] = build_diff(before, result['permissions'])
    return result


def interleave(calls_by_entry):
    """``(entry index, call)`` pairs taking one call of each entry in turn, so that a ``$batch``
    of ten carries ten different mailboxes rather than one mailbox's writes side by side."""
    queues = [(index, list(calls)) for index, calls in calls_by_entry.items() if calls]
    order = []
    depth = 0
    while queues:
        order.extend((index, calls[depth]) for index, calls in queues)
        depth += 1
        queues = [(index, calls) for index, calls in queues if len(calls) > depth]
    return order


def converge_bulk(exo, entries, parallel):
    """Converge every entry: read in bulk, plan each mailbox, write in ``$batch``es; an Outcome
    per entry, in order. One entry's failure (bad input, a failed read or write) is its own."""
    resolver = RecipientResolver(exo.invoke)
    runner = exo.runner
    errors = {}
    kinds = {}
    for index, entry in enumerate(entries):
        try:
            kinds[index] = entry_kinds(entry)
        except IdentityError as err:
            errors[index] = err
    rows, org_size = read_mailboxes(runner, [entries[i]['mailbox'] for i in kinds], parallel)
    mailboxes = {}
    for index in list(kinds):
        answer = rows[entries[index]['mailbox']]
        if isinstance(answer, ExchangeError):
            errors[index] = mailbox_error(entries[index]['mailbox'], answer)
            del kinds[index]
        else:
            mailboxes[index] = resolver.remember(answer)
    wanted = {}
    for index, entry_kind_list in kinds.items():
        wanted.setdefault(mailboxes[index].key, (mailboxes[index], set()))[1].update(entry_kind_list)
    asked = [identity for index in kinds for kind in kinds[index] for identity in entries[index][kind]]
    trustees = read_all_trustees(runner, resolver, list(wanted.values()), parallel, org_size, also=asked)

    results = {}
    calls = {}
    for index, entry_kind_list in kinds.items():
        mailbox = mailboxes[index]
        try:
            current = {}
            for kind in entry_kind_list:
                found = trustees[mailbox.key][kind]
                if isinstance(found, ExchangeError):
                    raise found
                current[kind] = trustee_map(resolver, found)
            results[index], calls[index] = plan_mailbox(resolver, entry=entries[index], mailbox=mailbox,
                                                        current=current)
        except ExchangeError as err:
            errors[index] = err
    if not exo.check_mode:
        order = interleave(calls)
        # Every write here is safe to repeat: a grant that is there or a removal that is done is a warning.
        answers = invoke_parallel(runner, [call for unused, call in order], parallel, idempotent=True)
        for (index, unused), answer in zip(order, answers):
            if isinstance(answer, ExchangeError) and index not in errors:
                errors[index] = answer
    key = [entry['mailbox'] for entry in entries]
    return [Outcome(key[i], error=errors[i]) if i in errors else Outcome(key[i], result=results[i])
            for i in range(len(entries))]


def converge_many(exo):
    params = exo.params
    entries = []
    for index, item in enumerate(params['mailboxes']):
        entry = {option: params[option] for option in ENTRY_DEFAULTS}
        entry.update({k: v for k, v in item.items() if v is not None})
        check_entry(entry, 'mailboxes[%d].' % index)
        entries.append(entry)
    return bulk_result(exo, converge_bulk(exo, entries, params['parallel']), 'mailboxes',
                       name=lambda r: r['mailbox'], after=lambda r: r['permissions'])


# Options a mailboxes[] entry may set; the task's own values are the defaults.
ENTRY_DEFAULTS = ('full_access', 'send_as', 'send_on_behalf', 'automapping', 'state', 'exclusive')


def main():
    entry_spec = dict(
        mailbox=dict(type='str', required=True),
        full_access=dict(type='list', elements='str'),
        send_as=dict(type='list', elements='str'),
        send_on_behalf=dict(type='list', elements='str'),
        automapping=dict(type='bool'),
        state=dict(type='str', choices=['present', 'absent']),
        exclusive=dict(type='bool'),
    )
    exo = ExoModule(
        argument_spec=dict(
            mailbox=dict(type='str'),
            mailboxes=dict(type='list', elements='dict', options=entry_spec),
            full_access=dict(type='list', elements='str'),
            send_as=dict(type='list', elements='str'),
            send_on_behalf=dict(type='list', elements='str'),
            automapping=dict(type='bool', default=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            exclusive=dict(type='bool', default=False),
            parallel=dict(type='int', default=DEFAULT_PARALLEL),
        ),
        required_one_of=[('mailbox', 'mailboxes')],
        mutually_exclusive=[('mailbox', 'mailboxes')],
    )
    params = exo.params
    try:
        check_parallel(params['parallel'])
        if params['mailbox'] is not None:
            check_entry(params, '')
            if all(params[kind] is None for kind in KINDS):
                raise ValueError('one of the following is required: full_access, send_as, send_on_behalf')
    except ValueError as exc:
        exo.fail(str(exc))
    exo.run(converge_one if params['mailbox'] is not None else converge_many)


if __name__ == '__main__':
    main()
