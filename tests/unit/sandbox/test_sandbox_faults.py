"""Fault options for the fault matrix: latency spikes and drops aimed at named cmdlets."""

import pytest

from sandbox import control


def test_latency_spikes_hit_the_given_share_of_requests_on_top_of_the_base_latency():
    faults = control.Faults(base_latency_ms=10)
    faults.configure({"spike_rate": 0.25, "spike_ms": 2000, "seed": 3})
    latencies = [faults.decide().latency_s for unused in range(400)]
    assert set(latencies) == {0.01, 2.01}
    assert 60 <= latencies.count(2.01) <= 140, "about a quarter of 400"


def test_drops_can_be_aimed_at_named_cmdlets_only():
    faults = control.Faults()
    faults.configure({"drop_rate": 1.0, "drop_phase": "after", "drop_cmdlets": ["New-Mailbox"]})
    assert faults.decide("New-Mailbox").action == "drop_after"
    assert faults.decide("Get-Mailbox").action is None
    assert faults.decide(None).action is None, "a request without X-CmdletName is not a New-Mailbox"
    faults.configure({"drop_cmdlets": []})
    assert faults.decide("Get-Mailbox").action == "drop_after", "an empty list aims at every request"


@pytest.mark.parametrize("payload", [
    {"spike_rate": 1.5}, {"spike_ms": -1}, {"drop_cmdlets": "New-Mailbox"}, {"drop_cmdlets": [""]},
])
def test_invalid_spike_and_drop_settings_change_nothing(payload):
    faults = control.Faults()
    before = faults.settings()
    with pytest.raises(ValueError):
        faults.configure(payload)
    assert faults.settings() == before


def test_remoting_drops_only_when_asked_and_only_drops():
    faults = control.Faults()
    faults.configure({"drop_rate": 1.0, "drop_phase": "before", "drop_cmdlets": ["New-Mailbox"],
                      "throttle_every": 2})
    assert faults.decide_remoting("New-Mailbox") is None, "the remoting endpoint is off by default"
    faults.configure({"remoting": True})
    assert faults.decide_remoting("New-Mailbox") == "drop_before"
    assert faults.decide_remoting("Get-Mailbox") is None
    assert faults.decide("Get-User").action is None
    assert faults.decide("Get-User").action == "throttle", "remoting draws do not advance throttle_every"
    with pytest.raises(ValueError):
        faults.configure({"remoting": "yes"})


def test_gateway_errors_can_come_after_the_cmdlet_ran():
    faults = control.Faults()
    faults.configure({"error_rate": 1.0, "error_status": 504, "error_phase": "after"})
    assert (faults.decide().action, faults.decide().status) == ("error_after", 504)
    faults.configure({"error_status": [502, 504], "error_phase": "random", "seed": 1})
    decisions = {(d.action, d.status) for d in (faults.decide() for unused in range(200))}
    assert decisions == {(a, s) for a in ("error", "error_after") for s in (502, 504)}
    assert faults.settings()["error_status"] == (502, 504)
    faults.configure({"clear": True, "error_rate": 1.0})
    assert (faults.decide().action, faults.decide().status) == ("error", 503), "503 before by default"


@pytest.mark.parametrize("payload", [
    {"error_status": 500}, {"error_status": []}, {"error_status": True}, {"error_phase": "later"},
    {"error_phase": "after"}, {"error_status": [503, 504], "error_phase": "random"},
])
def test_invalid_error_settings_change_nothing(payload):
    faults = control.Faults()
    before = faults.settings()
    with pytest.raises(ValueError):
        faults.configure(payload)
    assert faults.settings() == before


def test_remoting_latency_and_quota_settings():
    faults = control.Faults()
    assert faults.remoting_limits() == (0.0, 0)
    faults.configure({"remoting_latency_ms": 250, "remoting_max_operations": 2})
    assert faults.remoting_limits() == (0.25, 2)
    with pytest.raises(ValueError, match="remoting_max_operations"):
        faults.configure({"remoting_max_operations": -1})
    assert faults.remoting_limits() == (0.25, 2), "a refused setting changes nothing"
    faults.clear()
    assert faults.remoting_limits() == (0.0, 0)


def test_filter_ranges_can_be_refused():
    faults = control.Faults()
    assert faults.settings()["refuse_filter_ranges"] is False
    faults.configure({"refuse_filter_ranges": True})
    assert faults.settings()["refuse_filter_ranges"] is True
    with pytest.raises(ValueError, match="refuse_filter_ranges"):
        faults.configure({"refuse_filter_ranges": "yes"})


def test_settings_are_copied_once_per_change_not_per_read(monkeypatch):
    # Every API request reads the settings; asdict of them cost more than a small request.
    copies = []
    real = control.asdict
    monkeypatch.setattr(control, "asdict", lambda s: copies.append(1) or real(s))
    faults = control.Faults()
    copies.clear()
    first = faults.settings()
    first["latency_ms"] = 12345
    assert all(faults.settings()["latency_ms"] == 0 for unused in range(50))
    assert len(copies) == 1
    faults.configure({"latency_ms": 7})
    assert faults.settings()["latency_ms"] == 7 and faults.settings() == {**first, "latency_ms": 7}
    faults.clear()
    assert faults.settings()["latency_ms"] == 0
