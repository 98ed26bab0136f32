# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Waiting for the service to finish something it does on its own (a mailbox a licence makes).

``wait_for`` reads until what it reads is what is wanted, with waits that double from ``FIRST_WAIT_S``
up to ``LONGEST_WAIT_S`` and end by the deadline; it says how long it took, or, when time runs out,
what the last read saw.
"""

from __future__ import annotations

import time

FIRST_WAIT_S = 1.0
LONGEST_WAIT_S = 30.0


class WaitTimeout(Exception):
    """The deadline passed; ``last`` is the last value read, ``reads`` how many reads were made."""

    def __init__(self, last, reads, elapsed):
        super().__init__('gave up after %.0f s and %d reads' % (elapsed, reads))
        self.last = last
        self.reads = reads
        self.elapsed = elapsed


def wait_for(read, done, timeout_s, sleep=time.sleep, clock=time.monotonic):
    """``(value, reads, elapsed_s)`` of the first ``read()`` whose value ``done(value)`` accepts; reads
    again after waits of 1, 2, 4 ... up to 30 s, the last one shortened to the deadline. Raises
    :class:`WaitTimeout` once ``timeout_s`` has passed."""
    start = clock()
    wait = FIRST_WAIT_S
    reads = 0
    while True:
        value = read()
        reads += 1
        elapsed = clock() - start
        if done(value):
            return value, reads, elapsed
        left = timeout_s - elapsed
        if left <= 0:
            raise WaitTimeout(value, reads, elapsed)
        sleep(min(wait, left))
        wait = min(wait * 2, LONGEST_WAIT_S)
