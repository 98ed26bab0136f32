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
  - Manages the direct members of one group as desired state, through
    C(Get/Add/Remove-DistributionGroupMember).
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
options:
  group:
    description:
      - The group, in any identity form Exchange accepts (name, alias, SMTP address, GUID).
    type: str
    required: true
  members:
    description:
      - The recipients to add or remove (mailboxes, mail users, contacts or other groups).
    type: list
    elements: str
    required: true
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
"""

RETURN = r"""
group:
  description: The group, as its primary SMTP address.
  returned: always
  type: str
  sample: all-staff@contoso.com
members:
  description:
    - The members after the task (in check mode, what they would be), as primary SMTP addresses, sorted.
  returned: always
  type: list
  elements: str
  sample: [alice@contoso.com, bob@contoso.com]
changes:
  description: The members that were (or in check mode would be) added and removed.
  returned: always
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

from ansible_collections.mailops.exchange.plugins.module_utils.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.groups import read_group, read_members
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


def _not_a_member(err):
    text = (err.message or '').lower()
    return err.exception_type in _NOT_A_MEMBER_TYPES or any(t in text for t in _NOT_A_MEMBER_TEXTS)


def _apply(exo, cmdlet, group_key, member_key, bypass, already_done):
    params = {'Identity': group_key, 'Member': member_key, 'Confirm': False}
    if bypass:
        params['BypassSecurityGroupManagerCheck'] = True
    try:
        exo.invoke(cmdlet, params, idempotent=True)
    except ExchangeError as err:
        if already_done(err):
            return
        if err.exception_type == _REQUIRES_MANAGER:
            exo.fail_error(err, prefix='bypass_security_group_manager_check: false, and the application '
                                       'is not an owner of the group')
        raise


def converge(exo):
    params = exo.params
    check_identities('members', params['members'])
    row = read_group(exo.invoke, params['group'], 'group')
    if row is None:
        raise IdentityError("group: '%s' was not found; nothing was changed" % params['group'],
                            kind='invalid_argument')
    resolver = RecipientResolver(exo.invoke)
    group = resolver.remember(row)
    desired = {k: r.shown for k, r in resolver.resolve_all('members', params['members']).items()}

    current = read_members(exo.invoke, resolver, group.key)
    to_add, to_remove = plan_set(current, desired, params['state'], params['exclusive'])
    after = apply_plan(current, to_add, to_remove)
    bypass = params['bypass_security_group_manager_check']
    if not exo.check_mode:
        for key in to_add:
            _apply(exo, 'Add-DistributionGroupMember', group.key, key, bypass,
                   lambda err: err.kind == 'already_exists')
        for key in to_remove:
            _apply(exo, 'Remove-DistributionGroupMember', group.key, key, bypass, _not_a_member)

    result = dict(changed=bool(to_add or to_remove), group=group.shown, members=sorted_values(after),
                  changes={'added': sorted_values(to_add), 'removed': sorted_values(to_remove)})
    if exo.module._diff:
        result['diff'] = build_diff({'members': sorted_values(current)}, {'members': sorted_values(after)})
    return result


def main():
    exo = ExoModule(
        argument_spec=dict(
            group=dict(type='str', required=True),
            members=dict(type='list', elements='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            exclusive=dict(type='bool', default=False),
            bypass_security_group_manager_check=dict(type='bool', default=True),
        ),
    )
    if exo.params['state'] == 'absent' and exo.params['exclusive']:
        exo.fail('exclusive: true cannot be combined with state: absent; exclusive describes '
                 'the complete set of members to keep')
    if not exo.params['group'].strip():
        exo.fail("group: %r is not an identity" % exo.params['group'])
    exo.run(converge)


if __name__ == '__main__':
    main()
