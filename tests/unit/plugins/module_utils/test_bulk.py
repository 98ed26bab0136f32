# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import threading
import time

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.bulk import (
    check_parallel,
    converge_all,
    summarise,
)
from ansible_collections.mailops.exchange.plugins.module_utils.errors import ExchangeError


def test_outcomes_keep_item_order_and_isolate_failures():
    def converge(item):
        if item == 'bad':
            raise ExchangeError("mailbox: 'bad' was not found", kind='not_found')
        if item == 'invalid':
            raise ValueError("full_access: '' is not an identity")
        return {'changed': item == 'b', 'mailbox': item}

    outcomes = converge_all(['a', 'bad', 'b', 'invalid', 'c'], converge, parallel=3)
    assert [o.key for o in outcomes] == ['a', 'bad', 'b', 'invalid', 'c']
    changed, results, failures = summarise(outcomes)
    assert changed is True
    assert [r['failed'] for r in results] == [False, True, False, True, False]
    assert results[1]['kind'] == 'not_found'
    assert failures == ["bad: mailbox: 'bad' was not found", "invalid: full_access: '' is not an identity"]
    assert results[2] == {'changed': True, 'mailbox': 'b', 'key': 'b', 'failed': False}


def test_bugs_are_not_swallowed():
    def converge(item):
        raise KeyError(item)

    with pytest.raises(KeyError):
        converge_all(['a', 'b'], converge, parallel=2)


def test_concurrency_is_bounded():
    running = []
    peak = []
    lock = threading.Lock()

    def converge(item):
        with lock:
            running.append(item)
            peak.append(len(running))
        time.sleep(0.02)
        with lock:
            running.remove(item)
        return {'changed': False}

    converge_all(list(range(12)), converge, parallel=3)
    assert max(peak) == 3


def test_nothing_changed_when_everything_failed():
    def converge(item):
        raise ExchangeError('no %s' % item, kind='other')

    assert summarise(converge_all(['x'], converge))[0] is False


@pytest.mark.parametrize('value', [0, 17, -1, True, 2.5, '4'])
def test_parallel_is_checked(value):
    with pytest.raises(ValueError, match='parallel: '):
        check_parallel(value)


def test_parallel_in_range():
    assert check_parallel(1) == 1 and check_parallel(16) == 16
