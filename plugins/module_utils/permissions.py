# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the explicit delegate permissions of a mailbox, shared by the module that manages
them and the one that audits them, so both see exactly the same entries.

Three kinds: ``full_access`` (Get-MailboxPermission), ``send_as`` (Get-RecipientPermission) and
``send_on_behalf`` (the mailbox's own ``GrantSendOnBehalfTo``). Only explicit allow entries of
real recipients count: inherited and deny entries, ``NT AUTHORITY\\SELF`` and bare SIDs are
never reported, so they are never changed either.
"""

from __future__ import annotations

KINDS = ('full_access', 'send_as', 'send_on_behalf')

_BUILTIN_TRUSTEES = ('nt authority\\self',)

# Trustees that resolve to no recipient are keyed by their own spelling under this prefix.
_RAW = 'raw:'


def managed_entry(trustee, inherited, deny):
    """Whether an entry is one this collection reports and may change.

    Explicit, allow, not SELF, not a bare SID (``S-1-5-...``, typically a deleted account).
    """
    if inherited or deny or not trustee:
        return False
    lowered = str(trustee).lower()
    return lowered not in _BUILTIN_TRUSTEES and not lowered.startswith('s-1-5-')


def permission_reads(mailbox, kind):
    """The ``(cmdlet, parameters)`` that reads one kind on ``mailbox``, or None when the
    mailbox row already holds it (``send_on_behalf``)."""
    if kind == 'full_access':
        return 'Get-MailboxPermission', {'Identity': mailbox.key}
    if kind == 'send_as':
        return 'Get-RecipientPermission', {'Identity': mailbox.key, 'AccessRights': 'SendAs'}
    if kind == 'send_on_behalf':
        return None
    raise ValueError('unknown permission kind %r' % (kind,))


def trustees_from_rows(mailbox, kind, rows):
    """The trustees of one kind on ``mailbox``, as Exchange spells them, from the rows its read
    returned (see :func:`permission_reads`)."""
    if kind == 'full_access':
        return [r.get('User') for r in rows
                if 'FullAccess' in (r.get('AccessRights') or ())
                and managed_entry(r.get('User'), r.get('IsInherited'), r.get('Deny'))]
    if kind == 'send_as':
        return [r.get('Trustee') for r in rows
                if 'SendAs' in (r.get('AccessRights') or ())
                and managed_entry(r.get('Trustee'), r.get('IsInherited'),
                                  str(r.get('AccessControlType', 'Allow')).lower() == 'deny')]
    return list(mailbox.row.get('GrantSendOnBehalfTo') or ())


def explicit_trustees(invoke, mailbox, kind):
    """The trustees of one kind on ``mailbox`` (a resolved Recipient), as Exchange spells them.

    ``invoke`` is a runner's ``invoke(cmdlet, parameters)``; ``send_on_behalf`` is read from the
    mailbox row itself and costs no call.
    """
    read = permission_reads(mailbox, kind)
    return trustees_from_rows(mailbox, kind, invoke(*read) if read else ())


def trustee_map(resolver, trustees):
    """Map the trustee strings Exchange reports to canonical key -> shown value.

    A trustee that resolves to no recipient (for example a security group that is not
    mail-enabled) is kept under its own spelling, so ``exclusive`` can still revoke it.
    """
    current = {}
    for trustee in trustees:
        recipient = resolver.lookup(trustee)
        if recipient is None:
            current[_RAW + str(trustee).lower()] = str(trustee)
        else:
            current[recipient.key] = recipient.shown
    return current


def trustee_id(key, shown):
    """The identity to send for a key of :func:`trustee_map`: the GUID, or the raw spelling."""
    return shown if key.startswith(_RAW) else key


def read_permissions(invoke, resolver, mailbox, kind):
    """The explicit trustees of one kind on ``mailbox``, as canonical key -> shown value."""
    return trustee_map(resolver, explicit_trustees(invoke, mailbox, kind))
