"""The WS-Management wire format the PowerShell remoting endpoint speaks ([MS-WSMV]).

Pure functions, no I/O: parse a SOAP envelope into a :class:`WsmanRequest`, build the
responses and ``s:Fault`` envelopes Windows sends (shapes taken from pypsrp's recorded real
exchanges), and frame or unframe ``multipart/encrypted`` bodies for message encryption over
HTTP. The cryptography itself is the caller's (a pyspnego context's ``wrap_winrm`` and
``unwrap_winrm``).
"""

import base64
import re
import struct
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "a": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "x": "http://schemas.xmlsoap.org/ws/2004/09/transfer",
    "w": "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
    "p": "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd",
    "rsp": "http://schemas.microsoft.com/wbem/wsman/1/windows/shell",
    "f": "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault",
    "pwsh": "http://schemas.microsoft.com/powershell",
}

TRANSFER = "http://schemas.xmlsoap.org/ws/2004/09/transfer/"
SHELL = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/"
ACTIONS = {
    TRANSFER + "Create": "Create",
    TRANSFER + "Delete": "Delete",
    TRANSFER + "Get": "Get",
    SHELL + "Command": "Command",
    SHELL + "Send": "Send",
    SHELL + "Receive": "Receive",
    SHELL + "Signal": "Signal",
}
_RESPONSE_ACTIONS = {
    "Create": TRANSFER + "CreateResponse",
    "Delete": TRANSFER + "DeleteResponse",
    "Command": SHELL + "CommandResponse",
    "Send": SHELL + "SendResponse",
    "Receive": SHELL + "ReceiveResponse",
    "Signal": SHELL + "SignalResponse",
}
FAULT_ACTION = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"
ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
RESOURCE_PREFIX = "http://schemas.microsoft.com/powershell/"
COMMAND_DONE = SHELL + "CommandState/Done"
COMMAND_RUNNING = SHELL + "CommandState/Running"
SIGNAL_TERMINATE = SHELL + "signal/Terminate"
SIGNAL_CTRL_C = "powershell/signal/crtl_c"

ENCRYPTED_BOUNDARY = "Encrypted Boundary"
ENCRYPTION_PROTOCOLS = (
    "application/HTTP-SPNEGO-session-encrypted",
    "application/HTTP-Kerberos-session-encrypted",
)

for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


class WsmanFault(Exception):
    """A request the WS-Management service refuses, sent back as an ``s:Fault`` (HTTP 500).

    ``subcode`` is the WS-Management fault subcode (``w:InvalidSelectors``), ``code`` the
    Windows error number of the ``WSManFault`` detail.
    """

    def __init__(self, subcode, code, reason, detail=None, sender=True):
        super().__init__(reason)
        self.subcode = subcode
        self.code = code
        self.reason = reason
        self.detail = detail
        self.sender = sender


def unknown_shell(shell_id):
    """The fault for a ShellId the service does not know (closed, or never created)."""
    return WsmanFault(
        "w:InvalidSelectors", 2150858843,
        "The WS-Management service cannot process the request because the request contained "
        "invalid selectors for the resource. ",
        "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors")


def unknown_action(action):
    """The fault for a ``wsa:Action`` the endpoint does not implement."""
    return WsmanFault(
        "a:ActionNotSupported", 2150858771,
        f"The action is not supported by the service. Action: {action}")


def bad_resource(uri):
    """The fault for a ResourceURI naming a configuration that is not registered here."""
    return WsmanFault(
        "w:InvalidResourceURI", 2150858811,
        "The WS-Management service cannot process the request. The resource URI "
        f"({uri}) was not found in the WS-Management catalog. The catalog contains the "
        "metadata that describes resources, or logical endpoints.")


def malformed(reason):
    """The fault for an envelope that cannot be parsed or misses a required part."""
    return WsmanFault("w:SchemaValidationError", 2150858817,
                      f"The WS-Management service cannot process the request. {reason}")


def quota_exceeded(limit):
    """The fault WinRM answers a Command with when the user has ``limit`` operations in flight
    (MaxConcurrentOperationsPerUser): MS-WSMV's wsman:QuotaLimit, the error number and text
    Windows sends [P: WinRM client issues quoting the envelope]."""
    return WsmanFault(
        "w:QuotaLimit", 2150859174,
        f"The WS-Management service cannot process the request. This user is allowed a maximum number of "
        f"{limit} concurrent operations, which has been exceeded. Close existing operations for this user, "
        "or raise the quota for this user. ")


def operation_timeout():
    """The fault Receive answers with when nothing arrived within the OperationTimeout."""
    return WsmanFault(
        "w:TimedOut", 2150858793,
        "The WS-Management service cannot complete the operation within the time specified "
        "in OperationTimeout.  ", sender=False)


@dataclass
class WsmanRequest:
    """The parts of one WS-Management request the shell provider acts on."""

    action: str
    message_id: str
    resource_uri: str
    selectors: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    body: object = None

    @property
    def shell_id(self):
        """The ShellId selector (upper case), or None."""
        value = self.selectors.get("ShellId")
        return value.upper() if value else None


def _text(element):
    return (element.text or "").strip() if element is not None else ""


def parse_request(data):
    """A :class:`WsmanRequest` from a SOAP envelope (bytes); raises :class:`WsmanFault`."""
    try:
        envelope = ET.fromstring(data)
    except ET.ParseError as exc:
        raise malformed(f"The request is not well-formed XML: {exc}.") from exc
    header = envelope.find("s:Header", NS)
    body = envelope.find("s:Body", NS)
    if envelope.tag != "{%s}Envelope" % NS["s"] or header is None or body is None:
        raise malformed("The request is not a SOAP 1.2 envelope with a Header and a Body.")
    action_uri = _text(header.find("a:Action", NS))
    message_id = _text(header.find("a:MessageID", NS))
    if not message_id:
        raise malformed("The request has no wsa:MessageID.")
    action = ACTIONS.get(action_uri)
    if action is None:
        raise unknown_action(action_uri)
    selectors = {s.get("Name"): _text(s) for s in header.findall("w:SelectorSet/w:Selector", NS)}
    options = {o.get("Name"): _text(o) for o in header.findall("w:OptionSet/w:Option", NS)}
    children = list(body)
    return WsmanRequest(action, message_id, _text(header.find("w:ResourceURI", NS)), selectors,
                        options, children[0] if children else None)


def _envelope(action, relates_to):
    envelope = ET.Element("{%s}Envelope" % NS["s"], {"xml:lang": "en-US"})
    header = ET.SubElement(envelope, "{%s}Header" % NS["s"])
    ET.SubElement(header, "{%s}Action" % NS["a"]).text = action
    ET.SubElement(header, "{%s}MessageID" % NS["a"]).text = f"uuid:{str(uuid.uuid4()).upper()}"
    ET.SubElement(header, "{%s}To" % NS["a"]).text = ANONYMOUS
    ET.SubElement(header, "{%s}RelatesTo" % NS["a"]).text = relates_to
    body = ET.SubElement(envelope, "{%s}Body" % NS["s"])
    return envelope, body


def _serialise(envelope):
    return ET.tostring(envelope, encoding="utf-8", xml_declaration=False)


def create_response(request, endpoint, shell_id, owner, client_ip):
    """The CreateResponse: ``ResourceCreated`` with the ShellId selector, then the shell."""
    envelope, body = _envelope(_RESPONSE_ACTIONS["Create"], request.message_id)
    created = ET.SubElement(body, "{%s}ResourceCreated" % NS["x"])
    ET.SubElement(created, "{%s}Address" % NS["a"]).text = endpoint
    reference = ET.SubElement(created, "{%s}ReferenceParameters" % NS["a"])
    ET.SubElement(reference, "{%s}ResourceURI" % NS["w"]).text = request.resource_uri
    selectors = ET.SubElement(reference, "{%s}SelectorSet" % NS["w"])
    ET.SubElement(selectors, "{%s}Selector" % NS["w"], Name="ShellId").text = shell_id
    shell = ET.SubElement(body, "{%s}Shell" % NS["rsp"])
    for name, value in (("ShellId", shell_id), ("ResourceUri", request.resource_uri),
                        ("Owner", owner), ("ClientIP", client_ip),
                        ("IdleTimeOut", "PT7200.000S"), ("InputStreams", "stdin pr"),
                        ("OutputStreams", "stdout"), ("MaxIdleTimeOut", "PT2147483.647S"),
                        ("Locale", "en-US"), ("DataLocale", "en-US"),
                        ("CompressionMode", "NoCompression"), ("ProfileLoaded", "Yes"),
                        ("Encoding", "UTF8"), ("BufferMode", "Block"), ("State", "Connected"),
                        ("ShellRunTime", "P0DT0H0M0S"), ("ShellInactivity", "P0DT0H0M0S")):
        ET.SubElement(shell, "{%s}%s" % (NS["rsp"], name)).text = value
    return _serialise(envelope)


def command_response(request, command_id):
    """The CommandResponse naming the new command (the PSRP pipeline id)."""
    envelope, body = _envelope(_RESPONSE_ACTIONS["Command"], request.message_id)
    response = ET.SubElement(body, "{%s}CommandResponse" % NS["rsp"])
    ET.SubElement(response, "{%s}CommandId" % NS["rsp"]).text = command_id
    return _serialise(envelope)


def receive_response(request, chunks, command_id=None, done=False):
    """A ReceiveResponse with one ``stdout`` stream element per PSRP payload in ``chunks``."""
    envelope, body = _envelope(_RESPONSE_ACTIONS["Receive"], request.message_id)
    response = ET.SubElement(body, "{%s}ReceiveResponse" % NS["rsp"])
    attributes = {"Name": "stdout"}
    if command_id:
        attributes["CommandId"] = command_id
    for chunk in chunks:
        ET.SubElement(response, "{%s}Stream" % NS["rsp"], attributes).text = \
            base64.b64encode(chunk).decode()
    if command_id:
        state = ET.SubElement(response, "{%s}CommandState" % NS["rsp"], CommandId=command_id,
                              State=COMMAND_DONE if done else COMMAND_RUNNING)
        if done:
            ET.SubElement(state, "{%s}ExitCode" % NS["rsp"]).text = "0"
    return _serialise(envelope)


def empty_response(request):
    """The response of Send, Signal and Delete: the action's response with its own body."""
    envelope, body = _envelope(_RESPONSE_ACTIONS[request.action], request.message_id)
    if request.action in ("Send", "Signal"):
        ET.SubElement(body, "{%s}%sResponse" % (NS["rsp"], request.action))
    return _serialise(envelope)


def fault_response(fault, relates_to, machine):
    """The ``s:Fault`` envelope for ``fault``; ``relates_to`` may be empty when unparsable."""
    envelope, body = _envelope(FAULT_ACTION, relates_to or "")
    fault_element = ET.SubElement(body, "{%s}Fault" % NS["s"])
    code = ET.SubElement(fault_element, "{%s}Code" % NS["s"])
    ET.SubElement(code, "{%s}Value" % NS["s"]).text = "s:Sender" if fault.sender else "s:Receiver"
    subcode = ET.SubElement(code, "{%s}Subcode" % NS["s"])
    ET.SubElement(subcode, "{%s}Value" % NS["s"]).text = fault.subcode
    reason = ET.SubElement(fault_element, "{%s}Reason" % NS["s"])
    ET.SubElement(reason, "{%s}Text" % NS["s"], {"xml:lang": "en-US"}).text = fault.reason
    detail = ET.SubElement(fault_element, "{%s}Detail" % NS["s"])
    if fault.detail:
        ET.SubElement(detail, "{%s}FaultDetail" % NS["w"]).text = fault.detail
    wsman_fault = ET.SubElement(detail, "{%s}WSManFault" % NS["f"], Code=str(fault.code),
                                Machine=machine)
    ET.SubElement(wsman_fault, "{%s}Message" % NS["f"]).text = fault.reason
    return _serialise(envelope)


# -- message encryption framing ([MS-WSMV] 2.2.9.1) ------------------------------------------

_PART_HEADER = re.compile(rb"--\s*" + re.escape(ENCRYPTED_BOUNDARY.encode()) + rb"\r\n")


class EncryptionError(ValueError):
    """A ``multipart/encrypted`` body that cannot be taken apart."""


def frame_encrypted(protocol, plaintext_length, header, ciphertext):
    """One ``multipart/encrypted`` body for a message wrapped into ``(header, ciphertext)``."""
    lines = [
        f"--{ENCRYPTED_BOUNDARY}",
        f"\tContent-Type: {protocol}",
        f"\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length={plaintext_length}",
        f"--{ENCRYPTED_BOUNDARY}",
        "\tContent-Type: application/octet-stream",
        "",
    ]
    return ("\r\n".join(lines).encode() + struct.pack("<I", len(header)) + header + ciphertext
            + f"--{ENCRYPTED_BOUNDARY}--\r\n".encode())


def split_encrypted(body):
    """``[(plaintext_length, header, ciphertext)]`` from a ``multipart/encrypted`` body."""
    parts = [p for p in _PART_HEADER.split(body) if p]
    if len(parts) < 2 or len(parts) % 2:
        raise EncryptionError("The encrypted body does not have the expected MIME parts.")
    messages = []
    for index in range(0, len(parts), 2):
        match = re.search(rb"Length=(\d+)", parts[index])
        if not match:
            raise EncryptionError("The encrypted part names no OriginalContent length.")
        payload = re.sub(rb"--\s*" + re.escape(ENCRYPTED_BOUNDARY.encode()) + rb"--\r\n$", b"",
                         parts[index + 1])
        payload = payload.replace(b"\tContent-Type: application/octet-stream\r\n", b"", 1)
        if len(payload) < 4:
            raise EncryptionError("The encrypted part is too short.")
        header_length = struct.unpack("<I", payload[:4])[0]
        if header_length > len(payload) - 4:
            raise EncryptionError("The encrypted part's signature length is out of range.")
        messages.append((int(match.group(1)), payload[4:4 + header_length],
                         payload[4 + header_length:]))
    return messages
