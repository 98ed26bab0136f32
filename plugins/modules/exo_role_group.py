#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_role_group
short_description: Create, update and remove Exchange Online role groups and their members
version_added: 0.3.0
description:
  - Manages an Exchange role group (C(New-/Set-/Remove-RoleGroup)) and its members
    (C(Add-/Remove-RoleGroupMember)) - its members may run the cmdlets of its roles, limited to the recipients
    of its management scope when it has one.
  - A member is an app's Exchange service principal (M(mailops.exchange.exo_service_principal), named by its
    application id, object id or display name) or a user.
  - The roles and the scope are fixed when the group is created; the description and the members can change.
    A built-in role group (Organization Management, Recipient Management, ...) can take members but cannot be removed.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
options:
  role_group:
    description: The name of the role group.
    type: str
    required: true
    aliases: [name, identity]
  roles:
    description:
      - The management roles of a new group, for example C([Mail Recipients, Distribution Groups]). They cannot change.
      - The guide's module -> cmdlet -> role table lists the roles each module of this collection needs.
    type: list
    elements: str
  scope:
    description:
      - The management scope (M(mailops.exchange.exo_management_scope)) that limits the recipients the group's members
        may change (C(CustomRecipientWriteScope)). Set when the group is created; it cannot change.
    type: str
  description:
    description: The group's description; an empty string clears it.
    type: str
  members:
    description:
      - Members, each a service principal (application id, object id or display name) or a user (any identity).
      - O(members_mode) says what the list means; leave the option out to leave the members alone.
    type: list
    elements: str
  members_mode:
    description:
      - V(present) adds the listed members where missing; V(absent) removes the listed members where present;
        V(exact) also removes every member not listed.
    type: str
    choices: [present, absent, exact]
    default: present
  state:
    description: Whether the role group is present.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Needs the Exchange role C(Role Management), or an Entra role such as Exchange Administrator.
"""

EXAMPLES = r"""
- name: The automation's roles, limited to the managed recipients, with the app as its only member
  mailops.exchange.exo_role_group:
    role_group: mailops automation
    roles: [Mail Recipients, Distribution Groups]
    scope: Managed recipients
    description: What the mailops.exchange automation may do
    members: ["{{ exchange_app.app_id }}"]
    members_mode: exact
"""

RETURN = r"""
role_group:
  description: The role group after the task; in check mode, what it would be. An empty dict once removed.
  returned: always
  type: dict
  contains:
    name:
      description: The group's name.
      type: str
    roles:
      description: Its management roles, sorted.
      type: list
      elements: str
    scope:
      description: Its management scope, or an empty string.
      type: str
    description:
      description: Its description.
      type: str
    members:
      description: Its members' display names, sorted.
      type: list
      elements: str
      returned: when O(members) is given
changes:
  description: 'What changed, C({option: {before, after}}), or C({added, removed}) for O(members); a create or removal
    also reports C(state).'
  returned: always
  type: dict
  sample: {"members": {"added": ["mailops automation"], "removed": []}}
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import CREATE, Prop, Resource, argument_spec, one_row, same_text
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.engine.properties import text_check
from ansible_collections.mailops.exchange.plugins.module_utils.engine.relation import MODES, plan_mode
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import CLEAR

TEXT = dict(type='str')
# The planned members, key (the Entra object id, lower case) -> display name; not a row property of Exchange's.
MEMBERS = '_members'


def _text(value):
    return value or ''


def _roles(value):
    return sorted(value or [], key=str.lower)


def _same_roles(have, want):
    return set(r.lower() for r in have or []) == set(r.lower() for r in want or [])


def _member(row):
    """A member row (Get-RoleGroupMember, Get-ServicePrincipal or Get-Recipient) as key -> shown."""
    key = row.get('ExternalDirectoryObjectId') or row.get('ObjectId') or row.get('Guid')
    return str(key).lower(), row.get('DisplayName') or row.get('Name')


class RoleGroup(Resource):
    noun = 'RoleGroup'
    identity = 'role_group'
    identity_aliases = ('name', 'identity')
    key = 'role_group'
    what = 'role group'
    create = True
    remove = True
    options = {'members': dict(type='list', elements='str'), 'members_mode': dict(type='str', choices=list(MODES), default='present')}
    properties = (
        Prop('roles', 'Roles', view=_roles, same=_same_roles, when=CREATE, spec=dict(type='list', elements='str')),
        Prop('scope', 'CustomRecipientWriteScope', view=_text, same=same_text, when=CREATE, spec=TEXT),
        Prop('description', 'Description', view=_text, wire=lambda value: value or CLEAR, spec=TEXT),
    )

    def check_input(self, entry, where):
        text_check('role_group', 64)(entry['role_group'])
        for member in entry['members'] or ():
            text_check('members', 256)(member)

    def facts(self, row):
        facts = dict(super().facts(row), name=row.get('Name'))
        if MEMBERS in row:
            facts['members'] = sorted(row[MEMBERS].values(), key=str.lower)
        return facts

    def prepare(self, engine, plans):
        """Read the members of each group whose entry names members, and look every named member up: a service
        principal first, else a recipient; all ten to a request."""
        listed = [plan for plan in plans if plan.row is not None and plan.entry['members'] is not None]
        answers = self.module.invoke_all([('Get-RoleGroupMember', {'Identity': str(plan.row.get('Guid'))}) for plan in listed])
        for plan, answer in zip(listed, answers):
            if isinstance(answer, ExchangeError):
                raise answer
            plan.row[MEMBERS] = dict(_member(row) for row in answer)
        names = sorted(set(name for plan in plans for name in plan.entry['members'] or ()))
        found = dict(zip(names, self.module.invoke_all([('Get-ServicePrincipal', {'Identity': name}) for name in names])))
        others = [name for name in names if one_row(found[name], 'members', name, 'member') is None]
        found.update(zip(others, self.module.invoke_all([('Get-Recipient', {'Identity': name}) for name in others])))
        self.members = {}
        for name in names:
            row = one_row(found[name], 'members', name, 'member')
            self.members[name] = _member(row) if row is not None else None

    def desired(self, plan):
        if plan.entry['members'] is not None and plan.entry['state'] == 'present':
            unknown = [name for name in plan.entry['members'] if self.members[name] is None]
            if unknown:
                raise ExchangeError("%smembers: '%s' is neither a service principal nor a recipient; nothing was changed"
                                    % (plan.where, unknown[0]), kind='invalid_argument')
            wanted = dict(self.members[name] for name in plan.entry['members'])
            plan.detail = plan_mode((plan.row or {}).get(MEMBERS, {}), wanted, plan.entry['members_mode'])
        return super().desired(plan)

    def changes(self, plan, facts):
        changes = super().changes(plan, facts)
        return dict(changes, members=plan.detail) if plan.detail else changes

    def shown_changes(self, plan, facts, changes):
        shown = super().shown_changes(plan, facts, dict((k, v) for k, v in changes.items() if k != 'members'))
        return dict(shown, members=plan.detail.report()) if plan.detail is not None else shown

    def after_create(self, plan, row):
        changes = super().after_create(plan, row)
        return dict(changes, members=plan.detail) if plan.detail else changes

    def new_parameters(self, plan, desired):
        return dict(super().new_parameters(plan, desired), Name=plan.identity)

    def new_row(self, plan, desired):
        row = dict(super().new_row(plan, desired), Name=plan.identity, Guid='')
        return dict(row, **{MEMBERS: plan.detail.after()}) if plan.detail is not None else row

    def predict(self, plan, changes):
        after = super().predict(plan, changes)
        return dict(after, **{MEMBERS: plan.detail.after()}) if plan.detail is not None else after

    def reread_answers(self, plans, keys):
        answers = super().reread_answers(plans, keys)
        for plan, answer in zip(plans, answers):
            if plan.detail is not None and not isinstance(answer, ExchangeError) and answer:
                answer[0][MEMBERS] = plan.detail.after()
        return answers

    def writes(self, plan, key, changes):
        change = changes.get('members')
        if not change:
            return []
        return [[('Add-RoleGroupMember', {'Identity': key, 'Member': member, 'Confirm': False}) for member in change.added]
                + [('Remove-RoleGroupMember', {'Identity': key, 'Member': member, 'Confirm': False}) for member in change.removed]]


def main():
    exo = ExoModule(**argument_spec(RoleGroup))
    exo.run(lambda module: module.converge_declared(RoleGroup))


if __name__ == '__main__':
    main()
