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
  groups:
    description:
      - Several groups, in any identity form, read ten to a request (their members too).
      - RV(groups) holds them in the order given, each once; the identities that name no group
        are listed in RV(not_found), not an error.
    type: list
    elements: str
  filter:
    description:
      - An OPATH filter, for example V(DisplayName -like 'Project*').
    type: str
  include_members:
    description:
      - Whether to read each group's direct members (one more read per group, ten to a request).
    type: bool
    default: true
notes:
  - O(identity), O(groups) and O(filter) cannot be combined.
  - Members are read ten groups to a request, however the groups were chosen.
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

- name: Three groups in one read
  mailops.exchange.exo_distribution_group_info:
    groups: [all-staff, finance@contoso.com, sales-team]
  register: some_groups

- name: Every project group, without members
  mailops.exchange.exo_distribution_group_info:
    filter: "Name -like 'project-*'"
    include_members: false
  register: projects
"""

RETURN = r"""
not_found:
  description: With O(groups), the identities given that name no group, in the order given.
  returned: with O(groups)
  type: list
  elements: str
  sample: [ghost@contoso.com]
groups:
  description:
    - The groups found, in the order the service returned them (with O(groups), in the order
      given).
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
    moderation_enabled:
      description: Whether messages to the group are moderated.
      type: bool
    moderated_by:
      description: The moderators, as primary SMTP addresses, sorted.
      type: list
      elements: str
    send_moderation_notifications:
      description: V(always), V(internal) or V(never).
      type: str
    bypass_moderation_from_senders_or_members:
      description: Who sends without moderation, as primary SMTP addresses, sorted.
      type: list
      elements: str
    accept_messages_only_from_senders_or_members:
      description: The only senders accepted (empty - everyone), as primary SMTP addresses, sorted.
      type: list
      elements: str
    reject_messages_from_senders_or_members:
      description: The senders rejected, as primary SMTP addresses, sorted.
      type: list
      elements: str
    grant_send_on_behalf_to:
      description: Who may send on behalf of the group, as primary SMTP addresses, sorted.
      type: list
      elements: str
    hidden_group_membership:
      description: Whether the membership is hidden from non-members.
      type: bool
    custom_attributes:
      description: The non-empty custom attributes, keyed by their number C(1) to C(15).
      type: dict
    members:
      description: The direct members, as primary SMTP addresses, sorted.
      type: list
      elements: str
      returned: when O(include_members=true)
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.info import listing_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.listings import DistributionGroups
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule


def main():
    ExoModule(**listing_spec(DistributionGroups)).list_declared(DistributionGroups)


if __name__ == '__main__':
    main()
