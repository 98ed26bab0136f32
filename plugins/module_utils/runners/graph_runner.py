# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""The runner interface on Microsoft Graph, so the engine converges Entra objects as it does Exchange's.

A call is ``(method, request)`` as :func:`graph_call` makes it: ``method`` GET, POST, PATCH or DELETE,
``request`` the path with its query and body. Its answer is a list of rows like a cmdlet's: the object
read (one row), every row of a collection (every page), or the object a write returned (none for 204).
A refused call raises the :class:`~graph_client.GraphError` Graph's error means (an ``ExchangeError``
with its kind), so ``engine.one_row`` reads a 404 as "no such object". Not for use outside this collection.
"""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.runners import fanout
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError


def graph_call(method, path, body=None, query=None, collection=False):
    """The ``(method, request)`` call of one Graph request; ``collection`` reads every page of a list."""
    return method, {'path': path, 'body': body, 'query': query, 'collection': collection}


class GraphRunner(object):
    """``invoke`` and ``invoke_all`` over a :class:`~graph_client.GraphClient` (a collection read is one call)."""

    def __init__(self, graph):
        self.graph = graph
        self.warnings = []

    def invoke(self, method, request, idempotent=None):
        """The rows one call answers (see the module docstring); raises the GraphError it met."""
        path, query = request['path'], request.get('query')
        if method == 'GET' and request.get('collection'):
            return self.graph.list(path, query)
        answer = self.graph.request(method, path, body=request.get('body'), query=query)
        return [answer] if answer else []

    def _one(self, call, idempotent):
        try:
            return self.invoke(*call, idempotent=idempotent)
        except ExchangeError as err:
            return err

    def invoke_all(self, calls, idempotent=None, parallel=1, each=None):
        """Independent calls, up to ``parallel`` in flight; one answer per call, in order (its rows or its error;
        ``each`` as for ``fanout.invoke_all``)."""
        return fanout.invoke_all(lambda group, idem: [self._one(call, idem) for call in group],
                                 calls, idempotent, parallel, size=1, each=each)
