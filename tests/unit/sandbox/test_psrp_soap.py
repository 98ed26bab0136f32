"""The sandbox's WS-Management wire format: parsing, responses, faults, encryption framing."""

import xml.etree.ElementTree as ET

import pytest

from sandbox import psrp_soap

NS = psrp_soap.NS
_REQUEST = """<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"
 xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing"
 xmlns:wsman="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
 xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell"><s:Header>
<wsa:Action s:mustUnderstand="true">http://schemas.microsoft.com/wbem/wsman/1/windows/shell/{action}</wsa:Action>
<wsa:MessageID>uuid:778BD9EF-3453-4870-950D-3305845271D5</wsa:MessageID>
<wsman:ResourceURI s:mustUnderstand="true">http://schemas.microsoft.com/powershell/Microsoft.Exchange</wsman:ResourceURI>
<wsman:OptionSet><wsman:Option Name="WSMAN_CMDSHELL_OPTION_KEEPALIVE">True</wsman:Option></wsman:OptionSet>
<wsman:SelectorSet><wsman:Selector Name="ShellId">04777930-1347-422b-aa4d-33bdc2570979</wsman:Selector></wsman:SelectorSet>
</s:Header><s:Body><rsp:Receive><rsp:DesiredStream CommandId="E888E1DF">stdout</rsp:DesiredStream></rsp:Receive></s:Body></s:Envelope>"""


def test_request_parts():
    request = psrp_soap.parse_request(_REQUEST.format(action="Receive").encode())
    assert request.action == "Receive"
    assert request.message_id == "uuid:778BD9EF-3453-4870-950D-3305845271D5"
    assert request.shell_id == "04777930-1347-422B-AA4D-33BDC2570979"
    assert request.options == {"WSMAN_CMDSHELL_OPTION_KEEPALIVE": "True"}
    assert request.body.tag == "{%s}Receive" % NS["rsp"]


@pytest.mark.parametrize("data, subcode", [
    (b"<not xml", "w:SchemaValidationError"),
    (_REQUEST.format(action="Frobnicate").encode(), "a:ActionNotSupported"),
    (b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"/>', "w:SchemaValidationError"),
])
def test_bad_requests_are_faults(data, subcode):
    with pytest.raises(psrp_soap.WsmanFault) as caught:
        psrp_soap.parse_request(data)
    assert caught.value.subcode == subcode


def test_responses_relate_to_the_request():
    request = psrp_soap.parse_request(_REQUEST.format(action="Receive").encode())
    answer = ET.fromstring(psrp_soap.receive_response(request, [b"\x00\x01"], "E888E1DF", done=True))
    assert answer.find("s:Header/a:RelatesTo", NS).text == request.message_id
    stream = answer.find("s:Body/rsp:ReceiveResponse/rsp:Stream", NS)
    assert (stream.get("CommandId"), stream.text) == ("E888E1DF", "AAE=")
    state = answer.find("s:Body/rsp:ReceiveResponse/rsp:CommandState", NS)
    assert state.get("State").endswith("CommandState/Done")


def test_create_response_carries_the_shell_id_selector():
    request = psrp_soap.parse_request(_REQUEST.format(action="Receive").encode())
    request.action = "Create"
    answer = ET.fromstring(psrp_soap.create_response(request, "http://x/PowerShell", "ABC", "D\\u", "1.2.3.4"))
    selector = answer.find("s:Body/x:ResourceCreated/a:ReferenceParameters/w:SelectorSet/w:Selector", NS)
    assert (selector.get("Name"), selector.text) == ("ShellId", "ABC")


def test_fault_envelope_has_code_and_windows_error_number():
    answer = ET.fromstring(psrp_soap.fault_response(psrp_soap.unknown_shell("X"), "uuid:1", "127.0.0.1"))
    assert answer.find("s:Body/s:Fault/s:Code/s:Subcode/s:Value", NS).text == "w:InvalidSelectors"
    assert answer.find("s:Body/s:Fault/s:Detail/f:WSManFault", NS).get("Code") == "2150858843"
    assert answer.find("s:Header/a:RelatesTo", NS).text == "uuid:1"


def test_encryption_framing_round_trip():
    body = psrp_soap.frame_encrypted(psrp_soap.ENCRYPTION_PROTOCOLS[0], 5, b"SIGNATURE-16byte", b"hello")
    assert psrp_soap.split_encrypted(body) == [(5, b"SIGNATURE-16byte", b"hello")]
    with pytest.raises(psrp_soap.EncryptionError):
        psrp_soap.split_encrypted(b"--Encrypted Boundary\r\nno length\r\n")
