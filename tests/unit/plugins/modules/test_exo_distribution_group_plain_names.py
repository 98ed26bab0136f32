# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plain names in a bulk list (``groups: [engineering, all-staff]``) are entries naming those objects,
through the argument spec the modules really use."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils import basic

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import _AnsibleModule, plain_names
from ansible_collections.mailops.exchange.plugins.module_utils.engine.groups import Group


@pytest.fixture
def module_args(monkeypatch):
    def give(args):
        monkeypatch.setattr(basic, '_ANSIBLE_ARGS', json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode())
        monkeypatch.setattr(basic, '_ANSIBLE_PROFILE', 'legacy')
    return give


def test_plain_names_become_entries_by_the_option_or_its_alias():
    spec = {'groups': {'aliases': ['identities']}}
    assert plain_names({'identities': ['engineering', {'group': 'sales', 'notes': 'x'}]}, {'groups': 'group'}, spec) == {
        'identities': [{'group': 'engineering'}, {'group': 'sales', 'notes': 'x'}]}
    assert plain_names({'groups': None, 'members': ['a']}, {'groups': 'group'}, spec) == {'groups': None, 'members': ['a']}


def test_a_bulk_group_module_takes_plain_names_with_the_task_options(module_args):
    module_args({'groups': ['engineering', {'group': 'all-staff', 'notes': 'everyone'}], 'notes': 'team'})
    module = _AnsibleModule(**argument_spec(Group))
    entries = module.params['groups']
    assert [(entry['group'], entry['notes']) for entry in entries] == [('engineering', None), ('all-staff', 'everyone')]


def test_a_name_that_is_not_a_string_is_still_refused_by_the_spec(module_args, capsys):
    module_args({'groups': [42]})
    with pytest.raises(SystemExit):
        _AnsibleModule(**argument_spec(Group))
    assert 'groups' in json.loads(capsys.readouterr().out)['msg']
