#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_management_scope
short_description: Create, update and remove Exchange Online management scopes
version_added: 0.3.0
description:
  - Manages a recipient management scope (C(New-/Set-/Remove-ManagementScope)) - an OPATH recipient filter
    that limits which recipients a management role assignment may change.
  - A role assignment with the scope (M(mailops.exchange.exo_management_role_assignment) O(scope)) lets
    its app write only to the recipients the filter selects; reads are not limited.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
options:
  scope:
    description: The name of the management scope.
    type: str
    required: true
    aliases: [name, identity]
  recipient_filter:
    description:
      - The OPATH filter of the recipients in the scope (C(RecipientRestrictionFilter)), for example
        C(CustomAttribute1 -eq 'managed'). Needed to create the scope.
      - The filter is compared as text; Exchange refuses a filter it cannot parse, and nothing is changed.
    type: str
  state:
    description: Whether the scope is present. A scope a role assignment still uses cannot be removed.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Needs the Exchange role C(Role Management), or an Entra role such as Exchange Administrator.
"""

EXAMPLES = r"""
- name: The recipients the automation may change
  mailops.exchange.exo_management_scope:
    scope: Managed recipients
    recipient_filter: "CustomAttribute1 -eq 'managed'"
"""

RETURN = r"""
management_scope:
  description: The scope after the task; in check mode, what it would be. An empty dict once removed.
  returned: always
  type: dict
  contains:
    name:
      description: The scope's name.
      type: str
    recipient_filter:
      description: Its recipient filter.
      type: str
changes:
  description: 'What changed, C({option: {before, after}}); a create or removal also reports C(state).'
  returned: always
  type: dict
  sample: {"recipient_filter": {"before": "CustomAttribute1 -eq 'a'", "after": "CustomAttribute1 -eq 'managed'"}}
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Prop, Resource, argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.engine.properties import text_check


class ManagementScope(Resource):
    noun = 'ManagementScope'
    identity = 'scope'
    identity_aliases = ('name', 'identity')
    key = 'management_scope'
    what = 'management scope'
    create = True
    remove = True
    properties = (
        Prop('recipient_filter', 'RecipientRestrictionFilter', spec=dict(type='str'), check=text_check('recipient_filter', 4096)),
    )

    def check_input(self, entry, where):
        text_check('scope', 64)(entry['scope'])

    def facts(self, row):
        return dict(super().facts(row), name=row.get('Name'))

    def new_parameters(self, plan, desired):
        return dict(super().new_parameters(plan, desired), Name=plan.identity)

    def new_row(self, plan, desired):
        return dict(super().new_row(plan, desired), Name=plan.identity)

    def validate(self, plan, changes):
        if plan.row is None and not plan.entry['recipient_filter']:
            return "recipient_filter: the management scope '%s' does not exist; give its recipient filter to create it" % plan.identity
        return None


def main():
    exo = ExoModule(**argument_spec(ManagementScope))
    exo.run(lambda module: module.converge_declared(ManagementScope))


if __name__ == '__main__':
    main()
