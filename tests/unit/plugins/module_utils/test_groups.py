# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.groups import (
    default_alias,
    group_facts,
    group_read,
    group_type,
    members_from_rows,
    members_read,
    list_labels,
    read_lists,
    recipients_wire,
    restriction,
    same_recipients,
    with_primary,
)
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import CLEAR
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import RecipientResolver

ALL_STAFF = {
    'Identity': 'all-staff', 'Guid': 'guid-all-staff', 'Name': 'all-staff', 'Alias': 'all-staff',
    'DisplayName': 'All Staff', 'PrimarySmtpAddress': 'all-staff@contoso.com',
    'EmailAddresses': ['SMTP:all-staff@contoso.com', 'smtp:all-staff@contoso.onmicrosoft.com'],
    'RecipientTypeDetails': 'MailUniversalDistributionGroup', 'GroupType': 'Universal',
    'ManagedBy': ['bob', 'alice'], 'HiddenFromAddressListsEnabled': False,
    'RequireSenderAuthenticationEnabled': True, 'MemberJoinRestriction': 'ApprovalRequired',
    'MemberDepartRestriction': 'Open',
}


def test_group_facts_use_the_collection_keys_and_option_values():
    facts = group_facts(dict(ALL_STAFF, ModerationEnabled=True, SendModerationNotifications='Internal'),
                        {'managed_by': {'k2': 'bob@contoso.com', 'k1': 'Alice@contoso.com'},
                         'grant_send_on_behalf_to': {'k3': 'carol@contoso.com'}})
    assert facts == {
        'identity': 'all-staff', 'guid': 'guid-all-staff', 'name': 'all-staff', 'alias': 'all-staff',
        'display_name': 'All Staff', 'primary_smtp_address': 'all-staff@contoso.com',
        'email_addresses': ['SMTP:all-staff@contoso.com', 'smtp:all-staff@contoso.onmicrosoft.com'],
        'type': 'distribution', 'managed_by': ['Alice@contoso.com', 'bob@contoso.com'],
        'hidden_from_address_lists': False, 'require_sender_authentication': True,
        'member_join_restriction': 'approval_required', 'member_depart_restriction': 'open',
        'moderation_enabled': True, 'send_moderation_notifications': 'internal', 'hidden_group_membership': False,
        'moderated_by': [], 'bypass_moderation_from_senders_or_members': [],
        'accept_messages_only_from_senders_or_members': [], 'reject_messages_from_senders_or_members': [],
        'grant_send_on_behalf_to': ['carol@contoso.com'], 'custom_attributes': {},
    }
    assert group_facts(dict(ALL_STAFF, CustomAttribute2='', CustomAttribute7='cc-42'), {})['custom_attributes'] == {'7': 'cc-42'}
    # Notes are shown when they were read (Get-Group), members when they are known.
    facts = group_facts(dict(ALL_STAFF, Notes=None), {})
    assert 'notes' not in facts and 'members' not in facts
    facts = group_facts(dict(ALL_STAFF, Notes='Everyone', Members={'k1': 'alice@contoso.com'}), {})
    assert (facts['notes'], facts['members']) == ('Everyone', ['alice@contoso.com'])


def test_group_facts_of_a_sparse_row_are_empty_not_missing():
    facts = group_facts({}, {})
    assert facts['identity'] == '' and facts['email_addresses'] == [] and facts['managed_by'] == []
    assert facts['type'] == 'distribution'
    assert facts['hidden_from_address_lists'] is False


@pytest.mark.parametrize('row, expected', [
    ({'RecipientTypeDetails': 'MailUniversalSecurityGroup'}, 'security'),
    ({'RecipientTypeDetails': 'MailUniversalDistributionGroup'}, 'distribution'),
    ({'GroupType': 'Universal, SecurityEnabled'}, 'security'),
    ({'GroupType': 'Universal'}, 'distribution'),
])
def test_group_type(row, expected):
    assert group_type(row) == expected


@pytest.mark.parametrize('value, expected', [
    ('Open', 'open'), ('closed', 'closed'), ('ApprovalRequired', 'approval_required'),
    ('SomethingNew', 'somethingnew'), (None, ''),
])
def test_restriction(value, expected):
    assert restriction(value) == expected


def test_default_alias_drops_what_an_alias_cannot_hold():
    assert default_alias('Project X (2025)') == 'ProjectX2025'
    assert default_alias('sales-team.emea') == 'sales-team.emea'


def test_with_primary_demotes_the_old_primary_and_keeps_other_addresses():
    addresses = ['SMTP:old@contoso.com', 'smtp:old@contoso.onmicrosoft.com', 'X500:/o=x/cn=g']
    assert with_primary(addresses, 'new@contoso.com') == [
        'SMTP:new@contoso.com', 'smtp:old@contoso.com', 'smtp:old@contoso.onmicrosoft.com', 'X500:/o=x/cn=g']
    # Promoting a secondary address does not list it twice.
    assert with_primary(addresses, 'OLD@contoso.onmicrosoft.com') == [
        'SMTP:OLD@contoso.onmicrosoft.com', 'smtp:old@contoso.com', 'X500:/o=x/cn=g']


class FakeExchange(object):
    def __init__(self, error=None, rows=None):
        self.error = error
        self.rows = rows or []
        self.calls = []

    def invoke(self, cmdlet, parameters):
        self.calls.append((cmdlet, dict(parameters)))
        if self.error is not None:
            raise self.error
        return self.rows


def test_members_are_read_from_one_call_and_indexed():
    rows = [{'Guid': 'G1', 'Name': 'alice', 'PrimarySmtpAddress': 'alice@contoso.com'},
            {'Guid': 'G2', 'Name': 'Legacy Contact', 'PrimarySmtpAddress': ''}]
    exchange = FakeExchange(rows=rows)
    resolver = RecipientResolver(exchange.invoke)
    assert members_from_rows(resolver, exchange.invoke(*members_read('guid-all-staff'))) == {
        'g1': 'alice@contoso.com', 'g2': 'Legacy Contact'}
    assert exchange.calls == [('Get-DistributionGroupMember',
                               {'Identity': 'guid-all-staff', 'ResultSize': 'Unlimited'})]
    assert resolver.known('ALICE@contoso.com').key == 'g1'


def test_read_lists_resolves_every_list_as_exchange_names_it():
    people = {'alice': {'Guid': 'GA', 'PrimarySmtpAddress': 'alice@contoso.com'},
              'bob': {'Guid': 'GB', 'PrimarySmtpAddress': 'bob@contoso.com'}}

    def invoke(cmdlet, parameters):
        return [people[parameters['Identity']]]

    row = dict(ALL_STAFF, ModeratedBy=['alice'], GrantSendOnBehalfTo=['bob', 'alice'])
    lists = read_lists(RecipientResolver(invoke), row)
    assert lists['managed_by'] == {'gb': 'bob@contoso.com', 'ga': 'alice@contoso.com'}
    assert lists['moderated_by'] == {'ga': 'alice@contoso.com'}
    assert lists['grant_send_on_behalf_to'] == {'gb': 'bob@contoso.com', 'ga': 'alice@contoso.com'}
    assert lists['reject_messages_from_senders_or_members'] == {}
    assert list_labels(row) == ['bob', 'alice', 'alice', 'bob', 'alice']


def test_recipient_lists_compare_by_recipient_and_an_empty_one_is_written_as_null():
    assert same_recipients(['Alice@contoso.com', 'bob@contoso.com'], {'gb': 'bob@contoso.com', 'ga': 'alice@contoso.com'})
    assert not same_recipients(['alice@contoso.com'], {'gb': 'bob@contoso.com', 'ga': 'alice@contoso.com'})
    assert same_recipients([], {})
    assert recipients_wire({'ga': 'alice@contoso.com'}) == ['ga']
    assert recipients_wire({}) is CLEAR
    # A predicted row with a cleared list reads as empty.
    assert read_lists(RecipientResolver(None), dict(ALL_STAFF, ManagedBy=CLEAR))['managed_by'] == {}


def test_a_group_is_read_by_its_identity():
    assert group_read('finance') == ('Get-DistributionGroup', {'Identity': 'finance'})
