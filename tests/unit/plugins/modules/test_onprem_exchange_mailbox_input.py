# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PowerShell syntax in the address options of onprem_exchange_mailbox is refused before any
command is sent, naming the option and the value (the free-text options carry it literally; the
integration test tests/integration/test_injection.py shows that)."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.addresses import AddressError
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.onprem_mailbox import check_input, creation

PAYLOADS = [
    "'; Remove-Mailbox x -Confirm:$false; '",
    "$(whoami)",
    "`$env:PATH`n`r tick` end`",
    "@{a=1}",
    "two\nlines",
    "# not a comment",
    "a | Out-File x",
    "\u2018single\u2019 \u201Cdouble\u201D",
]

DEFAULTS = dict(mailbox='nora', infrastructure='onpremises', database=None, remote_routing_address=None,
                user_principal_name=None, display_name=None, first_name=None, last_name=None,
                sam_account_name=None, organizational_unit=None, email_addresses=None,
                primary_smtp_address=None, email_addresses_mode='add', excluded_domains=[],
                email_address_policy_enabled=None)


@pytest.mark.parametrize('payload', PAYLOADS, ids=range(len(PAYLOADS)))
@pytest.mark.parametrize('option, value, extra', [
    ('user_principal_name', '{}', {}),
    ('primary_smtp_address', '{}', {}),
    ('remote_routing_address', '{}', {'infrastructure': 'hybrid'}),
    ('email_addresses', ['smtp:{}'], {}),
])
def test_payload_in_an_address_option_is_refused_naming_it(option, value, extra, payload):
    params = dict(DEFAULTS, **extra)
    params[option] = [v.format(payload) for v in value] if isinstance(value, list) else value.format(payload)
    with pytest.raises((AddressError, ValueError)) as raised:
        check_input(params)
    assert str(raised.value).startswith(option)
    # A routing address may carry a prefix (smtp:); the message shows the address after it.
    assert (payload.split(':', 1)[-1] if option == 'remote_routing_address' else payload) in str(raised.value)


@pytest.mark.parametrize('payload', PAYLOADS, ids=range(len(PAYLOADS)))
def test_payload_in_a_free_text_option_is_accepted_as_it_is(payload):
    params = dict(DEFAULTS, mailbox=payload, display_name=payload, first_name=payload, last_name=payload,
                  sam_account_name=payload, organizational_unit=payload, database=payload)
    assert check_input(params) is None
    assert params['display_name'] == payload


CREATE = dict(DEFAULTS, initial_password=None, type='shared', create_method='new')


def test_a_new_mailbox_takes_its_name_from_name_and_is_found_by_its_address():
    parameters, row = creation(dict(CREATE, name='sales', primary_smtp_address='sales@contoso.com'),
                               'sales@contoso.com', None, False)
    assert (parameters['Name'], parameters['PrimarySmtpAddress'], parameters['Shared']) == ('sales', 'sales@contoso.com', True)
    assert (row['Name'], row['DisplayName'], row['PrimarySmtpAddress']) == ('sales', 'sales', 'sales@contoso.com')


def test_without_name_a_new_mailbox_is_named_as_mailbox_says():
    parameters, row = creation(CREATE, 'Service Desk', None, False)
    assert parameters['Name'] == row['Name'] == row['DisplayName'] == 'Service Desk'


def test_an_empty_name_is_refused_naming_the_option():
    with pytest.raises(ValueError, match="^name: ' ' must not be empty"):
        check_input(dict(DEFAULTS, name=' '))
