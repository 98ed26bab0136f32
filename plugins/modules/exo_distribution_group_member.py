#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_distribution_group_member
short_description: Add and remove members of an Exchange Online distribution or mail-enabled security group
version_added: 0.1.0
description:
  - Manages the direct members of one group, or of many in one task (O(groups)), as desired
    state, through C(Get/Add/Remove-DistributionGroupMember).
  - Every member is resolved to one recipient before anything is compared or changed, so a name,
    an alias, any SMTP address and the GUID of one person are the same member. An unknown or
    ambiguous member fails the task before the first write.
  - Adding a recipient that is already a member, or removing one that no longer is (another
    process got there first, or the answer to an earlier request was lost), counts as done.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
  - mailops.exchange.exchange_online.bulk
options:
  group:
    description:
      - The group, in any identity form Exchange accepts (name, alias, SMTP address, GUID).
      - Give O(group) or O(groups).
    type: str
  groups:
    description:
      - Many groups in one task (bulk mode), converged inside one module run that shares one
        token, one connection pool and one member lookup. The groups, their current members and
        the additions and removals all go ten to a request.
      - Each entry names a group and may set any of the per-group options below; options it
        leaves out take the task's value (for example O(members), O(state) or O(exclusive)).
      - One group's failure does not stop or undo the others; the task fails at the end and
        lists every failed group with its reason (RV(results) holds each group's outcome).
      - Prefer it to C(loop) for more than a handful of groups - a looped task pays Ansible's
        per-item start-up and a token cache read for every item, and works on one item at a time.
    type: list
    elements: dict
    suboptions:
      group:
        description: The group, in any identity form.
        type: str
        required: true
      members:
        description: As O(members), for this group.
        type: list
        elements: str
      state:
        description: As O(state), for this group.
        type: str
        choices: [present, absent]
      exclusive:
        description: As O(exclusive), for this group.
        type: bool
  members:
    description:
      - The recipients to add or remove (mailboxes, mail users, contacts or other groups).
      - Required with O(group); with O(groups), the members of every entry that gives none.
    type: list
    elements: str
  state:
    description:
      - V(present) adds the listed members; V(absent) removes them.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), also remove every member that is not listed. An empty O(members)
        list with O(exclusive=true) empties the group.
      - Not allowed with O(state=absent).
    type: bool
    default: false
  bypass_security_group_manager_check:
    description:
      - Pass C(-BypassSecurityGroupManagerCheck), which Exchange requires to change the members of
        a security group when the caller is not one of its owners. An application is never an owner.
    type: bool
    default: true
notes:
  - The members option follows the collection's C(state) + C(exclusive) convention.
  - Nested groups are members like any other recipient; their own members are not expanded.
seealso:
  - module: mailops.exchange.exo_distribution_group
  - module: mailops.exchange.exo_distribution_group_info
"""

EXAMPLES = r"""
- name: Add the new starters to All Staff
  mailops.exchange.exo_distribution_group_member:
    group: all-staff@contoso.com
    members:
      - alice@contoso.com
      - bob@contoso.com

- name: Make the HR list exactly the members of the group
  mailops.exchange.exo_distribution_group_member:
    group: finance
    members: "{{ hr_finance_people }}"
    exclusive: true

- name: Remove a leaver from every group they were in
  mailops.exchange.exo_distribution_group_member:
    group: "{{ item }}"
    members: [dave@contoso.com]
    state: absent
  loop: [all-staff, finance, sales-team]

- name: The same leaver, from every group in one task
  mailops.exchange.exo_distribution_group_member:
    groups:
      - group: all-staff
      - group: finance
      - group: sales-team
    members: [dave@contoso.com]
    state: absent

- name: Converge the members of many groups in one task
  mailops.exchange.exo_distribution_group_member:
    groups:
      - group: finance@contoso.com
        members: [carol@contoso.com, erin@contoso.com]
      - group: sales-team@contoso.com
        members: [alice@contoso.com, bob@contoso.com]
      - group: all-staff@contoso.com
        members: [frank@contoso.com]
        exclusive: false
    exclusive: true
    parallel: 4
"""

RETURN = r"""
group:
  description: The group, as its primary SMTP address.
  returned: with O(group)
  type: str
  sample: all-staff@contoso.com
results:
  description:
    - With O(groups), one entry per group in the order given - RV(group), RV(members),
      RV(changes) and C(changed) as for a single group, or C(failed=true) with C(msg) and
      the error C(kind). C(key) is the group as the entry named it.
  returned: with O(groups)
  type: list
  elements: dict
  sample:
    - key: finance
      group: finance@contoso.com
      changed: true
      failed: false
      members: [carol@contoso.com, erin@contoso.com]
      changes: {added: [erin@contoso.com], removed: []}
    - key: ghost@contoso.com
      failed: true
      kind: not_found
      msg: "group: 'ghost@contoso.com' was not found; nothing was changed"
members:
  description:
    - The members after the task (in check mode, what they would be), as primary SMTP addresses, sorted.
  returned: with O(group)
  type: list
  elements: str
  sample: [alice@contoso.com, bob@contoso.com]
changes:
  description: The members that were (or in check mode would be) added and removed.
  returned: with O(group)
  type: dict
  contains:
    added:
      description: Members added, sorted.
      type: list
      elements: str
    removed:
      description: Members removed, sorted.
      type: list
      elements: str
  sample:
    added: [bob@contoso.com]
    removed: []
"""

from ansible_collections.mailops.exchange.plugins.module_utils.bulk import (
    DEFAULT_PARALLEL,
    Outcome,
    bulk_result,
    check_parallel,
    invoke_each,
    merge_entries,
)
from ansible_collections.mailops.exchange.plugins.module_utils.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.groups import (
    group_from_answer,
    group_read,
    members_from_rows,
    members_read,
)
from ansible_collections.mailops.exchange.plugins.module_utils.module import ExoModule
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
)

# Removing a recipient that is not a member: Exchange's exception type, and its text as a
# fallback for services that report another type (see docs/sandbox.md, "guesses").
_NOT_A_MEMBER_TYPES = ('MemberNotFoundException',)
_NOT_A_MEMBER_TEXTS = ("isn't a member", 'is not a member')
_REQUIRES_MANAGER = 'OperationRequiresGroupManagerException'

# Options a groups[] entry may set; the task's own values are the defaults.
ENTRY_DEFAULTS = ('members', 'state', 'exclusive')


def _not_a_member(err):
    text = (err.message or '').lower()
    return err.exception_type in _NOT_A_MEMBER_TYPES or any(t in text for t in _NOT_A_MEMBER_TEXTS)


def write_calls(group_key, to_add, to_remove, bypass):
    """The ``(cmdlet, parameters)`` that add ``to_add`` and remove ``to_remove`` (member keys)."""
    calls = []
    for cmdlet, keys in (('Add-DistributionGroupMember', to_add), ('Remove-DistributionGroupMember', to_remove)):
        for key in keys:
            params = {'Identity': group_key, 'Member': key, 'Confirm': False}
            if bypass:
                params['BypassSecurityGroupManagerCheck'] = True
            calls.append((cmdlet, params))
    return calls


def write_error(cmdlet, answer):
    """The error a membership write's answer means, or None when the write is done: adding a
    member that is there, or removing one that is not, counts as done."""
    if not isinstance(answer, ExchangeError):
        return None
    if cmdlet.startswith('Add-') and answer.kind == 'already_exists':
        return None
    if cmdlet.startswith('Remove-') and _not_a_member(answer):
        return None
    if answer.exception_type == _REQUIRES_MANAGER:
        return ExchangeError('bypass_security_group_manager_check: false, and the application is not '
                             'an owner of the group: %s' % answer.message, kind=answer.kind,
                             exception_type=answer.exception_type, status=answer.status, cmdlet=answer.cmdlet)
    return answer


class GroupRead(object):
    """What was read for one entry before planning: the group and its members, or the error."""

    __slots__ = ('group', 'current', 'error')

    def __init__(self, group=None, current=None, error=None):
        self.group = group
        self.current = current
        self.error = error


def read_groups(exo, resolver, entries):
    """Every entry's group and current members, ten reads to a request; then every member to be
    named that is not a current member somewhere, looked up ten to a request as well."""
    parallel = exo.params['parallel']
    reads = []
    answers = invoke_each(exo.runner, [group_read(e['group']) for e in entries], parallel)
    for entry, answer in zip(entries, answers):
        try:
            row = group_from_answer(answer, entry['group'], 'group')
        except ExchangeError as err:
            reads.append(GroupRead(error=err))
            continue
        if row is None:
            reads.append(GroupRead(error=IdentityError(
                "group: '%s' was not found; nothing was changed" % entry['group'], kind='not_found')))
        else:
            reads.append(GroupRead(group=resolver.remember(row)))
    found = [read for read in reads if read.group is not None]
    for read, answer in zip(found, invoke_each(exo.runner, [members_read(r.group.key) for r in found], parallel)):
        if isinstance(answer, ExchangeError):
            read.error = answer
        else:
            read.current = members_from_rows(resolver, answer)
    wanted = [member for entry, read in zip(entries, reads) if read.error is None
              for member in entry['members'] if isinstance(member, str) and member.strip()]
    resolver.prefetch(exo.runner, wanted, parallel)
    return reads


def plan_group(exo, resolver, entry, read):
    """One group's result dict (with ``before``) and the writes that make it so."""
    if read.error is not None:
        raise read.error
    check_identities('members', entry['members'])
    group = read.group
    desired = {k: r.shown for k, r in resolver.resolve_all('members', entry['members']).items()}
    to_add, to_remove = plan_set(read.current, desired, entry['state'], entry['exclusive'])
    result = dict(changed=bool(to_add or to_remove), group=group.shown,
                  members=sorted_values(apply_plan(read.current, to_add, to_remove)),
                  changes={'added': sorted_values(to_add), 'removed': sorted_values(to_remove)},
                  before=sorted_values(read.current))
    return result, write_calls(group.key, to_add, to_remove, exo.params['bypass_security_group_manager_check'])


def check_entry(entry, where):
    """Refuse option combinations that describe no desired state, before anything is read."""
    if entry['state'] == 'absent' and entry['exclusive']:
        raise ValueError('%sexclusive: true cannot be combined with state: absent; exclusive '
                         'describes the complete set of members to keep' % where)
    if not isinstance(entry['group'], str) or not entry['group'].strip():
        raise ValueError('%sgroup: %r is not an identity' % (where, entry['group']))
    if entry['members'] is None:
        raise ValueError('%smembers: give the members, in the entry or for the whole task'
                         % where if where else 'missing required arguments: members')


def converge_one(exo):
    params = exo.params
    resolver = RecipientResolver(exo.invoke)
    read = read_groups(exo, resolver, [params])[0]
    result, calls = plan_group(exo, resolver, params, read)
    if not exo.check_mode:
        for cmdlet, parameters in calls:
            try:
                answer = exo.invoke(cmdlet, parameters, idempotent=True)
            except ExchangeError as err:
                answer = err
            error = write_error(cmdlet, answer)
            if error is not None:
                raise error
    before = result.pop('before')
    if exo.module._diff:
        result['diff'] = build_diff({'members': before}, {'members': result['members']})
    return result


def converge_bulk(exo, entries):
    """Read every group, plan each, then send every group's writes ten to a ``$batch``; an
    Outcome per entry, in order. One group's failure (a failed read, lookup or write) is its own."""
    resolver = RecipientResolver(exo.invoke)
    reads = read_groups(exo, resolver, entries)
    outcomes = []
    writes = []
    for entry, read in zip(entries, reads):
        try:
            result, calls = plan_group(exo, resolver, entry, read)
        except ExchangeError as err:
            outcomes.append(Outcome(entry['group'], error=err))
            continue
        outcomes.append(Outcome(entry['group'], result=result))
        writes.extend((outcomes[-1], call) for call in calls)
    if writes and not exo.check_mode:
        # Every membership write is safe to repeat: one that is done already counts as done.
        answers = invoke_each(exo.runner, [call for unused, call in writes], exo.params['parallel'],
                              idempotent=True)
        for (outcome, (cmdlet, unused)), answer in zip(writes, answers):
            error = write_error(cmdlet, answer)
            if error is not None and outcome.error is None:
                outcome.result, outcome.error = None, error
    return outcomes


def converge_many(exo, entries):
    return bulk_result(exo, converge_bulk(exo, entries), 'groups', name=lambda r: r['group'],
                       after=lambda r: {'members': r['members']}, before=lambda old: {'members': old})


def main():
    entry_spec = dict(
        group=dict(type='str', required=True),
        members=dict(type='list', elements='str'),
        state=dict(type='str', choices=['present', 'absent']),
        exclusive=dict(type='bool'),
    )
    exo = ExoModule(
        argument_spec=dict(
            group=dict(type='str'),
            groups=dict(type='list', elements='dict', options=entry_spec),
            members=dict(type='list', elements='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            exclusive=dict(type='bool', default=False),
            bypass_security_group_manager_check=dict(type='bool', default=True),
            parallel=dict(type='int', default=DEFAULT_PARALLEL),
        ),
        required_one_of=[('group', 'groups')],
        mutually_exclusive=[('group', 'groups')],
    )
    params = exo.params
    try:
        check_parallel(params['parallel'])
        if params['group'] is not None:
            check_entry(params, '')
        else:
            entries = merge_entries(params['groups'], {option: params[option] for option in ENTRY_DEFAULTS})
            for index, entry in enumerate(entries):
                check_entry(entry, 'groups[%d].' % index)
    except ValueError as exc:
        exo.fail(str(exc))
    if params['group'] is not None:
        exo.run(converge_one)
    else:
        exo.run(lambda module: converge_many(module, entries))


if __name__ == '__main__':
    main()
