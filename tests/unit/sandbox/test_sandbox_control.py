"""Counters, fault injection decisions and the InvokeCommand error/annotation shapes."""

import pytest

from sandbox import control, errors, exo_api


def test_stats_count_and_reset():
    stats = control.Stats()
    stats.add("requests")
    stats.cmdlet("Get-Mailbox", is_write=False)
    stats.cmdlet("Set-Mailbox", is_write=True)
    snap = stats.snapshot()
    assert (snap["requests"], snap["reads"], snap["writes"]) == (1, 1, 1)
    assert snap["cmdlets"] == {"Get-Mailbox": 1, "Set-Mailbox": 1}
    stats.reset()
    assert stats.snapshot()["cmdlets"] == {} and stats.snapshot()["writes"] == 0


def test_a_snapshot_that_zeroes_returns_the_counts_and_leaves_zero():
    stats = control.Stats()
    stats.cmdlet("Set-Mailbox", is_write=True)
    stats.graph("POST applications", is_write=True)
    taken = stats.snapshot(zero=True)
    assert taken["writes"] == 2 and taken["cmdlets"] == {"Set-Mailbox": 1} and taken["graph"] == {"POST applications": 1}
    assert stats.snapshot()["writes"] == 0 and stats.snapshot()["graph"] == {}


def test_throttle_every_nth_request():
    faults = control.Faults()
    faults.configure({"throttle_every": 3, "retry_after": 2})
    actions = [faults.decide() for unused in range(6)]
    assert [a.action for a in actions] == [None, None, "throttle"] * 2
    assert actions[2].retry_after == 2


def test_seeded_rates_repeat():
    def run():
        faults = control.Faults()
        faults.configure({"error_rate": 0.3, "drop_rate": 0.3, "drop_phase": "random",
                          "seed": 42})
        return [faults.decide().action for unused in range(50)]

    first = run()
    assert first == run()
    assert {"error", "drop_before", "drop_after", None} <= set(first)


def test_partial_update_clear_and_cli_latency():
    faults = control.Faults(base_latency_ms=25)
    assert faults.settings()["latency_ms"] == 25
    faults.configure({"throttle_every": 5})
    faults.configure({"retry_after": 3})
    assert faults.settings()["throttle_every"] == 5
    faults.configure({})
    assert faults.settings() == control.asdict(control.FaultSettings(latency_ms=25))
    faults.configure({"clear": True, "error_rate": 1})
    assert faults.settings()["error_rate"] == 1.0 and faults.settings()["throttle_every"] == 0


@pytest.mark.parametrize("payload", [
    {"error_rate": 2}, {"drop_phase": "during"}, {"throttle_every": -1}, {"latency": 5},
    {"retry_after": "1"}, [],
])
def test_invalid_fault_settings_change_nothing(payload):
    faults = control.Faults()
    before = faults.settings()
    with pytest.raises(ValueError):
        faults.configure(payload)
    assert faults.settings() == before


def test_execution_failure_payload_matches_capture_shape():
    failure = errors.not_found("x@contoso.com", "DC01")
    body = exo_api.failure_payload(failure)["error"]
    assert exo_api.failure_status(failure) == 404
    assert body["code"] == "NotFound" and body["message"] == "Error executing cmdlet"
    assert body["details"][0]["message"].split("|") == [
        "Ex6F9304", errors.NOT_FOUND, failure.message]
    assert body["innererror"]["internalexception"]["type"].endswith(
        "DirectInvokeCmdletExecutionException")
    assert body["@adminapi.warnings"] == []


def test_transformation_failure_has_reason_only_in_innererror():
    failure = errors.invalid_enum("AccessRights", "X", "T[]", ["A", "B"])
    body = exo_api.failure_payload(failure)["error"]
    assert exo_api.failure_status(failure) == 400
    assert body["message"] == "Invalid Operation" and "details" not in body
    assert body["innererror"]["internalexception"]["message"] == failure.message


def test_annotations():
    row = exo_api.annotate({"Guid": "g", "EmailAddresses": ["a"], "WhenCreated": "t",
                            "Name": "n"})
    assert row["Guid@odata.type"] == "#Guid" and row["Guid@data.type"] == "System.Guid"
    assert row["EmailAddresses@odata.type"] == "#Collection(String)"
    assert row["WhenCreated@data.type"] == "System.DateTime"
    assert {k for k in row if "@" not in k} == {"Guid", "EmailAddresses", "WhenCreated", "Name"}
