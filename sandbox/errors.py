"""Cmdlet failures, independent of the front end that reports them.

A front end (the InvokeCommand JSON API today, PowerShell remoting later) turns a
:class:`CmdletFailure` into its own wire shape; the cmdlets only say what went wrong.
"""

import hashlib

NOT_FOUND = "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException"
# PROTOCOL.md section 7: an ambiguous identity is a ManagementObjectAmbiguousException (decompiled
# Exchange, and seen live), with the text "... matches multiple entries."
AMBIGUOUS = "Microsoft.Exchange.Configuration.Tasks.ManagementObjectAmbiguousException"
TASK_ARGUMENT = "Microsoft.Exchange.Configuration.Tasks.TaskArgumentException"
ACL_TOO_BIG = "Microsoft.Exchange.Data.Directory.ADOperationException"
UNKNOWN_PARAMETER = "Microsoft.Exchange.AdminApi.CommandInvocation.AmbiguousParameterSetException"
TRANSFORMATION = "Microsoft.Exchange.AdminApi.CommandInvocation.ParameterTransformationException"
BINDING = "Microsoft.Exchange.AdminApi.CommandInvocation.ParameterBindingException"
COMMAND_NOT_FOUND = "System.Management.Automation.CommandNotFoundException"

# The error id of the captured real not-found error; other ids are derived (see _error_id).
_NOT_FOUND_ID = "Ex6F9304"

# How the failure surfaced in Exchange, which decides the JSON error shape (see exo_api):
# "execution" - the cmdlet ran and threw; "binding" - parameters could not be bound to a
# parameter set; "transformation" - a value could not be converted to the parameter's type.
EXECUTION = "execution"
BINDING_STAGE = "binding"
TRANSFORMATION_STAGE = "transformation"


class CmdletFailure(Exception):
    """A terminating cmdlet error.

    ``category`` is an HTTP-ish classification (``NotFound``, ``BadRequest``) that front ends
    map to a status; ``stage`` says where in Exchange's pipeline it happened.
    """

    def __init__(self, message, exception_type, *, category="BadRequest", stage=EXECUTION,
                 error_id=None):
        super().__init__(message)
        self.message = message
        self.exception_type = exception_type
        self.category = category
        self.stage = stage
        self.error_id = _error_id(exception_type) if error_id is None else error_id


def _error_id(exception_type):
    # Real ids look like "Ex6F9304" and are stable per throw site; a hash of the type gives
    # the same stability without pretending to know the real values.
    return "Ex" + hashlib.sha1(exception_type.encode()).hexdigest()[:6].upper()


def not_found(identity, server):
    """The object named by a cmdlet's ``Identity`` does not exist."""
    return CmdletFailure(
        f"The operation couldn't be performed because object '{identity}' couldn't be found "
        f"on '{server}'.",
        NOT_FOUND, category="NotFound", error_id=_NOT_FOUND_ID,
    )


def referenced_not_found(identity):
    """A recipient named in another parameter (a trustee, a delegate) does not exist."""
    return CmdletFailure(
        f'Couldn\'t find object "{identity}". Please make sure that it was spelled correctly '
        "or specify a different object.",
        NOT_FOUND, category="NotFound", error_id=_NOT_FOUND_ID,
    )


def ambiguous(identity):
    """An identity matches more than one recipient."""
    return CmdletFailure(
        f"The operation couldn't be performed because '{identity}' matches multiple entries.",
        AMBIGUOUS, category="NotFound",
    )


def unknown_parameters(names):
    """Parameters the cmdlet does not have."""
    return CmdletFailure(
        "Parameter set cannot be resolved using the specified named parameters. "
        f"Invalid cmdlet parameters specified. {','.join(names)}",
        UNKNOWN_PARAMETER, stage=BINDING_STAGE, error_id="",
    )


def missing_parameters(names):
    """Mandatory parameters that were not given."""
    return CmdletFailure(
        "Cannot process command because of one or more missing mandatory parameters: "
        f"{' '.join(names)}.",
        BINDING, stage=BINDING_STAGE, error_id="",
    )


def transformation(parameter, value, type_name, reason):
    """A parameter value that cannot be converted to the parameter's type."""
    return CmdletFailure(
        f"Cannot process argument transformation on parameter '{parameter}'. Cannot convert "
        f'value "{value}" to type "{type_name}". Error: "{reason}"',
        TRANSFORMATION, stage=TRANSFORMATION_STAGE,
    )


def invalid_enum(parameter, value, type_name, allowed):
    """A value that is not one of an enumeration's names."""
    return transformation(
        parameter, value, type_name,
        f"Unable to match the identifier name {value} to a valid enumerator name. Specify one "
        f"of the following enumerator names and try again: {', '.join(allowed)}",
    )


def bad_filter(text, detail):
    """An OPATH ``Filter`` that does not parse or names an unknown property."""
    return CmdletFailure(
        f"Cannot bind parameter 'Filter' to the target. Exception setting \"Filter\": "
        f'"{detail}"',
        BINDING, stage=TRANSFORMATION_STAGE,
    )


def command_not_found(name):
    """A cmdlet the endpoint does not know."""
    return CmdletFailure(
        f"The term '{name}' is not recognized as the name of a cmdlet, function, script file, "
        "or operable program. Check the spelling of the name, or if a path was included, "
        "verify that the path is correct and try again.",
        COMMAND_NOT_FOUND, stage=BINDING_STAGE,
    )


def invalid_argument(message):
    """A value that converts but is not acceptable to the cmdlet."""
    return CmdletFailure(message, TASK_ARGUMENT)
