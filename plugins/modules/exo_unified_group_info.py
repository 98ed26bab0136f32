#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_unified_group_info
short_description: Read Microsoft 365 groups, with their members, owners and subscribers
version_added: 0.2.0
description:
  - Reads one Microsoft 365 group (O(identity)), several (O(groups), ten to a request), or every
    group an OPATH O(filter) selects (every group without one), following the service's paging
    to the end, through C(Get-UnifiedGroup).
  - With O(links), also each group's members, owners or subscribers (C(Get-UnifiedGroupLinks),
    one read per group and kind, ten to a request).
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.info_attributes
options:
  identity:
    description: One group, by alias, SMTP address or GUID.
    type: str
  groups:
    description: Several groups, in any of those forms; those not found are listed in RV(not_found).
    type: list
    elements: str
  filter:
    description:
      - An OPATH filter, such as C(AccessType -eq 'Private'). A filter the service refuses fails
        the task naming it.
    type: str
  result_size:
    description: At most this many groups (with O(filter), or for every group).
    type: int
  links:
    description: Which links to read for each group.
    type: list
    elements: str
    choices: [members, owners, subscribers]
    default: []
seealso:
  - module: mailops.exchange.exo_unified_group
"""

EXAMPLES = r"""
- name: One group with its owners and members
  mailops.exchange.exo_unified_group_info:
    identity: project-x
    links: [owners, members]
  register: project

- name: Every private group
  mailops.exchange.exo_unified_group_info:
    filter: "AccessType -eq 'Private'"
"""

RETURN = r"""
groups:
  description:
    - The groups found, in the shape M(mailops.exchange.exo_unified_group) returns one, with the
      links asked for in O(links) as sorted primary SMTP addresses.
  returned: always
  type: list
  elements: dict
not_found:
  description: The O(groups) that name no group.
  returned: with O(groups)
  type: list
  elements: str
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.info import listing_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.listings import UnifiedGroups
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule


def main():
    ExoModule(**listing_spec(UnifiedGroups)).list_declared(UnifiedGroups)


if __name__ == '__main__':
    main()
