# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""ISO 8601 instants: parse what users and Exchange write, compare and show them in UTC. No I/O.

Written by hand rather than with ``datetime.fromisoformat`` because that refuses ``Z`` and
Exchange's seven-digit fractions before Python 3.11, and the modules run on 3.9.
"""

from __future__ import annotations

import datetime
import re

_ISO = re.compile(
    r'^(\d{4})-(\d{2})-(\d{2})'
    r'(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?'
    r'\s*(Z|[+-]\d{2}:?\d{2})?$', re.IGNORECASE)
# How .NET's JSON serialisers write a DateTime: milliseconds since the epoch.
_DOTNET = re.compile(r'^/Date\((-?\d+)(?:[+-]\d{4})?\)/$')


class TimestampError(ValueError):
    """A value that is not a usable point in time; the message names the option and the value."""


def parse_timestamp(value, option, assume_utc=False):
    """The aware UTC datetime that ``value`` (ISO 8601 text) stands for.

    A value without a UTC offset is refused (its meaning depends on a server's clock), unless
    ``assume_utc``: that is for values Exchange reports, which are in UTC. Fractions beyond
    microseconds are cut. Raises TimestampError naming ``option`` and the value.
    """
    text = str(value).strip()
    dotnet = _DOTNET.match(text)
    if dotnet:
        epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        return epoch + datetime.timedelta(milliseconds=int(dotnet.group(1)))
    match = _ISO.match(text)
    if not match:
        raise TimestampError("%s: '%s' is not an ISO 8601 date and time such as 2025-07-01T08:00:00+02:00"
                             % (option, value))
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if offset is None:
        if not assume_utc:
            raise TimestampError("%s: '%s' has no time zone; add one such as Z or +02:00, since a time "
                                 "without one means different instants on different servers" % (option, value))
        zone = datetime.timezone.utc
    elif offset.upper() == 'Z':
        zone = datetime.timezone.utc
    else:
        digits = offset[1:].replace(':', '')
        delta = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        zone = datetime.timezone(-delta if offset[0] == '-' else delta)
    try:
        moment = datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                                   int(second or 0), int((fraction or '0')[:6].ljust(6, '0')), tzinfo=zone)
    except ValueError as err:
        raise TimestampError("%s: '%s' is not a valid date and time: %s" % (option, value, err))
    return moment.astimezone(datetime.timezone.utc)


def format_utc(moment):
    """An aware datetime as ISO 8601 in UTC to the second: ``2025-07-01T06:00:00Z``."""
    return moment.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def same_instant(first, second):
    """Whether two aware datetimes are the same instant to the second (None equals only None)."""
    if first is None or second is None:
        return first is None and second is None
    return first.replace(microsecond=0) == second.replace(microsecond=0)
