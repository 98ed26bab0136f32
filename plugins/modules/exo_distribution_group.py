#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_distribution_group
short_description: Create, update and remove Exchange Online distribution and mail-enabled security groups
version_added: 0.1.0
description:
  - Manages one distribution group or mail-enabled security group, or many in one task
    (O(groups)), as desired state, through C(Get/New/Set/Remove-DistributionGroup), C(Set-Group)
    for O(notes) and C(Add/Remove-DistributionGroupMember) for O(members).
  - Only the options that are given are compared and changed; the others are left as they are.
  - Every recipient in O(managed_by), O(members), O(moderated_by) and the other recipient lists
    is resolved to one recipient, and a new primary address is checked against every other
    recipient, before the first write. An unknown or ambiguous name or an address another
    recipient already uses fails the task naming the option, and changes nothing.
  - One task creates a group with its members (C(New-DistributionGroup -Members)); in check mode
    the result shows the members it would have. M(mailops.exchange.exo_distribution_group_member)
    manages the members of many groups apart from their settings.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.distribution_group.group
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
  - mailops.exchange.exchange_online.bulk
  - mailops.exchange.bulk_results
options:
  groups:
    description:
      - Many groups in one task (bulk mode), converged by O(parallel) workers inside one module
        run that share one token, one connection pool and one recipient lookup. The groups are
        read ten to a request, and the recipients of all of them (the current and the desired
        ones) are looked up together before the first group is planned.
      - Each entry names a group by C(group) (or C(name)) and may set any of the per-group options
        below; options it leaves out take the task's value (for example O(state), O(type) or
        O(managed_by)). O(alias), O(display_name) and O(primary_smtp_address) belong to one
        group, so they are given per entry only.
      - Every entry is validated, and its recipients and addresses resolved, before that group's
        first write; a message about an entry names it as C(groups[N].option).
      - One group's failure does not stop or undo the others; the task fails at the end and
        lists every failed group with its reason (RV(results) holds each group's outcome).
      - Prefer it to C(loop) for more than a handful of groups - a looped task pays Ansible's
        per-item start-up, a token cache read and its own retries for every item, and works on
        one item at a time.
    type: list
    elements: dict
    suboptions:
      group:
        description: As O(group), for this group.
        type: str
        required: true
        aliases: [name, identity]
      state:
        description: As O(state), for this group.
        type: str
        choices: [present, absent]
      alias:
        description: As O(alias), for this group.
        type: str
      display_name:
        description: As O(display_name), for this group.
        type: str
      primary_smtp_address:
        description: As O(primary_smtp_address), for this group.
        type: str
      type:
        description: As O(type), for this group.
        type: str
        choices: [distribution, security]
      managed_by:
        description: As O(managed_by), for this group.
        type: list
        elements: str
      moderated_by:
        description: As O(moderated_by), for this group.
        type: list
        elements: str
      bypass_moderation_from_senders_or_members:
        description: As O(bypass_moderation_from_senders_or_members), for this group.
        type: list
        elements: str
      accept_messages_only_from_senders_or_members:
        description: As O(accept_messages_only_from_senders_or_members), for this group.
        type: list
        elements: str
      reject_messages_from_senders_or_members:
        description: As O(reject_messages_from_senders_or_members), for this group.
        type: list
        elements: str
      grant_send_on_behalf_to:
        description: As O(grant_send_on_behalf_to), for this group.
        type: list
        elements: str
      hidden_from_address_lists:
        description: As O(hidden_from_address_lists), for this group.
        type: bool
      require_sender_authentication:
        description: As O(require_sender_authentication), for this group.
        type: bool
      member_join_restriction:
        description: As O(member_join_restriction), for this group.
        type: str
        choices: [open, closed, approval_required]
      member_depart_restriction:
        description: As O(member_depart_restriction), for this group.
        type: str
        choices: [open, closed, approval_required]
      moderation_enabled:
        description: As O(moderation_enabled), for this group.
        type: bool
      send_moderation_notifications:
        description: As O(send_moderation_notifications), for this group.
        type: str
        choices: [always, internal, never]
      hidden_group_membership:
        description: As O(hidden_group_membership), for this group.
        type: bool
      notes:
        description: As O(notes), for this group.
        type: str
      custom_attributes:
        description: As O(custom_attributes), for this group.
        type: dict
      members:
        description: As O(members), for this group.
        type: list
        elements: str
      members_mode:
        description: As O(members_mode), for this group.
        type: str
        choices: [present, absent, exact]
  hidden_group_membership:
    description:
      - Whether the members are hidden from everyone who is not a member.
      - Microsoft documents that a hidden membership cannot be revealed again, so V(false) for a
        group whose membership is hidden fails the task before any write. Set it when the group
        is created where you can.
    type: bool
notes:
  - The task changes groups it does not own, so every write passes C(-BypassSecurityGroupManagerCheck).
    The application needs a role that allows that, such as Exchange Administrator.
  - Without O(primary_smtp_address), Exchange picks the address of a new group; if another recipient
    already uses it, Exchange refuses the creation and the task fails with its error.
  - A new group's delivery restrictions, Send on Behalf list, custom attributes and address-list
    flag are written by one C(Set-DistributionGroup) after C(New-DistributionGroup), which does not
    take them; in check mode the result shows the group as both calls would leave it.
seealso:
  - module: mailops.exchange.exo_distribution_group_member
  - module: mailops.exchange.exo_distribution_group_info
"""

EXAMPLES = r"""
- name: A distribution group for the project, owned by its lead, with its members
  mailops.exchange.exo_distribution_group:
    group: project-x
    display_name: Project X
    primary_smtp_address: project-x@contoso.com
    managed_by: [alice@contoso.com]
    members: [alice@contoso.com, bob@contoso.com, carol@contoso.com]
    require_sender_authentication: false

- name: A moderated board that only staff may write to, with notes and a cost centre
  mailops.exchange.exo_distribution_group:
    group: board
    managed_by: [dave@contoso.com]
    moderation_enabled: true
    moderated_by: [bob@contoso.com]
    send_moderation_notifications: internal
    bypass_moderation_from_senders_or_members: [carol@contoso.com]
    accept_messages_only_from_senders_or_members: [all-staff@contoso.com]
    grant_send_on_behalf_to: [alice@contoso.com]
    hidden_group_membership: true
    notes: Board of directors
    custom_attributes: {1: board, 7: cc-42}

- name: Exactly these members; everyone else leaves the group
  mailops.exchange.exo_distribution_group:
    group: board
    members: [alice@contoso.com, bob@contoso.com]
    members_mode: exact

- name: A mail-enabled security group that people may ask to join
  mailops.exchange.exo_distribution_group:
    group: finance-approvers
    type: security
    member_join_restriction: approval_required
    managed_by: [carol@contoso.com, dave@contoso.com]

- name: Hide a group from the address book and accept mail from anyone again
  mailops.exchange.exo_distribution_group:
    group: project-x@contoso.com
    hidden_from_address_lists: true
    accept_messages_only_from_senders_or_members: []

- name: Remove a group
  mailops.exchange.exo_distribution_group:
    group: project-x@contoso.com
    state: absent

- name: Many groups in one task, all owned by the helpdesk lead unless an entry says otherwise
  mailops.exchange.exo_distribution_group:
    groups:
      - group: project-x
        display_name: Project X
        primary_smtp_address: project-x@contoso.com
        members: [bob@contoso.com]
      - group: finance-approvers
        type: security
        member_join_restriction: approval_required
        managed_by: [carol@contoso.com, dave@contoso.com]
      - group: project-old
        state: absent
    managed_by: [alice@contoso.com]
    require_sender_authentication: true
    parallel: 4
"""

RETURN = r"""
group:
  description:
    - The group after the task; in check mode, what it would be (a group that would be created
      has an empty C(guid), and the addresses Exchange would pick are not known).
    - An empty dict after the group is removed.
  returned: with O(group)
  type: dict
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
      sample: project-x@contoso.com
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
    moderated_by:
      description: The moderators, as primary SMTP addresses, sorted.
      type: list
      elements: str
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
    send_moderation_notifications:
      description: V(always), V(internal) or V(never).
      type: str
    hidden_group_membership:
      description: Whether the membership is hidden from non-members.
      type: bool
    custom_attributes:
      description: The non-empty custom attributes, keyed by their number C(1) to C(15).
      type: dict
    notes:
      description: The notes.
      type: str
      returned: when O(notes) is given
    members:
      description: The direct members, as primary SMTP addresses (or names), sorted.
      type: list
      elements: str
      returned: when O(members) is given
changes:
  description:
    - "What the task changed (in check mode, would change): C(before) and C(after) for each option; for
      O(members), C(added) and C(removed)."
  returned: with O(group)
  type: dict
  sample: {members: {added: [bob@contoso.com], removed: [carol@contoso.com]}, notes: {before: Board, after: Board of directors}}
results:
  description:
    - With O(groups), one entry per group in the order given - RV(group), C(changes) and C(changed) as for a
      single group, or C(failed=true) with C(msg) and the error C(error_kind). C(key) is the group's
      C(group) as the entry gave it; with C(--diff), the task's C(diff) is keyed by it too.
  returned: with O(groups)
  type: list
  elements: dict
  sample:
    - key: project-x
      changed: true
      failed: false
      group:
        identity: project-x
        display_name: Project X
        name: project-x
        guid: ""
        primary_smtp_address: project-x@contoso.com
        managed_by: [alice@contoso.com]
    - key: finance-approvers
      failed: true
      error_kind: invalid_argument
      msg: "groups[1].managed_by: 'dave@contoso.com' was not found; nothing was changed"
concurrency:
  description:
    - The requests the task had in flight at once when it ended - with O(parallel=auto) what it
      settled at (it grows while the service answers and halves on throttling), with a number
      that number or fewer after throttling; never more than were in flight at once.
  returned: when the task sent requests to the service
  type: int
  sample: 12
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.groups import Group
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule


def main():
    exo = ExoModule(**argument_spec(Group))
    exo.run(lambda module: module.converge_declared(Group))


if __name__ == '__main__':
    main()
