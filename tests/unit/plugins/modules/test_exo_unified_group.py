# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exo_unified_group's declaration without a server: the checks an entry meets before anything is
read, and the parameters of a new group's New-UnifiedGroup."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Engine, Plan
from ansible_collections.mailops.exchange.plugins.modules import exo_unified_group as unified

OPTIONS = [prop.option for prop in unified.UnifiedGroup.properties] + list(unified.UnifiedGroup.options) + [
    'group', 'state', 'email_addresses_mode']


def entry(**given):
    return dict(dict.fromkeys(OPTIONS), state='present', members_mode='present', owners_mode='present',
                subscribers_mode='present', email_addresses_mode='add', **given)


def resource():
    return unified.UnifiedGroup(SimpleNamespace(invoke=None, check_mode=False, warn=None))


def check(given, where='groups[1].'):
    group = resource()
    Engine(SimpleNamespace(), group).check_values(Plan(given, where, given['group']))
    group.check_input(given, where)


@pytest.mark.parametrize('given, message', [
    ({'group': 'project x'}, "groups[1].group: 'project x' is not a valid alias"),
    ({'group': 'project-x', 'alias': 'x y'}, "groups[1].alias: 'x y' is not a valid alias"),
    ({'display_name': 'x' * 65}, "groups[1].display_name: '%s' must be 1 to 64 characters" % ('x' * 65)),
    ({'language': ' '}, "groups[1].language: ' ' is not a culture name"),
    ({'owners': ['alice', ' ']}, "groups[1].owners: ' ' is not an identity"),
    ({'custom_attributes': {'16': 'x'}}, "groups[1].custom_attributes: '16' is not a custom attribute number"),
    ({'email_addresses': ['smtp:no-at-sign']}, "groups[1].email_addresses:"),
])
def test_input_no_group_can_have_is_refused_naming_the_entry_option_and_value(given, message):
    with pytest.raises(Exception) as caught:
        check(entry(**dict({'group': 'project-x'}, **given)))
    assert str(caught.value).startswith(message)


def test_an_address_names_a_new_group_by_its_primary_address_and_its_alias_defaults_to_the_local_part():
    check(entry(group='Project.X@contoso.com'))
    group = resource()
    plan = Plan(entry(group='project.x@contoso.com', access_type='private'), '', 'project.x@contoso.com')
    plan.desired = {'access_type': 'private', 'display_name': None}
    assert group.new_parameters(plan, plan.desired) == {
        'AccessType': 'Private', 'Alias': 'project.x', 'DisplayName': 'project.x', 'PrimarySmtpAddress': 'project.x@contoso.com'}
    assert group.validate(Plan(entry(group='team', alias='other'), '', 'team'), {}).startswith(
        "group: 'team' would not be the alias of the new group (other)")
