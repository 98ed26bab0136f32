# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stand-in for the part of the AWX API (24.x, /api/v2/) that the awx.awx modules the extensions
use ask with a token: credential_type, project, inventory, job_template (with survey_spec and
credential associations) and schedule. Lists filter by field equality, objects are created with
POST and changed with PATCH, associations are listed and changed through the object's related
list, every request is recorded. Anything else is a 404, so a module asking for something this
fake does not know fails the test instead of passing by accident."""

from __future__ import annotations

import copy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

API = '/api/v2/'

# What AWX fills in on create when the request leaves a field out (the fields the modules compare).
DEFAULTS = {
    'credential_types': {'managed': False},
    'projects': {'scm_revision': '', 'status': 'successful'},
    'inventories': {'kind': '', 'host_filter': None},
    'job_templates': {'survey_enabled': False, 'extra_vars': ''},
    'schedules': {'enabled': True, 'extra_data': {}},
}
# The related lists each kind of object can be associated with (POST {id} / {id, disassociate}).
ASSOCIATIONS = {
    'job_templates': ('credentials', 'labels', 'instance_groups', 'notification_templates_started',
                      'notification_templates_success', 'notification_templates_error'),
    'schedules': ('credentials', 'labels', 'instance_groups'),
    'inventories': ('instance_groups',),
    'projects': ('notification_templates_started', 'notification_templates_success', 'notification_templates_error'),
}
# unified_job_templates is a read-only view over these.
UNIFIED = ('job_templates', 'projects')


class FakeAwx(object):
    """The fake AWX API on loopback; ``add`` seeds an object, ``writes`` lists the requests that
    would change something."""

    TOKEN = 'awx-test-token'
    BASE = API + 'credential_types/'

    def __init__(self):
        self.objects = {}
        self.associations = {}
        self.surveys = {}
        self.requests = []
        fake = self

        class Handler(BaseHTTPRequestHandler):

            def log_message(self, *args):
                pass

            def _reply(self, status, body):
                data = b'' if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(data)))
                self.send_header('X-API-Product-Name', 'AWX')
                self.send_header('X-API-Product-Version', '24.6.1')
                self.end_headers()
                self.wfile.write(data)

            def _handle(self):
                url = urlsplit(self.path)
                length = int(self.headers.get('Content-Length') or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                fake.requests.append((self.command, url.path, body))
                if self.headers.get('Authorization') != 'Bearer ' + fake.TOKEN:
                    return self._reply(401, {'detail': 'Authentication credentials were not provided.'})
                with fake.lock:
                    status, answer = fake.answer(self.command, url.path, parse_qs(url.query), body)
                return self._reply(status, answer)

            do_GET = do_POST = do_PATCH = do_DELETE = _handle

        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]

    @property
    def types(self):
        """The credential types by id."""
        return self.objects.setdefault('credential_types', {})

    def add(self, fields, endpoint='credential_types'):
        """Create an object the way a POST does; returns it."""
        store = self.objects.setdefault(endpoint, {})
        number = sum(len(objects) for objects in self.objects.values()) + 1
        url = '%s%s/%d/' % (API, endpoint, number)
        item = dict(copy.deepcopy(DEFAULTS.get(endpoint, {})), **copy.deepcopy(fields))
        item.update(id=number, type=endpoint[:-1] if endpoint != 'inventories' else 'inventory', url=url,
                    related={name: url + name + '/' for name in ASSOCIATIONS.get(endpoint, ())}, summary_fields={})
        if endpoint == 'job_templates':
            item['related']['survey_spec'] = url + 'survey_spec/'
        if endpoint == 'projects':
            # Creating a project starts its first update; the module waits for it.
            update = self.add({'name': item['name'], 'status': 'successful', 'failed': False, 'finished': True},
                              'project_updates')
            item['summary_fields']['current_update'] = {'id': update['id'], 'status': 'successful'}
        store[number] = item
        return item

    def find(self, endpoint, name):
        """The object of that kind and name, or None."""
        return next((o for o in self.objects.get(endpoint, {}).values() if o.get('name') == name), None)

    def answer(self, method, path, query, body):
        parts = path[len(API):].strip('/').split('/') if path.startswith(API) else []
        if len(parts) == 1 and parts[0]:
            return self._list(method, parts[0], query, body)
        if len(parts) >= 2 and parts[1].isdigit():
            item = self.objects.get(parts[0], {}).get(int(parts[1]))
            if item is not None and len(parts) == 2:
                return self._item(method, item, body)
            if item is not None and parts[2:] == ['survey_spec'] and parts[0] == 'job_templates':
                return self._survey(method, item, body)
            if item is not None and len(parts) == 3 and parts[2] in ASSOCIATIONS.get(parts[0], ()):
                return self._associate(method, item, parts[2], body)
        return 404, {'detail': 'Not found.'}

    def _list(self, method, endpoint, query, body):
        if method == 'POST' and endpoint in DEFAULTS:
            return 201, self.add(body, endpoint)
        if method != 'GET':
            return 405, {'detail': 'Method "%s" not allowed.' % method}
        endpoints = UNIFIED if endpoint == 'unified_job_templates' else (endpoint,)
        found = [o for e in endpoints for o in self.objects.get(e, {}).values()
                 if all(str(o.get(key)) in values for key, values in query.items() if not key.startswith(('or__', 'page')))]
        return 200, {'count': len(found), 'next': None, 'previous': None, 'results': found}

    def _item(self, method, item, body):
        if method == 'GET':
            return 200, item
        if method == 'PATCH':
            item.update(copy.deepcopy(body))
            return 200, item
        return 405, {'detail': 'Method "%s" not allowed.' % method}

    def _survey(self, method, item, body):
        if method == 'GET':
            return 200, copy.deepcopy(self.surveys.get(item['id'], {}))
        if method == 'POST':
            self.surveys[item['id']] = copy.deepcopy(body)
            return 200, None
        return 405, {'detail': 'Method "%s" not allowed.' % method}

    def _associate(self, method, item, name, body):
        linked = self.associations.setdefault((item['id'], name), [])
        if method == 'GET':
            results = [{'id': number} for number in linked]
            return 200, {'count': len(results), 'next': None, 'previous': None, 'results': results}
        if method == 'POST' and body.get('disassociate'):
            linked.remove(body['id'])
            return 204, None
        if method == 'POST':
            linked.append(body['id'])
            return 204, None
        return 405, {'detail': 'Method "%s" not allowed.' % method}

    def writes(self):
        """The requests that would change something, as (method, path)."""
        return [(method, path) for method, path, unused in self.requests if method != 'GET']

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
