# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An _info listing's organisation-wide read in Guid streams (issue 23), without a server: a long
read is split and its rows come out in one order whatever order the streams give them; a user
filter goes with each stream's range; a refused filter fails naming the option; the export's file
does not depend on the order of the rows."""

from __future__ import annotations

import random
import re
import uuid
from types import SimpleNamespace

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.info import Listing, ValueSharing
from ansible_collections.mailops.exchange.plugins.module_utils.recipients import state_export
from ansible_collections.mailops.exchange.plugins.module_utils.runners.exo_runner import ExoRunner
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError

_BOUND = re.compile(r"(Guid|Name) -(lt|ge) '([0-9a-z-]+)'")


class Things(Listing):
    cmdlet = 'Get-Thing'
    key = 'things'


class StreamRunner(object):
    """Pages of ``rows`` (``page_size`` each) for any Guid or Name range and ``Department -eq``, each stream's
    rows in an order ``seed`` shuffles; every Filter asked for is recorded."""

    split_pages = ExoRunner.split_pages
    page_size = 2

    def __init__(self, rows, seed=0, refuse=None):
        self.rows, self.random, self.refuse, self.filters = rows, random.Random(seed), refuse, []

    def pages(self, cmdlet, parameters=None, select=None):
        """A generator, as the runner's: nothing is asked before its first page is wanted."""
        text = (parameters or {}).get('Filter') or ''
        self.filters.append(text)
        if self.refuse and self.refuse in text:
            yield self.refused(cmdlet)
        rows = [row for row in self.rows if all(row[prop] < bound if op == 'lt' else row[prop] >= bound
                                                for prop, op, bound in _BOUND.findall(text))]
        department = re.search(r"Department -eq '(\w+)'", text)
        rows = [row for row in rows if not department or row['Department'] == department.group(1)]
        self.random.shuffle(rows)
        for start in range(0, len(rows) or 1, self.page_size):
            yield rows[start:start + self.page_size]

    @staticmethod
    def refused(cmdlet):
        raise ExchangeError('Cannot bind parameter Filter', kind='invalid_argument', cmdlet=cmdlet)


def organisation(count):
    generator = random.Random(7)
    return [{'Guid': str(uuid.UUID(int=generator.getrandbits(128))), 'Name': 'n%03d' % number,
             'Department': 'even' if number % 2 == 0 else 'odd'} for number in range(count)]


def listed(runner, opath=None):
    return Things(SimpleNamespace(runner=runner, params={'filter': opath, 'result_size': None})).everything()


def test_a_long_read_comes_in_guid_streams_and_in_one_order_whatever_order_they_give():
    rows = organisation(60)
    first, second = StreamRunner(rows, seed=1), StreamRunner(rows, seed=2)
    assert listed(first) == listed(second) == sorted(rows, key=lambda row: row['Guid'])
    # The chain of the first pages, then one stream per Guid range.
    assert sum("Guid -" in text for text in first.filters) == 16


def test_a_short_read_is_one_chain_in_the_services_order():
    runner = StreamRunner(organisation(5), seed=3)
    assert sorted(listed(runner), key=lambda row: row['Name']) == organisation(5)
    assert runner.filters == ['']


def test_a_user_filter_goes_with_each_streams_range():
    rows = organisation(80)
    runner = StreamRunner(rows)
    assert listed(runner, "Department -eq 'even'") == sorted((row for row in rows if row['Department'] == 'even'), key=lambda row: row['Guid'])
    ranged = [text for text in runner.filters if 'Guid' in text]
    assert len(ranged) == 16 and all(text.startswith("(Department -eq 'even') -and (Guid -") for text in ranged)


def test_where_guid_ranges_are_refused_the_read_falls_back_to_name_ranges_then_one_stream():
    rows = organisation(60)
    runner = StreamRunner(rows, refuse='Guid')
    assert listed(runner) == sorted(rows, key=lambda row: row['Guid'])
    assert any(text.startswith('Name -lt') for text in runner.filters)


def test_a_refused_user_filter_fails_naming_the_option_and_its_value():
    with pytest.raises(ExchangeError) as caught:
        listed(StreamRunner(organisation(60), refuse='Bogus'), "Bogus -eq 'x'")
    assert str(caught.value).startswith("filter: 'Bogus -eq 'x'' was refused: ")
    assert caught.value.kind == 'invalid_argument' and caught.value.cmdlet == 'Get-Thing'


def test_the_export_file_is_the_same_whatever_order_the_entries_come_in():
    entries = [{'contact': 'user%02d@contoso.com' % number, 'display_name': 'User %d' % number} for number in range(30)]
    texts = set()
    for seed in range(4):
        shuffled = list(entries)
        random.Random(seed).shuffle(shuffled)
        texts.add(state_export.dump(state_export.data_file({'contacts': shuffled})))
    assert len(texts) == 1


def _text(*parts):
    """A text built at run time: a new object each call, as a page's parser gives them."""
    return ''.join(parts)


def test_the_rows_of_a_read_hold_one_object_for_each_equal_text_and_the_same_values():
    rows = organisation(60)
    for row in rows:
        row.update(Type=_text('Shared', 'Mailbox'), Quota=_text('50 GB (53,687,091,200 ', 'bytes)'),
                   Address=_text(row['Name'], '@contoso.com'), Upn=_text(row['Name'], '@contoso.com'),
                   Proxies=[_text('SMTP:', row['Name'], '@contoso.com'), _text('X500:/o=', 'ExchangeLabs')])
    expected = sorted(([dict(row, Proxies=list(row['Proxies'])) for row in rows]), key=lambda row: row['Guid'])
    found = listed(StreamRunner(rows))
    assert found == expected
    assert len(set(id(row['Type']) for row in found)) == 1 and len(set(id(row['Quota']) for row in found)) == 1
    assert len(set(id(row['Proxies'][1]) for row in found)) == 1
    assert all(row['Address'] is row['Upn'] for row in found)


def test_value_sharing_forgets_a_property_whose_texts_differ_and_keeps_them_apart():
    share = ValueSharing(distinct=4)
    rows = [share({'Guid': _text('g', str(number)), 'Type': _text('Us', 'er')}) for number in range(10)]
    assert [row['Guid'] for row in rows] == ['g%d' % number for number in range(10)]
    assert share.seen['Guid'] is None and list(share.seen['Type']) == ['User']
    assert rows[0]['Type'] is rows[9]['Type']
