#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_entra_group_member
short_description: Add and remove the members of an Entra (security) group, such as a licence group
version_added: 0.2.0
description:
  - Manages the direct members of one Entra group as desired state through Microsoft Graph
    (C(POST /groups/{id}/members/$ref), C(DELETE /groups/{id}/members/{id}/$ref)).
  - Made for licence groups (group-based licensing); a user who joins a group that gives an
    Exchange Online licence gets a mailbox a while later - wait for it with
    M(mailops.exchange.exo_mailbox_info) and O(mailops.exchange.exo_mailbox_info#module:wait=true).
    The members of mail-enabled groups are managed with M(mailops.exchange.exo_distribution_group_member).
  - Every member is resolved to one Entra user before anything is compared or changed, so a user
    principal name and the object id of one user are the same member. An unknown member fails
    the task before the first write.
  - Adding a user who is already a member, or removing one who no longer is, counts as done.
  - "Microsoft Graph application permissions: C(GroupMember.ReadWrite.All) to read and change the
    members, C(User.Read.All) to resolve the members named."
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
options:
  group:
    description:
      - The group, by object id or display name (a display name that several groups share fails the task).
    type: str
    required: true
    aliases: [identity]
  members:
    description:
      - The users to add or remove, by user principal name or object id.
    type: list
    elements: str
    required: true
  state:
    description:
      - V(present) adds the listed members; V(absent) removes them.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), also remove every member that is not listed. Not allowed with O(state=absent).
    type: bool
    default: false
notes:
  - The members option follows the collection's C(state) + C(exclusive) convention.
"""

EXAMPLES = r"""
- name: The joiner is licensed through the Exchange Online licence group
  mailops.exchange.exo_entra_group_member:
    group: Licence - Exchange Online
    members: [nina.novak@contoso.com]
"""

RETURN = r"""
group:
  description:
    - The group, as every module shows the object it manages - C(identity) (its object id),
      C(display_name) and C(primary_smtp_address) (its mail address; empty for a group without one).
    - In check mode, a group not created yet is known by its display name only.
  returned: always
  type: dict
  sample: {identity: 5f1c8a4e-3b7d-4c1a-9e2f-0a6b8d4c2e10, display_name: Licence - Exchange Online, primary_smtp_address: ''}
members:
  description: The group's direct members after the task (user principal names); in check mode, what they would be.
  returned: always
  type: list
  elements: str
  sample: [nina.novak@contoso.com]
changes:
  description: The members added and removed (or in check mode that would be).
  returned: always
  type: dict
  sample: {members: {added: [nina.novak@contoso.com], removed: []}}
"""

from urllib.parse import quote

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Prop, argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.apps.entra_roles import is_guid
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ALREADY_EXISTS, NOT_FOUND, ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.runners.graph_client import odata_quote
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import GraphModule
from ansible_collections.mailops.exchange.plugins.module_utils.runners.graph_runner import graph_call
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import sorted_values
from ansible_collections.mailops.exchange.plugins.module_utils.engine.relation import WRITES, Relation, check_entry

PERMISSIONS = ('GroupMember.ReadWrite.All', 'User.Read.All')
MEMBER_SELECT = 'id,userPrincipalName,displayName'
GROUP_SELECT = 'id,displayName,mail'


def shown(row):
    """How a member is shown: its user principal name (a member that is no user: its name, or id)."""
    return row.get('userPrincipalName') or row.get('displayName') or row['id']


class EntraMembers(Relation):
    """An Entra group's direct members, read and written through Microsoft Graph."""

    identity = 'group'
    identity_aliases = ('identity',)
    key = 'members'
    what = 'group'
    properties = (Prop('members', 'members', view=sorted_values, when=WRITES,
                       spec=dict(type='list', elements='str', required=True)),)
    options = dict(state=dict(type='str', default='present', choices=['present', 'absent']),
                   exclusive=dict(type='bool', default=False))

    def read_call(self, identity):
        if is_guid(identity):
            return graph_call('GET', 'groups/%s' % identity, query={'$select': GROUP_SELECT})
        return graph_call('GET', 'groups', query={'$filter': 'displayName eq %s' % odata_quote(identity),
                                                  '$select': GROUP_SELECT}, collection=True)

    def object_key(self, row, identity):
        return row['id'] if row else identity

    def check_input(self, entry, where):
        check_entry(entry, where, 'group', 'members')
        for member in entry['members']:
            if not isinstance(member, str) or not member.strip():
                raise ValueError('%smembers: %r is not a user principal name or object id' % (where, member))

    def prepare(self, engine, plans):
        """Every group's members, and every user named, each read once."""
        found = [plan for plan in plans if plan.row is not None]
        answers = self.module.invoke_all([graph_call('GET', 'groups/%s/members' % plan.row['id'],
                                                     query={'$select': MEMBER_SELECT}, collection=True) for plan in found])
        for plan, answer in zip(found, answers):
            if isinstance(answer, ExchangeError):
                raise answer
            plan.row['members'] = dict((row['id'].lower(), shown(row)) for row in answer)
        names = sorted(set(m.strip() for plan in plans for m in plan.entry['members']))
        answers = self.module.invoke_all([graph_call('GET', 'users/%s' % quote(name, safe='@'),
                                                     query={'$select': MEMBER_SELECT}) for name in names])
        self.users = dict(zip([name.lower() for name in names], answers))

    def wanted(self, plan):
        members = {}
        for name in plan.entry['members']:
            answer = self.users[name.strip().lower()]
            if isinstance(answer, ExchangeError):
                if answer.kind != NOT_FOUND:
                    raise answer
                raise ValueError("%smembers: '%s' is not an Entra user (by user principal name or object id)"
                                 % (plan.where, name))
            members[answer[0]['id'].lower()] = shown(answer[0])
        return {'members': members}

    def new_object(self, plan):
        return {'displayName': plan.identity}

    def writes(self, plan, key, changes):
        change = plan.detail['members']
        reference = '%s/v1.0/directoryObjects/' % self.module.graph.graph_url
        calls = [graph_call('POST', 'groups/%s/members/$ref' % key, {'@odata.id': reference + member})
                 for member in change.added]
        calls += [graph_call('DELETE', 'groups/%s/members/%s/$ref' % (key, member)) for member in change.removed]
        return [calls] if calls else []

    def write_error(self, call, err):
        """Adding a member who is there, or removing one who is not, counts as done."""
        if call[0] == 'POST' and (err.kind == ALREADY_EXISTS or 'already exist' in (err.message or '').lower()):
            return None
        if call[0] == 'DELETE' and err.kind == NOT_FOUND:
            return None
        return err

    def present(self, facts, row):
        row = row or {}
        group = {'identity': row.get('id') or '', 'display_name': row.get('displayName') or '',
                 'primary_smtp_address': row.get('mail') or ''}
        return {'group': group, 'members': facts.get('members', [])}

    def diff_name(self, result):
        return result['group']['display_name']

    def diff_after(self, result):
        return {'members': result['members']}


def main():
    exo = GraphModule(permissions=PERMISSIONS, **argument_spec(EntraMembers))
    exo.run(lambda module: module.converge_declared(EntraMembers))


if __name__ == '__main__':
    main()
