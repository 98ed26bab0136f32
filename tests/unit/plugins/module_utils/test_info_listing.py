# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The info engine's read of listed objects, without a server: ambiguous identities are gathered
into one message naming the option; every other error fails as it is."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.info import Listing
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError


class Things(Listing):
    cmdlet = 'Get-Thing'
    key = 'things'
    what = 'thing'


def listing(answers):
    return Things(SimpleNamespace(invoke_all=lambda calls: [answers[call[1]['Identity']] for call in calls]))


def test_listed_objects_are_read_once_each_and_the_missing_ones_listed():
    rows, missing = listing({'a': [{'Guid': 'G1'}], 'b': [], 'A': [{'Guid': 'g1'}],
                             'c': ExchangeError('gone', kind='not_found')}).named(['a', 'b', 'A', 'c'], 'things')
    assert (rows, missing) == ([{'Guid': 'G1'}], ['b', 'c'])


def test_ambiguous_identities_fail_together_naming_the_option():
    with pytest.raises(ExchangeError) as caught:
        listing({'x': ExchangeError('many', kind='ambiguous'), 'y': [{'Guid': 1}, {'Guid': 2}]}).named(['x', 'y'], 'things')
    assert str(caught.value) == ("things: 'x' matches more than one thing; 'y' matches more than one thing; "
                                 'give an SMTP address or GUID')
    assert caught.value.kind == 'invalid_argument'


def test_any_other_error_fails_as_it_is():
    refused = ExchangeError('client_certificate_password: the certificate could not be opened', kind='invalid_argument')
    with pytest.raises(ExchangeError) as caught:
        listing({'x': refused}).named(['x'], 'identity')
    assert caught.value is refused
