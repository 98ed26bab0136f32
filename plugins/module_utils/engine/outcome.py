# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Writes that must not be repeated blindly, and what to do when their answer is lost.

A ``New-*`` cmdlet whose connection dropped after it was sent (or that got a gateway 5xx) may
or may not have run. Sending it again could fail with "already exists" or, worse, create a
second object; giving up would fail a run whose change was in fact made. So the runner marks
such errors ``outcome_unknown`` and :func:`create_once` re-reads: the object is there, so the
write happened; it is not, so the write is sent again, a bounded number of times.
"""

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ALREADY_EXISTS, NOT_FOUND, ExchangeError

# The first send and up to five more after lost answers, the bound of a retried request (its
# first send and the 5 retries of the default ``retries``): at 20 % lost answers before the
# service acted, three sends left one create in 125 unmade, six leave one in 15,625.
CREATE_ATTEMPTS = 6


def create_once(invoke, cmdlet, parameters, find, attempts=CREATE_ATTEMPTS):
    """Run the non-idempotent write ``cmdlet`` so that it takes effect once; return its rows.

    ``find()`` reads the object the write creates and returns its row, or None when there is
    none; it must identify the object by something that was free before the write
    (the caller checks that first), so a found object is this write's. After a lost answer the
    rows are the one row ``find()`` returned. A write that is sent again and meets "already exists"
    (the lost one did run, but a read did not see it yet) is re-read once more. Raises the
    error of the last attempt when the outcome stays unknown, with the attempts counted in
    its message, and any other error at once.
    """
    def applied():
        row = find()
        return [row] if row else None

    return _write_once(invoke, cmdlet, parameters, applied, ALREADY_EXISTS, attempts,
                       'the object was not found after any of them')


def remove_once(invoke, cmdlet, parameters, gone, attempts=CREATE_ATTEMPTS):
    """Run a removal that must not be repeated blindly so that it takes effect once.

    ``gone()`` re-reads and returns True when the object no longer has what the removal takes
    away. After a lost answer it decides: gone, the removal happened (``[]`` is returned); still
    there, it is sent again. A repeat answered "not found" is re-read once more. Errors as for
    :func:`create_once`.
    """
    return _write_once(invoke, cmdlet, parameters, lambda: [] if gone() else None, NOT_FOUND, attempts,
                       'the object was still there after each of them')


def _write_once(invoke, cmdlet, parameters, applied, done_kind, attempts, still):
    """Send, and after a lost answer let ``applied()`` (rows, or None when the write did not
    happen) decide whether to send again; a repeat that meets ``done_kind`` is re-read too."""
    lost = None
    for unused in range(attempts):
        try:
            return invoke(cmdlet, parameters)
        except ExchangeError as err:
            if lost is not None and err.kind == done_kind:
                rows = applied()
                if rows is not None:
                    return rows
                raise
            if not err.outcome_unknown:
                raise
            lost = err
        rows = applied()
        if rows is not None:
            return rows
    lost.message = '%s (the answer was lost %d times and %s)' % (lost.message, attempts, still)
    raise lost
