# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runner interface on Microsoft Graph: a call's rows, a refusal as its own error, in order."""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import NOT_FOUND
from ansible_collections.mailops.exchange.plugins.module_utils.runners.graph_client import GraphError
from ansible_collections.mailops.exchange.plugins.module_utils.runners.graph_runner import GraphRunner, graph_call


class FakeGraph(object):
    def __init__(self, objects):
        self.objects = objects
        self.sent = []

    def request(self, method, path, body=None, query=None):
        self.sent.append((method, path, body))
        if method != 'GET':
            return None
        if path not in self.objects:
            raise GraphError('no %s' % path, kind=NOT_FOUND, code='Request_ResourceNotFound', status=404)
        return self.objects[path]

    def list(self, path, query=None):
        return self.objects[path]['value']


def test_a_read_is_one_row_a_collection_every_row_and_a_204_none():
    runner = GraphRunner(FakeGraph({'users/a': {'id': 'a'}, 'groups': {'value': [{'id': 'g1'}, {'id': 'g2'}]}}))
    assert runner.invoke(*graph_call('GET', 'users/a')) == [{'id': 'a'}]
    assert runner.invoke(*graph_call('GET', 'groups', collection=True)) == [{'id': 'g1'}, {'id': 'g2'}]
    assert runner.invoke(*graph_call('PATCH', 'users/a', {'usageLocation': 'GB'})) == []


def test_invoke_all_answers_each_call_in_order_with_its_rows_or_its_error():
    graph = FakeGraph({'users/a': {'id': 'a'}, 'users/b': {'id': 'b'}})
    answers = GraphRunner(graph).invoke_all([graph_call('GET', 'users/%s' % n) for n in 'axb'], parallel=3)
    assert answers[0] == [{'id': 'a'}] and answers[2] == [{'id': 'b'}]
    assert isinstance(answers[1], GraphError) and answers[1].kind == NOT_FOUND
