"""The sandbox's cost model (sandbox.cost): budgets, latency spread, page and $batch costs."""

import base64
import json
import random
import statistics

import pytest

from sandbox import control, cost


class Clock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


def test_requests_beyond_the_concurrency_budget_are_refused_until_one_is_released():
    budget = cost.Budget(Clock())
    key = ("tenant", "app")
    admitted = [budget.admit(key, 2, 0, 60, 1) for unused in range(3)]
    assert [a.admitted for a in admitted] == [True, True, False]
    assert admitted[2].reason == "concurrency" and admitted[2].retry_after == 1
    budget.release(key)
    assert budget.admit(key, 2, 0, 60, 1).admitted
    assert budget.in_flight(key) == 2 and budget.peak() == 2


def test_each_app_of_each_tenant_has_a_budget_of_its_own():
    budget = cost.Budget(Clock())
    assert budget.admit(("t1", "a"), 1, 0, 60, 1).admitted
    assert budget.admit(("t1", "b"), 1, 0, 60, 1).admitted
    assert budget.admit(("t2", "a"), 1, 0, 60, 1).admitted
    assert not budget.admit(("t1", "a"), 1, 0, 60, 1).admitted


def test_the_rate_budget_counts_admitted_requests_per_window_and_announces_what_is_left():
    clock = Clock(1000.0)
    budget = cost.Budget(clock)
    key = ("t", "a")
    answers = []
    for unused in range(4):
        answers.append(budget.admit(key, 0, 3, 60, 1))
        budget.release(key)
    assert [a.remaining for a in answers[:3]] == [2, 1, 0]
    refused = answers[3]
    assert not refused.admitted and refused.reason == "rate"
    # The window of 60 s began at 960, so it resets at 1020: wait 20 s, not the default 1.
    assert refused.reset_epoch == 1020 and refused.retry_after == 20
    headers = dict(refused.headers())
    assert headers == {"Rate-Limit-Limit": "3", "Rate-Limit-Remaining": "0",
                       "Rate-Limit-Reset": "1970-01-01T00:17:00.000Z"}
    clock.now = 1020.0
    assert budget.admit(key, 0, 3, 60, 1).remaining == 2


def test_a_refused_request_costs_no_slot_and_no_rate():
    budget = cost.Budget(Clock())
    key = ("t", "a")
    assert budget.admit(key, 1, 10, 60, 1).remaining == 9
    assert not budget.admit(key, 1, 10, 60, 1).admitted
    budget.release(key)
    assert budget.in_flight(key) == 0
    assert budget.admit(key, 1, 10, 60, 1).remaining == 8


def test_zero_switches_a_budget_off():
    budget = cost.Budget(Clock())
    assert all(budget.admit(("t", "a"), 0, 0, 60, 1).admitted for unused in range(100))


def test_the_spread_is_a_seeded_factor_of_mean_one():
    assert cost.spread_factor(random.Random(1), 0) == 1.0
    first = [cost.spread_factor(random.Random(7), 0.5) for unused in range(3)]
    assert first == [cost.spread_factor(random.Random(7), 0.5)] * 3
    rng = random.Random(3)
    samples = [cost.spread_factor(rng, 0.5) for unused in range(20000)]
    assert statistics.fmean(samples) == pytest.approx(1.0, abs=0.02)
    assert min(samples) < 0.5 and max(samples) > 2.0


def test_a_page_of_a_thousand_rows_costs_more_than_one_object():
    assert cost.answer_cost(0.75, 1, 1000) == pytest.approx(0.75075)
    assert cost.answer_cost(0.75, 1000, 1000) == pytest.approx(1.5)
    assert cost.answer_cost(0.75, 1000, 0) == 0.75
    assert cost.answer_cost(0.0, 1000, 1000) == 0.0


def test_a_batch_costs_its_costliest_entry_or_the_sum_of_its_entries():
    assert cost.batch_cost([0.5, 0.9, 0.7], "parallel") == 0.9
    assert cost.batch_cost([0.5, 0.9, 0.7], "sequential") == pytest.approx(2.1)
    assert cost.batch_cost([], "sequential") == 0.0
    with pytest.raises(ValueError, match="batch model must be one of parallel, sequential, not 'serial'"):
        cost.batch_cost([1], "serial")


def _encode(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _token(claims):
    return "Bearer %s.%s.sig" % (_encode({"alg": "RS256"}), _encode(claims))


def test_the_budget_key_is_the_tokens_tenant_and_app():
    assert cost.app_key(_token({"tid": "t1", "appid": "a1"})) == ("t1", "a1")
    assert cost.app_key(_token({"tid": "t1", "azp": "a2"})) == ("t1", "a2")
    assert cost.app_key("Bearer not-a-token") == ("", "")
    assert cost.app_key("Bearer a.!!!.c") == ("", "")
    assert cost.app_key(None) == ("", "")


def test_cost_settings_are_validated_and_survive_a_clear():
    faults = control.Faults(0, concurrency_budget=4, batch_model="sequential", latency_spread=0.3)
    faults.configure({"concurrency_budget": 2})
    assert faults.settings()["concurrency_budget"] == 2
    faults.clear()
    settings = faults.settings()
    assert (settings["concurrency_budget"], settings["batch_model"], settings["latency_spread"]) == (4, "sequential", 0.3)
    for bad, message in (({"batch_model": "serial"}, "'batch_model' must be one of parallel, sequential"),
                         ({"latency_spread": -1}, "'latency_spread' must be a number from 0 to 3"),
                         ({"concurrency_budget": -1}, "'concurrency_budget' must be an integer from 0"),
                         ({"rate_window_s": 0}, "'rate_window_s' must be an integer from 1")):
        with pytest.raises(ValueError, match=message):
            faults.configure(bad)
    assert faults.settings()["concurrency_budget"] == 4


def test_the_defaults_leave_latency_constant():
    faults = control.Faults(base_latency_ms=200)
    assert {faults.decide().latency_s for unused in range(20)} == {0.2}
    assert faults.latency_sample() == 0.2
    faults.configure({"latency_spread": 0.5, "seed": 11})
    draws = [faults.decide().latency_s for unused in range(5)]
    faults.configure({"seed": 11})
    assert [faults.decide().latency_s for unused in range(5)] == draws and len(set(draws)) == 5
