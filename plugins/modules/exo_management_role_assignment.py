#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_management_role_assignment
short_description: Assign Exchange Online management roles to an app, within a management scope
version_added: 0.3.0
description:
  - Manages a management role assignment to an app's Exchange service principal
    (C(New-/Set-/Remove-ManagementRoleAssignment -App)) - the app may then run the role's cmdlets, and
    with O(scope) change only the recipients the management scope selects.
  - The role and the app are fixed when the assignment is created; the scope and O(enabled) can change.
  - Many assignments (one per role, say) go in one task with O(assignments).
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
  - mailops.exchange.exchange_online.bulk
  - mailops.exchange.bulk_results
options:
  assignment:
    description:
      - The name of the role assignment.
      - Give O(assignment) or O(assignments).
    type: str
    aliases: [name, identity]
  assignments:
    description:
      - Many assignments in one task (bulk mode), read ten to a request. Each entry names one by C(assignment)
        and gives its C(role); the options it leaves out take the task's value (O(app), O(scope), O(enabled), O(state)).
      - One assignment's failure does not stop the others; the task fails at the end listing every failed one.
    type: list
    elements: dict
    suboptions:
      assignment:
        description: As O(assignment), for this assignment.
        type: str
        required: true
        aliases: [name, identity]
      role:
        description: As O(role), for this assignment.
        type: str
      app:
        description: As O(app), for this assignment.
        type: str
      scope:
        description: As O(scope), for this assignment.
        type: str
      enabled:
        description: As O(enabled), for this assignment.
        type: bool
      state:
        description: As O(state), for this assignment.
        type: str
        choices: [present, absent]
  role:
    description:
      - The management role, for example C(Mail Recipients). Needed to create the assignment; it cannot change.
      - The guide's module -> cmdlet -> role table lists the roles each module of this collection needs.
    type: str
  app:
    description:
      - The app's Exchange service principal (M(mailops.exchange.exo_service_principal)), named by its application id,
        object id or display name. Needed to create the assignment; it cannot change.
    type: str
  scope:
    description:
      - The management scope (M(mailops.exchange.exo_management_scope)) that limits the recipients the app may
        change (C(CustomRecipientWriteScope)). An empty string lifts the limit (the whole organisation).
    type: str
  enabled:
    description: Whether the assignment is in force.
    type: bool
  state:
    description: Whether the assignment is present.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Needs the Exchange role C(Role Management), or an Entra role such as Exchange Administrator.
"""

EXAMPLES = r"""
- name: The automation may change managed mailboxes only
  mailops.exchange.exo_management_role_assignment:
    assignment: automation-mail-recipients
    role: Mail Recipients
    app: "{{ exchange_app.app_id }}"
    scope: Managed recipients

- name: Every role the collection's modules use, within the scope, in one task
  mailops.exchange.exo_management_role_assignment:
    assignments:
      - {assignment: automation-mail-recipients, role: Mail Recipients}
      - {assignment: automation-mail-recipient-creation, role: Mail Recipient Creation}
      - {assignment: automation-distribution-groups, role: Distribution Groups}
    app: "{{ exchange_app.app_id }}"
    scope: Managed recipients
"""

RETURN = r"""
role_assignment:
  description: The assignment after the task; in check mode, what it would be. An empty dict once removed.
  returned: with O(assignment)
  type: dict
  contains:
    name:
      description: The assignment's name.
      type: str
    role:
      description: The management role.
      type: str
    app:
      description: The application id of the app it is assigned to.
      type: str
    scope:
      description: The management scope, or an empty string for the whole organisation.
      type: str
    enabled:
      description: Whether it is in force.
      type: bool
changes:
  description: 'What changed, C({option: {before, after}}); a create or removal also reports C(state).'
  returned: with O(assignment)
  type: dict
  sample: {"scope": {"before": "", "after": "Managed recipients"}}
results:
  description:
    - With O(assignments), one entry per assignment in the order given - RV(role_assignment), C(changes) and
      C(changed) as for a single one, or C(failed=true) with C(msg) and the error's C(error_kind).
  returned: with O(assignments)
  type: list
  elements: dict
concurrency:
  description:
    - The requests the task had in flight at once when it ended - with O(parallel=auto) what it
      settled at (it grows while the service answers and halves on throttling), with a number
      that number or fewer after throttling; never more than were in flight at once.
  returned: when the task sent requests to the service
  type: int
  sample: 12
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import CREATE, Prop, Resource, argument_spec, same_text
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.engine.properties import text_check
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import CLEAR

TEXT = dict(type='str')


def _text(value):
    return value or ''


class RoleAssignment(Resource):
    noun = 'ManagementRoleAssignment'
    identity = 'assignment'
    identity_aliases = ('name', 'identity')
    key = 'role_assignment'
    what = 'role assignment'
    create = True
    remove = True
    bulk = 'assignments'
    entry_only = ('role',)
    properties = (
        Prop('role', 'Role', same=same_text, when=CREATE, spec=TEXT, check=text_check('role', 64)),
        Prop('app', 'App', same=same_text, when=CREATE, spec=TEXT, check=text_check('app', 256)),
        Prop('scope', 'CustomRecipientWriteScope', view=_text, same=same_text, wire=lambda value: value or CLEAR, spec=TEXT),
        Prop('enabled', 'Enabled', default=True, spec=dict(type='bool')),
    )

    def check_input(self, entry, where):
        try:
            text_check('assignment', 64)(entry['assignment'])
        except ValueError as err:
            raise ValueError(where + str(err))

    def facts(self, row):
        return dict(super().facts(row), name=row.get('Name'))

    def new_parameters(self, plan, desired):
        return dict(super().new_parameters(plan, desired), Name=plan.identity)

    def new_row(self, plan, desired):
        return dict(super().new_row(plan, desired), Name=plan.identity)

    def changes(self, plan, facts):
        changes = super().changes(plan, facts)
        # The app is named any way its service principal answers to; the row shows its application id.
        if 'app' in changes and plan.row is not None and plan.entry['app'].lower() in (
                str(plan.row.get(key) or '').lower() for key in ('App', 'RoleAssignee', 'RoleAssigneeName')):
            del changes['app']
        return changes

    def validate(self, plan, changes):
        missing = [option for option in ('role', 'app') if plan.row is None and not plan.entry[option]]
        if missing:
            return "%s: the role assignment '%s' does not exist; give its role and app to create it" % (' and '.join(missing), plan.identity)
        return None


def main():
    exo = ExoModule(**argument_spec(RoleAssignment))
    exo.run(lambda module: module.converge_declared(RoleAssignment))


if __name__ == '__main__':
    main()
