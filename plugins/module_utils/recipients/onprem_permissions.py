# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""The delegate permissions of an on-premises or remote mailbox, read and written the way
on-premises Exchange keeps them: Full Access with Get-/Add-/Remove-MailboxPermission, Send As as
the Active Directory extended right Send-As (Get-/Add-/Remove-ADPermission), Send on Behalf in the
mailbox's GrantSendOnBehalfTo. The sets and their changes are the ones exo_mailbox_permission
plans (recipients.permissions, engine.relation); trustees are Active Directory users, looked up
with Get-User. Not for use outside this collection.
"""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.permissions import KINDS, managed_entry, trustee_id
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import (
    AMBIGUOUS,
    INVALID_ARGUMENT,
    NOT_FOUND,
    ExchangeError,
)

SEND_AS = 'Send-As'
# Trustees that are no AD user Get-User finds (a security group, a foreign principal) keep their
# own spelling under this prefix, as exo_mailbox_permission keeps them, so exclusive can revoke them.
_RAW = 'raw:'


def kinds(entry):
    """The permission kinds the entry names."""
    return [kind for kind in KINDS if entry.get(kind) is not None]


def check_kinds(entry, hybrid, where=''):
    """Refuse an entry that names no kind, or Full Access on a remote mailbox (its Full Access is
    in Exchange Online); ValueError naming the option and the mailbox."""
    if not kinds(entry):
        raise ValueError("%sgive at least one of full_access, send_as, send_on_behalf for mailbox '%s'"
                         % (where, entry['mailbox']))
    if hybrid and entry.get('full_access') is not None:
        raise ValueError("%sfull_access: the Full Access of the remote mailbox '%s' is in Exchange Online; manage it with "
                         'mailops.exchange.exo_mailbox_permission (on premises Exchange grants it only on on-premises '
                         'mailboxes)' % (where, entry['mailbox']))


def permission_read(kind, key):
    """The ``(cmdlet, parameters)`` that reads one kind on the mailbox ``key``; None for Send on
    Behalf, which the mailbox row holds."""
    if kind == 'full_access':
        return 'Get-MailboxPermission', {'Identity': key}
    if kind == 'send_as':
        return 'Get-ADPermission', {'Identity': key}
    return None


def _send_as_right(rights):
    return any(str(right).replace(' ', '-').lower() == 'send-as' for right in rights or ())


def trustees_from_rows(kind, rows, row):
    """The trustees of one kind, as Exchange spells them: explicit allow entries only (inherited,
    deny, SELF and bare SIDs are never managed)."""
    if kind == 'full_access':
        return [r.get('User') for r in rows if 'FullAccess' in (r.get('AccessRights') or ())
                and managed_entry(r.get('User'), r.get('IsInherited'), r.get('Deny'))]
    if kind == 'send_as':
        return [r.get('User') for r in rows if _send_as_right(r.get('ExtendedRights'))
                and managed_entry(r.get('User'), r.get('IsInherited'), r.get('Deny'))]
    return list(row.get('GrantSendOnBehalfTo') or ())


def permission_calls(key, kind, change, automapping):
    """The Add-/Remove- calls of one kind's change (``full_access`` or ``send_as``) on the mailbox
    ``key``; each is safe to repeat (a present grant or a missing revoke is only a warning)."""
    calls = []
    for verb, entries in (('Add', change.added), ('Remove', change.removed)):
        for trustee_key, shown in entries.items():
            if kind == 'full_access':
                parameters = {'Identity': key, 'User': trustee_id(trustee_key, shown), 'AccessRights': ['FullAccess'],
                              'InheritanceType': 'All', 'Confirm': False}
                if verb == 'Add':
                    parameters['AutoMapping'] = automapping
                calls.append(('%s-MailboxPermission' % verb, parameters))
            else:
                parameters = {'Identity': key, 'User': trustee_id(trustee_key, shown), 'ExtendedRights': [SEND_AS],
                              'Confirm': False}
                calls.append(('%s-ADPermission' % verb, parameters))
    return calls


def delegates_change(change):
    """The GrantSendOnBehalfTo value of a set change: an Add/Remove table, so that delegates another
    run adds meanwhile stay."""
    table = {}
    if change.added:
        table['Add'] = [trustee_id(k, v) for k, v in change.added.items()]
    if change.removed:
        table['Remove'] = [trustee_id(k, v) for k, v in change.removed.items()]
    return table


class Directory(object):
    """Active Directory users by any spelling (UPN, SMTP address, DOMAIN\\name, canonical name,
    GUID), looked up with Get-User through ``invoke_all`` (ten to a call), each spelling once."""

    def __init__(self, invoke_all):
        self.invoke_all = invoke_all
        self.answers = {}

    def prefetch(self, names):
        """Look up every spelling in ``names`` not looked up yet, together."""
        todo = list(dict.fromkeys(str(name) for name in names if str(name).lower() not in self.answers))
        for name, answer in zip(todo, self.invoke_all([('Get-User', {'Identity': name}) for name in todo])):
            if isinstance(answer, ExchangeError) and answer.kind not in (NOT_FOUND, AMBIGUOUS):
                raise answer
            self.answers[name.lower()] = answer

    def user(self, name):
        """``(key, shown)`` of the one user ``name`` spells, or None."""
        answer = self.answers.get(str(name).lower())
        if isinstance(answer, ExchangeError) or not answer or len(answer) != 1:
            return None
        row = answer[0]
        return str(row.get('Guid')).lower(), str(row.get('UserPrincipalName') or row.get('Name'))

    def current(self, names):
        """Key -> shown of the trustees a read names; those that are no one user keep their spelling."""
        current = {}
        for name in names:
            found = self.user(name)
            current.update([found] if found else [(_RAW + str(name).lower(), str(name))])
        return current

    def resolve(self, option, names, where=''):
        """Key -> shown of the trustees an option names; ExchangeError naming the option and the
        value for one that is not exactly one AD user."""
        wanted = {}
        for name in names:
            found = self.user(name)
            if found is None:
                answer = self.answers.get(str(name).lower())
                many = answer.kind == AMBIGUOUS if isinstance(answer, ExchangeError) else len(answer or ()) > 1
                raise ExchangeError("%s%s: '%s' %s; nothing was changed"
                                    % (where, option, name, 'matches more than one Active Directory user' if many
                                       else 'was not found (no such Active Directory user)'), kind=INVALID_ARGUMENT)
            wanted[found[0]] = found[1]
        return wanted
