# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The info engine's read of listed objects, without a server: ambiguous identities are gathered
into one message naming the option; every other error fails as it is."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.info import Listing, check_listing, listing_spec
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


class TwoPlaces(Things):
    """An object read with two cmdlets (on-premises and remote mailboxes), with no filter and no list option."""
    filter = False
    several = False

    def read_calls(self, identity):
        return [('Get-Here', {'Identity': identity}), ('Get-There', {'Identity': identity})]


def two_places(answers):
    return TwoPlaces(SimpleNamespace(invoke_all=lambda calls: [answers[call[0], call[1]['Identity']] for call in calls]))


def test_an_object_read_with_two_cmdlets_takes_their_rows_together():
    gone = ExchangeError('gone', kind='not_found')
    rows, missing = two_places({('Get-Here', 'a'): gone, ('Get-There', 'a'): [{'Guid': 'G1'}],
                                ('Get-Here', 'b'): gone, ('Get-There', 'b'): []}).named(['a', 'b'], 'identity')
    assert (rows, missing) == ([{'Guid': 'G1'}], ['b'])
    refused = ExchangeError('denied', kind='forbidden')
    with pytest.raises(ExchangeError) as caught:
        two_places({('Get-Here', 'a'): [{'Guid': 'G1'}], ('Get-There', 'a'): refused}).named(['a'], 'identity')
    assert caught.value is refused
    # In both places is more than one mailbox.
    with pytest.raises(ExchangeError, match="identity: 'a' matches more than one thing"):
        two_places({('Get-Here', 'a'): [{'Guid': 'G1'}], ('Get-There', 'a'): [{'Guid': 'G2'}]}).named(['a'], 'identity')


def test_a_listing_without_filter_or_list_option_has_neither_option():
    spec = listing_spec(TwoPlaces)
    assert sorted(spec['argument_spec']) == ['identity', 'result_size']
    assert spec['mutually_exclusive'] == [('identity', 'result_size')]
    assert check_listing(TwoPlaces, {'identity': ' ', 'result_size': None}) == "identity: ' ' must not be empty"
    assert check_listing(TwoPlaces, {'identity': None, 'result_size': 0}) == 'result_size: 0 must be 1 or more'
    assert sorted(listing_spec(Things)['argument_spec']) == ['filter', 'identity', 'result_size', 'things']
