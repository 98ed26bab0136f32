#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: onprem_exchange_distribution_group
short_description: Create, update and remove distribution and mail-enabled security groups of an on-premises Exchange organisation
version_added: 0.3.0
description:
  - Manages one distribution group or mail-enabled security group of an on-premises Exchange
    organisation over PowerShell remoting, or many in one task (O(groups)), as desired state,
    through C(Get/New/Set/Remove-DistributionGroup), C(Set-Group) for O(notes) and
    C(Add/Remove-DistributionGroupMember) for O(members).
  - The same declaration as M(mailops.exchange.exo_distribution_group) (the same options, checks,
    comparisons and results), with O(organizational_unit) and O(sam_account_name) for where and
    under which pre-Windows 2000 name a new group is made in Active Directory, and without
    C(hidden_group_membership), which Exchange Server does not have. Every group Exchange creates
    is a universal group.
  - In a hybrid organisation a group synchronised from Active Directory is managed here, not in
    Exchange Online; its members may be on-premises and remote mailboxes alike.
  - Only the options that are given are compared and changed; the others are left as they are.
  - Every recipient in O(managed_by), O(members), O(moderated_by) and the other recipient lists
    is resolved to one recipient, and a new primary address is checked against every other
    recipient, before the first write. An unknown or ambiguous name or an address another
    recipient already uses fails the task naming the option, and changes nothing.
  - One task creates a group with its members (C(New-DistributionGroup -Members)); in check mode
    the result shows the members it would have. M(mailops.exchange.onprem_exchange_distribution_group_member)
    manages the members of many groups apart from their settings.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.distribution_group.group
  - mailops.exchange.exchange_onprem
  - mailops.exchange.exchange_onprem.attributes
  - mailops.exchange.exchange_onprem.bulk
  - mailops.exchange.bulk_results
options:
  groups:
    description:
      - Many groups in one task (bulk mode), converged by O(parallel) workers inside one module
        run that shares one runspace pool and one recipient lookup. The groups are read with
        O(parallel) pipelines in flight, and the recipients of all of them (the current and the
        desired ones) are looked up together before the first group is planned.
      - Each entry names a group by C(group) (or C(name)) and may set any of the per-group options
        below; options it leaves out take the task's value (for example O(state), O(type) or
        O(managed_by)). O(alias), O(display_name) and O(primary_smtp_address) belong to one
        group, so they are given per entry only, as are O(sam_account_name).
      - Every entry is validated, and its recipients and addresses resolved, before that group's
        first write; a message about an entry names it as C(groups[N].option).
      - One group's failure does not stop or undo the others; the task fails at the end and
        lists every failed group with its reason (RV(results) holds each group's outcome).
      - Prefer it to C(loop) for more than a handful of groups - a looped task pays Ansible's
        per-item start-up, a new remoting connection and its own retries for every item, and works on
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
      organizational_unit:
        description: As O(organizational_unit), for this group.
        type: str
      sam_account_name:
        description: As O(sam_account_name), for this group.
        type: str
  organizational_unit:
    description:
      - The organizational unit a new group is created in (C(New-DistributionGroup -OrganizationalUnit)),
        as canonical name (C(contoso.local/Groups)) or distinguished name. Used only when the group
        is created; an existing group is not moved. Without it, Exchange's default (the Users
        container). An OU that C(Get-OrganizationalUnit) does not find fails the task before any write.
    type: str
  sam_account_name:
    description:
      - The group's pre-Windows 2000 name in Active Directory (C(New-DistributionGroup -SamAccountName)),
        1 to 256 characters without any of C("/\[]:;|=,+*?<>@). Used only when the group is
        created; an existing group keeps its own. Without it, Exchange derives one from the alias.
      - A name another directory object (a user or group) already has is refused by Active
        Directory (C(ADOperationException)); the group is then not created.
    type: str
notes:
  - The task changes groups it does not own, so every write passes C(-BypassSecurityGroupManagerCheck).
    The account needs a role that allows that, such as Organization Management.
  - Without O(primary_smtp_address), the email address policies give a new group its addresses; if
    another recipient already uses one, Exchange refuses the creation and the task fails with its error.
  - Without O(managed_by), Exchange makes the account the task connects as the owner of a new group;
    give O(managed_by) to choose the owners.
  - A new group's delivery restrictions, Send on Behalf list, custom attributes and address-list
    flag are written by one C(Set-DistributionGroup) after C(New-DistributionGroup), which does not
    take them; in check mode the result shows the group as both calls would leave it.
seealso:
  - module: mailops.exchange.onprem_exchange_distribution_group_member
  - module: mailops.exchange.exo_distribution_group
"""

EXAMPLES = r"""
- name: A distribution group for the project in the Groups OU, owned by its lead, with its members
  mailops.exchange.onprem_exchange_distribution_group:
    group: project-x
    display_name: Project X
    primary_smtp_address: project-x@contoso.com
    organizational_unit: contoso.local/Groups
    sam_account_name: project-x
    managed_by: [alice@contoso.com]
    members: [alice@contoso.com, bob@contoso.com, carol@contoso.com]
    require_sender_authentication: false

- name: A mail-enabled security group that people may ask to join
  mailops.exchange.onprem_exchange_distribution_group:
    group: finance-approvers
    type: security
    member_join_restriction: approval_required
    managed_by: [carol@contoso.com, dave@contoso.com]

- name: Exactly these members; everyone else leaves the group
  mailops.exchange.onprem_exchange_distribution_group:
    group: project-x
    members: [alice@contoso.com, bob@contoso.com]
    members_mode: exact

- name: Remove a group
  mailops.exchange.onprem_exchange_distribution_group:
    group: project-x@contoso.com
    state: absent

- name: Many groups in one task, four pipelines in flight
  mailops.exchange.onprem_exchange_distribution_group:
    groups:
      - group: project-x
        members: [bob@contoso.com]
      - group: finance-approvers
        type: security
        managed_by: [carol@contoso.com]
      - group: project-old
        state: absent
    managed_by: [alice@contoso.com]
    organizational_unit: contoso.local/Groups
    parallel: 4
"""

RETURN = r"""
group:
  description:
    - The group after the task; in check mode, what it would be (a group that would be created
      has an empty C(guid), and the addresses the policies would give it are not known).
    - An empty dict after the group is removed.
  returned: with O(group)
  type: dict
  contains:
    identity:
      description: The group's Exchange identity.
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
    organizational_unit:
      description: The organizational unit the group is in, as canonical name.
      type: str
      sample: contoso.local/Groups
    sam_account_name:
      description: The pre-Windows 2000 name (empty in check mode for a group that would be created without O(sam_account_name)).
      type: str
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
    - The calls the task had in flight at once when it ended (pipelines on the runspace pool) -
      O(parallel), or fewer after WinRM refused pipelines for quota.
  returned: when the task sent calls to the server
  type: int
  sample: 4
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.groups import OnPremGroup
from ansible_collections.mailops.exchange.plugins.module_utils.engine.onprem_module import OnPremModule


def main():
    module = OnPremModule(**argument_spec(OnPremGroup))
    module.run(lambda m: m.converge_declared(OnPremGroup))


if __name__ == '__main__':
    main()
