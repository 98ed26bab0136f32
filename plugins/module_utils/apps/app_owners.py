# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Owners of an app registration (``owners``): users by userPrincipalName or id, service principals by id.

Graph lists them at ``/applications/{id}/owners`` and changes them one reference at a time
(``POST …/owners/$ref`` with ``@odata.id``, ``DELETE …/owners/{id}/$ref``).
"""

from urllib.parse import quote

from ansible_collections.mailops.exchange.plugins.module_utils.apps.entra_roles import is_guid
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError, INVALID_ARGUMENT


def owner_name(row):
    """How results name an owner: a user's userPrincipalName, else the object's id."""
    return row.get('userPrincipalName') or row['id']


def read_owners(graph, app):
    """``{object id: name}`` of the application's owners (none for an application to be created)."""
    if app is None:
        return {}
    return dict((row['id'].lower(), owner_name(row)) for row in graph.list('applications/%s/owners' % app['id']))


def resolve_owners(graph, names):
    """``{object id: name}`` of the ``owners`` option; fails naming a value that is no user or service principal."""
    out = {}
    for name in names:
        text = (name or '').strip()
        row = graph.get('users/%s' % quote(text, safe='@'), {'$select': 'id,userPrincipalName'}) if text else None
        if row is None and is_guid(text):
            row = graph.get('servicePrincipals/%s' % text, {'$select': 'id,appId,displayName'})
        if row is None:
            raise ExchangeError("owners: '%s' is not a user (userPrincipalName or id) or a service principal id of the "
                                "tenant; nothing was changed" % name, kind=INVALID_ARGUMENT)
        out[row['id'].lower()] = owner_name(row)
    return out


def plan_owners(current, wanted):
    """``(add, remove)``: object ids to add and to remove so that the owners are exactly ``wanted``."""
    return sorted(set(wanted) - set(current)), sorted(set(current) - set(wanted))


def apply_owners(graph, app_id, add, remove):
    """Add and remove owner references of the application with object id ``app_id``."""
    for object_id in add:
        try:
            graph.post('applications/%s/owners/$ref' % app_id,
                       {'@odata.id': '%s/v1.0/directoryObjects/%s' % (graph.graph_url, object_id)})
        except ExchangeError as err:
            # "One or more added object references already exist ...": another run (or a retried request) added it.
            if 'already exist' not in (err.message or '').lower():
                raise
    for object_id in remove:
        graph.delete('applications/%s/owners/%s/$ref' % (app_id, object_id))
