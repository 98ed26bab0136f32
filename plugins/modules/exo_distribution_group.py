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
    (O(groups)), as desired state, through C(Get/New/Set/Remove-DistributionGroup).
  - Only the options that are given are compared and changed; the others are left as they are.
  - Every owner in O(managed_by) is resolved to one recipient, and a new primary address is
    checked against every other recipient, before the first write. An unknown or ambiguous owner
    or an address another recipient already uses fails the task and changes nothing.
  - Members are managed by M(mailops.exchange.exo_distribution_group_member).
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
  - mailops.exchange.exchange_online.bulk
options:
  name:
    description:
      - The group. For an existing group any identity form Exchange accepts (name, alias, SMTP
        address, GUID); a group that does not exist is created with this as its C(Name).
      - Give O(name) or O(groups).
    type: str
  groups:
    description:
      - Many groups in one task (bulk mode), converged by O(parallel) workers inside one module
        run that share one token, one connection pool and one recipient lookup. The groups are
        read ten to a request, and the owners of all of them (the current and the desired ones)
        are looked up together before the first group is planned.
      - Each entry names a group by C(name) and may set any of the per-group options below;
        options it leaves out take the task's value (for example O(state), O(type) or
        O(managed_by)). O(alias), O(display_name) and O(primary_smtp_address) belong to one
        group, so they are given per entry only.
      - Every entry is validated, and its owners and addresses resolved, before that group's
        first write; a message about an entry names it as C(groups[N].option).
      - One group's failure does not stop or undo the others; the task fails at the end and
        lists every failed group with its reason (RV(results) holds each group's outcome).
      - Prefer it to C(loop) for more than a handful of groups - a looped task pays Ansible's
        per-item start-up, a token cache read and its own retries for every item, and works on
        one item at a time.
    type: list
    elements: dict
    suboptions:
      name:
        description: As O(name), for this group.
        type: str
        required: true
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
  state:
    description:
      - V(present) creates or updates the group; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  alias:
    description:
      - The mail alias. Exchange derives it from O(name) when a group is created without one.
    type: str
  display_name:
    description:
      - The display name. Exchange uses O(name) when a group is created without one.
    type: str
  primary_smtp_address:
    description:
      - The primary SMTP address. When it changes, the old primary stays as a secondary address.
      - Exchange derives it from the alias and the default domain when a group is created without one.
    type: str
  type:
    description:
      - V(distribution) or V(security) (a mail-enabled security group). Applies when the group is
        created; the default then is V(distribution).
      - Exchange cannot convert a group. Giving a type that differs from an existing group's type
        fails the task; remove the group and create it again instead.
    type: str
    choices: [distribution, security]
  managed_by:
    description:
      - The owners of the group, as a complete list; owners who are not listed are removed.
      - Unlike members, owners have no O(state) + exclusive handling; leave the option out to keep
        the current owners.
    type: list
    elements: str
  hidden_from_address_lists:
    description:
      - Whether the group is hidden from the address lists.
    type: bool
  require_sender_authentication:
    description:
      - Whether the group accepts mail only from authenticated (internal) senders. Exchange's
        default for a new group is V(true).
    type: bool
  member_join_restriction:
    description:
      - Whether recipients can join the group themselves (V(open)), need an owner's approval
        (V(approval_required)) or cannot (V(closed), Exchange's default).
      - Security groups cannot be V(open).
    type: str
    choices: [open, closed, approval_required]
  member_depart_restriction:
    description:
      - Whether members can leave the group themselves (V(open), the default for distribution
        groups), need an owner's approval (V(approval_required)) or cannot (V(closed), the default
        for security groups).
      - Security groups cannot be V(open).
    type: str
    choices: [open, closed, approval_required]
notes:
  - The task changes groups it does not own, so every write passes C(-BypassSecurityGroupManagerCheck).
    The application needs a role that allows that, such as Exchange Administrator.
  - Without O(primary_smtp_address), Exchange picks the address of a new group; if another recipient
    already uses it, Exchange refuses the creation and the task fails with its error.
seealso:
  - module: mailops.exchange.exo_distribution_group_member
  - module: mailops.exchange.exo_distribution_group_info
"""

EXAMPLES = r"""
- name: A distribution group for the project, owned by its lead
  mailops.exchange.exo_distribution_group:
    name: project-x
    display_name: Project X
    primary_smtp_address: project-x@contoso.com
    managed_by: [alice@contoso.com]
    require_sender_authentication: false

- name: A mail-enabled security group that people may ask to join
  mailops.exchange.exo_distribution_group:
    name: finance-approvers
    type: security
    member_join_restriction: approval_required
    managed_by: [carol@contoso.com, dave@contoso.com]

- name: Hide a group from the address book
  mailops.exchange.exo_distribution_group:
    name: project-x@contoso.com
    hidden_from_address_lists: true

- name: Remove a group
  mailops.exchange.exo_distribution_group:
    name: project-x@contoso.com
    state: absent

- name: Many groups in one task, all owned by the helpdesk lead unless an entry says otherwise
  mailops.exchange.exo_distribution_group:
    groups:
      - name: project-x
        display_name: Project X
        primary_smtp_address: project-x@contoso.com
      - name: finance-approvers
        type: security
        member_join_restriction: approval_required
        managed_by: [carol@contoso.com, dave@contoso.com]
      - name: project-old
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
  returned: with O(name)
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
results:
  description:
    - With O(groups), one entry per group in the order given - RV(group) and C(changed) as for a
      single group, or C(failed=true) with C(msg) and the error's C(error_kind). C(key) is the group's
      C(name) as the entry gave it; with C(--diff), the task's C(diff) is keyed by it too.
  returned: with O(groups)
  type: list
  elements: dict
  sample:
    - key: project-x
      changed: true
      failed: false
      group: {name: project-x, guid: "", primary_smtp_address: project-x@contoso.com, managed_by: [alice@contoso.com]}
    - key: finance-approvers
      failed: true
      error_kind: invalid_argument
      msg: "groups[1].managed_by: 'dave@contoso.com' was not found; nothing was changed"
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import CREATE, SET, Prop, Resource, argument_spec, same_text
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.groups import (
    DEFAULT_DEPART,
    DEFAULT_JOIN,
    GROUP_TYPES,
    RESTRICTIONS,
    check_group_entry,
    default_alias,
    group_facts,
    read_owners,
    with_primary,
)
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.permissions import trustee_id
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import (
    IdentityError,
    RecipientResolver,
    taken,
)


def _same_owners(have, want):
    return sorted(str(v).lower() for v in have) == sorted(str(v).lower() for v in want.values())


def _text(**spec):
    return dict(type='str', **spec)


class Group(Resource):
    noun = 'DistributionGroup'
    identity = 'name'
    key = 'group'
    what = 'group'
    create = True
    remove = True
    bulk = 'groups'
    entry_only = ('alias', 'display_name', 'primary_smtp_address')
    write_switches = {'BypassSecurityGroupManagerCheck': True}
    properties = (
        Prop('type', 'Type', wire=lambda v: GROUP_TYPES[v][1], when=CREATE, spec=_text(choices=list(GROUP_TYPES))),
        Prop('alias', 'Alias', same=same_text, spec=_text()),
        Prop('display_name', 'DisplayName', spec=_text()),
        Prop('primary_smtp_address', 'PrimarySmtpAddress', same=same_text, spec=_text()),
        Prop('managed_by', 'ManagedBy', same=_same_owners, wire=lambda owners: [trustee_id(k, v) for k, v in owners.items()],
             spec=dict(type='list', elements='str')),
        Prop('hidden_from_address_lists', 'HiddenFromAddressListsEnabled', when=SET, default=False, spec=dict(type='bool')),
        Prop('require_sender_authentication', 'RequireSenderAuthenticationEnabled', spec=dict(type='bool')),
        Prop('member_join_restriction', 'MemberJoinRestriction', wire=RESTRICTIONS.get,
             spec=_text(choices=list(RESTRICTIONS))),
        Prop('member_depart_restriction', 'MemberDepartRestriction', wire=RESTRICTIONS.get,
             spec=_text(choices=list(RESTRICTIONS))),
    )

    def __init__(self, module):
        super().__init__(module)
        self.resolver = RecipientResolver(module.invoke, module.warn if module.check_mode else None)

    def facts(self, row):
        return group_facts(row, read_owners(self.resolver, row))

    def identity_problem(self, value):
        return None if isinstance(value, str) and value.strip() else '%r must not be empty' % (value,)

    def check_input(self, entry, where):
        check_group_entry(entry, where)

    def prepare(self, engine, plans):
        """Look up together every owner (current and desired), and the name and address a new
        or readdressed group takes; the groups read are known first, so they cost nothing."""
        wanted = []
        for plan in plans:
            if plan.row is not None:
                self.resolver.remember(plan.row)
                wanted.extend(plan.row.get('ManagedBy') or ())
            if plan.entry['state'] == 'present':
                wanted.extend(plan.entry['managed_by'] or ())
                wanted.extend([plan.entry['name']] if plan.row is None else [])
                wanted.extend([plan.entry['primary_smtp_address']] if plan.entry['primary_smtp_address'] else [])
        if wanted:
            self.resolver.prefetch(self.module.runner, wanted, self.module.parallel)

    def desired(self, plan):
        desired = super().desired(plan)
        if desired['managed_by'] is not None:
            resolved = self.resolver.resolve_all(plan.where + 'managed_by', desired['managed_by'], plan.row is None)
            desired['managed_by'] = dict((key, recipient.shown) for key, recipient in resolved.items())
        if plan.row is not None and desired['type'] is not None and desired['type'] != self.facts(plan.row)['type']:
            raise IdentityError("%stype: '%s' is a %s group and Exchange cannot convert it to %s; remove the group "
                                'and create it again; nothing was changed'
                                % (plan.where, plan.identity, self.facts(plan.row)['type'], desired['type']),
                                kind='invalid_argument')
        return desired

    def new_row(self, plan, desired):
        group_type = desired['type'] or 'distribution'
        primary = desired['primary_smtp_address'] or ''
        return {
            'Identity': plan.identity, 'Name': plan.identity, 'Guid': '',
            'Alias': desired['alias'] or default_alias(plan.identity),
            'DisplayName': desired['display_name'] or plan.identity,
            'PrimarySmtpAddress': primary, 'EmailAddresses': ['SMTP:' + primary] if primary else [],
            'RecipientTypeDetails': GROUP_TYPES[group_type][0],
            'ManagedBy': [trustee_id(k, v) for k, v in (desired['managed_by'] or {}).items()],
            'HiddenFromAddressListsEnabled': bool(desired['hidden_from_address_lists']),
            'RequireSenderAuthenticationEnabled': desired['require_sender_authentication'] is not False,
            'MemberJoinRestriction': desired['member_join_restriction'] or DEFAULT_JOIN,
            'MemberDepartRestriction': desired['member_depart_restriction'] or DEFAULT_DEPART[group_type],
        }

    def new_parameters(self, plan, desired):
        parameters = super().new_parameters(plan, desired)
        parameters.update(Name=plan.identity, Type=GROUP_TYPES[desired['type'] or 'distribution'][1])
        return parameters

    def predict(self, plan, changes):
        after = super().predict(plan, changes)
        if 'primary_smtp_address' in changes:
            after['EmailAddresses'] = with_primary(plan.row.get('EmailAddresses') or [], changes['primary_smtp_address'])
        return after

    def validate(self, plan, changes):
        facts = self.facts(self.new_row(plan, plan.desired) if plan.row is None else self.predict(plan, changes))
        if facts['type'] == 'security':
            for option in ('member_join_restriction', 'member_depart_restriction'):
                if facts[option] == 'open':
                    return "%s: 'open' is not allowed for a security group; use closed or approval_required" % option
        if plan.row is None:
            problem = taken(self.resolver, 'name', plan.identity, None)
            if problem:
                return problem
        if 'primary_smtp_address' in changes:
            own = str(plan.row.get('Guid')).lower() if plan.row else None
            return taken(self.resolver, 'primary_smtp_address', changes['primary_smtp_address'], own)
        return None


def main():
    exo = ExoModule(**argument_spec(Group))
    exo.run(lambda module: module.converge_declared(Group))


if __name__ == '__main__':
    main()
