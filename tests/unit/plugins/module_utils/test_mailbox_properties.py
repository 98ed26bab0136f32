# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.mailbox_properties import (
    MailboxInputError,
    after_row,
    alias_from,
    check_options,
    new_mailbox,
    plan_mailbox,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import mailbox_facts
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import CLEAR

ALICE = {
    'Name': 'alice', 'Alias': 'alice', 'DisplayName': 'Alice Adams', 'RecipientTypeDetails': 'UserMailbox',
    'PrimarySmtpAddress': 'alice@contoso.com',
    'EmailAddresses': ['SMTP:alice@contoso.com', 'smtp:alice@contoso.onmicrosoft.com',
                       'smtp:alice@legacy.contoso.example', 'SIP:alice@contoso.com', 'X500:/o=x/cn=alice'],
    'HiddenFromAddressListsEnabled': False, 'LitigationHoldEnabled': False,
    'LitigationHoldDuration': 'Unlimited', 'LitigationHoldOwner': '',
    'ForwardingSmtpAddress': 'smtp:Fwd@Example.com', 'DeliverToMailboxAndForward': False,
    'CustomAttribute1': 'sales', 'CustomAttribute2': '', 'ResourceCapacity': None,
}


def options(**given):
    return check_options(given)


def test_facts_carry_type_and_litigation_hold_as_the_module_takes_them():
    facts = mailbox_facts(dict(ALICE, LitigationHoldEnabled=True, LitigationHoldDuration='365.00:00:00',
                               LitigationHoldOwner='Legal', RecipientTypeDetails='RoomMailbox',
                               ResourceCapacity=8))
    assert facts['type'] == 'room'
    assert facts['resource_capacity'] == 8
    assert facts['litigation_hold'] == {'enabled': True, 'duration_days': 365, 'owner': 'Legal'}
    assert mailbox_facts(ALICE)['litigation_hold']['duration_days'] is None
    assert mailbox_facts(dict(ALICE, RecipientTypeDetails='SchedulingMailbox'))['type'] is None


def test_nothing_given_is_no_change():
    plan = plan_mailbox(ALICE, options())
    assert not plan.changed and plan.changes == {} and plan.settings == {}


def test_same_values_in_exchange_spelling_are_no_change():
    plan = plan_mailbox(ALICE, options(
        type='regular', display_name='Alice Adams', forwarding_smtp_address='FWD@example.COM',
        email_addresses=['ALICE@contoso.com', 'smtp:alice@CONTOSO.onmicrosoft.com'],
        custom_attributes={1: 'sales', '2': None}, hidden_from_address_lists=False,
        litigation_hold={'enabled': False, 'duration_days': None, 'owner': None}))
    assert not plan.changed, plan.settings


def test_changes_become_one_set_mailbox_call_and_a_predicted_row():
    plan = plan_mailbox(ALICE, options(
        type='shared', display_name='Alice (left)', hidden_from_address_lists=True,
        custom_attributes={'1': '', 3: 'leaver'}, forwarding_smtp_address='',
        litigation_hold={'enabled': True, 'duration_days': 3650, 'owner': 'Legal'},
        email_addresses=['SMTP:alice.adams@contoso.com'], excluded_domains=['legacy.contoso.example']))
    assert plan.type_change == 'Shared'
    assert plan.settings == {
        'DisplayName': 'Alice (left)', 'HiddenFromAddressListsEnabled': True,
        # Cleared with $null (JSON null), as Microsoft documents, not with an empty string.
        'ForwardingSmtpAddress': CLEAR, 'CustomAttribute1': CLEAR, 'CustomAttribute3': 'leaver',
        'LitigationHoldEnabled': True, 'LitigationHoldDuration': 3650, 'LitigationHoldOwner': 'Legal',
        # Only the change, so that an address another run adds or removes meanwhile stays as it left it.
        'EmailAddresses': {'Add': ['SMTP:alice.adams@contoso.com']},
    }
    assert plan.changes['email_addresses'] == {'added': ['SMTP:alice.adams@contoso.com'], 'removed': []}
    assert plan.changes['primary_smtp_address'] == 'alice.adams@contoso.com'
    assert plan.changes['custom_attributes'] == {'1': '', '3': 'leaver'}
    assert plan.added_smtp() == ['alice.adams@contoso.com']

    after = mailbox_facts(after_row(ALICE, plan))
    assert after['type'] == 'shared'
    assert after['primary_smtp_address'] == 'alice.adams@contoso.com'
    assert after['forwarding_smtp_address'] == ''
    assert after['custom_attributes'] == {'3': 'leaver'}
    assert after['litigation_hold'] == {'enabled': True, 'duration_days': 3650, 'owner': 'Legal'}
    assert not plan_mailbox(after_row(ALICE, plan), options(
        type='shared', display_name='Alice (left)', forwarding_smtp_address='',
        litigation_hold={'enabled': True, 'duration_days': 3650, 'owner': 'Legal'},
        email_addresses=['SMTP:alice.adams@contoso.com'], excluded_domains=['legacy.contoso.example'])).changed


def test_exact_keeps_non_smtp_and_excluded_domains():
    # The tenant's onmicrosoft.com address is kept too: Exchange Online requires it.
    plan = plan_mailbox(ALICE, options(email_addresses=['SMTP:alice@contoso.com'], email_addresses_mode='exact',
                                       excluded_domains=['legacy.contoso.example']))
    assert 'EmailAddresses' not in plan.settings and 'email_addresses' not in plan.changes
    plan = plan_mailbox(ALICE, options(email_addresses=['SMTP:alice@contoso.com'], email_addresses_mode='exact'))
    assert plan.changes['email_addresses']['removed'] == ['smtp:alice@legacy.contoso.example']


def test_hold_duration_unlimited_when_omitted_and_owner_unmanaged():
    held = dict(ALICE, LitigationHoldEnabled=True, LitigationHoldDuration='30.00:00:00', LitigationHoldOwner='X')
    plan = plan_mailbox(held, options(litigation_hold={'enabled': True, 'duration_days': None, 'owner': None}))
    assert plan.settings == {'LitigationHoldDuration': 'Unlimited'}
    off = plan_mailbox(held, options(litigation_hold={'enabled': False, 'duration_days': 5, 'owner': 'Y'}))
    assert off.settings == {'LitigationHoldEnabled': False}


@pytest.mark.parametrize('given, message', [
    ({'custom_attributes': {16: 'x'}}, "custom_attributes: '16' is not a custom attribute number"),
    ({'custom_attributes': {'CustomAttribute1': 'x'}}, "custom_attributes: 'CustomAttribute1'"),
    ({'custom_attributes': {1: 'x' * 1025}}, 'custom_attributes: the value of 1 is 1025 characters'),
    # A superscript one is a digit to str.isdigit() but not to int(): a message, not a ValueError.
    ({'custom_attributes': {'\u00b9': 'x'}}, "custom_attributes: '\u00b9' is not a custom attribute number"),
    # Stored with str(), these would become "['a', 'b']", "{'a': 1}" and "True".
    ({'custom_attributes': {2: ['a', 'b']}}, 'custom_attributes: the value of 2 is a list; give text'),
    ({'custom_attributes': {'3': {'a': 1}}}, 'custom_attributes: the value of 3 is a mapping; give text'),
    ({'custom_attributes': {4: True}}, 'custom_attributes: the value of 4 is a boolean; give text'),
    ({'litigation_hold': {'enabled': True, 'duration_days': -1, 'owner': None}}, 'duration_days -1'),
    ({'litigation_hold': {'enabled': True, 'duration_days': None, 'owner': ' '}}, "owner ' '"),
    ({'alias': 'has space'}, "alias: 'has space' is not a valid alias"),
    ({'alias': '.dot'}, "alias: '.dot'"),
    ({'display_name': '  '}, "display_name: '  ' must be 1 to 256"),
    ({'primary_smtp_address': 'nope'}, "primary_smtp_address: 'nope' is not a valid email address"),
    ({'forwarding_smtp_address': 'smtp:x@'}, "forwarding_smtp_address: 'x@' is not a valid"),
    ({'resource_capacity': -2}, 'resource_capacity: -2 must be 0 or more'),
])
def test_bad_options_name_the_option_and_value(given, message):
    with pytest.raises(MailboxInputError) as caught:
        check_options(given)
    assert message in str(caught.value)


@pytest.mark.parametrize('given, message', [
    ({'email_addresses': ['SMTP:a@contoso.com', 'SMTP:b@contoso.com']}, 'more than one primary'),
    ({'email_addresses': ['x@legacy.contoso.example'], 'excluded_domains': ['legacy.contoso.example']},
     "'x@legacy.contoso.example' is in the excluded domain"),
    ({'resource_capacity': 4}, "resource_capacity: 4 applies to room mailboxes only; 'alice@contoso.com' is a "
                               'regular mailbox'),
    ({'resource_capacity': 4, 'type': 'equipment'}, 'is an equipment mailbox'),
    ({'email_addresses': ['smtp:extra%d@contoso.com' % n for n in range(396)]},
     "email_addresses: 396 given would leave alice@contoso.com with 401 proxy addresses, more than Exchange "
     "Online's limit of 400"),
])
def test_impossible_changes_are_refused(given, message):
    with pytest.raises(MailboxInputError) as caught:
        plan_mailbox(ALICE, options(**given))
    assert message in str(caught.value)


def test_exactly_the_proxy_address_limit_is_allowed():
    plan = plan_mailbox(ALICE, options(email_addresses=['smtp:extra%d@contoso.com' % n for n in range(395)]))
    assert len(plan.addresses.addresses) == 400 and len(plan.settings['EmailAddresses']['Add']) == 395


def test_only_exact_sends_the_whole_list_and_a_promoted_secondary_is_added_as_primary():
    exact = plan_mailbox(ALICE, options(email_addresses=['SMTP:alice@contoso.com', 'smtp:alice@contoso.onmicrosoft.com'],
                                        email_addresses_mode='exact'))
    assert isinstance(exact.settings['EmailAddresses'], list)
    assert exact.settings['EmailAddresses'][0] == 'SMTP:alice@contoso.com'
    removed = plan_mailbox(ALICE, options(email_addresses=['alice@legacy.contoso.example'], email_addresses_mode='remove'))
    assert removed.settings['EmailAddresses'] == {'Remove': ['smtp:alice@legacy.contoso.example']}
    promoted = plan_mailbox(ALICE, options(primary_smtp_address='alice@contoso.onmicrosoft.com'))
    assert promoted.settings['EmailAddresses'] == {'Add': ['SMTP:alice@contoso.onmicrosoft.com']}
    assert mailbox_facts(after_row(ALICE, promoted))['primary_smtp_address'] == 'alice@contoso.onmicrosoft.com'


def test_resource_capacity_follows_a_conversion_to_room():
    plan = plan_mailbox(ALICE, options(type='room', resource_capacity=10))
    assert plan.type_change == 'Room' and plan.settings == {'ResourceCapacity': 10}


def test_new_shared_mailbox_from_an_address_identity():
    parameters, row = new_mailbox('Sales-EU@contoso.com', options(type='shared'), 'contoso.onmicrosoft.com')
    assert parameters == {'Name': 'Sales-EU', 'Alias': 'Sales-EU', 'DisplayName': 'Sales-EU',
                          'PrimarySmtpAddress': 'Sales-EU@contoso.com', 'Shared': True}
    assert row['EmailAddresses'] == ['SMTP:Sales-EU@contoso.com', 'smtp:Sales-EU@contoso.onmicrosoft.com']
    assert mailbox_facts(row)['type'] == 'shared'


def test_new_room_from_a_name_with_its_primary_in_email_addresses():
    parameters, row = new_mailbox('Oslo 4', options(type='room', email_addresses=['SMTP:oslo4@contoso.com']),
                                  'tenant-guid-not-a-domain')
    assert parameters['Name'] == 'Oslo 4' and parameters['Alias'] == 'Oslo4' and parameters['Room'] is True
    assert row['EmailAddresses'] == ['SMTP:oslo4@contoso.com']


@pytest.mark.parametrize('identity, given, message', [
    ('new@contoso.com', {'type': 'regular'}, 'user mailboxes come from licensing'),
    ('new@contoso.com', {}, 'give type shared, room or equipment'),
    ('Room Without Address', {'type': 'room'}, 'primary_smtp_address:'),
    ('new@contoso.com', {'type': 'shared', 'name': 'n' * 65}, 'name:'),
])
def test_new_mailbox_refusals(identity, given, message):
    with pytest.raises(MailboxInputError) as caught:
        new_mailbox(identity, options(**given))
    assert message in str(caught.value)


def test_alias_from_a_name():
    assert alias_from('Sales & Marketing (EU)') == 'Sales&MarketingEU'
    assert alias_from('.a..b.') == 'a.b'
