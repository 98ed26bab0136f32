"""The PowerShell side of the remoting endpoint: one PSRP runspace pool per WinRS shell.

psrpcore's ``ServerRunspacePool``/``ServerPipeline`` speak PSRP without I/O; this module feeds
them the bytes the WS-Management layer received, runs each pipeline's commands against the
on-premises cmdlet table, and queues the answers per target (the pool, or one pipeline) for the
next Receive. The runspace is NoLanguage, as Exchange's is: a script is refused with
``ScriptsNotAllowed`` and only commands with parameters run.

Objects go back the way Exchange serialises them: type names of the Exchange class, values as
adapted properties, multi-valued properties as a collection object wrapping a list.
"""

import datetime
import threading
import uuid

from psrpcore import (
    CreatePipelineEvent,
    PSRPPayload,
    ServerPipeline,
    ServerRunspacePool,
    StreamType,
)
from psrpcore.types import (
    ErrorCategory,
    ErrorCategoryInfo,
    ErrorRecord,
    NETException,
    PSInvocationState,
    PSList,
    PSNoteProperty,
    PSObject,
    PSSecureString,
)

from . import cmdlets_onprem, errors, onprem_catalog

# Bytes of PSRP data per Stream element of a ReceiveResponse (well below pypsrp's envelope).
_CHUNK = 64 * 1024

_OBJECT_TYPES = {
    "Get-User": "Microsoft.Exchange.Data.Directory.Management.User",
    "Get-Mailbox": "Microsoft.Exchange.Data.Directory.Management.Mailbox",
    "Get-RemoteMailbox": "Microsoft.Exchange.Data.Directory.Management.RemoteMailbox",
}
_MULTI_VALUED = {
    "EmailAddresses": "Microsoft.Exchange.Data.ProxyAddressCollection",
}
_GENERIC_MULTI_VALUED = "Microsoft.Exchange.Data.MultiValuedProperty`1[[System.String]]"
_SCRIPTS_NOT_ALLOWED = (
    "The syntax is not supported by this runspace. This can occur if the runspace is in "
    "no-language mode.")


class Dropped(Exception):
    """The connection carrying this request must close without an answer (an injected fault)."""


def plain(value):
    """A deserialised PSRP value as plain Python (str, bool, int, list, dict, None).

    SecureStrings stay as they are: only the cmdlet that takes one decrypts it.
    """
    if isinstance(value, PSSecureString) or value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return str(value)


def recorded(value):
    """How the command log shows a value: verbatim, except SecureStrings."""
    if isinstance(value, PSSecureString):
        return {"SecureString": True}
    if isinstance(value, dict):
        return {k: recorded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [recorded(v) for v in value]
    return value


def to_psobject(row, type_name):
    """An output row as the PSObject Exchange would serialise (adapted properties)."""
    obj = PSObject()
    base = type_name.rsplit(".", 1)[0]
    obj.PSObject.type_names = [type_name, f"{base}.ADPresentationObject",
                               "Microsoft.Exchange.Data.Directory.ADObject",
                               "Microsoft.Exchange.Data.ConfigurableObject", "System.Object"]
    for name, value in row.items():
        if isinstance(value, list):
            collection = PSList([str(v) for v in value])
            collection.PSObject.type_names = [
                _MULTI_VALUED.get(name, _GENERIC_MULTI_VALUED),
                "Microsoft.Exchange.Data.MultiValuedPropertyBase", "System.Object"]
            value = collection
        obj.PSObject.adapted_properties.append(PSNoteProperty(name, value))
    obj.PSObject.to_string = str(row.get("Identity") or row.get("Name") or "")
    return obj


def _error_record(exception_type, message, error_id, category, activity, target=None):
    exception = NETException(Message=message, HResult=-2146233087)
    names = [exception_type]
    if exception_type.startswith("Microsoft.Exchange"):
        names += ["Microsoft.Exchange.Configuration.Tasks.LocalizedException"]
    exception.PSObject.type_names = names + ["System.Exception", "System.Object"]
    return ErrorRecord(
        Exception=exception,
        CategoryInfo=ErrorCategoryInfo(Category=category, Activity=activity,
                                       Reason=exception_type.rsplit(".", 1)[-1],
                                       TargetName=target or "", TargetType=""),
        TargetObject=target,
        FullyQualifiedErrorId=error_id,
    )


def exchange_error_id(failure, cmdlet):
    """Exchange's FullyQualifiedErrorId for a cmdlet failure (server, category, throw site)."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%m/%d/%Y %I:%M:%S %p")
    task = "Microsoft.Exchange.Management.RecipientTasks." + cmdlet.replace("-", "")
    return (f"[Server={cmdlet_server()},RequestId={uuid.uuid4()},TimeStamp={stamp}] "
            f"[FailureCategory=Cmdlet-{failure.exception_type.rsplit('.', 1)[-1]}] "
            f"{(failure.error_id or 'Ex000000')[2:]},{task}")


def cmdlet_server():
    """The Exchange server name in error ids."""
    return cmdlets_onprem.SERVER


class RunspaceHost:
    """One runspace pool (one WinRS shell): PSRP state, pipelines and queued output.

    ``run_cmdlet(name, params) -> CmdletResult`` executes one command (raising
    ``CmdletFailure``); ``record(entry)`` logs every command received; ``fault(cmdlet)``
    draws the injected fault of a pipeline (None, ``"drop_before"`` or ``"drop_after"``). All
    methods are called with the shell's lock held by the WS-Management layer.
    """

    def __init__(self, run_cmdlet, record, user, fault=lambda cmdlet: None):
        self.pool = ServerRunspacePool()
        self.run_cmdlet = run_cmdlet
        self.record = record
        self.user = user
        self.fault = fault
        self.lock = threading.Lock()
        self._queues = {None: []}
        self._done = set()
        self._lost = set()
        # Pipelines (CommandId) started and not answered to the end yet, with the time their
        # answer is ready: WinRM's operations in flight.
        self.in_flight = {}

    # -- data in --------------------------------------------------------------------------

    def receive(self, data, command_id=None):
        """Feed PSRP fragments (creationXml, Command argument or Send stream) into the pool."""
        pipeline_id = uuid.UUID(command_id) if command_id else None
        if pipeline_id is not None and pipeline_id not in self.pool.pipeline_table:
            ServerPipeline(self.pool, pipeline_id)
            self._queues.setdefault(command_id.upper(), [])
        self.pool.receive_data(PSRPPayload(data, StreamType.default, pipeline_id))
        while True:
            event = self.pool.next_event()
            if event is None:
                break
            if isinstance(event, CreatePipelineEvent):
                self._run(self.pool.pipeline_table[event.pipeline_id], event.pipeline)
        self._drain()

    def _drain(self):
        while True:
            payload = self.pool.data_to_send(_CHUNK)
            if payload is None:
                return
            key = str(payload.pipeline_id).upper() if payload.pipeline_id else None
            self._queues.setdefault(key, []).append(payload.data)

    # -- data out -------------------------------------------------------------------------

    def take(self, command_id=None):
        """``(chunks, done)``: everything queued for the pool or a pipeline, and whether it ended.

        Raises :class:`Dropped` for a pipeline whose answer is to be lost; its output is gone.
        """
        key = command_id.upper() if command_id else None
        if key in self._lost:
            self._lost.discard(key)
            self._queues[key] = []
            raise Dropped()
        chunks = self._queues.get(key, [])
        self._queues[key] = []
        return chunks, key in self._done

    def knows(self, command_id):
        """Whether ``command_id`` is a pipeline of this pool."""
        return command_id.upper() in self._queues

    def close_pipeline(self, command_id):
        """Forget a pipeline (Signal terminate)."""
        key = command_id.upper()
        pipeline = self.pool.pipeline_table.get(uuid.UUID(key))
        if pipeline is not None:
            if pipeline.state == PSInvocationState.Running:
                pipeline.stop()
                self._drain()
            pipeline.close()
        self._queues.pop(key, None)
        self._done.discard(key)

    # -- execution ------------------------------------------------------------------------

    def _run(self, pipeline, metadata):
        key = str(pipeline.pipeline_id).upper()
        names = [str(command.command_text) for command in metadata.commands]
        fault = self.fault(names[0]) if names else None
        if fault == "drop_before":
            raise Dropped()
        if fault == "drop_after":
            self._lost.add(key)
        pipeline.start()
        try:
            for command in metadata.commands:
                name = str(command.command_text)
                parameters = {}
                for param_name, value in command.parameters:
                    parameters[str(param_name or "")] = plain(value)
                self.record({"cmdlet": name, "is_script": bool(command.is_script),
                             "parameters": {k: recorded(v) for k, v in parameters.items()},
                             "user": self.user})
                if command.is_script:
                    self._fail(pipeline, _error_record(
                        "System.Management.Automation.PSInvalidOperationException",
                        _SCRIPTS_NOT_ALLOWED, "ScriptsNotAllowed", ErrorCategory.ParserError,
                        "", name))
                    return
                if not self._invoke(pipeline, name, parameters):
                    return
            pipeline.complete()
        finally:
            self._done.add(key)

    def _fail(self, pipeline, record):
        # A terminating error: the pipeline ends Failed and carries the record in its state.
        pipeline._change_state(PSInvocationState.Failed, error=record)  # pylint: disable=protected-access

    def _invoke(self, pipeline, name, parameters):
        """Run one command; False when it failed terminally (binding, unknown command)."""
        try:
            cmdlet = onprem_catalog.lookup(name)
            result = self.run_cmdlet(cmdlet, parameters)
        except errors.CmdletFailure as failure:
            if failure.stage == errors.EXECUTION:
                pipeline.write_error(*_write_error_args(failure, name, parameters))
                return True
            exception_type = ("System.Management.Automation.CommandNotFoundException"
                              if failure.exception_type == errors.COMMAND_NOT_FOUND
                              else "System.Management.Automation.ParameterBindingException")
            error_id = ("CommandNotFoundException" if "CommandNotFound" in exception_type
                        else f"ParameterBindingFailed,{name}")
            self._fail(pipeline, _error_record(exception_type, failure.message, error_id,
                                               ErrorCategory.InvalidArgument, name))
            return False
        for warning in result.warnings:
            pipeline.write_warning(warning)
        type_name = _OBJECT_TYPES.get(cmdlet.name, _OBJECT_TYPES["Get-Mailbox"]
                                      if "RemoteMailbox" not in cmdlet.name
                                      else _OBJECT_TYPES["Get-RemoteMailbox"])
        for row in result.rows:
            pipeline.write_output(to_psobject(row, type_name))
        return True


def _write_error_args(failure, name, parameters):
    record = _error_record(failure.exception_type, failure.message,
                           exchange_error_id(failure, name),
                           ErrorCategory.ObjectNotFound if failure.category == "NotFound"
                           else ErrorCategory.InvalidArgument, name,
                           str(parameters.get("Identity") or ""))
    return (record.Exception, record.CategoryInfo, record.TargetObject,
            record.FullyQualifiedErrorId)
