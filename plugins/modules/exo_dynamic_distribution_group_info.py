#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_dynamic_distribution_group_info
short_description: Read Exchange Online dynamic distribution groups and the members their filters select
version_added: 0.2.0
description:
  - Reads one dynamic distribution group by O(identity), several by O(groups), or every one that
    matches an OPATH O(filter), following the service's paging until the end, with
    C(Get-DynamicDistributionGroup); returned with the keys of M(mailops.exchange.exo_dynamic_distribution_group).
  - With O(preview_members), also the recipients each group's filter selects now
    (C(Get-Recipient -RecipientPreviewFilter)), ten groups to a request.
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
  groups:
    description:
      - Several groups, in any identity form, read ten to a request. RV(groups) holds them in the
        order given, each once; the identities that name no group are listed in RV(not_found).
    type: list
    elements: str
  filter:
    description:
      - An OPATH filter over the groups, for example V(Name -like 'All *').
    type: str
  result_size:
    description:
      - The most groups to return. By default every matching group is returned.
    type: int
  preview_members:
    description: Also return each group's C(members), the recipients its filter selects now.
    type: bool
    default: false
notes:
  - O(identity) and O(groups) cannot be combined with each other, O(filter) or O(result_size).
seealso:
  - module: mailops.exchange.exo_dynamic_distribution_group
"""

EXAMPLES = r"""
- name: One group and who it reaches today
  mailops.exchange.exo_dynamic_distribution_group_info:
    identity: All Sales
    preview_members: true
  register: sales

- name: Every dynamic group whose name starts with All
  mailops.exchange.exo_dynamic_distribution_group_info:
    filter: "Name -like 'All *'"
  register: everyone
"""

RETURN = r"""
not_found:
  description: With O(groups), the identities given that name no dynamic group, in the order given.
  returned: with O(groups)
  type: list
  elements: str
groups:
  description: The groups found, in the order the service returned them (with O(groups), in the order given).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The name.
      type: str
    recipient_filter:
      description: The stored filter without the clauses Exchange adds to every filter.
      type: str
    stored_recipient_filter:
      description: The filter exactly as Exchange stores it.
      type: str
    included_recipients:
      description: The precanned recipient types, sorted; empty for a custom filter.
      type: list
      elements: str
    recipient_container:
      description: Where the filter looks for recipients.
      type: str
    members:
      description: With O(preview_members), the recipients the filter selects now, sorted by name.
      type: list
      elements: dict
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.info import listing_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.listings import DynamicGroups
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule


def main():
    ExoModule(**listing_spec(DynamicGroups)).list_declared(DynamicGroups)


if __name__ == '__main__':
    main()
