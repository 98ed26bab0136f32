# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes that must not be repeated blindly, and what to do when their answer is lost.

A ``New-*`` cmdlet whose connection dropped after it was sent (or that got a gateway 5xx) may
or may not have run. Sending it again could fail with "already exists" or, worse, create a
second object; giving up would fail a run whose change was in fact made. So the runner marks
such errors ``outcome_unknown`` and :func:`create_once` re-reads: the object is there, so the
write happened; it is not, so the write is sent again, a bounded number of times.
"""

from ansible_collections.mailops.exchange.plugins.module_utils.errors import ALREADY_EXISTS, ExchangeError

# The first send and two more after lost answers: a third lost answer in a row is a fault that
# is not clearing, and the run should say so rather than keep trying.
CREATE_ATTEMPTS = 3


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
    lost = None
    for unused in range(attempts):
        try:
            return invoke(cmdlet, parameters)
        except ExchangeError as err:
            if lost is not None and err.kind == ALREADY_EXISTS:
                row = find()
                if row:
                    return [row]
                raise
            if not err.outcome_unknown:
                raise
            lost = err
        row = find()
        if row:
            return [row]
    lost.message = '%s (the answer was lost %d times and the object was not found after any of them)' % (
        lost.message, attempts)
    raise lost
