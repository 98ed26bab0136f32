# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Exchange RBAC modules' declarations without a server: an assignment's app named any way its
service principal answers to is no change, a role group's members are planned by object id and written
with Add-/Remove-RoleGroupMember, and a service principal is created for an application id only."""

from __future__ import annotations

from types import SimpleNamespace

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Plan
from ansible_collections.mailops.exchange.plugins.modules import exo_management_role_assignment as assignment_module
from ansible_collections.mailops.exchange.plugins.modules import exo_role_group as group_module
from ansible_collections.mailops.exchange.plugins.modules import exo_service_principal as principal_module

APP = '6233fba6-0198-4277-892f-9275bf728bcc'
ASSIGNMENT = {'Guid': 'a1', 'Name': 'auto-mr', 'Role': 'Mail Recipients', 'App': APP, 'RoleAssignee': 'obj-1',
              'RoleAssigneeName': 'Automation', 'CustomRecipientWriteScope': 'Managed', 'Enabled': True}


def plan_for(resource, row, identity, **entry):
    plan = Plan(dict(entry, state=entry.get('state', 'present')), '', identity)
    plan.row = row
    plan.desired = resource.desired(plan)
    return plan


def test_an_assignment_app_named_by_display_name_or_object_id_is_no_change():
    resource = assignment_module.RoleAssignment(SimpleNamespace())
    for app in (APP.upper(), 'automation', 'OBJ-1'):
        plan = plan_for(resource, ASSIGNMENT, 'auto-mr', role='mail recipients', app=app, scope='managed', enabled=None)
        assert resource.changes(plan, resource.facts(ASSIGNMENT)) == {}
    plan = plan_for(resource, ASSIGNMENT, 'auto-mr', role=None, app='other app', scope='', enabled=False)
    changes = resource.changes(plan, resource.facts(ASSIGNMENT))
    assert changes == {'app': 'other app', 'scope': '', 'enabled': False}


def test_role_group_members_are_planned_by_object_id_and_written_by_member_cmdlets():
    resource = group_module.RoleGroup(SimpleNamespace())
    resource.members = {'Automation': ('obj-1', 'Automation'), 'bob': ('obj-bob', 'Bob Brown')}
    row = {'Guid': 'g1', 'Name': 'Helpers', 'Roles': ['Mail Recipients'], 'Description': '',
           group_module.MEMBERS: {'obj-bob': 'Bob Brown', 'obj-old': 'Old App'}}
    plan = plan_for(resource, row, 'Helpers', roles=None, scope=None, description=None,
                    members=['Automation', 'bob'], members_mode='exact')
    changes = resource.changes(plan, resource.facts(row))
    assert resource.shown_changes(plan, resource.facts(row), changes) == {
        'members': {'added': ['Automation'], 'removed': ['Old App']}}
    assert resource.set_steps(plan, 'g1', changes) == [[
        ('Add-RoleGroupMember', {'Identity': 'g1', 'Member': 'obj-1', 'Confirm': False}),
        ('Remove-RoleGroupMember', {'Identity': 'g1', 'Member': 'obj-old', 'Confirm': False})]]
    assert resource.facts(resource.predict(plan, changes))['members'] == ['Automation', 'Bob Brown']


def test_a_service_principal_is_created_for_an_application_id_with_its_object_id():
    resource = principal_module.ServicePrincipal(SimpleNamespace())
    plan = plan_for(resource, None, 'automation', object_id='obj', display_name=None)
    assert 'only an application id' in resource.validate(plan, {})
    plan = plan_for(resource, None, APP, object_id=None, display_name=None)
    assert resource.validate(plan, {}).startswith('object_id:')
    plan = plan_for(resource, None, APP, object_id='0f3b8a2e-5c1d-4e6f-9a7b-2c3d4e5f6a7b', display_name='Automation')
    assert resource.validate(plan, {}) is None
    assert resource.create_call(plan)[1]['AppId'] == APP
