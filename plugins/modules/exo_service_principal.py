#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_service_principal
short_description: Create and remove Exchange Online's pointer to an app's service principal
version_added: 0.3.0
description:
  - Manages the Exchange Online service principal of an Entra application (C(New-/Set-/Remove-ServicePrincipal)),
    the object Exchange role groups and management role assignments name, so that an app with no
    Entra directory role can run exactly the Exchange roles it is given, within a management scope.
  - Microsoft documents this for app-only access through the REST API, which this collection uses.
  - The app (O(service_principal), its application id) and its Entra service principal (O(object_id))
    must exist in Entra ID; M(mailops.exchange.exo_app_registration) returns both.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
options:
  service_principal:
    description:
      - The application (client) id of the app, a GUID. An existing service principal is also found by
        its object id or display name, but a new one is created for an application id only.
    type: str
    required: true
    aliases: [app_id]
  object_id:
    description:
      - The object id of the app's service principal in Entra ID (not of its app registration), a GUID.
      - Needed to create the service principal; it cannot change later.
    type: str
  display_name:
    description: The name Exchange shows for it (role group members, role assignees).
    type: str
  state:
    description: Whether the service principal is present.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Removing the service principal ends its role assignments and role group memberships.
  - Needs the Exchange role C(Role Management), or an Entra role such as Exchange Administrator.
"""

EXAMPLES = r"""
- name: Point Exchange Online at the automation app
  mailops.exchange.exo_service_principal:
    service_principal: "{{ exchange_app.app_id }}"
    object_id: "{{ exchange_app.service_principal_id }}"
    display_name: mailops automation

- name: Remove it again
  mailops.exchange.exo_service_principal:
    service_principal: 6233fba6-0198-4277-892f-9275bf728bcc
    state: absent
"""

RETURN = r"""
service_principal:
  description: The service principal after the task; in check mode, what it would be. An empty dict once removed.
  returned: always
  type: dict
  contains:
    app_id:
      description: The application (client) id.
      type: str
    object_id:
      description: The object id of the Entra service principal.
      type: str
    display_name:
      description: The name Exchange shows.
      type: str
    guid:
      description: The Exchange object's GUID (empty for one check mode would create).
      type: str
changes:
  description: 'What changed, C({option: {before, after}}); a create or removal also reports C(state).'
  returned: always
  type: dict
  sample: {"state": {"before": "absent", "after": "present"}}
"""

from ansible_collections.mailops.exchange.plugins.module_utils.apps.entra_roles import is_guid
from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import CREATE, Prop, Resource, argument_spec, same_text
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.engine.properties import text_check

TEXT = dict(type='str')


def guid_check(option):
    """A ``check`` for a GUID option."""
    def check(value):
        if not is_guid(value.strip()):
            raise ValueError("%s: '%s' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)" % (option, value))
        return value.strip().lower()
    return check


class ServicePrincipal(Resource):
    noun = 'ServicePrincipal'
    identity = 'service_principal'
    identity_aliases = ('app_id',)
    key = 'service_principal'
    what = 'service principal'
    create = True
    remove = True
    properties = (
        Prop('object_id', 'ObjectId', same=same_text, when=CREATE, spec=TEXT, check=guid_check('object_id')),
        Prop('display_name', 'DisplayName', spec=TEXT, check=text_check('display_name', 256)),
    )

    def facts(self, row):
        return dict(super().facts(row), app_id=row.get('AppId'), guid=str(row.get('Guid') or ''))

    def new_parameters(self, plan, desired):
        return dict(super().new_parameters(plan, desired), AppId=plan.identity)

    def new_row(self, plan, desired):
        return dict(super().new_row(plan, desired), AppId=plan.identity, Guid='')

    def validate(self, plan, changes):
        if plan.row is None and not is_guid(plan.identity):
            return "service_principal: '%s' names no service principal, and only an application id (a GUID) can create one" % plan.identity
        if plan.row is None and not plan.entry['object_id']:
            return ("object_id: the service principal of app '%s' does not exist; give the object id of the app's Entra "
                    'service principal to create it' % plan.identity)
        return None


def main():
    exo = ExoModule(**argument_spec(ServicePrincipal))
    exo.run(lambda module: module.converge_declared(ServicePrincipal))


if __name__ == '__main__':
    main()
