# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting with backoff for something the service does on its own, on a fake clock."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.waiting import WaitTimeout, wait_for


class Clock(object):
    def __init__(self):
        self.now = 0.0
        self.waits = []

    def sleep(self, seconds):
        self.waits.append(seconds)
        self.now += seconds


def test_reads_until_done_with_doubling_waits():
    clock = Clock()
    answers = iter([None, None, None, 'there'])
    value, reads, elapsed = wait_for(lambda: next(answers), lambda v: v == 'there', 600, clock.sleep, lambda: clock.now)
    assert (value, reads, elapsed) == ('there', 4, 7.0)
    assert clock.waits == [1.0, 2.0, 4.0]


def test_waits_are_capped_and_the_last_one_ends_at_the_deadline():
    clock = Clock()
    with pytest.raises(WaitTimeout) as caught:
        wait_for(lambda: 'MailUser', lambda v: False, 100, clock.sleep, lambda: clock.now)
    assert clock.waits == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 9.0]
    assert (caught.value.last, caught.value.reads, caught.value.elapsed) == ('MailUser', 9, 100.0)


def test_done_at_once_reads_once_and_never_sleeps():
    clock = Clock()
    assert wait_for(lambda: 1, bool, 0, clock.sleep, lambda: clock.now) == (1, 1, 0.0)
    assert clock.waits == []
