# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""The results of a task that converges many objects in one module run.

One module process, one token, one connection pool, N requests in flight (the engine and the
runners do the work): the cost of a task is the service's latency divided by the concurrency,
not Ansible's per-item overhead. One object's failure neither stops nor undoes the others; the
task fails at the end with every failed object and its reason.
"""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import build_diff
from ansible_collections.mailops.exchange.plugins.module_utils.transport.http import ConcurrencyGate

# Exchange Online publishes no REST concurrency limit (its remote PowerShell allowed three
# sessions per user), so by default a task finds it: ``auto`` starts at AUTO_START requests in
# flight, doubles after each round answered until the first 429, then goes back to the last level
# answered in full and adds one per round (ConcurrencyGate), and never goes beyond AUTO_CAP.
# A number fixes the concurrency (still halved while throttled).
AUTO = 'auto'
DEFAULT_PARALLEL = AUTO
AUTO_START = 4
AUTO_CAP = 32
MAX_PARALLEL = 16
# On premises a runspace pool is sized when it opens: ``auto`` is this many pipelines.
ONPREM_AUTO = 4
# The ``parallel`` option of every module that fans out.
PARALLEL_SPEC = dict(type='raw', default=DEFAULT_PARALLEL)
# The ``results`` option of every bulk module: ``all`` keeps one entry per object (what the drift
# report reads), ``changed`` only the objects that changed (in check mode: would change) or failed,
# so an audit of a large tenant that is in sync does not return (and Ansible hold) an entry per
# object. Either way the result's ``counts`` say how many objects were converged, changed, failed.
RESULTS_ALL = 'all'
RESULTS_CHANGED = 'changed'
RESULTS_SPEC = dict(type='str', default=RESULTS_ALL, choices=[RESULTS_ALL, RESULTS_CHANGED])


class Outcome(object):
    """What converging one object gave: its result dict, or the error that stopped it (with a
    ``result`` too when it stopped after changing the object)."""

    __slots__ = ('key', 'result', 'error')

    def __init__(self, key, result=None, error=None):
        self.key = key
        self.result = result
        self.error = error

    @property
    def failed(self):
        return self.error is not None


def check_parallel(value):
    """``parallel`` is ``auto`` (also when not given) or a whole number within 1..MAX_PARALLEL (a
    string of digits too, as templating gives); returns ``auto`` or the number, or raises
    ValueError naming the option and the value."""
    if value is None or (isinstance(value, str) and value.strip().lower() == AUTO):
        return AUTO
    number = int(value.strip()) if isinstance(value, str) and value.strip().isdigit() else value
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= MAX_PARALLEL:
        raise ValueError('parallel: %r must be a whole number from 1 to %d, or auto' % (value, MAX_PARALLEL))
    return number


def workers(value):
    """How many workers a fan-out starts for ``parallel`` (checked): the number, or AUTO_CAP for
    ``auto``, whose gate then decides how many of them have a request in flight."""
    value = check_parallel(value)
    return AUTO_CAP if value == AUTO else value


def gate_for(value):
    """The ConcurrencyGate of a run with ``parallel`` (checked): probing from AUTO_START up to
    AUTO_CAP for ``auto``, else at most that many in flight."""
    value = check_parallel(value)
    if value == AUTO:
        return ConcurrencyGate.probing_from(AUTO_START, AUTO_CAP)
    return ConcurrencyGate(ceiling=value)


def summarise(outcomes):
    """``(changed, results, failures)`` for a bulk result: per-object results, and a
    ``(key, reason)`` pair for each failed object."""
    results = []
    failures = []
    for outcome in outcomes:
        if outcome.failed:
            entry = {'key': outcome.key, 'failed': True, 'msg': str(outcome.error)}
            kind = getattr(outcome.error, 'kind', None)
            if kind:
                entry['error_kind'] = kind
            # A failure after a write (say, its read-back) still changed the object.
            if outcome.result and outcome.result.get('changed'):
                entry['changed'] = True
            results.append(entry)
            failures.append((outcome.key, str(outcome.error)))
        else:
            results.append(dict(outcome.result, key=outcome.key, failed=False))
    changed = any(r.get('changed') for r in results)
    return changed, results, failures


def trimmed_invocation(params, spec):
    """The ``invocation`` of a bulk task run with ``results: changed``: its options without the
    lists of entries (each ``type: list`` of ``elements: dict`` option), which Ansible otherwise
    returns whole under ``invocation.module_args`` - a second copy of the task's input in the
    result, and in what ``ansible-playbook`` holds; None for any other task."""
    if params.get('results') != RESULTS_CHANGED:
        return None
    lists = set(name for name, option in spec.items() if option.get('type') == 'list' and option.get('elements') == 'dict')
    return {'module_args': dict((name, value) for name, value in params.items() if name not in lists)}


def merge_entries(items, defaults):
    """Each bulk entry with the task's value (``defaults``) for every option it leaves out (None)."""
    entries = []
    for item in items:
        entry = dict(defaults)
        entry.update((k, v) for k, v in item.items() if v is not None)
        entries.append(entry)
    return entries


# Objects named for one reason in a failure message; every one is in the task's results.
NAMED_PER_REASON = 10


def failure_message(failures, total, noun):
    """The message a bulk task fails with: how many of how many failed, and why.

    ``failures`` are ``(key, reason)`` pairs. A reason shared by several objects (a service
    outage fails them all alike) is given once with the objects it failed, at most
    ``NAMED_PER_REASON`` of them by name.
    """
    keys_by_reason = {}
    for key, reason in failures:
        keys_by_reason.setdefault(reason, []).append(key)
    parts = []
    for reason, keys in keys_by_reason.items():
        if len(keys) == 1:
            parts.append('%s: %s' % (keys[0], reason))
            continue
        named = ', '.join(str(k) for k in keys[:NAMED_PER_REASON])
        if len(keys) > NAMED_PER_REASON:
            named += ' and %d more' % (len(keys) - NAMED_PER_REASON)
        parts.append('%s (%d %s: %s)' % (reason, len(keys), noun, named))
    return '%d of %d %s failed: %s' % (len(failures), total, noun, '; '.join(parts))


def counts(results):
    """How many of a bulk task's per-object ``results`` there are, changed, failed, and neither
    (``unchanged``: in sync). A failure after a write counts as changed and failed."""
    changed = sum(1 for r in results if r.get('changed'))
    failed = sum(1 for r in results if r['failed'])
    unchanged = sum(1 for r in results if not r['failed'] and not r.get('changed'))
    return dict(total=len(results), changed=changed, failed=failed, unchanged=unchanged)


def kept(results, which):
    """The per-object ``results`` the ``results`` option keeps: all, or (``changed``) those
    that changed or failed."""
    if which == RESULTS_CHANGED:
        return [r for r in results if r['failed'] or r.get('changed')]
    return results


def bulk_result(exo, outcomes, noun, name, after, before=None):
    """The result of a bulk task, failing it when any object failed.

    Per-object results from :func:`summarise`, those the task's ``results`` option keeps
    (:func:`kept`), and their :func:`counts`; with ``--diff``, a diff keyed by ``name(result)``
    of each kept converged object's ``before`` (popped from its result, shaped by ``before``)
    against ``after(result)``; the failure message counts and names every failed ``noun``.
    """
    changed, results, failures = summarise(outcomes)
    tally = counts(results)
    results = kept(results, exo.params.get('results'))
    converged = [r for r in results if not r['failed']]
    olds = [r.pop('before') for r in converged]
    result = dict(changed=changed, results=results, counts=tally)
    if exo.module._diff:
        result['diff'] = build_diff(
            {name(r): before(old) if before else old for r, old in zip(converged, olds)},
            {name(r): after(r) for r in converged})
    if failures:
        exo.fail(failure_message(failures, len(outcomes), noun), **result)
    return result
