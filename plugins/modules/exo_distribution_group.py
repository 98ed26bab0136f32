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
  - Manages one distribution group or mail-enabled security group as desired state, through
    C(Get/New/Set/Remove-DistributionGroup).
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
options:
  name:
    description:
      - The group. For an existing group any identity form Exchange accepts (name, alias, SMTP
        address, GUID); a group that does not exist is created with this as its C(Name).
    type: str
    required: true
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
"""

RETURN = r"""
group:
  description:
    - The group after the task; in check mode, what it would be (a group that would be created
      has an empty C(guid), and the addresses Exchange would pick are not known).
    - An empty dict after the group is removed.
  returned: always
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
"""

import re

from ansible_collections.mailops.exchange.plugins.module_utils.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.groups import (
    DEFAULT_DEPART,
    DEFAULT_JOIN,
    GROUP_TYPES,
    RESTRICTIONS,
    default_alias,
    group_facts,
    read_group,
    read_owners,
    with_primary,
)
from ansible_collections.mailops.exchange.plugins.module_utils.mailbox_properties import check_alias
from ansible_collections.mailops.exchange.plugins.module_utils.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.outcome import create_once
from ansible_collections.mailops.exchange.plugins.module_utils.permissions import trustee_id
from ansible_collections.mailops.exchange.plugins.module_utils.reconcile import build_diff, sorted_values
from ansible_collections.mailops.exchange.plugins.module_utils.recipients import (
    IdentityError,
    RecipientResolver,
    check_identities,
)

# Option -> the New/Set-DistributionGroup parameter that carries it, and its Exchange value.
PROPERTIES = {
    'alias': ('Alias', str),
    'display_name': ('DisplayName', str),
    'primary_smtp_address': ('PrimarySmtpAddress', str),
    'hidden_from_address_lists': ('HiddenFromAddressListsEnabled', bool),
    'require_sender_authentication': ('RequireSenderAuthenticationEnabled', bool),
    'member_join_restriction': ('MemberJoinRestriction', RESTRICTIONS.get),
    'member_depart_restriction': ('MemberDepartRestriction', RESTRICTIONS.get),
}
_SMTP = re.compile(r'^[^@\s:]+@[^@\s]+\.[^@\s]+$')

# Set-DistributionGroup only: New-DistributionGroup has no such parameter.
SET_ONLY = ('hidden_from_address_lists',)


def _same(option, current, desired):
    if option in ('alias', 'primary_smtp_address'):
        return str(current).lower() == str(desired).lower()
    return current == desired


def _describe(recipient):
    return "%s '%s'" % (recipient.row.get('RecipientTypeDetails') or 'recipient', recipient.shown)


class GroupTask(object):
    """Reads, validates, plans and applies one group."""

    def __init__(self, exo):
        self.exo = exo
        self.params = exo.params
        self.resolver = RecipientResolver(exo.invoke)

    def owners(self):
        """The desired owners as key -> shown, or None when O(managed_by) is not given."""
        if self.params['managed_by'] is None:
            return None
        return {k: r.shown for k, r in self.resolver.resolve_all('managed_by', self.params['managed_by']).items()}

    def check_address_free(self, group_key):
        """Fail when another recipient already uses the desired primary address."""
        address = self.params['primary_smtp_address']
        try:
            holder = self.resolver.lookup(address)
        except ExchangeError as err:
            if err.kind != 'ambiguous':
                raise
            holder = None
        if holder is not None and holder.key != group_key and address.lower() in holder.names:
            raise IdentityError("primary_smtp_address: '%s' is already used by %s; nothing was changed"
                                % (address, _describe(holder)), kind='invalid_argument')

    def check_name_free(self):
        """Fail when a recipient that is not a group already has the Name a new group would take."""
        name = self.params['name']
        try:
            holder = self.resolver.lookup(name)
        except ExchangeError as err:
            if err.kind != 'ambiguous':
                raise
            return
        if holder is not None and str(holder.row.get('Name', '')).lower() == name.lower():
            raise IdentityError("name: '%s' is already used by %s; nothing was changed"
                                % (name, _describe(holder)), kind='invalid_argument')

    def check_restrictions(self, facts):
        if facts['type'] != 'security':
            return
        for option in ('member_join_restriction', 'member_depart_restriction'):
            if facts[option] == 'open':
                raise IdentityError("%s: 'open' is not allowed for a security group; use closed or "
                                    "approval_required; nothing was changed" % option, kind='invalid_argument')

    def create(self, owners):
        params = self.params
        group_type = params['type'] or 'distribution'
        alias = params['alias'] or default_alias(params['name'])
        primary = params['primary_smtp_address'] or ''
        after = {
            'identity': params['name'],
            'guid': '',
            'name': params['name'],
            'alias': alias,
            'display_name': params['display_name'] or params['name'],
            'primary_smtp_address': primary,
            'email_addresses': ['SMTP:' + primary] if primary else [],
            'type': group_type,
            'managed_by': sorted_values(owners or {}),
            'hidden_from_address_lists': bool(params['hidden_from_address_lists']),
            'require_sender_authentication': params['require_sender_authentication'] is not False,
            'member_join_restriction': params['member_join_restriction'] or DEFAULT_JOIN,
            'member_depart_restriction': params['member_depart_restriction'] or DEFAULT_DEPART[group_type],
        }
        self.check_restrictions(after)
        self.check_name_free()
        if primary:
            self.check_address_free(None)
        if self.exo.check_mode:
            return after

        new = {'Name': params['name'], 'Type': GROUP_TYPES[group_type][1]}
        for option, (parameter, convert) in PROPERTIES.items():
            if params[option] is not None and option not in SET_ONLY:
                new[parameter] = convert(params[option])
        if owners is not None:
            new['ManagedBy'] = [trustee_id(k, v) for k, v in owners.items()]
        # The name was free (checked above), so a group found by it after a lost answer is this one.
        row = create_once(self.exo.invoke, 'New-DistributionGroup', new,
                          lambda: read_group(self.exo.invoke, params['name'], 'name'))[0]
        if params['hidden_from_address_lists']:
            self.exo.invoke('Set-DistributionGroup', {
                'Identity': row['Guid'], 'HiddenFromAddressListsEnabled': True,
                'BypassSecurityGroupManagerCheck': True}, idempotent=True)
        return self.reread(row['Guid'])

    def update(self, row, owners):
        params = self.params
        current_owners = read_owners(self.resolver, row)
        before = group_facts(row, current_owners)
        if params['type'] is not None and params['type'] != before['type']:
            raise IdentityError("type: '%s' is a %s group and Exchange cannot convert it to %s; remove the "
                                "group and create it again; nothing was changed"
                                % (params['name'], before['type'], params['type']), kind='invalid_argument')
        after = dict(before)
        changes = {}
        for option, (parameter, convert) in PROPERTIES.items():
            desired = params[option]
            if desired is not None and not _same(option, before[option], desired):
                changes[parameter] = convert(desired)
                after[option] = desired
        if owners is not None and set(owners) != set(current_owners):
            changes['ManagedBy'] = [trustee_id(k, v) for k, v in owners.items()]
            after['managed_by'] = sorted_values(owners)
        if 'PrimarySmtpAddress' in changes:
            after['email_addresses'] = with_primary(before['email_addresses'], after['primary_smtp_address'])
        self.check_restrictions(after)
        if 'PrimarySmtpAddress' in changes:
            self.check_address_free(str(row.get('Guid')).lower())
        if not changes or self.exo.check_mode:
            return before, after
        changes.update(Identity=row['Guid'], BypassSecurityGroupManagerCheck=True)
        self.exo.invoke('Set-DistributionGroup', changes, idempotent=True)
        return before, self.reread(row['Guid'])

    def reread(self, guid):
        row = read_group(self.exo.invoke, guid, 'name')
        return group_facts(row, read_owners(self.resolver, row))

    def remove(self, row):
        before = group_facts(row, read_owners(self.resolver, row))
        if not self.exo.check_mode:
            try:
                self.exo.invoke('Remove-DistributionGroup', {
                    'Identity': row['Guid'], 'Confirm': False, 'BypassSecurityGroupManagerCheck': True},
                    idempotent=True)
            except ExchangeError as err:
                # Gone already (another run, or a lost response to our own remove): that is the goal.
                if err.kind != 'not_found':
                    raise
        return before


def converge(exo):
    params = exo.params
    check_identities('managed_by', params['managed_by'])
    task = GroupTask(exo)
    row = read_group(exo.invoke, params['name'], 'name')

    if params['state'] == 'absent':
        before = task.remove(row) if row is not None else {}
        after = {}
    else:
        owners = task.owners()
        if row is None:
            before, after = {}, task.create(owners)
        else:
            before, after = task.update(row, owners)

    result = dict(changed=before != after, group=after)
    if exo.module._diff:
        result['diff'] = build_diff(before, after)
    return result


def main():
    exo = ExoModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            alias=dict(type='str'),
            display_name=dict(type='str'),
            primary_smtp_address=dict(type='str'),
            type=dict(type='str', choices=list(GROUP_TYPES)),
            managed_by=dict(type='list', elements='str'),
            hidden_from_address_lists=dict(type='bool'),
            require_sender_authentication=dict(type='bool'),
            member_join_restriction=dict(type='str', choices=list(RESTRICTIONS)),
            member_depart_restriction=dict(type='str', choices=list(RESTRICTIONS)),
        ),
    )
    params = exo.params
    for option in ('name', 'alias', 'display_name', 'primary_smtp_address'):
        if params[option] is not None and not params[option].strip():
            exo.fail('%s: %r must not be empty' % (option, params[option]))
    if params['alias'] is not None:
        try:
            check_alias(params['alias'])
        except ValueError as err:
            exo.fail(str(err))
    address = params['primary_smtp_address']
    if address is not None and not _SMTP.match(address):
        exo.fail("primary_smtp_address: '%s' is not an SMTP address such as group@contoso.com" % address)
    exo.run(converge)


if __name__ == '__main__':
    main()
