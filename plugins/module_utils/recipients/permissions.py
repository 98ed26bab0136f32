# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Reading the explicit delegate permissions of a mailbox, shared by the module that manages
them and the one that audits them, so both see exactly the same entries.

Three kinds: ``full_access`` (Get-MailboxPermission), ``send_as`` (Get-RecipientPermission) and
``send_on_behalf`` (the mailbox's own ``GrantSendOnBehalfTo``). Only explicit allow entries of
real recipients count: inherited and deny entries, ``NT AUTHORITY\\SELF`` and bare SIDs are
never reported, so they are never changed either.
"""

from __future__ import annotations

import threading
from sys import intern
from types import SimpleNamespace

from ansible_collections.mailops.exchange.plugins.module_utils.transport.http import ConcurrencyGate
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import (
    CmdletError,
    ExchangeError,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import (
    BATCH_SIZE,
    asked_lookup,
    batches,
    find_in_pages,
    organisation_pages,
    summary_row,
)

KINDS = ('full_access', 'send_as', 'send_on_behalf')

# Exchange Online's limit of explicit access control entries on one mailbox.
MAX_EXPLICIT_ACES = 500

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
        recipient = resolver.identify(trustee)
        if recipient is None:
            current[_RAW + str(trustee).lower()] = str(trustee)
        else:
            current[recipient.key] = recipient.shown
    return current


def trustee_id(key, shown):
    """The identity to send for a key of :func:`trustee_map`: the GUID, or the raw spelling."""
    return shown if key.startswith(_RAW) else key


def send_on_behalf_change(change):
    """The ``GrantSendOnBehalfTo`` value that makes a set change (``added``/``removed``: key ->
    shown): an Add/Remove table, so delegates added meanwhile by others stay."""
    table = {'@odata.type': '#Exchange.GenericHashTable'}
    if change.added:
        table['Add'] = [trustee_id(k, v) for k, v in change.added.items()]
    if change.removed:
        table['Remove'] = [trustee_id(k, v) for k, v in change.removed.items()]
    return table


def permission_writes(mailbox_key, kind, change, automapping):
    """The ``(cmdlet, parameters)`` that grant and revoke one kind's change on the mailbox
    ``mailbox_key`` (``full_access`` or ``send_as``); each is safe to repeat (granting a present
    entry or revoking an absent one is only a warning)."""
    if kind == 'full_access':
        cmdlet, trustee_param, rights = 'MailboxPermission', 'User', 'FullAccess'
        extra = {'Add': {'InheritanceType': 'All', 'AutoMapping': automapping}, 'Remove': {'InheritanceType': 'All'}}
    else:
        cmdlet, trustee_param, rights = 'RecipientPermission', 'Trustee', 'SendAs'
        extra = {'Add': {}, 'Remove': {}}
    calls = []
    for verb, entries in (('Add', change.added), ('Remove', change.removed)):
        for key, shown in entries.items():
            parameters = {'Identity': mailbox_key, trustee_param: trustee_id(key, shown), 'AccessRights': [rights],
                          'Confirm': False}
            parameters.update(extra[verb])
            calls.append(('%s-%s' % (verb, cmdlet), parameters))
    return calls


def read_permissions(invoke, resolver, mailbox, kind):
    """The explicit trustees of one kind on ``mailbox``, as canonical key -> shown value."""
    return trustee_map(resolver, explicit_trustees(invoke, mailbox, kind))


def read_mailboxes(runner, identities, parallel=1):
    """Each identity's ``Get-Mailbox`` row, or the ``ExchangeError`` reading it gave;
    and the number of mailboxes in the organisation when it was read whole (else None).

    More than ten identities are first looked for in ``Get-Mailbox -ResultSize Unlimited``,
    1,000 to a page, for at most as many pages as reading them ten to a ``$batch`` would take
    requests; whatever that leaves (not found, or a name that may be ambiguous) is read ten
    to a ``$batch``, which gives the service's own answer for it.
    """
    wanted = list(dict.fromkeys(identities))
    found, org_size = {}, None
    if len(wanted) > BATCH_SIZE:
        found, org_size = find_in_pages(runner, 'Get-Mailbox', wanted, budget=batches(len(wanted)))
    rest = [i for i in wanted if i not in found]
    answers = runner.invoke_all([('Get-Mailbox', {'Identity': i}) for i in rest], parallel=parallel)
    for identity, answer in zip(rest, answers):
        if not isinstance(answer, ExchangeError) and not answer:
            answer = CmdletError("'%s' was not found" % identity, kind='not_found', cmdlet='Get-Mailbox')
        found[identity] = answer if isinstance(answer, ExchangeError) else answer[0]
    return found, org_size


def _send_as_org_wide_pays(org_size, mailboxes):
    """Whether reading Send As organisation-wide costs fewer requests than ten mailboxes to a
    ``$batch``. Exchange lists NT AUTHORITY\\SELF's Send As on every recipient, so the read holds
    at least one row per mailbox: estimate two, pages of 1,000."""
    return org_size is not None and -(-2 * org_size // 1000) < batches(mailboxes)


# What the organisation-wide Send As read needs of each row (a row holds more: IsValid, InheritanceType ...).
_SEND_AS_READ = ('Identity', 'Trustee', 'AccessRights', 'IsInherited', 'AccessControlType')


def _kept_trustees(call, answer):
    """What :func:`read_all_trustees` keeps of one permission read's answer, as it comes: the
    trustees it names (each spelling one shared string), or its error; never the rows, ten per
    mailbox for Full Access, which for 10,000 mailboxes were the largest part of a bulk task's memory."""
    if isinstance(answer, ExchangeError):
        return answer
    return _interned_trustees('full_access' if call[0] == 'Get-MailboxPermission' else 'send_as', answer)


def _interned_trustees(kind, rows):
    """The trustees ``rows`` name (:func:`trustees_from_rows`), each spelling one shared string."""
    return [intern(str(trustee)) for trustee in trustees_from_rows(None, kind, rows)]


# Send As entries in a task from which its organisation-wide read is started before the mailboxes
# are read (SendAsRead). It pays where the organisation holds fewer than 50 mailboxes per entry; a
# wrong guess costs the pages it read while the mailboxes were read (a few: that read is short too).
SPECULATE_SEND_AS = 20


class SendAsRead(object):
    """The organisation-wide Send As read (one chain of pages: Get-RecipientPermission takes no
    filter to split it by) on a thread of its own, started when asked, which may be before the
    mailboxes it is for are read, so the chain overlaps everything else; ``abandon()`` stops it
    after the page it is reading when it turns out not to pay. It keeps the explicit trustees of
    each row by the row's ``Identity``."""

    def __init__(self, runner):
        self._stop = threading.Event()
        self._done = threading.Event()
        self._by_identity = None
        threading.Thread(target=self._read, args=(runner,), daemon=True).start()

    @classmethod
    def speculative(cls, runner, entries):
        """The read started at once for a task with ``entries`` Send As entries, when that many
        make it likely to pay (:data:`SPECULATE_SEND_AS`), else None."""
        return cls(runner) if entries >= SPECULATE_SEND_AS else None

    def _read(self, runner):
        with ConcurrencyGate.first():
            self._read_pages(runner)

    def _read_pages(self, runner):
        """Its pages, each sent before the fan-out's waiting requests (``ConcurrencyGate.first``):
        a page waits for the one before, so waiting behind the Full Access batches too made each
        page of the chain half as slow again (31 pages ended after the 1,000 batches at 10,000)."""
        by_identity = {}
        pages = runner.pages('Get-RecipientPermission', {'AccessRights': 'SendAs', 'ResultSize': 'Unlimited'},
                             select=_SEND_AS_READ)
        try:
            for page in pages:
                if self._stop.is_set():
                    return
                for row in page:
                    trustees = _interned_trustees('send_as', [row])
                    if trustees:
                        by_identity.setdefault(str(row.get('Identity')).lower(), []).extend(trustees)
            self._by_identity = by_identity
        except ExchangeError:
            pass
        finally:
            pages.close()
            self._done.set()

    def abandon(self):
        self._stop.set()

    def grouped(self, mailboxes):
        """Each of ``mailboxes``' Send As trustees by mailbox key, once the read is done, or None
        when the service refused it."""
        self._done.wait()
        if self._by_identity is None:
            return None
        by_name = {}
        for mailbox in mailboxes:
            for name in mailbox.names:
                by_name.setdefault(name, mailbox.key)
        grouped = {mailbox.key: [] for mailbox in mailboxes}
        for identity, trustees in self._by_identity.items():
            key = by_name.get(identity)
            if key is not None:
                grouped[key].extend(trustees)
        return grouped


def _explicit_rows(runner, wanted, parallel, org_size, send_as_read=None):
    """``({(mailbox key, kind): trustees or ExchangeError}, Send As trustees by mailbox key or None)``.

    The organisation-wide Send As read is one chain of pages (Get-RecipientPermission takes no
    filter to split it by), so it goes on a thread of its own (``send_as_read`` when the caller
    started it earlier, a :class:`SendAsRead`) side by side with the Full Access ``$batch``
    requests instead of before them; where the service refuses it, Send As is read ten mailboxes
    to a ``$batch`` after all."""
    send_as = [mailbox for mailbox, kinds in wanted if 'send_as' in kinds]
    org_wide = bool(send_as) and _send_as_org_wide_pays(org_size, len(send_as))
    if not org_wide and send_as_read is not None:
        send_as_read.abandon()

    def batched(kinds_read):
        reads = [(mailbox, kind) for mailbox, kinds in wanted for kind in kinds
                 if kind in kinds_read and permission_reads(mailbox, kind)]
        return dict(zip(((m.key, k) for m, k in reads),
                        runner.invoke_all([permission_reads(m, k) for m, k in reads], parallel=parallel,
                                          each=_kept_trustees)))

    if not org_wide:
        return batched(KINDS), None
    pending = send_as_read or SendAsRead(runner)
    answers = batched([kind for kind in KINDS if kind != 'send_as'])
    grouped = pending.grouped(send_as)
    if grouped is None:
        answers.update(batched(['send_as']))
    return answers, grouped


def remember_mailboxes(resolver, plans, kinds):
    """``[(mailbox, kinds)]`` for :func:`read_all_trustees`: each found plan's mailbox, kept by
    ``resolver`` (which keeps what it needs of the row), with the kinds its entries name
    (``kinds(entry)``), one pair per mailbox. Each plan keeps only its row's summary from here, so
    the rows read are let go before the trustees are read."""
    wanted = {}
    for plan in plans:
        mailbox = resolver.remember(plan.row)
        wanted.setdefault(mailbox.key, (mailbox, set()))[1].update(kinds(plan.entry))
        plan.row = summary_row(plan.row)
    return list(wanted.values())


def read_all_trustees(runner, resolver, wanted, parallel=1, org_size=None, also=(), send_as_read=None):
    """The explicit trustees of many mailboxes, read in bulk, and every trustee looked up.

    ``wanted`` is a list of ``(mailbox, kinds)`` (a resolved Recipient and the kinds to read).
    Full Access goes ten mailboxes to a ``$batch`` (it has no organisation-wide form); Send As
    is read organisation-wide when ``org_size`` (mailboxes in the organisation, from
    :func:`read_mailboxes`) says that is cheaper, side by side with the Full Access reads, else
    ten to a ``$batch`` too; Send on Behalf is in the mailbox rows. Only the trustees of each
    answer are kept, as it comes. Every trustee spelling is then resolved through ``resolver.prefetch``, together with the identities in
    ``also`` (those the task asks for), in one go. ``send_as_read`` is the organisation-wide Send As
    read when the caller started it before reading the mailboxes (:meth:`SendAsRead.speculative`);
    it is used if it pays and abandoned if not. Returns ``{mailbox.key: {kind: trustees or
    ExchangeError}}``.
    """
    early = asked_lookup(runner, resolver, also, parallel)
    answers, grouped = _explicit_rows(runner, wanted, parallel, org_size, send_as_read)
    early.join()
    trustees = {}
    spellings = []
    for mailbox, kinds in wanted:
        for kind in kinds:
            if kind == 'send_as' and grouped is not None:
                names = grouped[mailbox.key]
            elif kind == 'send_on_behalf':
                names = trustees_from_rows(mailbox, kind, ())
            else:
                names = answers[(mailbox.key, kind)]
            trustees.setdefault(mailbox.key, {})[kind] = names
            if not isinstance(names, ExchangeError):
                spellings.extend(names)
    # The trustees found that the early lookup settled cost nothing here: only the others are read.
    resolver.prefetch(runner, (), parallel, labels=spellings)
    return trustees


def opath_text(text):
    """``text`` as a single-quoted OPATH value: a quote inside is doubled, so a name such as
    O'Brien neither breaks nor extends the filter."""
    return "'%s'" % str(text).replace("'", "''")


def held_reads(trustee):
    """The organisation-wide reads of what one trustee (a Get-Recipient row) holds, kind ->
    ``(cmdlet, parameters)``: Send As through Get-RecipientPermission's own ``-Trustee``, Send on
    Behalf through a filter on the mailboxes' ``GrantSendOnBehalfTo``, which, being a link, takes
    the trustee's distinguished name. Full Access has no organisation-wide read: see
    :func:`full_access_reads`."""
    return {
        'send_as': ('Get-RecipientPermission', {'Trustee': str(trustee['Guid']), 'AccessRights': 'SendAs',
                                                'ResultSize': 'Unlimited'}),
        'send_on_behalf': ('Get-Mailbox', {'Filter': 'GrantSendOnBehalfTo -eq %s' % opath_text(trustee['DistinguishedName']),
                                           'ResultSize': 'Unlimited'}),
    }


# What a whole-organisation mailbox list needs of each row: a Get-Mailbox row is about 16 KB, so
# ``$select`` keeps a page of 1,000 to a few dozen KB (a service that ignores it costs only bytes).
_LISTED = ('Guid', 'PrimarySmtpAddress', 'Identity')


def every_mailbox(runner):
    """Every mailbox of the organisation as ``(key, shown)`` in key order, read 1,000 to a page
    with only the properties that name it (in streams side by side when it is many pages)."""
    pages = organisation_pages(runner, 'Get-Mailbox', {'ResultSize': 'Unlimited'}, _LISTED)
    return sorted((str(row.get('Guid') or row.get('Identity')).lower(), row.get('PrimarySmtpAddress') or row.get('Identity'))
                  for page in pages for row in page)


def full_access_reads(mailboxes, trustee_key):
    """The reads of one trustee's entry on each of ``mailboxes`` (keys): Exchange Online has no
    organisation-wide Full Access read by trustee, so each mailbox is asked with ``-User``, which
    keeps every answer to that trustee's own rows (sent ten to a ``$batch``)."""
    return [('Get-MailboxPermission', {'Identity': key, 'User': trustee_key}) for key in mailboxes]


def holds_full_access(rows):
    """Whether the rows of a ``-User`` read hold an explicit Full Access entry of that user."""
    return bool(trustees_from_rows(None, 'full_access', rows))


def removal_calls(kind, place, trustee_key):
    """The idempotent ``(cmdlet, parameters)`` that removes the trustee ``trustee_key``'s ``kind``
    (full_access, send_as, send_on_behalf) on the mailbox or recipient ``place``."""
    change = SimpleNamespace(added={}, removed={trustee_key: trustee_key})
    if kind == 'send_on_behalf':
        return [('Set-Mailbox', {'Identity': place, 'GrantSendOnBehalfTo': send_on_behalf_change(change)})]
    return permission_writes(place, kind, change, None)
