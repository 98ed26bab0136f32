"""Request parsing helpers shared by the sandbox's front ends."""

import email.message
import io

import pytest

from sandbox import control
from sandbox.listener import MAX_DRAIN_BYTES, content_length, drain
from sandbox.web import Request, json_media_type, load_json


def headers(**values):
    message = email.message.Message()
    for name, value in values.items():
        message[name.replace("_", "-")] = value
    return message


def test_load_json_refuses_deep_nesting_as_value_error():
    assert load_json(b"[[1]]") == [[1]]
    with pytest.raises(ValueError, match="nested too deeply"):
        load_json(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(ValueError):
        load_json(b"\xff\xfe")


@pytest.mark.parametrize("content_type, expected", [
    (None, True), ("application/json", True), ("Application/JSON; charset=utf-8", True),
    ("text/plain", False), ("application/x-www-form-urlencoded", False), ("", False)])
def test_json_media_type(content_type, expected):
    given = headers() if content_type is None else headers(Content_Type=content_type)
    assert json_media_type(Request("POST", "/", "", given)) is expected


@pytest.mark.parametrize("value, expected", [(None, 0), ("12", 12), ("lots", -1), ("", 0)])
def test_content_length(value, expected):
    assert content_length(headers() if value is None else headers(Content_Length=value)) == expected


def test_drain_reads_what_was_announced_and_no_more_than_the_limit():
    body = io.BytesIO(b"x" * 200_000 + b"next request")
    drain(body, 200_000)
    assert body.read() == b"next request"
    untouched = io.BytesIO(b"x" * 10)
    drain(untouched, MAX_DRAIN_BYTES + 1)
    assert untouched.tell() == 0


@pytest.mark.parametrize("settings", [{"latency_ms": 10 ** 30}, {"retry_after": 3_600_001},
                                      {"replication_delay_s": 10 ** 9}, {"latency_ms": -1}])
def test_fault_settings_are_bounded(settings):
    faults = control.Faults()
    with pytest.raises(ValueError):
        faults.configure(settings)
    assert faults.settings()["latency_ms"] == 0
