# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Many independent calls sent as groups with a bounded number in flight: how a runner fans out.

The Exchange Online runner sends a group as one ``$batch`` request (ten calls), the remoting
runner as calls on one pipeline after another; either way ``invoke_all`` keeps up to ``parallel``
groups in flight and answers each call with its rows or its own ``ExchangeError``. Not for use
outside this collection.
"""

from __future__ import annotations

import ctypes
import queue
import threading
from concurrent.futures import ThreadPoolExecutor

# Calls in one $batch request: the documented limit of the REST admin API's $batch.
BATCH_SIZE = 10
# Pages each stream of an unordered split read may have read ahead of its consumer: bounds the
# memory a split read holds (a stream waits, its connection idle, while the consumer catches up).
READ_AHEAD = 2


# glibc's mallopt() parameter for the most arenas (malloc.h M_ARENA_MAX), and how many a module keeps.
_M_ARENA_MAX = -8
MALLOC_ARENAS = 2


def limit_malloc_arenas(arenas=MALLOC_ARENAS, libc=None):
    """Ask the C allocator to keep at most ``arenas`` arenas for all of the process's threads;
    whether it agreed (False where there is no ``mallopt``: not glibc).

    glibc gives each thread that allocates under contention an arena of its own, and what the
    threads of a fan-out free after parsing their answers stays there, fragmented: about 50 MB
    of the peak of a 10,000-mailbox audit (docs/performance.md). The threads take turns under
    the GIL anyway, so two arenas cost them nothing. Call it before the threads start."""
    try:
        libc = ctypes.CDLL(None) if libc is None else libc
        return bool(libc.mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError, TypeError):
        return False


def invoke_all(invoke_group, calls, idempotent=None, parallel=1, size=BATCH_SIZE, each=None):
    """``invoke_group(group, idempotent)`` for each ``size`` calls, up to ``parallel`` groups at
    once; one answer per call, in order (its rows or the ``ExchangeError`` it raised).

    ``each(call, answer)``, when given, is what is kept of each answer instead, applied as soon as
    its group is answered: a caller that needs a little of many answers (a mailbox's trustees, not
    its ten permission rows) then never holds all the rows at once."""
    def answer(group):
        answers = invoke_group(group, idempotent)
        return answers if each is None else [each(call, rows) for call, rows in zip(group, answers)]

    return in_groups(answer, calls, parallel, size)


def in_groups(work, calls, parallel=1, size=BATCH_SIZE):
    """``work(group)`` for each ``size`` calls, up to ``parallel`` groups at once on a pool of
    threads; what each returned (one item per call), joined in the order of ``calls``."""
    groups = [calls[start:start + size] for start in range(0, len(calls), size)]
    if parallel <= 1 or len(groups) <= 1:
        done = [work(group) for group in groups]
    else:
        with ThreadPoolExecutor(max_workers=min(parallel, len(groups))) as pool:
            done = list(pool.map(work, groups))
    return [item for items in done for item in items]


class Background(object):
    """``target()`` on a thread of its own, started at once (a daemon: a task that fails elsewhere
    does not wait for it). ``join()`` waits for it and returns what it returned, or raises what it
    raised, in the joining thread."""

    def __init__(self, target):
        self._result = self._error = None
        self._thread = threading.Thread(target=self._run, args=(target,), daemon=True)
        self._thread.start()

    def _run(self, target):
        try:
            self._result = target()
        except BaseException as error:  # pylint: disable=broad-except
            self._error = error

    def join(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result


def chained(invoke_all, calls, follow, parallel=1, size=BATCH_SIZE):
    """The answers to ``calls``, ``size`` to a request (``invoke_all(calls)`` sends up to ``size``
    as one), each request's answers followed at once by the calls ``follow(call, answer)`` names
    for them (None: none) as one more request: a chain of two requests per ``size`` calls, up to
    ``parallel`` chains at once, so the second reads start as the first ones answer instead of
    after all of them (a group's members as soon as its group is read). Returns ``(answers,
    followed)``, both in the order of ``calls``: ``followed[i]`` is the answer to ``calls[i]``'s
    follow-up, or None when it had none."""
    def chain(group):
        answers = invoke_all(group)
        follows = [follow(call, answer) for call, answer in zip(group, answers)]
        sent = [call for call in follows if call is not None]
        replies = iter(invoke_all(sent) if sent else ())
        return [(answer, None if call is None else next(replies)) for answer, call in zip(answers, follows)]

    pairs = in_groups(chain, calls, parallel, size)
    return [answer for answer, unused in pairs], [followed for unused, followed in pairs]


def merged_pages(streams, fallback, refused):
    """The pages of several streams read side by side (a thread each), each page as soon as it
    comes (in no fixed order between streams), with at most ``READ_AHEAD`` pages per stream
    waiting for the consumer, so memory does not grow with the organisation.

    ``streams`` are iterables of pages (generators that send a request per page). Nothing is
    yielded before every stream has its first page: when one of them raised an error that
    ``refused(error)`` says is the service refusing the split (a filter it does not take), all of
    them are dropped and the pages of ``fallback()`` (one stream) are yielded instead; another
    error is raised. A consumer that stops early stops the streams after the page each is reading.
    """
    stop, started = threading.Event(), threading.Event()
    shared = queue.Queue(maxsize=READ_AHEAD * len(streams))
    for index, stream in enumerate(streams):
        threading.Thread(target=_read_stream, args=(index, stream, shared, stop, started), daemon=True).start()
    try:
        firsts = _firsts(shared, len(streams))
        started.set()
        errors = [value for unused, kind, value in firsts if kind == 'error']
        if any(refused(error) for error in errors):
            stop.set()
            yield from fallback()
            return
        if errors:
            raise errors[0]
        yield from _as_they_come(firsts, shared, len(streams))
    finally:
        stop.set()
        started.set()


def _firsts(shared, count):
    """One item from each stream, in the order they came (each stream waits for ``started``
    after its first, see :func:`_read_stream`)."""
    return [shared.get() for unused in range(count)]


def _as_they_come(items, shared, count):
    ended = 0
    for unused, kind, value in items:
        ended += kind == 'end'
        if kind == 'page':
            yield value
    while ended < count:
        unused, kind, value = shared.get()
        if kind == 'error':
            raise value
        if kind == 'end':
            ended += 1
        else:
            yield value


def _read_stream(index, stream, out, stop, started):
    """Put each page of ``stream`` on ``out`` as (index, 'page', rows), then (index, 'end', None)
    or (index, 'error', e). After its first page a stream waits for ``started`` (every stream has
    answered once), so a slow first answer does not leave the others' pages piling up unbounded
    while the consumer waits to see whether the split was refused."""
    pages = iter(stream)
    try:
        while not stop.is_set():
            try:
                page = next(pages)
            except StopIteration:
                break
            _put(out, (index, 'page', page), stop)
            started.wait()
        _put(out, (index, 'end', None), stop)
    except Exception as error:  # pylint: disable=broad-except
        _put(out, (index, 'error', error), stop)
    finally:
        closer = getattr(pages, 'close', None)
        if closer is not None:
            closer()


def _put(out, item, stop):
    """Put ``item`` on ``out``, waiting while it is full, unless the consumer has stopped."""
    while not stop.is_set():
        try:
            out.put(item, timeout=0.1)
            return
        except queue.Full:
            continue
