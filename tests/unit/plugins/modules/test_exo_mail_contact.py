# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exo_mail_contact's declaration without a server: its entry checks, and which Set cmdlet each
change goes to (the person properties to Set-Contact, custom attributes into Set-MailContact)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Engine, Plan
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import CLEAR
from ansible_collections.mailops.exchange.plugins.module_utils.engine import contacts

OPTIONS = ('contact', 'state', 'name', 'external_email_address', 'display_name', 'alias', 'first_name', 'last_name',
           'company', 'department', 'title', 'phone', 'office', 'hidden_from_address_lists', 'custom_attributes')
ROW = {'Guid': 'g1', 'Identity': 'Chris Ashton', 'Name': 'Chris Ashton', 'ExternalEmailAddress': 'SMTP:chris@tailspintoys.com',
       'DisplayName': 'Chris Ashton', 'Alias': 'ChrisAshton', 'Company': 'Tailspin', 'CustomAttribute1': 'partner',
       'HiddenFromAddressListsEnabled': False}


def entry(**given):
    return dict(dict.fromkeys(OPTIONS), state='present', **given)


def resource():
    return contacts.MailContact(SimpleNamespace(invoke=None))


def check(given, where):
    """The checks an entry meets before anything is read: each property's, then the resource's."""
    contact = resource()
    Engine(SimpleNamespace(), contact).check_values(Plan(given, where, given['contact']))
    contact.check_input(given, where)


def planned(row, **given):
    contact = resource()
    plan = Plan(entry(contact='chris@tailspintoys.com', **given), '', 'chris@tailspintoys.com')
    plan.row = row
    plan.desired = contact.desired(plan)
    return contact, plan


@pytest.mark.parametrize('given, message', [
    ({'external_email_address': 'chris.tailspintoys.com'}, "contacts[2].external_email_address: 'chris.tailspintoys.com'"),
    ({'alias': 'two words'}, "contacts[2].alias: 'two words' is not a valid alias"),
    ({'name': 'x' * 65}, "contacts[2].name: '%s' must be 1 to 64 characters" % ('x' * 65)),
    ({'custom_attributes': {'0': 'x'}}, "contacts[2].custom_attributes: '0' is not a custom attribute number"),
    ({'contact': ' '}, "contacts[2].contact: ' ' is not an identity"),
])
def test_input_no_contact_can_have_is_refused_naming_the_entry_option_and_value(given, message):
    with pytest.raises(ValueError) as caught:
        check(entry(**dict({'contact': 'chris'}, **given)), 'contacts[2].')
    assert str(caught.value).startswith(message)


def test_input_is_normalised():
    checked = entry(contact='chris', external_email_address='SMTP:Chris@TailspinToys.com', custom_attributes={1: 'a'})
    check(checked, '')
    assert (checked['external_email_address'], checked['custom_attributes']) == ('Chris@TailspinToys.com', {'1': 'a'})


def test_person_properties_go_to_set_contact_and_custom_attributes_to_set_mail_contact():
    contact, plan = planned(ROW, display_name='Chris A.', company='Fabrikam', external_email_address='CHRIS@tailspintoys.com',
                            custom_attributes={'1': 'partner', '2': 'eu'})
    changes = contact.changes(plan, contact.facts(ROW))
    assert changes == {'display_name': 'Chris A.', 'company': 'Fabrikam', 'custom_attributes': {'2': 'eu'}}
    assert contact.set_steps(plan, 'g1', changes) == [
        [('Set-MailContact', {'Identity': 'g1', 'DisplayName': 'Chris A.', 'CustomAttribute2': 'eu'})],
        [('Set-Contact', {'Identity': 'g1', 'Company': 'Fabrikam'})]]
    assert contact.facts(contact.predict(plan, changes))['custom_attributes'] == {'1': 'partner', '2': 'eu'}
    assert contact.shown_changes(plan, contact.facts(ROW), changes)['custom_attributes'] == {
        'before': {'1': 'partner'}, 'after': {'1': 'partner', '2': 'eu'}}


def test_custom_attributes_alone_are_one_set_mail_contact_and_a_new_contact_sets_them_after_its_creation():
    contact, plan = planned(ROW, custom_attributes={'1': ''})
    changes = contact.changes(plan, contact.facts(ROW))
    # An emptied attribute is cleared with $null, as Microsoft documents for clearing.
    assert contact.set_steps(plan, 'g1', changes) == [[('Set-MailContact', {'Identity': 'g1', 'CustomAttribute1': CLEAR})]]
    contact, plan = planned(None, external_email_address='chris@tailspintoys.com', title='Buyer', custom_attributes={'3': 'x', '4': ''})
    assert contact.new_parameters(plan, plan.desired) == {'Name': 'chris', 'ExternalEmailAddress': 'chris@tailspintoys.com'}
    assert contact.created_steps(plan, {'Guid': 'g2'}, 'g2') == [
        [('Set-Contact', {'Identity': 'g2', 'Title': 'Buyer'})], [('Set-MailContact', {'Identity': 'g2', 'CustomAttribute3': 'x'})]]
    predicted = contact.facts(contact.new_row(plan, plan.desired))
    assert (predicted['name'], predicted['alias'], predicted['title'], predicted['custom_attributes']) == ('chris', 'chris', 'Buyer', {'3': 'x'})


def test_on_premises_the_organizational_unit_goes_to_new_only_and_never_moves_a_contact():
    contact = contacts.OnPremMailContact(SimpleNamespace(invoke=None))
    plan = Plan(entry(contact='chris@tailspintoys.com', external_email_address='chris@tailspintoys.com',
                      organizational_unit='contoso.local/Staff'), '', 'chris@tailspintoys.com')
    plan.desired = contact.desired(plan)
    assert contact.new_parameters(plan, plan.desired)['OrganizationalUnit'] == 'contoso.local/Staff'
    plan.row = dict(ROW, OrganizationalUnit='contoso.local/Users')
    assert 'organizational_unit' not in contact.changes(plan, contact.facts(plan.row))
    assert contact.facts(plan.row)['organizational_unit'] == 'contoso.local/Users'
