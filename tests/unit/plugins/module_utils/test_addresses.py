# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.addresses import (
    AddressError,
    check_address,
    plan_addresses,
)

CURRENT = ['SMTP:Alice@contoso.com', 'smtp:alice@contoso.onmicrosoft.com',
           'smtp:alice@legacy.example', 'SIP:alice@contoso.com', 'X500:/o=Contoso/cn=alice']


def test_add_is_case_insensitive_and_keeps_everything():
    plan = plan_addresses(CURRENT, ['ALICE@contoso.com', 'a.adams@contoso.com'], 'add')
    assert plan.changed
    assert plan.added == ['smtp:a.adams@contoso.com']
    assert plan.removed == []
    assert plan.addresses[0] == 'SMTP:Alice@contoso.com'
    assert 'X500:/o=Contoso/cn=alice' in plan.addresses and 'SIP:alice@contoso.com' in plan.addresses


def test_converged_add_is_no_change():
    plan = plan_addresses(CURRENT, ['alice@CONTOSO.onmicrosoft.com'], 'add')
    assert not plan.changed
    assert sorted(plan.addresses) == sorted(CURRENT)


def test_exact_keeps_non_smtp_and_excluded_domains():
    plan = plan_addresses(CURRENT, ['alice@contoso.com', 'alice@contoso.onmicrosoft.com'], 'exact',
                          excluded_domains=['legacy.example'])
    assert not plan.changed, 'the legacy address is in an excluded domain, X500 and SIP are kept'
    plan = plan_addresses(CURRENT, ['alice@contoso.com'], 'exact')
    assert plan.removed == ['smtp:alice@legacy.example']
    assert set(plan.addresses) == {'SMTP:Alice@contoso.com', 'smtp:alice@contoso.onmicrosoft.com',
                                   'SIP:alice@contoso.com', 'X500:/o=Contoso/cn=alice'}


def test_exact_keeps_the_onmicrosoft_routing_addresses_the_service_requires():
    current = CURRENT + ['smtp:alice@contoso.mail.onmicrosoft.com']
    plan = plan_addresses(current, ['alice@contoso.com', 'alice@legacy.example'], 'exact')
    assert not plan.changed, 'the tenant and hybrid routing addresses stay though not listed'
    # Only naming one for removal takes it away.
    plan = plan_addresses(current, ['alice@contoso.mail.onmicrosoft.com'], 'remove')
    assert plan.removed == ['smtp:alice@contoso.mail.onmicrosoft.com']


def test_exact_with_new_primary_demotes_the_old_one():
    plan = plan_addresses(CURRENT, ['SMTP:alice.adams@contoso.com', 'alice@contoso.com'], 'exact')
    assert plan.primary_changed
    assert plan.addresses[0] == 'SMTP:alice.adams@contoso.com'
    assert 'smtp:Alice@contoso.com' in plan.addresses
    assert [a for a in plan.addresses if a.startswith('SMTP:')] == ['SMTP:alice.adams@contoso.com']


def test_primary_option_adds_and_promotes():
    plan = plan_addresses(CURRENT, None, 'add', primary='alice@contoso.onmicrosoft.com')
    assert plan.primary_changed and plan.added == []
    assert plan.addresses[0] == 'SMTP:alice@contoso.onmicrosoft.com'
    assert 'smtp:Alice@contoso.com' in plan.addresses


def test_same_primary_in_other_case_is_no_change():
    assert not plan_addresses(CURRENT, None, 'add', primary='alice@CONTOSO.com').changed


def test_remove_only_listed_smtp_addresses():
    plan = plan_addresses(CURRENT, ['alice@legacy.example', 'not-there@contoso.com'], 'remove')
    assert plan.removed == ['smtp:alice@legacy.example']
    assert len(plan.addresses) == len(CURRENT) - 1


@pytest.mark.parametrize('kwargs, message', [
    (dict(desired=['SMTP:a@contoso.com', 'SMTP:b@contoso.com'], mode='add'), 'more than one primary'),
    (dict(desired=['SMTP:a@contoso.com'], mode='add', primary='b@contoso.com'), 'differs from primary_smtp_address'),
    (dict(desired=['x@legacy.example'], mode='add', excluded_domains=['legacy.example']), 'excluded domain legacy.example'),
    (dict(desired=['alice@contoso.com'], mode='remove'), 'is the primary address and cannot be removed'),
    (dict(desired=['other@contoso.com'], mode='exact'), 'the current primary address Alice@contoso.com would be removed'),
    (dict(desired=['X500:/o=x'], mode='add'), 'only SMTP addresses are managed'),
    (dict(desired=['not an address'], mode='add'), "email_addresses: 'not an address' is not a valid email address"),
    (dict(desired=[''], mode='add'), "email_addresses: '' is not an email address"),
    (dict(desired=['a@contoso.com'], mode='replace'), "email_addresses_mode: 'replace'"),
    (dict(desired=None, mode='add', primary='x@@contoso'), "primary_smtp_address: 'x@@contoso'"),
])
def test_impossible_input_names_the_option(kwargs, message):
    with pytest.raises(AddressError, match=message.replace('(', r'\(').replace(')', r'\)')):
        plan_addresses(CURRENT, **kwargs)


def test_check_address_strips_and_validates():
    assert check_address('forwarding_smtp_address', ' bob@fabrikam.example ') == 'bob@fabrikam.example'
    with pytest.raises(AddressError, match="forwarding_smtp_address: 'bob@' is not"):
        check_address('forwarding_smtp_address', 'bob@')


@pytest.mark.parametrize('address', ['o\'brien@contoso.com', 'first.last+tag@sub.contoso.co.uk', 'ünïcode@contoso.com'])
def test_legitimate_addresses_pass(address):
    assert plan_addresses(CURRENT, [address], 'add').added == ['smtp:' + address]
