"""The bad-input corpus sent straight to the sandbox's own endpoints.

InvokeCommand, $batch, the token endpoint, Graph, the WSMan endpoint and /_sandbox/* each answer
malformed JSON, oversized bodies, forged or expired tokens, wrong content types, invalid UTF-8 and
deep nesting with a 4xx in the endpoint's own error shape (WSMan: WinRM's, a SOAP fault), never a
500 or a hang, and a normal request succeeds after every one of them.
"""

import base64
import json
import socket
import ssl

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from sandbox.testing import SandboxProcess

HUGE = 20 * 1024 * 1024
DEEP = 100_000
RTL = "מחיקה; Remove-Mailbox -Identity * \u202e'\"$(whoami)`"


@pytest.fixture(scope="module")
def sb(tmp_path_factory):
    with SandboxProcess(tmp_path_factory.mktemp("sandbox-abuse"), users=2, shared=1) as process:
        yield process


def exo(sb, body, content_type="application/json", token=None, path="InvokeCommand", **kwargs):
    headers = {"Authorization": f"Bearer {token or sb.mint_token()}", "X-ResponseFormat": "json"}
    if content_type:
        headers["Content-Type"] = content_type
    headers.update(kwargs.pop("headers", {}))
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
    return sb.request("POST", f"/adminapi/beta/{sb.tenant_id}/{path}", data=body, headers=headers,
                      **kwargs)


def invoke_body(name="Get-Mailbox", **parameters):
    return {"CmdletInput": {"CmdletName": name, "Parameters": parameters}}


def graph(sb, method, path, body=None, token=None, content_type="application/json"):
    token = token or sb.mint_token(audience=sb.env["EXO_GRAPH_URL"])
    headers = {"Authorization": f"Bearer {token}"}
    if content_type:
        headers["Content-Type"] = content_type
    return sb.request(method, f"/graph/v1.0/{path}", data=body, headers=headers)


def token_endpoint(sb, body, content_type="application/x-www-form-urlencoded"):
    return sb.request("POST", f"/{sb.tenant_id}/oauth2/v2.0/token", data=body,
                      headers={"Content-Type": content_type})


def forged(sb, how, audience=None):
    """A token the sandbox did not sign, with claims copied from one it did."""
    real = sb.mint_token(**({"audience": audience} if audience else {}))
    claims = jwt.decode(real, options={"verify_signature": False})
    header = jwt.get_unverified_header(real)
    if how == "other_key":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": header.get("kid")})
    if how == "hs256":
        return jwt.encode(claims, "not-the-signing-key-but-long-enough-for-hmac", algorithm="HS256",
                          headers={"kid": header.get("kid")})
    if how == "alg_none":
        def part(value):
            return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
        return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."
    if how == "tampered":
        head, unused, signature = real.split(".")
        claims["roles"] = claims.get("roles", []) + ["Global.Admin"]
        body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        return f"{head}.{body}.{signature}"
    raise ValueError(how)


def raw_http(port, data, tls_context=None, timeout=30):
    """Send raw bytes to 127.0.0.1:port and return the status line's code."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as plain:
        conn = tls_context.wrap_socket(plain, server_hostname="127.0.0.1") if tls_context else plain
        conn.sendall(data)
        answer = b""
        while b"\r\n" not in answer:
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def exo_shape(response):
    error = response.json()["error"]
    return isinstance(error["code"], str) and isinstance(error["message"], str)


def entra_shape(response):
    body = response.json()
    return isinstance(body["error"], str) and body["error_codes"] and "error_description" in body


def graph_shape(response):
    error = response.json()["error"]
    return isinstance(error["code"], str) and isinstance(error["message"], str)


def wsman_port(sb):
    return int(sb.env["EXCHANGE_PORT"])


def wsman_basic(sb, body, content_type="application/soap+xml;charset=UTF-8"):
    """A WSMan request over HTTPS with the administrator's Basic credentials."""
    env = sb.env
    return requests.post(f"https://127.0.0.1:{env['EXCHANGE_HTTPS_PORT']}/PowerShell", data=body,
                         auth=(env["EXCHANGE_USERNAME"], env["EXCHANGE_PASSWORD"]),
                         headers={"Content-Type": content_type}, verify=sb.ca_path, timeout=30)


def soap_fault(response):
    return b"Fault" in response.content


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                  + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + n]), (b"&%s;" % bytes([97 + n])) * 10)
                             for n in range(9))
                  + b']><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">&j;</s:Envelope>')

# name -> (send, acceptable statuses, shape check or None)
CORPUS = {
    # -- InvokeCommand ------------------------------------------------------------------------------
    "invoke_malformed_json": (lambda sb: exo(sb, b"{not json"), {400}, exo_shape),
    "invoke_json_array": (lambda sb: exo(sb, b"[]"), {400}, exo_shape),
    "invoke_json_null": (lambda sb: exo(sb, b"null"), {400}, exo_shape),
    "invoke_invalid_utf8": (lambda sb: exo(sb, b'{"CmdletInput": "\xff\xfe\xc3\x28"}'), {400}, exo_shape),
    "invoke_deep_nesting": (lambda sb: exo(sb, b"[" * DEEP + b"]" * DEEP), {400}, exo_shape),
    "invoke_deep_parameter": (
        lambda sb: exo(sb, b'{"CmdletInput": {"CmdletName": "Get-Mailbox", "Parameters": {"Identity": '
                           + b"[" * 500 + b'"alice"' + b"]" * 500 + b"}}}"), {400}, exo_shape),
    "invoke_identity_object": (lambda sb: exo(sb, invoke_body(Identity={"$ne": None})), {400, 404}, exo_shape),
    "invoke_result_size_text": (lambda sb: exo(sb, invoke_body(ResultSize="lots")), {400}, exo_shape),
    "invoke_result_size_negative": (lambda sb: exo(sb, invoke_body(ResultSize=-5)), {400}, exo_shape),
    # A name that is no cmdlet is refused as the service refuses an unknown cmdlet: 403 with a
    # body of NUL bytes labelled gzip, so the status alone is read.
    "invoke_metacharacter_cmdlet": (lambda sb: exo(sb, invoke_body("Get-Mailbox; Remove-Mailbox *"),
                                                   stream=True).status_code, {403}, None),
    "invoke_rtl_identity": (lambda sb: exo(sb, invoke_body(Identity=RTL)), {404}, exo_shape),
    "invoke_huge_string": (lambda sb: exo(sb, invoke_body(Identity="x" * (900 * 1024))), {404}, exo_shape),
    "invoke_text_plain": (lambda sb: exo(sb, invoke_body(), content_type="text/plain"), {415}, exo_shape),
    "invoke_form_encoded": (lambda sb: exo(sb, b"CmdletName=Get-Mailbox",
                                           content_type="application/x-www-form-urlencoded"), {415}, exo_shape),
    "invoke_huge_body": (lambda sb: exo(sb, b" " * HUGE), {413}, exo_shape),
    "invoke_huge_valid_json": (lambda sb: exo(sb, invoke_body(Identity="x" * HUGE)), {413}, exo_shape),
    "invoke_get_method": (lambda sb: sb.request("GET", f"/adminapi/beta/{sb.tenant_id}/InvokeCommand"), {405},
                          exo_shape),
    "invoke_no_response_format": (lambda sb: exo(sb, invoke_body(), headers={"X-ResponseFormat": ""}), {400},
                                  exo_shape),
    "invoke_unknown_tenant": (lambda sb: sb.request("POST", "/adminapi/beta/nowhere.example/InvokeCommand",
                                                    json=invoke_body()), {404}, exo_shape),
    # -- tokens at InvokeCommand -----------------------------------------------------------------------
    "token_expired": (lambda sb: exo(sb, invoke_body(), token=sb.mint_token(expires_in=-60)), {401}, exo_shape),
    "token_other_key": (lambda sb: exo(sb, invoke_body(), token=forged(sb, "other_key")), {401}, exo_shape),
    "token_hs256": (lambda sb: exo(sb, invoke_body(), token=forged(sb, "hs256")), {401}, exo_shape),
    "token_alg_none": (lambda sb: exo(sb, invoke_body(), token=forged(sb, "alg_none")), {401}, exo_shape),
    "token_tampered_claims": (lambda sb: exo(sb, invoke_body(), token=forged(sb, "tampered")), {401}, exo_shape),
    "token_huge_garbage": (lambda sb: exo(sb, invoke_body(), token="e" * 60000), {401, 431}, None),
    "token_not_base64": (lambda sb: exo(sb, invoke_body(), token="!!.@@.##"), {401}, exo_shape),
    "token_graph_audience": (lambda sb: exo(sb, invoke_body(), token=sb.mint_token(
        audience=sb.env["EXO_GRAPH_URL"])), {401}, exo_shape),
    # -- $batch -----------------------------------------------------------------------------------------
    "batch_malformed_json": (lambda sb: exo(sb, b'{"requests": [', path="$batch"), {400}, exo_shape),
    "batch_deep_nesting": (lambda sb: exo(sb, b'{"requests": ' + b"[" * DEEP + b"]" * DEEP + b"}",
                                          path="$batch"), {400}, exo_shape),
    "batch_requests_not_list": (lambda sb: exo(sb, {"requests": "all"}, path="$batch"), {400}, exo_shape),
    "batch_item_without_id": (lambda sb: exo(sb, {"requests": [{"url": "InvokeCommand"}]}, path="$batch"),
                              {400}, exo_shape),
    "batch_item_headers_list": (lambda sb: exo(sb, {"requests": [
        {"id": "1", "url": "InvokeCommand", "headers": ["x"]}]}, path="$batch"), {400}, exo_shape),
    "batch_eleven": (lambda sb: exo(sb, {"requests": [{"id": str(n), "url": "InvokeCommand",
                                                       "body": invoke_body()} for n in range(11)]},
                                    path="$batch"), {400}, exo_shape),
    "batch_invalid_utf8": (lambda sb: exo(sb, b'{"requests": "\xff"}', path="$batch"), {400}, exo_shape),
    "batch_text_plain": (lambda sb: exo(sb, {"requests": []}, content_type="text/plain", path="$batch"),
                         {415}, exo_shape),
    "batch_huge_body": (lambda sb: exo(sb, b"[" * HUGE, path="$batch"), {413}, exo_shape),
    "batch_forged_token": (lambda sb: exo(sb, {"requests": []}, path="$batch", token=forged(sb, "other_key")),
                           {401}, exo_shape),
    # -- the token endpoint -------------------------------------------------------------------------
    "entra_json_body": (lambda sb: token_endpoint(sb, json.dumps({"grant_type": "client_credentials"}),
                                                  "application/json"), {400}, entra_shape),
    "entra_invalid_utf8": (lambda sb: token_endpoint(sb, b"grant_type=\xff\xfe&client_id=\xc3\x28"), {400},
                           entra_shape),
    "entra_password_grant": (lambda sb: token_endpoint(sb, {
        "grant_type": "password", "username": "a", "password": "b"}), {400}, entra_shape),
    "entra_forged_assertion": (lambda sb: token_endpoint(sb, {
        "grant_type": "client_credentials", "client_id": sb.env["AZURE_CLIENT_ID"],
        "scope": f"{sb.url}/.default",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": forged(sb, "other_key")}), {400, 401}, entra_shape),
    "entra_metacharacter_client": (lambda sb: token_endpoint(sb, {
        "grant_type": "client_credentials", "client_id": RTL, "client_secret": "x",
        "scope": f"{sb.url}/.default"}), {400}, entra_shape),
    "entra_huge_body": (lambda sb: token_endpoint(sb, b"a=" + b"b" * HUGE), {413}, None),
    # -- Graph ----------------------------------------------------------------------------------------
    "graph_malformed_json": (lambda sb: graph(sb, "POST", "applications", b"{not json"), {400}, graph_shape),
    "graph_deep_nesting": (lambda sb: graph(sb, "POST", "applications", b"[" * DEEP + b"]" * DEEP), {400},
                           graph_shape),
    "graph_invalid_utf8": (lambda sb: graph(sb, "POST", "applications", b'{"displayName": "\xff"}'), {400},
                           graph_shape),
    "graph_display_name_object": (lambda sb: graph(sb, "POST", "applications",
                                                   json.dumps({"displayName": {"a": 1}})), {400}, graph_shape),
    "graph_odata_key_injection": (lambda sb: graph(sb, "GET", "applications(appId='x'')%20or%20(1 eq 1')"),
                                  {400, 404}, graph_shape),
    "graph_forged_token": (lambda sb: graph(sb, "GET", "applications", token=forged(
        sb, "other_key", audience=sb.env["EXO_GRAPH_URL"])), {401}, graph_shape),
    "graph_expired_token": (lambda sb: graph(sb, "GET", "applications", token=sb.mint_token(
        audience=sb.env["EXO_GRAPH_URL"], expires_in=-60)), {401}, graph_shape),
    "graph_huge_body": (lambda sb: graph(sb, "POST", "applications", b"{" * HUGE), {413}, None),
    # -- /_sandbox/* ----------------------------------------------------------------------------------
    "control_malformed_json": (lambda sb: sb.request("POST", "/_sandbox/faults", data=b"{not"), {400}, exo_shape),
    "control_deep_nesting": (lambda sb: sb.request("POST", "/_sandbox/faults", data=b"[" * DEEP + b"]" * DEEP),
                             {400}, exo_shape),
    "control_invalid_utf8": (lambda sb: sb.request("POST", "/_sandbox/reset", data=b'{"state": "\xff"}'), {400},
                             exo_shape),
    "control_endless_latency": (lambda sb: sb.request("POST", "/_sandbox/faults", json={"latency_ms": 10 ** 30}),
                                {400}, exo_shape),
    "control_rate_nan": (lambda sb: sb.request("POST", "/_sandbox/faults", data=b'{"error_rate": NaN}'), {400},
                         exo_shape),
    "control_token_roles_text": (lambda sb: sb.request("POST", "/_sandbox/token", json={"roles": "all"}), {400},
                                 exo_shape),
    "control_state_unicode": (lambda sb: sb.request("GET", "/_sandbox/state/mailboxes/"
                                                    + requests.utils.quote(RTL * 50, safe="")), {404}, exo_shape),
    "control_huge_body": (lambda sb: sb.request("POST", "/_sandbox/reset", data=b"{" * HUGE), {413}, exo_shape),
    # -- HTTP framing on the API port -----------------------------------------------------------------
    "http_long_url": (lambda sb: sb.request("GET", "/_sandbox/stats?" + "a" * 70000), {414}, None),
    "http_too_many_headers": (lambda sb: sb.request("GET", "/_sandbox/stats",
                                                    headers={f"X-H{n}": "v" for n in range(150)}), {431}, None),
    "http_content_length_text": (lambda sb: raw_http(
        int(sb.url.rsplit(":", 1)[1]), b"POST /_sandbox/reset HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n",
        ssl.create_default_context(cafile=sb.ca_path)), {400}, None),
    "http_chunked": (lambda sb: raw_http(
        int(sb.url.rsplit(":", 1)[1]),
        b"POST /_sandbox/reset HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        ssl.create_default_context(cafile=sb.ca_path)), {400}, None),
    # -- WSMan ----------------------------------------------------------------------------------------
    "wsman_no_credentials": (lambda sb: requests.post(f"http://127.0.0.1:{wsman_port(sb)}/PowerShell",
                                                      data=b"<x/>", timeout=30), {401}, None),
    "wsman_content_length_text": (lambda sb: raw_http(
        wsman_port(sb), b"POST /PowerShell HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n"), {400}, None),
    "wsman_chunked": (lambda sb: raw_http(
        wsman_port(sb), b"POST /PowerShell HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        {400}, None),
    "wsman_huge_body": (lambda sb: requests.post(f"http://127.0.0.1:{wsman_port(sb)}/PowerShell",
                                                 data=b"<" * HUGE, timeout=60), {413}, None),
    "wsman_wrong_password": (lambda sb: requests.post(
        f"https://127.0.0.1:{sb.env['EXCHANGE_HTTPS_PORT']}/PowerShell", data=b"<x/>",
        auth=(sb.env["EXCHANGE_USERNAME"], "wrong"), verify=sb.ca_path, timeout=30), {401}, None),
    "wsman_garbage_negotiate": (lambda sb: requests.post(
        f"http://127.0.0.1:{wsman_port(sb)}/PowerShell", data=b"",
        headers={"Authorization": "Negotiate bm90IGFuIE5UTE0gdG9rZW4="}, timeout=30), {401}, None),
    "wsman_truncated_ntlm": (lambda sb: requests.post(
        f"http://127.0.0.1:{wsman_port(sb)}/PowerShell", data=b"",
        headers={"Authorization": "NTLM TlRMTVNTUAADAAAA"}, timeout=30), {401}, None),
}

# WinRM answers a request it cannot parse with HTTP 500 and a SOAP fault; that is its error shape.
WSMAN_FAULTS = {
    "wsman_malformed_xml": lambda sb: wsman_basic(sb, b"<s:Envelope><unclosed>"),
    "wsman_not_soap": lambda sb: wsman_basic(sb, b"<html><body>hello</body></html>"),
    "wsman_billion_laughs": lambda sb: wsman_basic(sb, BILLION_LAUGHS),
    "wsman_invalid_utf8": lambda sb: wsman_basic(sb, b'<?xml version="1.0" encoding="utf-8"?><a>\xff\xfe</a>'),
}


def still_serving(sb):
    assert sb.invoke("Get-Mailbox", {"Identity": "alice"}).status_code == 200
    assert requests.post(f"http://127.0.0.1:{wsman_port(sb)}/PowerShell", data=b"",
                         timeout=30).status_code == 401


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_refused_then_still_serving(sb, name):
    send, statuses, shape = CORPUS[name]
    response = send(sb)
    status = response if isinstance(response, int) else response.status_code
    assert status in statuses, (status, getattr(response, "text", "")[:500])
    if shape is not None:
        assert shape(response), response.text[:500]
    still_serving(sb)
    if name.startswith("control_"):
        assert sb.request("GET", "/_sandbox/faults").json()["latency_ms"] == 0


@pytest.mark.parametrize("name", sorted(WSMAN_FAULTS))
def test_wsman_fault_then_still_serving(sb, name):
    response = WSMAN_FAULTS[name](sb)
    assert response.status_code == 500 and soap_fault(response), response.text[:500]
    still_serving(sb)


def test_corpus_reached_no_cmdlet(sb):
    """Nothing in the corpus ran a cmdlet: every refusal came before one."""
    sb.reset()
    for name in ("invoke_malformed_json", "invoke_deep_nesting", "invoke_text_plain", "token_other_key",
                 "batch_deep_nesting", "invoke_huge_body"):
        CORPUS[name][0](sb)
    stats = sb.stats()
    assert stats["reads"] == stats["writes"] == 0, stats
