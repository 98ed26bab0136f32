# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sets under state + exclusive as engine resources (module_utils/engine/relation.py), without a server."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Engine, Prop
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import sorted_values
from ansible_collections.mailops.exchange.plugins.module_utils.engine.relation import WRITES, Relation, SetChange, check_entry

from test_engine import FakeModule


class Club(Relation):
    """Members written by Add-/Remove- calls; deputies by the club's own Set call."""

    noun = 'Club'
    identity = 'name'
    key = 'club'
    properties = (
        Prop('members', 'Members', view=sorted_values, when=WRITES),
        Prop('deputies', 'Deputies', view=sorted_values, wire=lambda change: sorted(change.after())),
    )

    def prepare(self, engine, plans):
        for plan in [plan for plan in plans if plan.row is not None]:
            plan.row = dict(plan.row, Members=dict((m.lower(), m) for m in plan.row['MemberList']),
                            Deputies=dict((m.lower(), m) for m in plan.row['DeputyList']))

    def wanted(self, plan):
        return dict((option, dict((m.lower(), m) for m in plan.entry[option]) if plan.entry.get(option) is not None
                     else None) for option in ('members', 'deputies'))

    def writes(self, plan, key, changes):
        change = plan.detail.get('members')
        calls = [('%s-ClubMember' % verb, {'Identity': key, 'Member': member})
                 for verb, members in (('Add', change.added if change else {}), ('Remove', change.removed if change else {}))
                 for member in members]
        return [calls] if calls else []


def converge(module, entry):
    entry = dict({'state': 'present', 'exclusive': False}, **entry)
    return Engine(module, Club(module)).converge([entry], [''])[0]


def test_each_set_is_planned_with_state_and_exclusive_and_reported_added_removed():
    module = FakeModule({'chess': {'Name': 'Chess', 'MemberList': ['Ann', 'Bob'], 'DeputyList': ['Ann']}})
    plan = converge(module, {'name': 'chess', 'members': ['bob', 'Cy'], 'exclusive': True, 'deputies': ['ann']})
    assert [c[0] for c in module.calls] == ['Get-Club', 'Add-ClubMember', 'Remove-ClubMember']
    assert plan.result['club'] == {'members': ['Bob', 'Cy'], 'deputies': ['Ann']}
    assert plan.result['changes'] == {'members': {'added': ['Cy'], 'removed': ['Ann']},
                                      'deputies': {'added': [], 'removed': []}}
    assert plan.result['before'] == {'members': ['Ann', 'Bob'], 'deputies': ['Ann']}


def test_a_set_written_by_set_takes_its_change_and_absent_removes_only_what_is_named():
    module = FakeModule({'chess': {'Name': 'Chess', 'MemberList': ['Ann'], 'DeputyList': ['Ann', 'Bob']}})
    plan = converge(module, {'name': 'chess', 'deputies': ['bob', 'cy'], 'state': 'absent'})
    assert module.sent('Set') == [('Set-Club', {'Identity': 'chess', 'Deputies': ['ann']})]
    assert plan.result['changes'] == {'deputies': {'added': [], 'removed': ['Bob']}}


def test_in_check_mode_a_missing_object_is_predicted_with_every_member_added():
    module = FakeModule({}, check_mode=True)
    plan = converge(module, {'name': 'new', 'members': ['Ann', 'bob']})
    assert plan.error is None and [c[0] for c in module.calls] == ['Get-Club']
    assert plan.result['changes'] == {'members': {'added': ['Ann', 'bob'], 'removed': []}}
    assert plan.result['club'] == {'members': ['Ann', 'bob']} and module.warnings


def test_a_set_change_applies_and_reports_in_order():
    change = SetChange({'a': 'Ann'}, {'b': 'bob'}, {'a': 'Ann'})
    assert change and change.after() == {'b': 'bob'} and change.report() == {'added': ['bob'], 'removed': ['Ann']}
    assert not SetChange({'a': 'Ann'}, {}, {})


def test_a_set_change_that_changes_nothing_leaves_the_current_set_itself():
    current = {'a': 'Ann'}
    assert SetChange(current, {}, {}).after() is current
    assert SetChange(current, {'b': 'bob'}, {}).after() == {'a': 'Ann', 'b': 'bob'} and current == {'a': 'Ann'}


@pytest.mark.parametrize('entry, message', [
    ({'group': 'g', 'state': 'absent', 'exclusive': True},
     'groups[1].exclusive: true cannot be combined with state: absent; exclusive describes the complete set of '
     'members to keep'),
    ({'group': '  ', 'state': 'present', 'exclusive': False}, "groups[1].group: '  ' is not an identity"),
    ({'group': None, 'state': 'present', 'exclusive': False}, 'groups[1].group: None is not an identity'),
])
def test_an_entry_that_describes_no_desired_state_is_refused(entry, message):
    with pytest.raises(ValueError) as caught:
        check_entry(entry, 'groups[1].', 'group', 'members')
    assert str(caught.value) == message
