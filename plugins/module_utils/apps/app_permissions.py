# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Further API permissions of an app registration (``api_permissions``), with admin consent.

A permission names its resource (the API: "Microsoft Graph", "Office 365 Exchange Online", any
service principal's display name, or its appId) and the permission by value ("User.Read.All") or
id. An application permission is requested as ``{"id": …, "type": "Role"}`` in the application's
``requiredResourceAccess`` and consented as an app role assignment on the resource's service
principal; a delegated one is requested as ``"type": "Scope"`` and consented for the whole
organisation in the one ``oAuth2PermissionGrant`` (``consentType: AllPrincipals``) of the client
and the resource, whose ``scope`` lists the values. Exchange.ManageAsApp stays with
``exchange_permission``. The plan (``plan_consent``) is pure and unit-tested.
"""

from collections import namedtuple

from ansible_collections.mailops.exchange.plugins.module_utils.apps.entra_roles import is_guid
from ansible_collections.mailops.exchange.plugins.module_utils.runners.graph_client import odata_quote
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError, INVALID_ARGUMENT

EXCHANGE_APP_ID = '00000002-0000-0ff1-ce00-000000000000'
MANAGE_AS_APP_ROLE_ID = 'dc50a0fb-09a3-484d-be87-e023b12c6440'
TYPES = {'application': 'Role', 'delegated': 'Scope'}
_KINDS = dict((v, k) for k, v in TYPES.items())
_SP_SELECT = 'id,appId,displayName,appRoles,oauth2PermissionScopes'

Permission = namedtuple('Permission', ['resource_app_id', 'resource_id', 'resource_name', 'id', 'value', 'type'])
ConsentPlan = namedtuple('ConsentPlan', ['roles_add', 'roles_remove', 'grants'])
ConsentPlan.__doc__ = """Admin consent to change.

``roles_add``: ``(resource_id, app_role_id)`` to assign; ``roles_remove``: ``(resource_id, assignment_id)``
to delete; ``grants``: ``(resource_id, grant_id or None, scope values)`` - create when the id is None,
delete when the values are empty, else set the scope.
"""


def label(permission):
    """How results name a permission: ``Microsoft Graph/User.Read.All (application)``."""
    return '%s/%s (%s)' % (permission.resource_name, permission.value, permission.type)


def _fail(message):
    raise ExchangeError('api_permissions: %s; nothing was changed' % message, kind=INVALID_ARGUMENT)


class Resources(object):
    """The service principals of APIs, each read once: by appId or display name, or by object id."""

    def __init__(self, graph):
        self.graph = graph
        self.cache = {}

    def _keep(self, sp):
        if sp is not None:
            self.cache[sp['id']] = self.cache[sp['appId'].lower()] = sp
        return sp

    def find(self, key):
        """The service principal whose appId or display name is ``key``; fails when none or several match."""
        text = (key or '').strip()
        if text.lower() in self.cache:
            return self.cache[text.lower()]
        if is_guid(text):
            sp = self.graph.get('servicePrincipals(appId=%s)' % odata_quote(text), {'$select': _SP_SELECT})
            if sp is None:
                _fail("resource '%s' is not the appId of a service principal of the tenant" % key)
            return self._keep(sp)
        rows = self.graph.list('servicePrincipals', {'$filter': 'displayName eq %s' % odata_quote(text),
                                                     '$select': _SP_SELECT})
        if len(rows) != 1:
            _fail("resource '%s' names %s service principals of the tenant; give its appId" % (key, len(rows) or 'no'))
        self.cache[text.lower()] = self._keep(rows[0])
        return rows[0]

    def by_app_id(self, app_id):
        """The service principal of ``app_id``, or None when the tenant has none."""
        if app_id.lower() not in self.cache:
            self._keep(self.graph.get('servicePrincipals(appId=%s)' % odata_quote(app_id), {'$select': _SP_SELECT}))
        return self.cache.get(app_id.lower())

    def by_id(self, object_id):
        """The service principal with object id ``object_id`` (None if it is gone)."""
        if object_id not in self.cache:
            self._keep(self.graph.get('servicePrincipals/%s' % object_id, {'$select': _SP_SELECT}))
        return self.cache.get(object_id)


def _catalogue(sp, kind):
    return sp.get('appRoles' if kind == 'application' else 'oauth2PermissionScopes') or ()


def permission_of(sp, kind, key):
    """The ``Permission`` of ``sp`` whose value or id is ``key``, or None."""
    folded = (key or '').strip().lower()
    for entry in _catalogue(sp, kind):
        if folded in (entry.get('id', '').lower(), (entry.get('value') or '').lower()):
            return Permission(sp['appId'], sp['id'], sp['displayName'], entry['id'].lower(), entry.get('value')
                              or entry['id'], kind)
    return None


def resolve(resources, entries):
    """The wanted permissions of ``api_permissions`` entries, in order, without repeats."""
    wanted = []
    for entry in entries:
        for name in ('resource', 'permission'):
            if not (entry.get(name) or '').strip():
                _fail("%s is empty in %s" % (name, entry))
        sp = resources.find(entry['resource'])
        permission = permission_of(sp, entry['type'], entry['permission'])
        if permission is None:
            known = sorted(e.get('value') or e['id'] for e in _catalogue(sp, entry['type']))
            _fail("'%s' is not %s permission of '%s' (appId %s); known: %s" % (
                entry['permission'], 'an application' if entry['type'] == 'application' else 'a delegated',
                sp['displayName'], sp['appId'], ', '.join(known[:12]) + (', ...' if len(known) > 12 else '') or 'none'))
        if permission.resource_app_id == EXCHANGE_APP_ID and permission.id == MANAGE_AS_APP_ROLE_ID:
            _fail("Exchange.ManageAsApp is managed by exchange_permission; remove it from api_permissions")
        if permission not in wanted:
            wanted.append(permission)
    return wanted


def requested(app):
    """``(resourceAppId, id, type)`` of every request of ``app`` but Exchange.ManageAsApp (lower-case ids)."""
    out = set()
    for entry in (app or {}).get('requiredResourceAccess') or ():
        for access in entry.get('resourceAccess') or ():
            key = (entry['resourceAppId'].lower(), access['id'].lower(), _KINDS.get(access.get('type'), 'application'))
            if key[:2] != (EXCHANGE_APP_ID, MANAGE_AS_APP_ROLE_ID):
                out.add(key)
    return out


def resource_access(wanted, exchange_permission):
    """The complete ``requiredResourceAccess``: ``wanted`` grouped by resource, with ManageAsApp if wanted."""
    grouped = {}
    if exchange_permission:
        grouped[EXCHANGE_APP_ID] = [{'id': MANAGE_AS_APP_ROLE_ID, 'type': 'Role'}]
    for permission in wanted:
        grouped.setdefault(permission.resource_app_id.lower(), []).append(
            {'id': permission.id, 'type': TYPES[permission.type]})
    return [{'resourceAppId': app_id, 'resourceAccess': access} for app_id, access in sorted(grouped.items())]


def plan_consent(wanted, assignments, grants, exchange_sp_id):
    """The ``ConsentPlan`` that makes the held consent exactly ``wanted`` (ManageAsApp left alone).

    ``assignments``: the client's app role assignments (Graph rows); ``grants``: its AllPrincipals
    ``oAuth2PermissionGrant`` rows.
    """
    held = dict(((a['resourceId'], a['appRoleId'].lower()), a['id']) for a in assignments
                if not (a['resourceId'] == exchange_sp_id and a['appRoleId'].lower() == MANAGE_AS_APP_ROLE_ID))
    roles = set((p.resource_id, p.id) for p in wanted if p.type == 'application')
    scopes = {}
    for permission in wanted:
        if permission.type == 'delegated':
            scopes.setdefault(permission.resource_id, set()).add(permission.value)
    plan_grants = []
    by_resource = dict((g['resourceId'], g) for g in grants)
    for resource_id in sorted(set(scopes) | set(by_resource)):
        grant = by_resource.get(resource_id)
        values = scopes.get(resource_id, set())
        if grant is None or set((grant.get('scope') or '').split()) != values:
            plan_grants.append((resource_id, grant and grant['id'], sorted(values)))
    return ConsentPlan(sorted(roles - set(held)), sorted((k[0], held[k]) for k in held if k not in roles), plan_grants)


def _named(resources, app_id=None, resource_id=None, kind='application', key=''):
    sp = resources.by_app_id(app_id) if app_id else resources.by_id(resource_id)
    permission = sp and permission_of(sp, kind, key)
    if permission is None:
        return '%s/%s (%s)' % (sp['displayName'] if sp else app_id or resource_id, key, kind)
    return label(permission)


def held_labels(resources, app, assignments, grants, exchange_sp_id):
    """Labels of every further permission ``app`` requests or holds consent for (ManageAsApp aside)."""
    out = set(_named(resources, app_id=a, kind=kind, key=i) for a, i, kind in requested(app))
    for assignment in assignments:
        if not (assignment['resourceId'] == exchange_sp_id and assignment['appRoleId'].lower() == MANAGE_AS_APP_ROLE_ID):
            out.add(_named(resources, resource_id=assignment['resourceId'], key=assignment['appRoleId']))
    for grant in grants:
        out.update(_named(resources, resource_id=grant['resourceId'], kind='delegated', key=value)
                   for value in (grant.get('scope') or '').split())
    return out


def fully_held(permission, app, assignments, grants):
    """Whether ``permission`` is both requested by ``app`` and consented."""
    if (permission.resource_app_id.lower(), permission.id, permission.type) not in requested(app):
        return False
    if permission.type == 'application':
        return any(a['resourceId'] == permission.resource_id and a['appRoleId'].lower() == permission.id
                   for a in assignments)
    return any(g['resourceId'] == permission.resource_id and permission.value in (g.get('scope') or '').split()
               for g in grants)
