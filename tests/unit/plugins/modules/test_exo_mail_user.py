# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exo_mail_user's declaration without a server: its entry checks (the password's never showing
it), what a create sends and predicts, and which Set cmdlet each change goes to."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Engine, Plan, argument_spec
from ansible_collections.mailops.exchange.plugins.modules import exo_mail_user as mail_users

PASSWORD = 'N3w-User!Pass#42'
OPTIONS = ('mail_user', 'state', 'name', 'external_email_address', 'user_principal_name', 'initial_password', 'display_name',
           'alias', 'first_name', 'last_name', 'hidden_from_address_lists', 'custom_attributes', 'email_addresses',
           'email_addresses_mode')
# Get-Recipient's row: the account is WindowsLiveID there.
ROW = {'Guid': 'g1', 'Identity': 'Ed Meadows', 'Name': 'Ed Meadows', 'ExternalEmailAddress': 'SMTP:ed@tailspintoys.com',
       'WindowsLiveID': 'ed@contoso.com', 'DisplayName': 'Ed Meadows', 'Alias': 'ed', 'FirstName': 'Ed', 'LastName': None,
       'HiddenFromAddressListsEnabled': False}


def entry(**given):
    return dict(dict.fromkeys(OPTIONS), state='present', **given)


def resource():
    return mail_users.MailUser(SimpleNamespace(invoke=None))


def check(given, where):
    """The checks an entry meets before anything is read: each property's, then the resource's."""
    user = resource()
    Engine(SimpleNamespace(), user).check_values(Plan(given, where, given['mail_user']))
    user.check_input(given, where)


def planned(row, **given):
    user = resource()
    plan = Plan(entry(mail_user='ed@contoso.com', **given), '', 'ed@contoso.com')
    plan.row = row
    plan.desired = user.desired(plan)
    return user, plan


def test_the_password_is_a_secret_of_the_task_and_of_every_entry():
    spec = argument_spec(mail_users.MailUser)['argument_spec']
    assert spec['initial_password'] == {'type': 'str', 'no_log': True}
    assert spec['mail_users']['options']['initial_password'] == {'type': 'str', 'no_log': True}
    assert 'initial_password' not in (prop.option for prop in mail_users.MailUser.properties), 'never read or compared'


@pytest.mark.parametrize('given, message', [
    ({'external_email_address': 'ed.tailspintoys.com'}, "mail_users[2].external_email_address: 'ed.tailspintoys.com'"),
    ({'user_principal_name': 'ed at contoso'}, "mail_users[2].user_principal_name: 'ed at contoso'"),
    ({'alias': 'two words'}, "mail_users[2].alias: 'two words' is not a valid alias"),
    ({'name': 'x' * 65}, "mail_users[2].name: '%s' must be 1 to 64 characters" % ('x' * 65)),
    ({'mail_user': ' '}, "mail_users[2].mail_user: ' ' is not an identity"),
    ({'custom_attributes': {'16': 'x'}}, "mail_users[2].custom_attributes: '16' is not a custom attribute number"),
    ({'email_addresses': ['smtp:no-at-sign']}, "mail_users[2].email_addresses:"),
])
def test_input_no_mail_user_can_have_is_refused_naming_the_entry_option_and_value(given, message):
    with pytest.raises(ValueError) as caught:
        check(entry(**dict({'mail_user': 'ed'}, **given)), 'mail_users[2].')
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize('password', ['Sh0rt!', 'alllowercase1', 'ALLUPPER!!', 'Aa1!' * 65])
def test_a_password_outside_the_rule_is_refused_naming_the_option_and_never_the_password(password):
    with pytest.raises(ValueError) as caught:
        resource().check_input(entry(mail_user='ed', initial_password=password), 'mail_users[0].')
    assert str(caught.value).startswith('mail_users[0].initial_password: the password given (not shown)')
    assert password not in str(caught.value)
    resource().check_input(entry(mail_user='ed', initial_password=PASSWORD), '')


def test_input_is_normalised():
    checked = entry(mail_user='ed', external_email_address='SMTP:Ed@TailspinToys.com', user_principal_name=' ed@contoso.com')
    check(checked, '')
    assert (checked['external_email_address'], checked['user_principal_name']) == ('Ed@TailspinToys.com', 'ed@contoso.com')


def test_a_create_sends_the_password_once_and_predicts_the_mail_user_without_it():
    user, plan = planned(None, external_email_address='ed@tailspintoys.com', user_principal_name='ed@contoso.com',
                         initial_password=PASSWORD, first_name='Ed', hidden_from_address_lists=True)
    assert user.create_call(plan) == ('New-MailUser', {
        'Name': 'ed', 'ExternalEmailAddress': 'ed@tailspintoys.com', 'MicrosoftOnlineServicesID': 'ed@contoso.com',
        'FirstName': 'Ed', 'Password': PASSWORD})
    assert user.created_steps(plan, {'Guid': 'g2'}, 'g2') == [
        [('Set-MailUser', {'Identity': 'g2', 'HiddenFromAddressListsEnabled': True})]]
    predicted = user.facts(user.new_row(plan, plan.desired))
    assert predicted == {'identity': 'ed', 'guid': '', 'name': 'ed', 'external_email_address': 'ed@tailspintoys.com',
                         'user_principal_name': 'ed@contoso.com', 'display_name': 'ed', 'alias': 'ed', 'first_name': 'Ed',
                         'last_name': '', 'hidden_from_address_lists': True, 'custom_attributes': {},
                         'email_addresses': ['SMTP:ed@tailspintoys.com']}
    assert PASSWORD not in repr(user.shown_changes(plan, {}, dict((k, v) for k, v in plan.desired.items() if v is not None)))


def test_the_account_is_read_under_any_of_its_names_and_the_password_never_makes_a_change():
    for name in ('MicrosoftOnlineServicesID', 'UserPrincipalName', 'WindowsLiveID'):
        row = dict((k, v) for k, v in ROW.items() if k != 'WindowsLiveID')
        row[name] = 'ED@contoso.com'
        user, plan = planned(row, user_principal_name='ed@contoso.com', initial_password=PASSWORD, last_name='')
        assert user.changes(plan, user.facts(row)) == {}


def test_person_names_go_to_set_user_and_the_rest_to_set_mail_user():
    user, plan = planned(ROW, user_principal_name='edm@contoso.com', last_name='Meadows', external_email_address='ed@fabrikam.com')
    changes = user.changes(plan, user.facts(ROW))
    assert user.set_steps(plan, 'g1', changes) == [
        [('Set-MailUser', {'Identity': 'g1', 'ExternalEmailAddress': 'ed@fabrikam.com', 'MicrosoftOnlineServicesID': 'edm@contoso.com'})],
        [('Set-User', {'Identity': 'g1', 'LastName': 'Meadows'})]]
    after = user.facts(user.predict(plan, changes))
    assert (after['user_principal_name'], after['last_name'], after['external_email_address']) == (
        'edm@contoso.com', 'Meadows', 'ed@fabrikam.com')


@pytest.mark.parametrize('given, message', [
    ({}, "external_email_address: the mail user 'ed@contoso.com' does not exist and no external_email_address was given"),
    ({'external_email_address': 'ed@tailspintoys.com'},
     "user_principal_name: the mail user 'ed@contoso.com' does not exist and no user_principal_name was given"),
    ({'external_email_address': 'ed@tailspintoys.com', 'user_principal_name': 'ed@contoso.com'},
     "initial_password: the mail user 'ed@contoso.com' does not exist and no initial_password was given"),
    ({'external_email_address': 'ed@tailspintoys.com', 'user_principal_name': 'edm@contoso.com', 'initial_password': PASSWORD},
     "mail_user: 'ed@contoso.com' would not be an address of the new mail user"),
])
def test_a_create_needs_its_account_password_and_address_and_a_name_the_next_run_finds(given, message):
    user, plan = planned(None, **given)
    assert user.validate(plan, {}).startswith(message)


def test_the_info_module_shows_the_account_under_any_name_and_never_a_password():
    from ansible_collections.mailops.exchange.plugins.modules import exo_mail_user_info as info
    listing = info.MailUsers(None)
    facts = listing.facts(dict(ROW, CustomAttribute2='contractor', EmailAddresses=['SMTP:ed@tailspintoys.com']))
    assert (facts['user_principal_name'], facts['external_email_address'], facts['custom_attributes']) == (
        'ed@contoso.com', 'ed@tailspintoys.com', {'2': 'contractor'})
    assert listing.facts({'UserPrincipalName': 'x@contoso.com'})['user_principal_name'] == 'x@contoso.com'
    assert not [key for key in facts if 'password' in key]


def test_custom_attributes_and_addresses_of_a_new_mail_user_go_in_one_set_mail_user_after_its_creation():
    user, plan = planned(None, external_email_address='ed@tailspintoys.com', user_principal_name='ed@contoso.com',
                         initial_password=PASSWORD, custom_attributes={'2': 'eu'}, email_addresses=['ed.m@contoso.com'])
    (call,), = user.created_steps(plan, {'Guid': 'g2', 'EmailAddresses': ['SMTP:ed@tailspintoys.com']}, 'g2')
    assert call[0] == 'Set-MailUser' and call[1]['CustomAttribute2'] == 'eu'
    assert 'smtp:ed.m@contoso.com' in str(call[1]['EmailAddresses'])


def test_an_address_change_of_an_existing_mail_user_is_one_set_mail_user_with_its_add_and_remove():
    row = dict(ROW, EmailAddresses=['SMTP:ed@tailspintoys.com', 'smtp:ed@contoso.onmicrosoft.com'])
    user, plan = planned(row, email_addresses=['ed@contoso.onmicrosoft.com'], email_addresses_mode='remove')
    changes = user.changes(plan, user.facts(row))
    (call,), = user.set_steps(plan, 'g1', changes)
    assert call[0] == 'Set-MailUser' and 'Remove' in str(call[1]['EmailAddresses'])
    assert user.facts(user.predict(plan, changes))['email_addresses'] == ['SMTP:ed@tailspintoys.com']
