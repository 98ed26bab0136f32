# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.permissions import (
    explicit_trustees,
    managed_entry,
    read_permissions,
    trustee_id,
    trustee_map,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import (
    Recipient,
    RecipientResolver,
)

SALES = {'Guid': 'guid-sales', 'Name': 'sales', 'PrimarySmtpAddress': 'sales@contoso.com',
         'GrantSendOnBehalfTo': ['carol', 'Legacy Group']}
PEOPLE = {
    'alice@contoso.com': {'Guid': 'guid-alice', 'Name': 'alice', 'PrimarySmtpAddress': 'alice@contoso.com',
                          'UserPrincipalName': 'alice@contoso.com'},
    'bob@contoso.com': {'Guid': 'guid-bob', 'Name': 'bob', 'PrimarySmtpAddress': 'bob@contoso.com',
                        'UserPrincipalName': 'bob@contoso.com'},
    'carol': {'Guid': 'guid-carol', 'Name': 'carol', 'PrimarySmtpAddress': 'carol@contoso.com'},
}

MAILBOX_PERMISSIONS = [
    {'User': 'NT AUTHORITY\\SELF', 'AccessRights': ['FullAccess', 'ReadPermission'],
     'IsInherited': False, 'Deny': False},
    {'User': 'alice@contoso.com', 'AccessRights': ['FullAccess'], 'IsInherited': False, 'Deny': False},
    {'User': 'bob@contoso.com', 'AccessRights': ['ReadPermission'], 'IsInherited': False, 'Deny': False},
    {'User': 'bob@contoso.com', 'AccessRights': ['FullAccess'], 'IsInherited': False, 'Deny': True},
    {'User': 'NAMPR01\\Domain Admins', 'AccessRights': ['FullAccess'], 'IsInherited': True, 'Deny': True},
    {'User': 'S-1-5-21-1-2-3-1104', 'AccessRights': ['FullAccess'], 'IsInherited': False, 'Deny': False},
]
RECIPIENT_PERMISSIONS = [
    {'Trustee': 'NT AUTHORITY\\SELF', 'AccessRights': ['SendAs'], 'AccessControlType': 'Allow',
     'IsInherited': False},
    {'Trustee': 'bob@contoso.com', 'AccessRights': ['SendAs'], 'AccessControlType': 'Allow',
     'IsInherited': False},
    {'Trustee': 'alice@contoso.com', 'AccessRights': ['SendAs'], 'AccessControlType': 'Deny',
     'IsInherited': False},
    {'Trustee': 'carol', 'AccessRights': ['SendAs'], 'AccessControlType': 'Allow', 'IsInherited': True},
]


class FakeExchange(object):
    """Serves the permission reads and Get-Recipient for a fixed mailbox."""

    def __init__(self):
        self.calls = []

    def invoke(self, cmdlet, parameters):
        self.calls.append((cmdlet, dict(parameters)))
        if cmdlet == 'Get-MailboxPermission':
            return MAILBOX_PERMISSIONS
        if cmdlet == 'Get-RecipientPermission':
            return RECIPIENT_PERMISSIONS
        if cmdlet == 'Get-Recipient' and parameters['Identity'] in PEOPLE:
            return [PEOPLE[parameters['Identity']]]
        raise ExchangeError("object '%s' couldn't be found" % parameters['Identity'], kind='not_found')


@pytest.mark.parametrize('trustee, inherited, deny, expected', [
    ('alice@contoso.com', False, False, True),
    ('alice@contoso.com', True, False, False),
    ('alice@contoso.com', False, True, False),
    ('NT AUTHORITY\\SELF', False, False, False),
    ('nt authority\\self', False, False, False),
    ('S-1-5-21-3623811015-3361044348-30300820-1013', False, False, False),
    ('', False, False, False),
    (None, False, False, False),
    ('CONTOSO\\Helpdesk', False, False, True),
])
def test_managed_entry(trustee, inherited, deny, expected):
    assert managed_entry(trustee, inherited, deny) is expected


def test_full_access_keeps_only_explicit_allow_full_access_of_real_trustees():
    exchange = FakeExchange()
    mailbox = Recipient(SALES)
    assert explicit_trustees(exchange.invoke, mailbox, 'full_access') == ['alice@contoso.com']
    assert exchange.calls == [('Get-MailboxPermission', {'Identity': 'guid-sales'})]


def test_send_as_skips_self_deny_and_inherited():
    exchange = FakeExchange()
    assert explicit_trustees(exchange.invoke, Recipient(SALES), 'send_as') == ['bob@contoso.com']
    assert exchange.calls == [('Get-RecipientPermission', {'Identity': 'guid-sales', 'AccessRights': 'SendAs'})]


def test_send_on_behalf_comes_from_the_mailbox_row_without_a_call():
    exchange = FakeExchange()
    assert explicit_trustees(exchange.invoke, Recipient(SALES), 'send_on_behalf') == ['carol', 'Legacy Group']
    assert exchange.calls == []


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        explicit_trustees(FakeExchange().invoke, Recipient(SALES), 'read_only')


def test_trustee_map_keys_by_guid_and_keeps_unresolvable_trustees_raw():
    exchange = FakeExchange()
    resolver = RecipientResolver(exchange.invoke)
    mapped = trustee_map(resolver, ['carol', 'Legacy Group'])
    assert mapped == {'guid-carol': 'carol@contoso.com', 'raw:legacy group': 'Legacy Group'}
    assert trustee_id('guid-carol', 'carol@contoso.com') == 'guid-carol'
    assert trustee_id('raw:legacy group', 'Legacy Group') == 'Legacy Group'


def test_read_permissions_resolves_each_trustee_once():
    exchange = FakeExchange()
    resolver = RecipientResolver(exchange.invoke)
    mailbox = Recipient(SALES)
    assert read_permissions(exchange.invoke, resolver, mailbox, 'full_access') == {
        'guid-alice': 'alice@contoso.com'}
    read_permissions(exchange.invoke, resolver, mailbox, 'full_access')
    lookups = [c for c in exchange.calls if c[0] == 'Get-Recipient']
    assert lookups == [('Get-Recipient', {'Identity': 'alice@contoso.com'})]
