# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A module stand-in that runs the real engine entry point (ExchangeModule.converge) against the
bulk modules' FakeExo answers, recording single calls and batches apart."""

from __future__ import annotations

from types import SimpleNamespace

from test_bulk_modules import FakeExo

from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExchangeModule


class TaskFailed(Exception):
    """What EngineExo.fail raises: the task failed with this message and result."""


class EngineExo(FakeExo):
    """FakeExo with the module base's engine methods; ``fail`` raises TaskFailed(msg, result)."""

    check_mode = False
    module = SimpleNamespace(_diff=False)
    converge = ExchangeModule.converge
    invoke_all = ExchangeModule.invoke_all
    invoke_one = ExchangeModule.invoke_one
    with_diff = ExchangeModule.with_diff
    fail_error = ExchangeModule.fail_error
    parallel = ExchangeModule.parallel

    def __init__(self, answers, params=None):
        super().__init__(answers, params=params)
        self.warnings = []
        self.runner = SimpleNamespace(
            invoke=self.invoke, pages=self.pages, page_size=1000,
            invoke_all=self._runner_invoke_all)

    def _runner_invoke_all(self, calls, idempotent=None, parallel=1, each=None):
        answers = FakeExo.invoke_all(self, calls, idempotent, parallel)
        return answers if each is None else [each(call, answer) for call, answer in zip(calls, answers)]

    def warn(self, message):
        self.warnings.append(message)

    def fail(self, msg, **result):
        raise TaskFailed(msg, result)
