# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Licence planning without a server: SKU and plan names, direct and group licences, the plan."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.recipients import licences as lic

E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965'
EXO = '4b9405b0-7788-4568-add1-99614e613b69'
TEAMS = '57ff2da0-773e-42df-b2af-ffb7a2317929'
SKUS = [
    {'skuId': EXO, 'skuPartNumber': 'EXCHANGESTANDARD', 'consumedUnits': 3, 'prepaidUnits': {'enabled': 3},
     'servicePlans': [{'servicePlanId': '9aaf7827-d63c-4b61-89c3-182f06f82e5c', 'servicePlanName': 'EXCHANGE_S_STANDARD'}]},
    {'skuId': E3, 'skuPartNumber': 'SPE_E3', 'consumedUnits': 1, 'prepaidUnits': {'enabled': 5},
     'servicePlans': [{'servicePlanId': TEAMS, 'servicePlanName': 'TEAMS1'},
                      {'servicePlanId': 'efb87545-963c-4e0d-99df-69c6916d9eb0', 'servicePlanName': 'EXCHANGE_S_ENTERPRISE'}]},
]
CATALOGUE = lic.Catalogue(SKUS)


def test_part_numbers_and_plan_names_resolve_whatever_their_case():
    assert lic.resolve([{'sku': 'spe_e3', 'disabled_plans': ['teams1']}], CATALOGUE) == {E3: [TEAMS]}


@pytest.mark.parametrize('entry, message', [
    ({'sku': 'E5'}, "licences[0].sku: 'E5' is not a SKU the tenant subscribes to (it has EXCHANGESTANDARD, SPE_E3)"),
    ({'sku': 'SPE_E3', 'disabled_plans': ['YAMMER']}, "licences[0].disabled_plans: 'YAMMER' is not a service plan of SPE_E3"),
])
def test_an_unknown_sku_or_plan_is_named(entry, message):
    with pytest.raises(ValueError) as caught:
        lic.resolve([entry], CATALOGUE)
    assert message in str(caught.value)


def test_input_checks_name_the_option_and_the_value():
    with pytest.raises(ValueError, match="usage_location: 'GBR'"):
        lic.check_usage_location('GBR')
    with pytest.raises(ValueError, match="licences\\[1\\].sku: 'e3' is listed twice"):
        lic.check_entries([{'sku': 'E3'}, {'sku': 'e3'}])
    with pytest.raises(ValueError, match='licences\\[0\\].sku: None'):
        lic.check_entries([{'sku': None}])
    lic.check_usage_location('gb')


def test_direct_and_group_licences_are_told_apart():
    row = {'licenseAssignmentStates': [
        {'skuId': EXO, 'disabledPlans': [], 'assignedByGroup': None},
        {'skuId': E3, 'disabledPlans': [TEAMS.upper()], 'assignedByGroup': 'g1'}]}
    assert lic.assignments(row) == ({EXO: []}, {E3: ['g1']})


def test_the_plan_adds_missing_reassigns_changed_plans_and_removes_only_when_asked():
    direct = {EXO: [], E3: []}
    assert lic.plan(direct, {E3: [TEAMS]}, 'present', False) == ({E3: [TEAMS]}, [])
    assert lic.plan(direct, {E3: []}, 'present', True) == ({}, [EXO])
    assert lic.plan(direct, {E3: [], 'other': []}, 'absent', False) == ({}, [E3])
    assert lic.plan({}, {EXO: []}, 'absent', False) == ({}, [])


def test_free_seats_and_the_assign_body():
    assert CATALOGUE.free(EXO) == (0, 3, 3)
    assert CATALOGUE.free(E3) == (4, 1, 5)
    assert lic.assign_body({E3: [TEAMS]}, [EXO]) == {'addLicenses': [{'skuId': E3, 'disabledPlans': [TEAMS]}],
                                                     'removeLicenses': [EXO]}
    assert lic.assign_body({}, []) == {'addLicenses': [], 'removeLicenses': []}


def test_the_prediction_keeps_group_licences():
    row = {'licenseAssignmentStates': [
        {'skuId': EXO, 'disabledPlans': [], 'assignedByGroup': None},
        {'skuId': EXO, 'disabledPlans': [], 'assignedByGroup': 'g1'}]}
    after = lic.states_after(row, {E3: []}, [EXO])
    assert [(s['skuId'], s['assignedByGroup']) for s in after] == [(EXO, 'g1'), (E3, None)]


def test_seats_are_counted_across_entries():
    taken = {}
    assert lic.take_seats(CATALOGUE, [], {E3: []}, taken, 'a') is None
    assert lic.take_seats(CATALOGUE, [E3], {E3: []}, taken, 'b') is None, 'a user holding it takes no seat'
    for user in 'cde':
        assert lic.take_seats(CATALOGUE, [], {E3: []}, taken, user) is None
    assert lic.take_seats(CATALOGUE, [], {E3: []}, taken, 'f') == (
        "licences: 'SPE_E3' has no free licence left for user 'f' (1 of 5 assigned, 4 to entries before it); "
        'free one or buy more')
    assert lic.take_seats(CATALOGUE, [], {EXO: []}, {}, 'g').startswith("licences: 'EXCHANGESTANDARD' has no free licence")
