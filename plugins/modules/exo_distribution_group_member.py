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
  - mailops.exchange.distribution_group.members
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
  - mailops.exchange.exchange_online.bulk
  - mailops.exchange.bulk_results
options:
  groups:
    description:
      - Many groups in one task (bulk mode), converged inside one module run that shares one
        token, one connection pool and one member lookup. The groups, their current members and
        the additions and removals all go ten to a request.
      - Each entry names a group and may set any of the per-group options below; options it
        leaves out take the task's value (for example O(members), O(state) or O(exclusive)).
        An entry may also be the group's plain name - O(groups) set to C([engineering, all-staff])
        names two groups, each with all of the task's values.
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
  description:
    - The group, as every module shows the object it manages - its C(identity), C(display_name) and
      C(primary_smtp_address).
  returned: with O(group)
  type: dict
  sample: {identity: all-staff, display_name: All staff, primary_smtp_address: all-staff@contoso.com}
results:
  description:
    - With O(groups), one entry per group in the order given - RV(group), RV(members),
      RV(changes) and C(changed) as for a single group, or C(failed=true) with C(msg) and
      the error's C(error_kind). C(key) is the group as the entry named it.
  returned: with O(groups)
  type: list
  elements: dict
  sample:
    - key: finance
      group: {identity: finance, display_name: Finance, primary_smtp_address: finance@contoso.com}
      changed: true
      failed: false
      members: [carol@contoso.com, erin@contoso.com]
      changes: {members: {added: [erin@contoso.com], removed: []}}
    - key: ghost@contoso.com
      failed: true
      error_kind: not_found
      msg: "group: 'ghost@contoso.com' was not found; nothing was changed"
members:
  description:
    - The members after the task (in check mode, what they would be), as primary SMTP addresses, sorted.
  returned: with O(group)
  type: list
  elements: str
  sample: [alice@contoso.com, bob@contoso.com]
changes:
  description:
    - The members that were (or in check mode would be) added and removed, under C(members), in
      the shape every module gives a set's change (C(added) and C(removed) under the option).
  returned: with O(group)
  type: dict
  contains:
    members:
      description: The members' change.
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
    members:
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

from ansible_collections.mailops.exchange.plugins.module_utils.engine.groups import Members, converge_members
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule


def main():
    converge_members(ExoModule, Members)


if __name__ == '__main__':
    main()
