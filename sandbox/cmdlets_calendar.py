"""How a mailbox's calendar takes meeting requests: Get-CalendarProcessing and Set-CalendarProcessing.

Importing this module adds its cmdlets to ``cmdlets.CMDLETS``. A mailbox's settings are made on
first use with the service's defaults (a room or equipment mailbox accepts automatically, a user
mailbox only updates). Which behaviours are guesses about the real service is listed in
docs/sandbox.md.
"""

from . import errors, identity
from .cmdlets import (_CONFIRM, CMDLETS, Cmdlet, CmdletResult, EnumType, _bool, _enum, _identity, _identity_list,
                      _nullable_string, _query, _result_size)

RESOURCE_TYPES = ("RoomMailbox", "EquipmentMailbox")

PROCESSING = EnumType("Microsoft.Exchange.Data.Storage.Management.CalendarProcessingFlags",
                      ["None", "AutoUpdate", "AutoAccept"])
BOOKING_TYPE = EnumType("Microsoft.Exchange.Data.Storage.Management.ResourceBookingType", ["Standard", "Reserved"])

# The service's defaults (Set-CalendarProcessing reference), in the order Get-CalendarProcessing
# lists them.
DEFAULTS = {
    "AutomateProcessing": "AutoAccept", "AllowConflicts": False, "AllowDistributionGroup": True,
    "AllowMultipleResources": True, "BookingType": "Standard", "BookingWindowInDays": 180,
    "MaximumDurationInMinutes": 1440, "MinimumDurationInMinutes": 0, "AllowRecurringMeetings": True,
    "EnforceAdjacencyAsOverlap": False, "EnforceCapacity": False, "EnforceSchedulingHorizon": True,
    "ScheduleOnlyDuringWorkHours": False, "ConflictPercentageAllowed": 0, "MaximumConflictInstances": 0,
    "ForwardRequestsToDelegates": True, "DeleteAttachments": True, "DeleteComments": True,
    "RemovePrivateProperty": True, "DeleteSubject": True, "AddOrganizerToSubject": True,
    "DeleteNonCalendarItems": True, "TentativePendingApproval": True, "EnableResponseDetails": True,
    "OrganizerInfo": True, "ResourceDelegates": [], "RequestOutOfPolicy": [], "AllRequestOutOfPolicy": False,
    "BookInPolicy": [], "AllBookInPolicy": True, "RequestInPolicy": [], "AllRequestInPolicy": False,
    "AddAdditionalResponse": False, "AdditionalResponse": None, "RemoveOldMeetingMessages": True,
    "AddNewRequestsTentatively": True, "ProcessExternalMeetingMessages": False,
    "RemoveForwardedMeetingNotifications": False, "RemoveCanceledMeetings": False, "EnableAutoRelease": False,
    "PostReservationMaxClaimTimeInMinutes": 10,
}
# Recipient lists, kept as Guids. BookInPolicy and the Request lists are shown as the recipients'
# LegacyExchangeDN, ResourceDelegates by Name (see docs/sandbox.md).
RECIPIENT_LISTS = ("ResourceDelegates", "BookInPolicy", "RequestInPolicy", "RequestOutOfPolicy")
# Integer parameters and the range the reference gives each.
RANGES = {
    "BookingWindowInDays": (0, 1080), "MaximumDurationInMinutes": (0, 2147483647),
    "MinimumDurationInMinutes": (0, 2147483647), "ConflictPercentageAllowed": (0, 100),
    "MaximumConflictInstances": (0, 2147483647), "PostReservationMaxClaimTimeInMinutes": (0, 2147483647),
}


def _settings(mailbox):
    """The mailbox's calendar processing settings, made on first use."""
    settings = mailbox.__dict__.get("calendar_processing")
    if settings is None:
        settings = {name: list(value) if isinstance(value, list) else value for name, value in DEFAULTS.items()}
        if mailbox.recipient_type_details not in RESOURCE_TYPES:
            settings["AutomateProcessing"] = "AutoUpdate"
        mailbox.__dict__["calendar_processing"] = settings
    return settings


def _shown(org, name, guids):
    shown = []
    for guid in guids:
        recipient = org.recipients.get(guid)
        if recipient is None:
            continue
        if name == "ResourceDelegates":
            shown.append(recipient.name)
        else:
            shown.append(legacy_dn(recipient) or recipient.name)
    return shown


def legacy_dn(recipient):
    """The recipient's LegacyExchangeDN: its own property, or its X500 proxy address."""
    return recipient.properties.get("LegacyExchangeDN") or next(
        (a[5:] for a in recipient.email_addresses if a.upper().startswith("X500:")), None)


def calendar_view(org, mailbox):
    """One Get-CalendarProcessing row."""
    settings = _settings(mailbox)
    row = {name: (_shown(org, name, value) if name in RECIPIENT_LISTS else value) for name, value in settings.items()}
    row.update({"MailboxOwnerId": mailbox.name, "Identity": mailbox.name, "IsValid": True, "ObjectState": "Unchanged"})
    return row


def get_calendar_processing(org, params, caller):
    """Get-CalendarProcessing: one mailbox by Identity (not found and ambiguous as Get-Mailbox)."""
    return _query(org, org.mailboxes(view=True), params, lambda mailbox: calendar_view(org, mailbox))


def _int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().lstrip("-").isdigit():
        raise errors.transformation(name, value, "System.Int32", "Input string was not in a correct format.")
    number = int(value)
    low, high = RANGES[name]
    if not low <= number <= high:
        raise errors.CmdletFailure(
            f"Cannot validate argument on parameter '{name}'. The {number} argument is greater than the maximum "
            f"allowed range of {high}. Supply an argument that is less than or equal to {high} and then try the "
            "command again." if number > high else
            f"Cannot validate argument on parameter '{name}'. The {number} argument is less than the minimum "
            f"allowed range of {low}. Supply an argument that is greater than or equal to {low} and then try the "
            "command again.", errors.BINDING, stage=errors.TRANSFORMATION_STAGE)
    return number


def set_calendar_processing(org, params, caller):
    """Set-CalendarProcessing: the parameters given; recipient lists replace the whole list, every
    recipient resolved first. A user or shared mailbox cannot be made to accept automatically."""
    mailbox = identity.resolve(org, params["Identity"], org.mailboxes(view=True))
    settings = _settings(mailbox)
    if params.get("AutomateProcessing") == "AutoAccept" and mailbox.recipient_type_details not in RESOURCE_TYPES:
        raise errors.invalid_argument(
            f"AutomateProcessing can't be set to AutoAccept on '{mailbox.name}': automatic acceptance is "
            "available only for resource mailboxes (room and equipment mailboxes).")
    updated = dict(settings)
    for name, value in params.items():
        if name in RECIPIENT_LISTS:
            updated[name] = list(dict.fromkeys(identity.resolve(org, item, referenced=True).guid for item in value))
        elif name in settings:
            updated[name] = value
    result = CmdletResult()
    if updated == settings:
        result.warnings.append(f"The command completed successfully but no settings of '{mailbox.name}' "
                               "have been modified.")
    settings.update(updated)
    return result


CMDLETS.update({c.name.lower(): c for c in (
    Cmdlet("Get-CalendarProcessing", get_calendar_processing,
           {"Identity": _identity, "ResultSize": _result_size}, mandatory=("Identity",)),
    Cmdlet("Set-CalendarProcessing", set_calendar_processing,
           {"Identity": _identity, "AutomateProcessing": _enum(PROCESSING), "BookingType": _enum(BOOKING_TYPE),
            "AdditionalResponse": _nullable_string,
            **{name: _int for name in RANGES},
            **{name: _identity_list for name in RECIPIENT_LISTS},
            **{name: _bool for name, value in DEFAULTS.items() if isinstance(value, bool)},
            **_CONFIRM}, mandatory=("Identity",)),
)})
