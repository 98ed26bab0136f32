#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_distribution_group_info
short_description: Read Exchange Online distribution and mail-enabled security groups and their members
version_added: 0.1.0
description:
  - Reads one group by O(identity), or every group that matches an OPATH O(filter), following
    the service's paging until the end, with each group's direct members.
  - Returns each group with the same snake_case keys as M(mailops.exchange.exo_distribution_group).
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.info_attributes
options:
  identity:
    description:
      - One group, in any identity form Exchange accepts (name, alias, SMTP address, GUID).
      - A group that does not exist gives an empty RV(groups) list, not an error.
    type: str
  filter:
    description:
      - An OPATH filter, for example V(DisplayName -like 'Project*').
    type: str
  include_members:
    description:
      - Whether to read each group's direct members (one more request per group).
    type: bool
    default: true
notes:
  - O(identity) cannot be combined with O(filter).
seealso:
  - module: mailops.exchange.exo_distribution_group
  - module: mailops.exchange.exo_distribution_group_member
"""

EXAMPLES = r"""
- name: Who is in All Staff
  mailops.exchange.exo_distribution_group_info:
    identity: all-staff@contoso.com
  register: all_staff

- name: Show the members
  ansible.builtin.debug:
    msg: "{{ all_staff.groups[0].members }}"

- name: Every project group, without members
  mailops.exchange.exo_distribution_group_info:
    filter: "Name -like 'project-*'"
    include_members: false
  register: projects
"""

RETURN = r"""
groups:
  description: The groups found, in the order the service returned them.
  returned: always
  type: list
  elements: dict
  contains:
    identity:
      description: The group's Exchange identity (in Exchange Online, its name).
      type: str
    guid:
      description: The recipient GUID.
      type: str
    name:
      description: The group's name.
      type: str
    alias:
      description: The mail alias.
      type: str
    display_name:
      description: The display name.
      type: str
    primary_smtp_address:
      description: The primary SMTP address.
      type: str
      sample: all-staff@contoso.com
    email_addresses:
      description: Every proxy address, C(SMTP:) for the primary, C(smtp:) for the others.
      type: list
      elements: str
    type:
      description: V(distribution) or V(security).
      type: str
    managed_by:
      description: The owners, as primary SMTP addresses, sorted.
      type: list
      elements: str
    hidden_from_address_lists:
      description: Whether the group is hidden from address lists.
      type: bool
    require_sender_authentication:
      description: Whether only authenticated senders may send to the group.
      type: bool
    member_join_restriction:
      description: V(open), V(closed) or V(approval_required).
      type: str
    member_depart_restriction:
      description: V(open), V(closed) or V(approval_required).
      type: str
    members:
      description: The direct members, as primary SMTP addresses, sorted.
      type: list
      elements: str
      returned: when O(include_members=true)
"""

from ansible_collections.mailops.exchange.plugins.module_utils.groups import (
    group_facts,
    read_group,
    read_members,
    read_owners,
)
from ansible_collections.mailops.exchange.plugins.module_utils.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.reconcile import sorted_values
from ansible_collections.mailops.exchange.plugins.module_utils.recipients import RecipientResolver


def read(exo):
    params = exo.params
    if params['identity'] is not None:
        row = read_group(exo.invoke, params['identity'], 'identity')
        rows = [row] if row is not None else []
    else:
        rows = exo.query('Get-DistributionGroup', params['filter'])

    resolver = RecipientResolver(exo.invoke)
    groups = []
    for row in rows:
        facts = group_facts(row, read_owners(resolver, row))
        if params['include_members']:
            facts['members'] = sorted_values(read_members(exo.invoke, resolver, facts['guid']))
        groups.append(facts)
    return dict(changed=False, groups=groups)


def main():
    exo = ExoModule(
        argument_spec=dict(
            identity=dict(type='str'),
            filter=dict(type='str'),
            include_members=dict(type='bool', default=True),
        ),
        mutually_exclusive=[('identity', 'filter')],
    )
    for option in ('identity', 'filter'):
        if exo.params[option] is not None and not exo.params[option].strip():
            exo.fail('%s: %r must not be empty' % (option, exo.params[option]))
    exo.run(read)


if __name__ == '__main__':
    main()
