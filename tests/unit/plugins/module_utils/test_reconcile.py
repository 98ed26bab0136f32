# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import (
    apply_plan,
    build_diff,
    plan_set,
    sorted_values,
)

CURRENT = {'a': 'alice@contoso.com', 'b': 'bob@contoso.com', 'x': 'EXTERNAL\\svc'}


def test_present_adds_only_missing():
    to_add, to_remove = plan_set(CURRENT, {'a': 'alice@contoso.com', 'c': 'carol@contoso.com'}, 'present')
    assert to_add == {'c': 'carol@contoso.com'}
    assert to_remove == {}


def test_present_exclusive_removes_unlisted():
    to_add, to_remove = plan_set(CURRENT, {'a': 'alice@contoso.com'}, 'present', exclusive=True)
    assert to_add == {}
    assert list(to_remove) == ['b', 'x']


def test_exclusive_with_empty_desired_removes_everything():
    to_add, to_remove = plan_set(CURRENT, {}, 'present', exclusive=True)
    assert to_add == {}
    assert set(to_remove) == set(CURRENT)


def test_absent_removes_only_listed_and_present():
    to_add, to_remove = plan_set(CURRENT, {'b': 'bob@contoso.com', 'z': 'zed@contoso.com'}, 'absent')
    assert to_add == {}
    assert to_remove == {'b': 'bob@contoso.com'}


def test_converged_plan_is_empty():
    assert plan_set(CURRENT, dict(CURRENT), 'present', exclusive=True) == ({}, {})
    assert plan_set(CURRENT, {}, 'absent') == ({}, {})


def test_unknown_state_is_refused():
    with pytest.raises(ValueError, match='state'):
        plan_set({}, {}, 'gone')


def test_apply_plan_gives_the_after_state():
    to_add, to_remove = plan_set(CURRENT, {'a': 'alice@contoso.com', 'c': 'carol@contoso.com'}, 'present',
                                 exclusive=True)
    assert apply_plan(CURRENT, to_add, to_remove) == {'a': 'alice@contoso.com', 'c': 'carol@contoso.com'}
    assert CURRENT['b'] == 'bob@contoso.com', 'the current mapping is not modified'


def test_sorted_values_are_case_insensitive():
    assert sorted_values({'1': 'bob', '2': 'Alice', '3': 'carol'}) == ['Alice', 'bob', 'carol']


def test_build_diff_sorts_keys_and_lists():
    diff = build_diff({'send_as': ['b', 'A'], 'full_access': []}, {'send_as': ['A'], 'full_access': ['c']})
    assert list(diff['before']) == ['full_access', 'send_as']
    assert diff['before']['send_as'] == ['A', 'b']
    assert diff['after'] == {'full_access': ['c'], 'send_as': ['A']}
