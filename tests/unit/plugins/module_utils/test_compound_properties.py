# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Properties that are more than one parameter (custom attributes, an address list with its mode),
through the engine's default hooks of a declared resource, without a server."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import (
    Engine,
    Plan,
    Prop,
    Resource,
    argument_spec,
)
from ansible_collections.mailops.exchange.plugins.module_utils.engine.properties import (
    CustomAttributes,
    EmailAddresses,
    check_custom_attributes,
    smtp_check,
    text_check,
)
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import CLEAR, Hashtable


class Thing(Resource):
    noun = 'MailThing'
    identity = 'thing'
    create = True
    remove = True
    properties = (
        Prop('display_name', 'DisplayName', spec=dict(type='str')),
        CustomAttributes(),
        EmailAddresses(),
    )


ROW = {'Guid': 'g1', 'DisplayName': 'Thing', 'CustomAttribute1': 'partner', 'CustomAttribute2': 'eu',
       'EmailAddresses': ['SMTP:thing@contoso.com', 'smtp:old@contoso.com'], 'PrimarySmtpAddress': 'thing@contoso.com'}


def planned(row, **given):
    entry = dict(dict.fromkeys(('thing', 'display_name', 'custom_attributes', 'email_addresses')),
                 thing='thing', state='present', email_addresses_mode='add')
    entry.update(given)
    thing = Thing(SimpleNamespace())
    plan = Plan(entry, '', 'thing')
    Engine(SimpleNamespace(), thing).check_values(plan)
    plan.row = row
    plan.desired = thing.desired(plan)
    return thing, plan


def test_argument_spec_has_the_properties_and_their_companions():
    spec = argument_spec(Thing)['argument_spec']
    assert spec['custom_attributes'] == dict(type='dict')
    assert spec['email_addresses'] == dict(type='list', elements='str')
    assert spec['email_addresses_mode'] == dict(type='str', default='add', choices=['add', 'remove', 'exact'])


@pytest.mark.parametrize('value, message', [
    ({'0': 'x'}, "custom_attributes: '0' is not a custom attribute number"),
    ({'16': 'x'}, "custom_attributes: '16' is not a custom attribute number"),
    ({'¹': 'x'}, "custom_attributes: '¹' is not a custom attribute number"),
    ({'1': True}, 'custom_attributes: the value of 1 is a boolean'),
    ({'1': 'x' * 1025}, 'custom_attributes: the value of 1 is 1025 characters long'),
    ('text', "custom_attributes: 'text' is not a dictionary"),
])
def test_custom_attributes_refuse_what_exchange_cannot_store(value, message):
    with pytest.raises(ValueError) as caught:
        check_custom_attributes(value)
    assert str(caught.value).startswith(message)


def test_custom_attributes_compare_one_by_one_and_clear_with_null():
    thing, plan = planned(ROW, custom_attributes={1: 'partner', '02': '', 3: 7})
    assert plan.entry['custom_attributes'] == {'1': 'partner', '2': '', '3': '7'}
    changes = thing.changes(plan, thing.facts(ROW))
    assert changes == {'custom_attributes': {'2': '', '3': '7'}}
    wanted = {'Identity': 'g1', 'CustomAttribute2': CLEAR, 'CustomAttribute3': '7'}
    assert thing.set_steps(plan, 'g1', changes) == [[('Set-MailThing', wanted)]]
    assert thing.shown_changes(plan, thing.facts(ROW), changes)['custom_attributes'] == {
        'before': {'1': 'partner', '2': 'eu'}, 'after': {'1': 'partner', '3': '7'}}
    after = thing.facts(thing.predict(plan, changes))
    assert after['custom_attributes'] == {'1': 'partner', '3': '7'}


def test_custom_attributes_already_so_change_nothing():
    thing, plan = planned(ROW, custom_attributes={'1': 'partner', '5': ''})
    assert thing.changes(plan, thing.facts(ROW)) == {}


def test_a_new_object_gets_its_custom_attributes_after_the_create():
    thing, plan = planned(None, display_name='New', custom_attributes={'4': 'x', '5': ''})
    assert thing.new_parameters(plan, plan.desired) == {'DisplayName': 'New'}
    assert thing.created_steps(plan, {'Guid': 'g2', 'CustomAttribute4': ''}, 'g2') == [
        [('Set-MailThing', {'Identity': 'g2', 'CustomAttribute4': 'x'})]]
    assert thing.facts(thing.new_row(plan, plan.desired))['custom_attributes'] == {'4': 'x'}


def test_addresses_added_name_only_what_changes():
    thing, plan = planned(ROW, email_addresses=['new@contoso.com', 'OLD@contoso.com'])
    changes = thing.changes(plan, thing.facts(ROW))
    steps = thing.set_steps(plan, 'g1', changes)
    assert steps == [[('Set-MailThing', {'Identity': 'g1', 'EmailAddresses': {'Add': ['smtp:new@contoso.com']}})]]
    assert isinstance(steps[0][0][1]['EmailAddresses'], Hashtable)
    assert thing.shown_changes(plan, thing.facts(ROW), changes)['email_addresses'] == {
        'added': ['smtp:new@contoso.com'], 'removed': []}
    after = ['SMTP:thing@contoso.com', 'smtp:new@contoso.com', 'smtp:old@contoso.com']
    assert thing.predict(plan, changes)['EmailAddresses'] == after


def test_addresses_exact_send_the_whole_list_and_a_new_primary():
    thing, plan = planned(ROW, email_addresses=['SMTP:primary@contoso.com', 'thing@contoso.com'], email_addresses_mode='exact')
    changes = thing.changes(plan, thing.facts(ROW))
    sent = thing.set_steps(plan, 'g1', changes)[0][0][1]['EmailAddresses']
    assert sent == ['SMTP:primary@contoso.com', 'smtp:thing@contoso.com']
    assert thing.predict(plan, changes)['PrimarySmtpAddress'] == 'primary@contoso.com'
    assert thing.shown_changes(plan, thing.facts(ROW), changes)['email_addresses']['removed'] == ['smtp:old@contoso.com']


def test_addresses_already_there_change_nothing_and_removing_the_primary_is_refused():
    thing, plan = planned(ROW, email_addresses=['Old@Contoso.com'])
    assert thing.changes(plan, thing.facts(ROW)) == {}
    thing, plan = planned(ROW, email_addresses=['thing@contoso.com'], email_addresses_mode='remove')
    with pytest.raises(ValueError) as caught:
        thing.changes(plan, thing.facts(ROW))
    assert "email_addresses: 'thing@contoso.com' is the primary address" in str(caught.value)


def test_addresses_that_are_no_address_are_refused_before_anything_is_read():
    with pytest.raises(ValueError) as caught:
        planned(ROW, email_addresses=['smtp:no-at-sign'])
    assert 'email_addresses' in str(caught.value) and 'no-at-sign' in str(caught.value)


def test_a_new_object_gets_its_addresses_after_the_create_beside_the_primary_it_was_given():
    thing, plan = planned(None, email_addresses=['extra@contoso.com'])
    created = {'Guid': 'g3', 'EmailAddresses': ['SMTP:thing@contoso.com'], 'PrimarySmtpAddress': 'thing@contoso.com'}
    assert thing.created_steps(plan, created, 'g3') == [
        [('Set-MailThing', {'Identity': 'g3', 'EmailAddresses': {'Add': ['smtp:extra@contoso.com']}})]]
    row = thing.new_row(plan, dict(plan.desired))
    assert row['EmailAddresses'] == []
    predicted = dict(PrimarySmtpAddress='thing@contoso.com')
    EmailAddresses().apply_new(predicted, ['extra@contoso.com'], plan.entry)
    assert predicted['EmailAddresses'] == ['SMTP:thing@contoso.com', 'smtp:extra@contoso.com']


def test_text_and_address_checks_name_the_option_and_the_value():
    with pytest.raises(ValueError) as caught:
        text_check('name', 3)('four')
    assert str(caught.value) == "name: 'four' must be 1 to 3 characters and not blank"
    assert smtp_check('external_email_address')('SMTP:a@b.com') == 'a@b.com'
    with pytest.raises(ValueError) as caught:
        smtp_check('external_email_address')('a.b.com')
    assert "external_email_address: 'a.b.com'" in str(caught.value)


class Checked(Thing):
    bulk = 'things'
    module_checks = dict(mutually_exclusive=[('display_name', 'custom_attributes')],
                         required_if=[('state', 'absent', ('email_addresses',))])


@pytest.mark.parametrize('given, message', [
    (dict(display_name='A', custom_attributes={'1': 'x'}),
     'things[3].parameters are mutually exclusive: display_name|custom_attributes'),
    (dict(state='absent'), 'things[3].state is absent but all of the following are missing: email_addresses'),
])
def test_a_bulk_entry_merged_with_the_task_meets_the_module_checks(given, message):
    entry = dict(dict.fromkeys(('thing', 'display_name', 'custom_attributes', 'email_addresses')),
                 thing='thing', state='present', email_addresses_mode='add')
    entry.update(given)
    with pytest.raises(ValueError) as caught:
        Engine(SimpleNamespace(), Checked(SimpleNamespace())).check_values(Plan(entry, 'things[3].', 'thing'))
    assert str(caught.value) == message


def test_a_bulk_entry_that_meets_the_checks_passes():
    entry = dict(thing='thing', state='present', display_name='A', custom_attributes=None, email_addresses=None,
                 email_addresses_mode='add')
    Engine(SimpleNamespace(), Checked(SimpleNamespace())).check_values(Plan(entry, 'things[3].', 'thing'))


def test_the_external_address_of_a_new_or_changed_contact_or_mail_user_is_its_primary():
    from ansible_collections.mailops.exchange.plugins.module_utils.engine.properties import EmailAddresses, ExternalAddress
    row = {}
    ExternalAddress().apply_new(row, 'chris@tailspintoys.com', {})
    EmailAddresses().apply_new(row, ['chris.ashton@contoso.com'], {'email_addresses_mode': 'add'})
    assert row['EmailAddresses'] == ['SMTP:chris@tailspintoys.com', 'smtp:chris.ashton@contoso.com']
    ExternalAddress().apply(row, 'Chris@Fabrikam.com')
    assert (row['ExternalEmailAddress'], row['PrimarySmtpAddress']) == ('Chris@Fabrikam.com', 'Chris@Fabrikam.com')
    assert row['EmailAddresses'] == ['SMTP:Chris@Fabrikam.com', 'smtp:chris@tailspintoys.com', 'smtp:chris.ashton@contoso.com']
