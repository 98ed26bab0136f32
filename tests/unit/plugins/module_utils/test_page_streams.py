# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Organisation-wide reads split into streams that page side by side (issue 23 item 3)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.runners.fanout import READ_AHEAD, merged_pages
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import (
    find_in_pages,
    guid_ranges,
    name_ranges,
    organisation_pages,
)
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from sandbox import opath


class Refused(ExchangeError):
    pass


def test_streams_page_side_by_side_and_every_page_comes_once():
    # Each stream's first page waits until all three have started theirs: read one after another,
    # the barrier would break (its timeout is only a safety net, not a timing goal).
    barrier = threading.Barrier(3, timeout=30)

    def stream(pages):
        barrier.wait()
        yield from pages
    streams = [stream([[1, 2], [3]]), stream([[4], [5], [6]]), stream([[7]])]
    assert sorted(merged_pages(streams, lambda: pytest.fail('no fallback'), lambda e: False)) == \
        [[1, 2], [3], [4], [5], [6], [7]]


def test_streams_read_ahead_only_a_few_pages():
    """Past the start (where pages are held until every stream has answered, to see a refused
    split before yielding anything), a slow consumer has at most READ_AHEAD pages per stream
    waiting, plus the page each stream has in hand: memory does not grow with the pages."""
    produced, consumed = [], []

    def endless(name):
        for number in range(200):
            produced.append(name)
            yield [number]
    merged = merged_pages([endless('a'), endless('b'), endless('c')], lambda: pytest.fail('no fallback'),
                          lambda e: False)
    most = 0
    for page in merged:
        consumed.append(page)
        time.sleep(0.001)
        if len(consumed) > 100:
            most = max(most, len(produced) - len(consumed))
    assert len(consumed) == 600
    # Waiting in the queue, in each stream's hand, and a few in transit between the queue and this
    # loop: a few pages per stream (the count is read while the streams run, so allow twice that).
    assert most <= 2 * (READ_AHEAD + 1) * 3, most


def test_a_slow_first_answer_does_not_pile_up_the_other_streams_pages():
    """Until every stream has answered once, the others read no further than their first page:
    before, a quick stream's pages were all held while a slow one's first page was awaited."""
    quick = []

    def fast():
        for number in range(100):
            quick.append(number)
            yield [number]

    def slow():
        # Waits for the quick stream to run ahead; the timeout is only a safety net.
        deadline = time.monotonic() + 1
        while len(quick) < 50 and time.monotonic() < deadline:
            time.sleep(0.01)
        ahead.append(len(quick))
        yield ['slow']
    ahead = []
    pages = list(merged_pages([fast(), slow()], lambda: pytest.fail('no fallback'), lambda e: False))
    assert len(pages) == 101
    assert ahead[0] <= READ_AHEAD + 2, ahead


def test_a_refused_split_falls_back_to_one_stream_before_anything_is_yielded():
    def refused():
        raise ExchangeError('Invalid filter syntax', kind='invalid_argument')
        yield  # pylint: disable=unreachable
    streams = [iter([[1]]), refused(), iter([[3]])]
    assert list(merged_pages(streams, lambda: iter([[1], [2], [3]]), lambda e: e.kind == 'invalid_argument')) == \
        [[1], [2], [3]]


def test_pages_come_as_they_are_read_and_all_of_them():
    quick_done = threading.Event()

    def slow():
        yield [1]
        assert quick_done.wait(30)
        yield [2]
        yield [3]

    def quick():
        yield [4]
        quick_done.set()
    streams = [slow(), quick()]
    pages = list(merged_pages(streams, lambda: pytest.fail('no fallback'), lambda e: False))
    assert sorted(pages) == [[1], [2], [3], [4]]
    assert pages.index([4]) < pages.index([2]), 'the quick stream is not held back behind the slow one'


def test_a_refusal_after_a_page_of_another_stream_still_falls_back():
    def refused():
        raise ExchangeError('Invalid filter syntax', kind='invalid_argument')
        yield  # pylint: disable=unreachable
    assert list(merged_pages([iter([[1]]), refused()], lambda: iter([[9]]), lambda e: e.kind == 'invalid_argument')) == [[9]]


def test_another_error_is_raised():
    def broken():
        yield [1]
        raise ExchangeError('gone', kind='transient')
    with pytest.raises(ExchangeError, match='gone'):
        list(merged_pages([broken(), iter([[2]])], lambda: pytest.fail('no fallback'), lambda e: False))


def test_a_consumer_that_stops_stops_the_streams():
    sent = []

    def endless(name):
        for number in range(1000):
            sent.append(name)
            yield [number]
    merged = merged_pages([endless('a'), endless('b')], lambda: pytest.fail('no fallback'), lambda e: False)
    assert next(merged) == [0]
    merged.close()
    time.sleep(0.1)
    count = len(sent)
    time.sleep(0.1)
    assert len(sent) == count, 'no stream goes on after the consumer stopped'
    assert threading.active_count() < 50


NAMES = ['', 'a', 'Alice', 'b', 'bob', 'C', 'd', 'Zoe', 'zz', 'user0001', 'shared0002', 'u', 'U', 's', '0day', '~x',
         'Émile', 'mary', 'm', 'l', 'jo', 'J', 'p', 'g']


@pytest.mark.parametrize('name', NAMES)
def test_the_name_ranges_partition_names_as_the_sandbox_compares_them(name):
    """Every name is in exactly one range (evaluated with the sandbox's OPATH)."""
    matching = [text for text in name_ranges() if opath.evaluate(opath.parse(text), {'Name': name})]
    assert len(matching) == (0 if name == '' else 1), matching


@pytest.mark.parametrize('guid', [str(uuid.UUID(int=0)), str(uuid.UUID(int=2 ** 128 - 1)), '10000000-0000-0000-0000-000000000000',
                                  '0fffffff-ffff-ffff-ffff-ffffffffffff'] + [str(uuid.uuid4()) for unused in range(20)])
def test_the_guid_ranges_partition_guids_as_the_sandbox_compares_them(guid):
    matching = [text for text in guid_ranges() if opath.evaluate(opath.parse(text), {'Guid': guid})]
    assert len(matching) == 1, matching


def _row(name):
    return {'Name': name, 'Guid': str(uuid.uuid5(uuid.NAMESPACE_DNS, name))}


class PagedRunner(object):
    """Serves pages of 2 rows; records each (filter, page) requested. ``refuse``: True refuses
    every filter, a property name only the filters on it."""

    page_size = 2

    def __init__(self, names, refuse=False):
        self.names = names
        self.refuse = refuse
        self.sent = []
        self.lock = threading.Lock()

    def pages(self, cmdlet, parameters, select=None):
        text = parameters.get('Filter')
        if text and (self.refuse is True or (self.refuse and text.startswith(self.refuse))):
            raise ExchangeError('Invalid filter syntax', kind='invalid_argument')
        rows = [_row(n) for n in self.names if not text or opath.evaluate(opath.parse(text), _row(n))]
        for start in range(0, max(len(rows), 1), self.page_size):
            with self.lock:
                self.sent.append((text, start))
            yield rows[start:start + self.page_size]

    def split_pages(self, cmdlet, parameters, filters, select=None, fallback=None):
        return merged_pages([self._later(cmdlet, dict(parameters, Filter=t), select) for t in filters],
                            fallback or (lambda: self.pages(cmdlet, parameters, select)),
                            lambda e: e.kind == 'invalid_argument')

    def _later(self, cmdlet, parameters, select):
        yield from self.pages(cmdlet, parameters, select)


def rows_of(pages):
    return [row['Name'] for page in pages for row in page]


def test_one_page_is_one_request():
    runner = PagedRunner(['alice'])
    assert rows_of(organisation_pages(runner, 'Get-Mailbox', {})) == ['alice']
    assert runner.sent == [(None, 0)]


@pytest.mark.parametrize('refuse', [False, 'Guid', True])
def test_a_chain_of_pages_is_read_again_in_streams(refuse):
    names = ['alice', 'bob', 'carol', 'dave', 'erin', 'mallory', 'trent', 'victor', 'walter', 'zed']
    runner = PagedRunner(names, refuse=refuse)
    assert sorted(rows_of(organisation_pages(runner, 'Get-Mailbox', {}))) == names
    filtered = set(text for text, unused in runner.sent if text)
    # Guid ranges first; where the service refuses them, Name ranges; where it refuses those too,
    # one stream.
    assert filtered == {False: set(guid_ranges()), 'Guid': set(name_ranges())}.get(refuse, set())
    refuse = refuse is True
    unsplit = [start for text, start in runner.sent if not text]
    # A chain of more than three pages is read again in streams; refused, in one stream.
    assert unsplit == [0, 2, 4, 6] + ([0, 2, 4, 6, 8] if refuse else [])


def test_a_read_known_to_be_long_splits_at_once_without_the_chain():
    names = ['alice', 'bob', 'carol', 'dave', 'erin', 'mallory', 'trent', 'victor', 'walter', 'zed']
    runner = PagedRunner(names)
    # Seven rows known: more than the chain's three pages of two.
    assert sorted(rows_of(organisation_pages(runner, 'Get-Mailbox', {}, at_least=7))) == names
    assert [start for text, start in runner.sent if not text] == [], "no chain of pages first"
    assert set(text for text, unused in runner.sent) == set(guid_ranges())
    runner = PagedRunner(names)
    rows_of(organisation_pages(runner, 'Get-Mailbox', {}, at_least=6))
    assert [start for text, start in runner.sent if not text] == [0, 2, 4, 6], "six rows fit the chain"


def test_looking_for_more_identities_than_the_chain_holds_splits_at_once():
    """The identities a task looks for are rows of the organisation: so many say the read is long."""
    names = ['alice', 'bob', 'carol', 'dave', 'erin', 'mallory', 'trent', 'victor', 'walter', 'zed']
    runner = PagedRunner(names)
    found, total = find_in_pages(runner, 'Get-Mailbox', names, budget=100)
    assert sorted(found) == names and total == len(names)
    assert [start for text, start in runner.sent if not text] == []


def test_a_chain_of_three_pages_is_read_as_it_is():
    runner = PagedRunner(['a', 'b', 'c', 'd', 'e', 'f'])
    assert rows_of(organisation_pages(runner, 'Get-Mailbox', {})) == ['a', 'b', 'c', 'd', 'e', 'f']
    assert runner.sent == [(None, 0), (None, 2), (None, 4)]
