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

from concurrent.futures import ThreadPoolExecutor

# Calls in one $batch request: the documented limit of the REST admin API's $batch.
BATCH_SIZE = 10


def invoke_all(invoke_group, calls, idempotent=None, parallel=1, size=BATCH_SIZE):
    """``invoke_group(group, idempotent)`` for each ``size`` calls, up to ``parallel`` groups at
    once; one answer per call, in order (its rows or the ``ExchangeError`` it raised)."""
    groups = [calls[start:start + size] for start in range(0, len(calls), size)]
    if parallel <= 1 or len(groups) <= 1:
        answers = [invoke_group(group, idempotent) for group in groups]
    else:
        with ThreadPoolExecutor(max_workers=min(parallel, len(groups))) as pool:
            answers = list(pool.map(lambda group: invoke_group(group, idempotent), groups))
    return [answer for group in answers for answer in group]
