# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Parameter values that are more than data: each runner puts them on the wire its own way."""

from __future__ import annotations


class Hashtable(dict):
    """A PowerShell hashtable parameter such as ``EmailAddresses=@{Add=...; Remove=...}``; each
    runner writes it its own way (Exchange Online marks it ``#Exchange.GenericHashTable``)."""


class _Clear(object):
    """The type of :data:`CLEAR`."""

    def __repr__(self):
        return 'CLEAR'


# A parameter value that clears a property: PowerShell's $null, JSON null on the wire. The
# runners leave out parameters whose value is None, so a clear must say so; Microsoft documents
# $null, not an empty string, for clearing (an empty ForwardingSmtpAddress is refused).
CLEAR = _Clear()


class Secret(str):
    """A parameter value sent as a SecureString (over remoting, after the pool's key exchange)."""

    def __repr__(self):
        return 'Secret(********)'
