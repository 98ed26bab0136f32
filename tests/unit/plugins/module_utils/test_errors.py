import json
from pathlib import Path

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.transport import errors
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import (
    CmdletError,
    ExchangeError,
    classify,
    error_from_response,
    parse_error_body,
    split_error_text,
)

CAPTURES = Path(__file__).resolve().parents[4] / ".." / "shared" / "captures"


def capture(name):
    return (CAPTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name, status, error_id, exception_type, text_start, kind", [
    ("exo_invokecommand_notfound_404.json", 404, "Ex6F9304", "ManagementObjectNotFoundException",
     "The operation couldn't be performed because object", errors.NOT_FOUND),
    # The same not-found has been seen as a 500: the type decides, not the status.
    ("exo_invokecommand_notfound_404.json", 500, "Ex6F9304", "ManagementObjectNotFoundException",
     "The operation couldn't be performed because object", errors.NOT_FOUND),
    ("exo_invokecommand_400_invalid_enum.json", 400, None, "ParameterTransformationException",
     "Cannot process argument transformation on parameter 'QuarantineTypes'", errors.INVALID_ARGUMENT),
    ("exo_invokecommand_400_unknown_parameter.json", 400, None, "AmbiguousParameterSetException",
     "Parameter set cannot be resolved", errors.INVALID_ARGUMENT),
])
def test_every_error_capture_parses_and_classifies(name, status, error_id, exception_type, text_start, kind):
    body = capture(name)
    assert parse_error_body(body)[:2] == (error_id, exception_type)
    assert parse_error_body(body)[2].startswith(text_start)
    assert parse_error_body(json.loads(body)) == parse_error_body(body)
    assert parse_error_body(body.encode("utf-8")) == parse_error_body(body)

    error = error_from_response(status, body, cmdlet="Get-Mailbox")
    assert isinstance(error, CmdletError)
    assert (error.kind, error.exception_type, error.error_id, error.status, error.cmdlet) == (
        kind, exception_type, error_id, status, "Get-Mailbox")
    assert str(error).startswith("Get-Mailbox: %s: %s" % (exception_type, text_start))


def test_error_message_fallbacks():
    assert parse_error_body({"error": {"code": "NotFound", "message": "Error executing cmdlet"}}) == (
        None, None, "Error executing cmdlet")
    assert parse_error_body({"error": {"code": "InternalServerError"}}) == (None, None, "InternalServerError")
    # A details message without the pipe shape is taken as plain text.
    assert parse_error_body({"error": {"details": [{"message": "plain words | with a pipe"}]}}) == (
        None, None, "plain words | with a pipe")
    # OAuth errors (token endpoint): the code stands in for the type, first line of the description.
    oauth = capture("entra_token_aadsts7000215.json")
    assert parse_error_body(oauth)[1] == "invalid_client"
    assert parse_error_body(oauth)[2].startswith("AADSTS7000215: Invalid client secret provided.")
    assert "Trace ID" not in parse_error_body(oauth)[2]


def test_non_json_bodies():
    assert parse_error_body("<html>Bad gateway</html>") == (None, None, "<html>Bad gateway</html>")
    long_text = "x" * 2000
    assert len(parse_error_body(long_text)[2]) < 600
    assert parse_error_body("") == (None, None, None)
    assert parse_error_body(None) == (None, None, None)
    assert parse_error_body([1, 2]) == (None, None, None)
    error = error_from_response(502, None)
    assert error.kind == errors.OTHER and "HTTP 502" in error.message


def test_split_error_text():
    assert split_error_text("Ex1|Microsoft.Exchange.Foo.BarException|text | with | pipes") == (
        "Ex1", "BarException", "text | with | pipes")
    assert split_error_text("|A.B.CException|t") == (None, "CException", "t")
    assert split_error_text("no pipes here") == (None, None, "no pipes here")


@pytest.mark.parametrize("status, exception_type, message, kind", [
    (404, "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException", "couldn't be found", "not_found"),
    (500, "ManagementObjectNotFoundException", "The operation couldn't be performed because 'x' matches multiple entries.",
     "ambiguous"),
    (400, "ManagementObjectAmbiguousException", "", "ambiguous"),
    (400, "MemberAlreadyExistsException", "", "already_exists"),
    (400, "UserAlreadyExistsInPermissionEntryException", "", "already_exists"),
    (400, "ADObjectAlreadyExistsException", "", "already_exists"),
    (400, "ProxyAddressExistsException", "", "already_exists"),
    (500, "SomeOtherException", "The object already exists.", "already_exists"),
    (500, "DCOverloadedException", "", "transient"),
    (500, "SuitabilityDirectoryException", "", "transient"),
    (500, "ServerInMMException", "", "transient"),
    (500, "ADServerSettingsChangedException", "", "transient"),
    (500, "StorageTransientException", "", "transient"),
    (503, None, "", "transient"),
    (504, None, "", "transient"),
    (429, None, "", "throttled"),
    (401, None, "", "unauthorized"),
    (403, None, "", "forbidden"),
    (400, "ParameterBindingException", "", "invalid_argument"),
    (500, "ParameterBindingException", "", "invalid_argument"),
    (400, "ParameterTransformationException", "", "invalid_argument"),
    (400, "AmbiguousParameterSetException", "", "invalid_argument"),
    (400, "ArgumentException", "", "invalid_argument"),
    (400, "ValidationArgumentException", "", "invalid_argument"),
    (400, "DataValidationException", "", "invalid_argument"),
    (400, "InvalidOperationException", "Invalid Operation", "invalid_argument"),
    (400, None, "", "invalid_argument"),
    (500, "InvalidOperationException", "", "other"),
    (500, None, "Error executing cmdlet", "other"),
    (200, None, "The operation couldn't be performed because object 'x' couldn't be found on 'DC'.", "not_found"),
    (None, None, None, "other"),
])
def test_classify_table(status, exception_type, message, kind):
    assert classify(status, exception_type, message) == kind


def test_exchange_error_attributes_and_text():
    error = ExchangeError("boom", kind=errors.TRANSIENT, exception_type="A.B.DCOverloadedException", error_id="",
                          status=500)
    assert error.exception_type == "DCOverloadedException"
    assert error.error_id is None and error.cmdlet is None
    assert str(error) == "DCOverloadedException: boom"
    error.cmdlet = "Set-Mailbox"
    assert str(error) == "Set-Mailbox: DCOverloadedException: boom"
    assert "transient" in repr(error)
    assert set(errors.KINDS) == {"not_found", "ambiguous", "already_exists", "throttled", "unauthorized",
                                 "forbidden", "transient", "invalid_argument", "other"}
    with pytest.raises(ValueError):
        raise ExchangeError("x", kind="nonsense")
    for cls in (errors.CmdletError, errors.AuthError, errors.TransportError):
        assert issubclass(cls, ExchangeError)


def test_a_huge_quoted_value_is_cut_to_a_readable_length():
    value = "x" * 2 * 1024 * 1024
    error = CmdletError("display_name: '%s' must be 1 to 256 characters" % value)
    assert len(str(error)) < 400
    assert "'" + "x" * 200 + "... (2097152 characters)'" in str(error)
    assert str(error).endswith("must be 1 to 256 characters")
    # A value with quotes of its own: the message as a whole is still cut, its end kept.
    error = CmdletError('alias: "%s" is not valid; use letters' % ("a'b\"" * 500000))
    assert len(str(error)) < 2200 and str(error).endswith("is not valid; use letters")
    assert CmdletError("short 'value'").message == "short 'value'"


def test_text_that_is_not_json_is_classified_by_status_only():
    page = "<html><h1>404</h1>The resource couldn't be found. It already exists elsewhere.</html>"
    for status, kind in ((404, errors.OTHER), (500, errors.OTHER), (503, errors.TRANSIENT), (403, errors.FORBIDDEN)):
        error = error_from_response(status, page, cmdlet="Get-Mailbox")
        assert error.kind == kind and "not Exchange's JSON" in error.message
    assert error_from_response(404, None).message == "HTTP 404 with no body"


def _scope_body(text):
    return {"error": {"code": "BadRequest", "message": "Error executing cmdlet", "details": [
        {"code": "Client", "target": "", "message": "Ex1|System.InvalidOperationException|" + text}]}}


def test_a_write_out_of_the_management_scope_is_forbidden_and_names_the_scope():
    text = ('The operation on mailbox "bob" failed because it\'s out of the current user\'s write scope. The action '
            "'Set-Mailbox' can't be performed on the object 'bob' because the object isn't within the management "
            "scope 'Managed' of the role assignments that allow it.")
    error = errors.error_from_response(400, _scope_body(text), "Set-Mailbox")
    assert error.kind == errors.FORBIDDEN
    assert error.message.startswith("out of the app's write scope (management scope 'Managed')")
    assert text in error.message


def test_an_out_of_scope_text_that_names_no_scope_still_says_what_it_is():
    text = 'The operation on mailbox "bob" failed because it\'s out of the current user\'s write scope.'
    error = errors.error_from_response(400, _scope_body(text), "Set-Mailbox")
    assert error.kind == errors.FORBIDDEN
    assert "(its management scope)" in error.message


def test_an_object_synchronized_from_on_premises_keeps_the_service_text():
    text = ('The operation on mailbox "bob" failed because it\'s out of the current user\'s write scope. The action '
            "'Set-Mailbox', 'EmailAddresses', can't be performed on the object 'bob' because the object is being "
            "synchronized from your on-premises organization.")
    error = errors.error_from_response(400, _scope_body(text), "Set-Mailbox")
    assert error.kind == errors.FORBIDDEN and error.message == text
