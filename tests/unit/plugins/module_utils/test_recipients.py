# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import (
    IdentityError,
    Recipient,
    RecipientResolver,
    check_identities,
    describe,
    mailbox_facts,
    taken_by_soft_deleted,
)

CAPTURES = Path(__file__).resolve().parents[4].parent / 'shared' / 'captures'

ALICE = {'Guid': 'A1B2-0001', 'Name': 'alice', 'Alias': 'alice', 'DisplayName': 'Alice Adams',
         'UserPrincipalName': 'alice@contoso.onmicrosoft.com', 'PrimarySmtpAddress': 'alice@contoso.com',
         'EmailAddresses': ['SMTP:alice@contoso.com', 'smtp:alice@contoso.onmicrosoft.com',
                            'SIP:alice@contoso.com', 'X500:/o=x/cn=alice']}


class FakeService(object):
    """Answers Get-Recipient from a list of rows the way Exchange resolves identities."""

    def __init__(self, rows, ambiguous=()):
        self.rows = rows
        self.ambiguous = set(ambiguous)
        self.calls = []

    def invoke(self, cmdlet, parameters):
        self.calls.append((cmdlet, parameters))
        if 'Filter' in parameters:
            # "Name -eq 'x' -or ...": the rows whose name, alias or display name is x.
            value = parameters['Filter'].split("'")[1].lower()
            return [r for r in self.rows if value in (r['Name'].lower(), r['Alias'].lower(), r['DisplayName'].lower())]
        identity = parameters['Identity']
        if identity in self.ambiguous:
            raise ExchangeError("'%s' matches multiple entries." % identity, kind='ambiguous')
        found = [r for r in self.rows if identity.lower() in Recipient(r).names]
        if not found:
            raise ExchangeError("object '%s' couldn't be found" % identity, kind='not_found',
                                exception_type='ManagementObjectNotFoundException')
        return found


def test_recipient_answers_to_every_identifying_name():
    recipient = Recipient(ALICE)
    assert recipient.key == 'a1b2-0001'
    assert recipient.shown == 'alice@contoso.com'
    assert {'alice', 'alice@contoso.com', 'alice@contoso.onmicrosoft.com', 'a1b2-0001'} <= set(recipient.names)
    assert 'alice adams' not in recipient.names, 'display names are not identities'
    assert not any(n.startswith('/o=') for n in recipient.names), 'X500 is not an SMTP identity'


def test_spellings_of_one_person_resolve_to_one_key_with_one_call():
    service = FakeService([ALICE])
    resolver = RecipientResolver(service.invoke)
    resolved = resolver.resolve_all('full_access', ['alice', 'ALICE@contoso.com', 'a1b2-0001'])
    assert list(resolved) == ['a1b2-0001']
    assert len(service.calls) == 1, 'later spellings are answered from the index'


def test_unknown_and_ambiguous_are_reported_together_naming_the_option():
    service = FakeService([ALICE], ambiguous=['Chris Green'])
    resolver = RecipientResolver(service.invoke)
    with pytest.raises(IdentityError) as caught:
        resolver.resolve_all('send_as', ['alice', 'ghost@contoso.com', 'Chris Green'])
    message = str(caught.value)
    assert message.startswith('send_as: ')
    assert "'ghost@contoso.com' was not found" in message
    assert "'Chris Green' matches more than one recipient" in message
    assert caught.value.kind == 'invalid_argument'


CHRIS = {'Guid': 'C0000-0001', 'Name': 'Chris Green', 'Alias': 'chris.green', 'DisplayName': 'Chris Green',
         'PrimarySmtpAddress': 'chris.green@contoso.com'}
CHRIS2 = {'Guid': 'C0000-0002', 'Name': 'Chris Green2', 'Alias': 'chris.green2', 'DisplayName': 'Chris Green',
          'PrimarySmtpAddress': 'chris.green2@contoso.com'}


def test_a_name_that_is_also_another_display_name_is_refused_naming_both():
    service = FakeService([ALICE, CHRIS, CHRIS2], ambiguous=['Chris Green'])
    resolver = RecipientResolver(service.invoke)
    # Chris's own row was read first (say, as the mailbox being changed): his Name in it must
    # not settle "Chris Green", which is also the other Chris's display name.
    resolver.remember(CHRIS)
    with pytest.raises(IdentityError) as caught:
        resolver.resolve_all('full_access', ['Chris Green'])
    assert str(caught.value) == ("full_access: 'Chris Green' matches more than one recipient "
                                 "(chris.green2@contoso.com, chris.green@contoso.com); nothing was changed")
    # His address and GUID are his alone: those still need no call.
    calls = len(service.calls)
    assert resolver.lookup('chris.green@contoso.com').key == resolver.lookup('c0000-0001').key == 'c0000-0001'
    assert len(service.calls) == calls


def test_hundreds_of_unknown_identities_are_summarised_after_ten():
    resolver = RecipientResolver(FakeService([ALICE]).invoke)
    with pytest.raises(IdentityError) as caught:
        resolver.resolve_all('full_access', ['ghost%d@contoso.com' % n for n in range(1, 602)])
    message = str(caught.value)
    assert message.startswith("full_access: 'ghost1@contoso.com' was not found; ")
    assert "'ghost10@contoso.com' was not found; and 591 more not found or ambiguous; nothing was changed" in message
    assert 'ghost11@' not in message


def test_lookup_returns_none_for_absent_and_remembers_it():
    service = FakeService([ALICE])
    resolver = RecipientResolver(service.invoke)
    assert resolver.lookup('EXTERNAL\\svc') is None
    assert resolver.lookup('external\\SVC') is None
    assert len(service.calls) == 1


def test_other_service_errors_are_not_swallowed():
    def broken(cmdlet, parameters):
        raise ExchangeError('denied', kind='forbidden')

    with pytest.raises(ExchangeError) as caught:
        RecipientResolver(broken).lookup('alice')
    assert caught.value.kind == 'forbidden'


@pytest.mark.parametrize('value', ['', '   ', None, 5])
def test_blank_identities_are_refused(value):
    with pytest.raises(IdentityError, match='full_access: '):
        check_identities('full_access', ['alice', value])


def test_mailbox_facts_from_the_real_capture():
    body = json.loads((CAPTURES / 'exo_invokecommand_get_mailbox_200.json').read_text())
    row = {k: v for k, v in body['value'][0].items() if '@' not in k}
    facts = mailbox_facts(row)
    assert facts['primary_smtp_address'] == 'C@fabrikam.example'
    assert facts['alias'] == 'JSample'
    assert facts['recipient_type_details'] == 'UserMailbox'
    assert facts['hidden_from_address_lists'] is False
    assert facts['forwarding_smtp_address'] == 'smtp:jordansample7@gmail.com'
    assert 'SMTP:C@fabrikam.example' in facts['email_addresses']
    assert facts['custom_attributes'] == {}
    assert facts['guid'] == '9feb45ad-0cc9-43dc-a609-2110e2216c15'


def test_a_label_the_service_reported_is_the_row_with_that_name():
    # GrantSendOnBehalfTo and ManagedBy name recipients by Name, which Exchange keeps unique: the
    # row read with that Name is the one meant, though the text is also another's display name.
    service = FakeService([CHRIS, CHRIS2], ambiguous=['Chris Green'])
    resolver = RecipientResolver(service.invoke)
    resolver.remember(CHRIS)
    assert resolver.identify('Chris Green').key == 'c0000-0001'
    assert service.calls == []
    with pytest.raises(ExchangeError):
        resolver.lookup('Chris Green')


def test_a_create_refused_for_a_soft_deleted_mailbox_says_what_to_do():
    taken = ExchangeError('The name "support" is already being used.', kind='already_exists',
                          exception_type='ADObjectAlreadyExistsException')
    held = {'Name': 'support', 'PrimarySmtpAddress': 'support@contoso.com', 'ExchangeGuid': 'e-1',
            'WhenSoftDeleted': '2026-12-01T09:30:00.0000000+00:00'}
    calls = []

    def invoke(cmdlet, parameters):
        calls.append((cmdlet, parameters))
        if parameters['Identity'] == 'support':
            return [held]
        raise ExchangeError('not found', kind='not_found')

    error = taken_by_soft_deleted(invoke, taken, {'Name': 'support', 'PrimarySmtpAddress': 'help@contoso.com'})
    assert str(error) == (
        "New-Mailbox: ADObjectAlreadyExistsException: name: 'support' is still taken by the mailbox support "
        '(support@contoso.com), removed on 2026-12-01 09:30:00 UTC and kept recoverable by Exchange Online for 30 '
        'days; restore it (Undo-SoftDeletedMailbox), purge it (Remove-Mailbox -PermanentlyDelete -Identity e-1) or '
        'choose another name and address; nothing was changed')
    assert error.kind == 'already_exists'
    assert calls == [('Get-Mailbox', {'Identity': 'help@contoso.com', 'SoftDeletedMailbox': True}),
                     ('Get-Mailbox', {'Identity': 'support', 'SoftDeletedMailbox': True})]
    # Held by nobody removed: the service's own error stands.
    assert taken_by_soft_deleted(invoke, taken, {'Name': 'other'}) is taken


def test_a_recipient_folds_each_name_once_and_keeps_those_already_folded_as_they_are():
    row = {'Guid': 'a1b2-0001', 'ExchangeObjectId': 'a1b2-0001', 'Name': 'Alice', 'Alias': 'alice', 'Identity': 'Alice',
           'PrimarySmtpAddress': 'alice@contoso.com', 'UserPrincipalName': 'alice@contoso.com',
           'EmailAddresses': ['SMTP:alice@contoso.com', 'smtp:Alice@Contoso.net'], 'DisplayName': 'alice adams'}
    recipient = Recipient(row)
    assert sorted(recipient.names) == ['a1b2-0001', 'alice', 'alice@contoso.com', 'alice@contoso.net']
    assert len(recipient.names) == len(set(recipient.names))
    # A name already lower-case is the row's own string, not a copy of it.
    assert any(name is row['Guid'] for name in recipient.names)
    assert any(name is row['PrimarySmtpAddress'] for name in recipient.names)
    assert recipient.display_name is row['DisplayName']
    assert recipient.answers_to('alice adams') and recipient.answers_to('alice@contoso.net')


def test_a_kept_row_holds_each_text_once_however_many_properties_repeat_it():
    from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import _trimmed
    # Parsed JSON gives each property its own string, equal or not.
    row = {'PrimarySmtpAddress': ''.join(['alice@', 'contoso.com']), 'UserPrincipalName': ''.join(['alice@contoso', '.com']),
           'WindowsLiveID': 'alice@contoso.com'.upper().lower(), 'Name': 'alice', 'IsValid': True, 'GrantSendOnBehalfTo': ['bob']}
    assert row['PrimarySmtpAddress'] is not row['UserPrincipalName']
    kept = _trimmed(row)
    assert kept == {'PrimarySmtpAddress': 'alice@contoso.com', 'UserPrincipalName': 'alice@contoso.com',
                    'WindowsLiveID': 'alice@contoso.com', 'Name': 'alice', 'GrantSendOnBehalfTo': ['bob']}
    assert kept['PrimarySmtpAddress'] is kept['UserPrincipalName'] is kept['WindowsLiveID']


def test_a_recipient_keeps_of_its_row_only_what_is_read_of_it_later():
    row = dict(ALICE, DistinguishedName='CN=alice,OU=contoso', LegacyExchangeDN='/o=ExchangeLabs/cn=alice',
               EmailAddresses=['SMTP:alice@contoso.com', 'X500:/o=ExchangeLabs/cn=alice'], RecipientTypeDetails='UserMailbox',
               GrantSendOnBehalfTo=['bob'], DisplayName='Alice Adams')
    recipient = Recipient(row)
    assert set(recipient.row) <= {'Guid', 'ExchangeObjectId', 'ExternalDirectoryObjectId', 'ExchangeGuid', 'Identity', 'Name',
                                  'DisplayName', 'PrimarySmtpAddress', 'RecipientTypeDetails', 'GrantSendOnBehalfTo'}
    assert recipient.row['GrantSendOnBehalfTo'] == ['bob'] and recipient.row['RecipientTypeDetails'] == 'UserMailbox'
    # Its names were made from the whole row.
    assert 'cn=alice,ou=contoso' in recipient.names and 'alice@contoso.com' in recipient.names
    assert describe(recipient) == "UserMailbox 'alice@contoso.com'"


def test_a_recipient_key_and_unique_names_are_the_rows_own_strings_when_already_folded():
    row = {'Guid': 'a1b2-0001', 'ExchangeGuid': 'c3d4-0002', 'Name': 'Alice', 'PrimarySmtpAddress': 'alice@contoso.com'}
    recipient = Recipient(row)
    assert recipient.key is row['Guid']
    unique = recipient.unique_names()
    assert unique == {'a1b2-0001', 'c3d4-0002', 'alice@contoso.com'}
    assert any(name is row['ExchangeGuid'] for name in unique)
    # A GUID in capitals is still folded (the key is compared lower-case everywhere).
    assert Recipient(dict(row, Guid='A1B2-0001')).key == 'a1b2-0001'
