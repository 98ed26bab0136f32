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
      single group, or C(failed=true) with C(msg) and the error C(kind). C(key) is the group's
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
      kind: invalid_argument
      msg: "groups[1].managed_by: 'dave@contoso.com' was not found; nothing was changed"
"""

import re

from ansible_collections.mailops.exchange.plugins.module_utils.bulk import (
    DEFAULT_PARALLEL,
    bulk_result,
    check_parallel,
    converge_all,
    invoke_each,
    merge_entries,
)
from ansible_collections.mailops.exchange.plugins.module_utils.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.groups import (
    DEFAULT_DEPART,
    DEFAULT_JOIN,
    GROUP_TYPES,
    RESTRICTIONS,
    default_alias,
    group_facts,
    group_from_answer,
    group_read,
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

# Options that name one group: a task-wide value for many groups would clash, so with groups[]
# they are given per entry only.
ENTRY_ONLY = ('name', 'alias', 'display_name', 'primary_smtp_address')

# Options a groups[] entry takes from the task when it leaves them out.
ENTRY_DEFAULTS = ('state', 'type', 'managed_by', 'hidden_from_address_lists', 'require_sender_authentication',
                  'member_join_restriction', 'member_depart_restriction')


def _same(option, current, desired):
    if option in ('alias', 'primary_smtp_address'):
        return str(current).lower() == str(desired).lower()
    return current == desired


def _describe(recipient):
    return "%s '%s'" % (recipient.row.get('RecipientTypeDetails') or 'recipient', recipient.shown)


def check_name(value, where):
    """The group's name must be a non-blank string: it is the key the group is read and reported by."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError('%sname: %r must not be empty' % (where, value))


def check_entry(entry, where):
    """Refuse, naming the option (prefixed with ``where``) and the value, what no group can have.

    Asks nothing of the service; raises ValueError.
    """
    check_name(entry['name'], where)
    for option in ('alias', 'display_name', 'primary_smtp_address'):
        if entry[option] is not None and not entry[option].strip():
            raise ValueError('%s%s: %r must not be empty' % (where, option, entry[option]))
    if entry['alias'] is not None:
        try:
            check_alias(entry['alias'])
        except ValueError as err:
            raise ValueError(where + str(err)) from None
    address = entry['primary_smtp_address']
    if address is not None and not _SMTP.match(address):
        raise ValueError("%sprimary_smtp_address: '%s' is not an SMTP address such as group@contoso.com"
                         % (where, address))
    try:
        check_identities(where + 'managed_by', entry['managed_by'])
    except IdentityError as err:
        raise ValueError(str(err)) from None


def lookups(entry, row):
    """The identities converging ``entry`` looks up, given its group's ``row`` (None: not there):
    the current and desired owners, and the name and address a new or readdressed group takes."""
    wanted = list(row.get('ManagedBy') or ()) if row is not None else []
    if entry['state'] == 'present':
        wanted.extend(entry['managed_by'] or ())
        if row is None:
            wanted.append(entry['name'])
        if entry['primary_smtp_address']:
            wanted.append(entry['primary_smtp_address'])
    return wanted


def read_all(exo, resolver, entries, wheres):
    """The answer to each entry's group read (its rows or the ``ExchangeError`` it raised), ten
    to a request; an entry whose input :func:`check_entry` refuses is not read, and its answer is
    that refusal.

    Then every identity the entries will look up goes to ``resolver`` at once (see
    :func:`lookups`); the groups read are indexed first, so naming a group's own name or address
    costs nothing.
    """
    answers = []
    for entry, where in zip(entries, wheres):
        try:
            check_entry(entry, where)
            answers.append(None)
        except ValueError as err:
            answers.append(IdentityError('%s; nothing was changed' % err, kind='invalid_argument'))
    valid = [index for index, answer in enumerate(answers) if answer is None]
    if not valid:
        return answers
    parallel = exo.params['parallel']
    reads = invoke_each(exo.runner, [group_read(entries[index]['name']) for index in valid], parallel)
    wanted = []
    for index, answer in zip(valid, reads):
        answers[index] = answer
        try:
            row = group_from_answer(answer, entries[index]['name'], 'name')
        except ExchangeError:
            continue
        if row is not None:
            resolver.remember(row)
        wanted.extend(lookups(entries[index], row))
    if wanted:
        resolver.prefetch(exo.runner, wanted, parallel)
    return answers


class GroupTask(object):
    """Validates, plans and applies one group (``entry``: the module's options, or one
    groups[] entry with the task's defaults); the recipient lookup is shared by every group of
    the task. Messages name the options with the ``where`` prefix (``groups[N].``)."""

    def __init__(self, exo, resolver, entry, where=''):
        self.exo = exo
        self.resolver = resolver
        self.params = entry
        self.where = where

    def converge(self, answer):
        """The group's result dict, with its ``before``, from the answer to its read."""
        params = self.params
        row = group_from_answer(answer, params['name'], self.where + 'name')
        if params['state'] == 'absent':
            before = self.remove(row) if row is not None else {}
            after = {}
        else:
            owners = self.owners()
            if row is None:
                before, after = {}, self.create(owners)
            else:
                before, after = self.update(row, owners)
        return dict(changed=before != after, group=after, before=before)

    def owners(self):
        """The desired owners as key -> shown, or None when O(managed_by) is not given."""
        if self.params['managed_by'] is None:
            return None
        resolved = self.resolver.resolve_all(self.where + 'managed_by', self.params['managed_by'])
        return {k: r.shown for k, r in resolved.items()}

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
            raise IdentityError("%sprimary_smtp_address: '%s' is already used by %s; nothing was changed"
                                % (self.where, address, _describe(holder)), kind='invalid_argument')

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
            raise IdentityError("%sname: '%s' is already used by %s; nothing was changed"
                                % (self.where, name, _describe(holder)), kind='invalid_argument')

    def check_restrictions(self, facts):
        if facts['type'] != 'security':
            return
        for option in ('member_join_restriction', 'member_depart_restriction'):
            if facts[option] == 'open':
                raise IdentityError("%s%s: 'open' is not allowed for a security group; use closed or "
                                    "approval_required; nothing was changed" % (self.where, option),
                                    kind='invalid_argument')

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
            raise IdentityError("%stype: '%s' is a %s group and Exchange cannot convert it to %s; remove "
                                "the group and create it again; nothing was changed"
                                % (self.where, params['name'], before['type'], params['type']),
                                kind='invalid_argument')
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


def converge_one(exo):
    resolver = RecipientResolver(exo.invoke)
    answer = read_all(exo, resolver, [exo.params], [''])[0]
    result = GroupTask(exo, resolver, exo.params).converge(answer)
    before = result.pop('before')
    if exo.module._diff:
        result['diff'] = build_diff(before, result['group'])
    return result


def converge_many(exo, entries):
    resolver = RecipientResolver(exo.invoke)
    wheres = ['groups[%d].' % index for index in range(len(entries))]
    jobs = list(zip(entries, wheres, read_all(exo, resolver, entries, wheres)))
    outcomes = converge_all(jobs, lambda job: GroupTask(exo, resolver, job[0], job[1]).converge(job[2]),
                            exo.params['parallel'], key=lambda job: job[0]['name'])
    return bulk_result(exo, outcomes, 'groups', name=lambda r: r['key'], after=lambda r: r['group'])


def main():
    properties = dict(
        alias=dict(type='str'),
        display_name=dict(type='str'),
        primary_smtp_address=dict(type='str'),
        type=dict(type='str', choices=list(GROUP_TYPES)),
        managed_by=dict(type='list', elements='str'),
        hidden_from_address_lists=dict(type='bool'),
        require_sender_authentication=dict(type='bool'),
        member_join_restriction=dict(type='str', choices=list(RESTRICTIONS)),
        member_depart_restriction=dict(type='str', choices=list(RESTRICTIONS)),
    )
    entry_spec = dict(
        properties,
        name=dict(type='str', required=True),
        state=dict(type='str', choices=['present', 'absent']),
    )
    exo = ExoModule(
        argument_spec=dict(
            properties,
            name=dict(type='str'),
            groups=dict(type='list', elements='dict', options=entry_spec),
            parallel=dict(type='int', default=DEFAULT_PARALLEL),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_one_of=[('name', 'groups')],
        mutually_exclusive=[('name', 'groups')] + [('groups', option) for option in ENTRY_ONLY if option != 'name'],
    )
    params = exo.params
    try:
        check_parallel(params['parallel'])
        if params['name'] is not None:
            check_entry(params, '')
        else:
            # Options per entry only are None unless the entry gives them.
            defaults = dict.fromkeys(ENTRY_ONLY)
            defaults.update((option, params[option]) for option in ENTRY_DEFAULTS)
            entries = merge_entries(params['groups'], defaults)
            for index, entry in enumerate(entries):
                check_name(entry['name'], 'groups[%d].' % index)
    except ValueError as exc:
        exo.fail(str(exc))
    if params['name'] is not None:
        exo.run(converge_one)
    else:
        exo.run(lambda module: converge_many(module, entries))


if __name__ == '__main__':
    main()
