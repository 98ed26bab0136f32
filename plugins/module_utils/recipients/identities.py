# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Recipient identities and the result shape of a mailbox, shared by every recipient module.

Exchange accepts many spellings of one recipient (name, alias, UPN, any SMTP address, GUID,
distinguished name) and reports trustees in yet another (a UPN, a display name, a DOMAIN\\user).
Everything is compared by one canonical key, the recipient's GUID, so ``Alice``,
``alice@contoso.com`` and her GUID are the same trustee.
"""

from __future__ import annotations

import re

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import (
    CmdletError,
    ExchangeError,
)
from ansible_collections.mailops.exchange.plugins.module_utils.runners.fanout import Background
from ansible_collections.mailops.exchange.plugins.module_utils.transport.http import ConcurrencyGate

# PROTOCOL.md section 1: ten requests per $batch.
BATCH_SIZE = 10

_GUID = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')

# The properties whose values identify a recipient, as Get-Recipient and Get-Mailbox return them.
_IDENTIFYING = (
    'Guid', 'ExchangeObjectId', 'ExternalDirectoryObjectId', 'ExchangeGuid', 'Identity', 'Id',
    'Name', 'Alias', 'UserPrincipalName', 'PrimarySmtpAddress', 'WindowsEmailAddress',
    'WindowsLiveID', 'MicrosoftOnlineServicesID', 'DistinguishedName', 'SamAccountName',
    'LegacyExchangeDN',
)


# Properties whose values are GUIDs: no other recipient can answer to one of them.
_GUID_VALUED = ('Guid', 'ExchangeObjectId', 'ExternalDirectoryObjectId', 'ExchangeGuid')


def recipient_key(row):
    """The canonical key of the recipient a row describes (:attr:`Recipient.key`), its GUID."""
    return folded_text(row.get('Guid') or row.get('ExchangeObjectId') or row.get('Identity'))


# What a row must keep to be summarised (object_summary) and keyed (recipient_key) once its
# recipient is remembered: a plan that holds the rest for every mailbox holds the tenant twice.
SUMMARY_READ = ('Guid', 'ExchangeObjectId', 'Identity', 'Name', 'DisplayName', 'PrimarySmtpAddress')


def summary_row(row):
    """The properties of ``row`` in :data:`SUMMARY_READ` that it has."""
    return dict((name, row[name]) for name in SUMMARY_READ if name in row)


# What a Recipient keeps of its row (:attr:`Recipient.row`): what describe, taken, unique_names,
# the Send on Behalf read and the other modules' lookups read of it.
RECIPIENT_ROW = _GUID_VALUED + ('Identity', 'Name', 'DisplayName', 'PrimarySmtpAddress', 'RecipientTypeDetails',
                                'GrantSendOnBehalfTo')


def folded_text(value):
    """``value`` lower-cased, as the very same string when it already is (GUIDs, most addresses):
    ``str.lower`` makes a copy even then, and a bulk task folds every name of 20,000 rows."""
    text = str(value)
    folded = text.lower()
    return text if folded == text else folded


class Recipient(object):
    """One resolved recipient: its canonical key, how it is shown, and every name it answers to.

    ``names`` are its identifying values; ``display_name`` is kept apart because it is not an
    identity of its own, yet the service counts it when it decides whether a name is ambiguous
    (see :meth:`answers_to`). ``row`` keeps of the row read only :data:`RECIPIENT_ROW`: a bulk
    task holds a Recipient for every mailbox and trustee, and the rest of a row (its distinguished
    names, every proxy address) only made its names.
    """

    __slots__ = ('key', 'shown', 'names', 'display_name', 'row')

    def __init__(self, row):
        self.row = dict((name, row[name]) for name in RECIPIENT_ROW if name in row)
        self.key = recipient_key(row)
        self.shown = (row.get('PrimarySmtpAddress') or row.get('UserPrincipalName')
                      or row.get('Name') or row.get('Identity'))
        names = {}
        for prop in _IDENTIFYING:
            value = row.get(prop)
            if value:
                folded = folded_text(value)
                names.setdefault(folded, folded)
        for address in row.get('EmailAddresses') or ():
            prefix, sep, rest = str(address).partition(':')
            if sep and prefix.lower() == 'smtp':
                folded = folded_text(rest)
                names.setdefault(folded, folded)
        # A tuple of its few distinct names: a frozenset of eight is about 700 bytes, the tuple 120,
        # and a bulk task holds a Recipient for every mailbox and every trustee.
        self.names = tuple(names)
        self.display_name = folded_text(row.get('DisplayName') or '')

    def answers_to(self, folded):
        """Whether the service could take the lower-cased ``folded`` to mean this recipient:
        one of its names, or its display name (which makes a name that is also someone's
        display name ambiguous, as Exchange resolves identities)."""
        return folded in self.names or (bool(folded) and folded == self.display_name)

    def unique_names(self):
        """The names no other recipient can answer to, so that a row already read settles them
        without asking the service: GUIDs, and SMTP addresses and UPNs (see
        :func:`_unique_everywhere`)."""
        unique = {folded_text(self.row[prop]) for prop in _GUID_VALUED if self.row.get(prop)}
        unique.update(name for name in self.names if _unique_everywhere(name))
        return unique


class IdentityError(ExchangeError):
    """An identity given in an option could not be resolved to exactly one recipient.

    Its message already names the option and the value; the service's exception type stays
    available as ``exception_type`` for the result, out of the message.
    """

    def __str__(self):
        return self.message


# How many unresolved identities one error message lists.
MAX_PROBLEMS_SHOWN = 10


class RecipientResolver(object):
    """Resolves identities to recipients through ``Get-Recipient``, asking once per spelling.

    A spelling is answered without the service only when the answer cannot differ from the
    service's: a GUID, address or UPN of a row already read, a spelling the service itself
    resolved, or one that a complete organisation-wide read settled. Names, aliases and display
    names are never taken from a row read for another reason: another recipient may answer to
    the same text, and then the service refuses it as ambiguous.

    ``invoke`` is a runner's ``invoke(cmdlet, parameters)``. ``warn`` is given in check mode: an
    identity that :meth:`resolve_all` does not find for an object that does not exist yet either
    is then assumed to be created by an earlier task of the run too (a new shared mailbox made a
    member of a new group), shown as given, with a warning.
    """

    def __init__(self, invoke, warn=None):
        self._invoke = invoke
        self._warn = warn
        self._by_name = {}
        self._by_label = {}
        self._looked_up = {}
        self._candidates = {}

    def prefetch(self, runner, identities, parallel=1, pages=True, labels=()):
        """Resolve every identity not known yet in as few requests as the organisation allows,
        so that :meth:`lookup` answers them without a call.

        Many unknown identities are first looked for in the organisation-wide ``Get-Recipient``
        (see :func:`find_in_pages`); the rest go ten to a ``$batch``. Each answer is kept as
        :meth:`lookup` would keep it, an error included: it is raised when that identity is
        looked up, so it fails only the objects that name it. An identity that two recipients
        of the read answer to (a name that is also another's display name) is ambiguous, as
        the service would say, without another request.

        ``pages=False`` skips the organisation-wide read, for identities expected to name no
        recipient (new addresses checked to be free): it would find none of them and only add
        its pages, and a page that fails would fail every object at once.

        ``labels`` are names the service reported (trustees, delegates, owners), for
        :meth:`identify`: those that name a row already read cost nothing.
        """
        unknown = {}
        wanted = list(identities) + [label for label in labels if str(label).lower() not in self._by_label]
        for identity in wanted:
            folded = str(identity).lower()
            if folded not in unknown and folded not in self._looked_up and self.known(identity) is None:
                unknown[folded] = identity
        if pages and len(unknown) > BATCH_SIZE:
            ambiguous = {}
            found = find_in_pages(runner, 'Get-Recipient', list(unknown.values()), budget=batches(len(unknown)),
                                  ambiguous=ambiguous)[0]
            # One Recipient per row, however many of the identities name it (a trustee's UPN
            # and Name): each holds its names, about 1 KB.
            recipients = {}
            for identity, row in found.items():
                if id(row) not in recipients:
                    recipients[id(row)] = self.remember(row)
                self._looked_up[str(identity).lower()] = recipients[id(row)]
            for identity, rows in ambiguous.items():
                self._looked_up[str(identity).lower()] = CmdletError(
                    "The operation couldn't be performed because '%s' matches multiple entries." % identity,
                    kind='ambiguous', cmdlet='Get-Recipient')
                self._candidates[str(identity).lower()] = [Recipient(row) for row in rows]
        rest = [i for f, i in unknown.items() if f not in self._looked_up and self.known(i) is None]
        answers = runner.invoke_all([('Get-Recipient', {'Identity': i}) for i in rest], parallel=parallel)
        for identity, answer in zip(rest, answers):
            if isinstance(answer, ExchangeError):
                recipient = None if answer.kind == 'not_found' else answer
            else:
                recipient = self.remember(answer[0]) if len(answer) == 1 else None
            self._looked_up[str(identity).lower()] = recipient

    def remember(self, row):
        """Index a recipient row already read (for example the mailbox itself) under the names
        only it can have (:meth:`Recipient.unique_names`)."""
        recipient = Recipient(row)
        for name in recipient.unique_names():
            self._by_name.setdefault(name, recipient)
        if row.get('Name'):
            self._by_label.setdefault(str(row['Name']).lower(), recipient)
        return recipient

    def identify(self, label):
        """The recipient a label the service itself reported names (a trustee, delegate or
        owner: a UPN, or a recipient's Name), or None when it names none.

        Unlike an identity a user gives, such a label is matched to a row already read by its
        Name too: Exchange keeps Names unique, so the row whose Name it is is the one meant, even
        when the same text is also another recipient's display name.
        """
        found = self._by_label.get(str(label).lower())
        return found if found is not None else self.lookup(label)

    def known(self, text):
        """The recipient ``text`` names, when that is settled without asking the service."""
        folded = str(text).lower()
        found = self._by_name.get(folded)
        if found is None and isinstance(self._looked_up.get(folded), Recipient):
            found = self._looked_up[folded]
        return found

    def lookup(self, text):
        """The recipient ``text`` names, or None when the service knows no such recipient.

        Ambiguity and every other service error are raised, never guessed around.
        """
        found = self.known(text)
        if found is not None:
            return found
        key = str(text).lower()
        if key in self._looked_up:
            found = self._looked_up[key]
            if isinstance(found, ExchangeError):
                raise found
            return found
        try:
            rows = self._invoke('Get-Recipient', {'Identity': text})
        except ExchangeError as err:
            if err.kind == 'ambiguous':
                self._looked_up[key] = err
            if err.kind != 'not_found':
                raise
            rows = []
        recipient = self.remember(rows[0]) if len(rows) == 1 else None
        self._looked_up[key] = recipient
        return recipient

    def candidates(self, text):
        """The recipients an ambiguous ``text`` may mean, for the message that refuses it:
        those whose name, alias, display name or address it is. Empty when they cannot be read
        (the refusal stands; only its message is shorter)."""
        key = str(text).lower()
        if key not in self._candidates:
            quoted = "'%s'" % str(text).replace("'", "''")
            # EmailAddresses compares proxy addresses: asked only for text that can be one.
            props = ('Name', 'Alias', 'DisplayName') + (('EmailAddresses',) if '@' in str(text) else ())
            query = ' -or '.join('%s -eq %s' % (prop, quoted) for prop in props)
            try:
                rows = self._invoke('Get-Recipient', {'Filter': query, 'ResultSize': 'Unlimited'})
            except ExchangeError:
                rows = []
            self._candidates[key] = [Recipient(row) for row in rows]
        return self._candidates[key]

    def ambiguity(self, text):
        """``'text' matches more than one recipient (a, b)``: what the service refuses, naming
        the recipients it could mean, so the user can pick one by address or GUID."""
        shown = sorted({str(recipient.shown) for recipient in self.candidates(text)})
        named = ' (%s)' % ', '.join(shown) if len(shown) > 1 else ''
        return "'%s' matches more than one recipient%s" % (text, named)

    def resolve_all(self, option, identities, for_new_object=False):
        """Resolve every identity given in ``option``; one error lists every one that failed.

        ``for_new_object``: the identities are for an object that does not exist yet (check mode
        predicts it), so in check mode one not found is assumed created by an earlier task.
        Returns a dict of canonical key -> Recipient, in the order given.
        """
        resolved = {}
        problems = []
        for identity in identities:
            try:
                recipient = self.lookup(identity)
            except ExchangeError as err:
                if err.kind != 'ambiguous':
                    raise
                problems.append(self.ambiguity(identity) if len(problems) < MAX_PROBLEMS_SHOWN
                                else "'%s' matches more than one recipient" % identity)
                continue
            if recipient is None and for_new_object and self._warn is not None:
                self._warn("%s: '%s' does not exist yet; check mode assumes an earlier task creates it"
                           % (option, identity))
                recipient = Recipient({'Identity': identity, 'Name': identity,
                                       'PrimarySmtpAddress': identity if '@' in str(identity) else None})
            if recipient is None:
                problems.append("'%s' was not found" % identity)
            else:
                resolved.setdefault(recipient.key, recipient)
        if problems:
            # Hundreds of problems would bury the option's name; the first few show the pattern.
            shown = problems[:MAX_PROBLEMS_SHOWN]
            if len(problems) > len(shown):
                shown.append('and %d more not found or ambiguous' % (len(problems) - len(shown)))
            raise IdentityError('%s: %s; nothing was changed' % (option, '; '.join(shown)),
                                kind='invalid_argument')
        return resolved


def asked_lookup(runner, resolver, identities, parallel, pages=True):
    """The lookup of the identities a task asks for (``resolver.prefetch``), on a thread of its
    own started at once (:class:`fanout.Background`; ``join()`` waits for it and raises what it
    raised), so it runs beside the task's reads instead of after every one of them has answered:
    they are known before any read, and in a converged organisation they are the trustees or
    members the reads find, which then cost nothing more (issue 23: at 10,000 mailboxes the
    trustees' lookup took about 5 s after the 1,000 Full Access batches, the group members' 5 s
    after the member reads). Nothing else may use the resolver until it is joined."""
    identities = list(identities)

    def look_up():
        with ConcurrencyGate.first():
            resolver.prefetch(runner, identities, parallel, pages=pages)

    return Background(look_up)


def needs_lookup(identity):
    """Whether only a lookup settles ``identity``: a name or alias, which rows read for another
    reason never settle (another recipient may answer to it), unlike an address, UPN or GUID."""
    return not _unique_everywhere(identity)


def batches(count):
    """How many ``$batch`` requests ``count`` calls take."""
    return -(-count // BATCH_SIZE)


def _unique_everywhere(identity):
    """Whether no other recipient can answer to ``identity``: an address, a UPN or a GUID.

    Exchange keeps SMTP addresses, UPNs and GUIDs unique in an organisation; names and aliases
    may collide with another recipient's, which only a complete read (or the service) can tell.
    """
    text = str(identity).strip().lower()
    return '@' in text or bool(_GUID.match(text))


# What a row of an organisation-wide read keeps: the properties lookups, permission reads and
# results use. A whole Get-Mailbox row is about 16 KB in memory; 10,000 of them would be most of
# a bulk task's footprint.
_KEPT_FROM_PAGES = frozenset(_IDENTIFYING + ('EmailAddresses', 'GrantSendOnBehalfTo', 'RecipientTypeDetails',
                                             'DisplayName'))


# Public: what a listing that only names, resolves and summarises its rows reads of them ($select).
KEPT_FROM_PAGES = _KEPT_FROM_PAGES


def _trimmed(row):
    """The kept properties of a row, its equal texts one string: a mailbox's address is also its
    UPN, WindowsEmailAddress, WindowsLiveID and MicrosoftOnlineServicesID, each parsed apart."""
    shared = {}
    return {name: shared.setdefault(value, value) if isinstance(value, str) else value
            for name, value in row.items() if name in _KEPT_FROM_PAGES}


# Bounds of the Name ranges an organisation-wide read is split into when the service refuses the
# Guid ranges below: lowercase letters only, which sort alike in any collation; spread for names of
# people and aliases (a tenant whose names all start alike gets fewer useful streams, never a wrong
# answer).
NAME_BOUNDS = ('b', 'd', 'g', 'j', 'm', 'p', 's', 'u')
# Bounds of the Guid ranges an organisation-wide read is split into first, so that its pages come
# in several streams side by side instead of one chain (issue 23): a recipient's Guid is random, so
# ranges by its first hex digit hold about as many recipients each whatever their names (names
# that all start alike, shared0001 and user0001, put a whole organisation in two Name ranges).
GUID_BOUNDS = tuple('%x0000000-0000-0000-0000-000000000000' % digit for digit in range(1, 16))
# An organisation-wide read is split only when it may read more pages than this: a split costs a
# request per stream however few rows each holds.
SPLIT_AFTER = 2 * (len(NAME_BOUNDS) + 1)
# ... and only once its chain of pages has gone on beyond this many (a read of 3,000 rows or fewer
# costs what it did).
SPLIT_AFTER_PAGES = 3


def name_ranges(bounds=NAME_BOUNDS, prop='Name'):
    """OPATH filters that partition recipients by ``prop``: below the first bound, between each
    two, and from the last one on. Every value is in exactly one of them."""
    texts = ["%s -lt '%s'" % (prop, bounds[0])]
    texts += ["%s -ge '%s' -and %s -lt '%s'" % (prop, low, prop, high) for low, high in zip(bounds, bounds[1:])]
    texts.append("%s -ge '%s'" % (prop, bounds[-1]))
    return texts


def guid_ranges():
    """OPATH filters that partition recipients by ``Guid`` (:data:`GUID_BOUNDS`)."""
    return name_ranges(GUID_BOUNDS, 'Guid')


def organisation_pages(runner, cmdlet, parameters, select=None, chain=SPLIT_AFTER_PAGES, at_least=0):
    """The pages of an organisation-wide read of ``cmdlet``. Read as one chain of pages while it
    is short; when it goes on beyond ``chain`` pages, it is read again split into
    :func:`guid_ranges` streams paged side by side (``runner.split_pages``); where the service
    refuses those filters, into :func:`name_ranges` streams; where it refuses those too, as one
    stream. So the rest costs its pages divided by the concurrency rather than one after another
    (the ``chain`` pages read first are the price of not knowing the organisation's size). The
    split's pages come as they are read, in no fixed order, which holds none of them back: a
    caller that needs an order sorts what it keeps.

    ``at_least`` is what the caller knows of the read's size (rows it holds at least, such as the
    distinct identities a task looks for): more than ``chain`` pages' worth of rows splits at once,
    without the chain. A guess too high costs the streams' first requests, a few pages."""
    if at_least > chain * getattr(runner, 'page_size', 1000):
        yield from _split(runner, cmdlet, parameters, select)
        return
    first = runner.pages(cmdlet, parameters, select=select)
    read = []
    for page in first:
        read.append(page)
        if len(read) > chain:
            first.close()
            break
    else:
        yield from read
        return
    del read[:]
    yield from _split(runner, cmdlet, parameters, select)


def _split(runner, cmdlet, parameters, select):
    """The read in :func:`guid_ranges` streams, else :func:`name_ranges` streams, else one."""
    def by_name():
        return runner.split_pages(cmdlet, parameters, name_ranges(), select=select)
    return runner.split_pages(cmdlet, parameters, guid_ranges(), select=select, fallback=by_name)


def find_in_pages(runner, cmdlet, identities, budget, parameters=None, ambiguous=None):
    """Look for ``identities`` in an organisation-wide read of ``cmdlet``, page by page.

    Stops when every identity is found (and none of them could also name a recipient on a later
    page) or after ``budget`` pages (the requests looking them up
    one by one would cost, so this never costs more than that). Returns ``(found, total)``:
    ``found`` maps each identity that exactly one row answers to that row, and ``total`` is the
    number of rows in the organisation, or None when the read stopped early. An identity found
    in an incomplete read is kept only if it cannot also name a recipient not read yet
    (see :func:`_unique_everywhere`); the others are left to an exact read.

    A row answers to an identity as the service resolves it: by any of its names, or by its
    display name, so a name that is one recipient's Name and another's DisplayName is found
    twice and never taken for either. When ``ambiguous`` is a dict, each identity that two
    or more rows answer to is put in it with those rows (ambiguous whatever later pages hold).
    """
    wanted = {str(i).lower(): i for i in identities}
    matches = {}
    total = 0
    complete = False
    params = {'ResultSize': 'Unlimited'}
    params.update(parameters or {})
    # Only what is kept is asked for: a page of whole Get-Mailbox rows is about 16 MB parsed.
    # A budget of many pages reads the organisation in streams side by side (organisation_pages).
    split = budget > SPLIT_AFTER
    # Each identity looked for is a row of the organisation (or a spelling of one): so many that
    # the chain is known to be long split at once.
    pages = organisation_pages(runner, cmdlet, params, _KEPT_FROM_PAGES, at_least=len(wanted)) if split else \
        runner.pages(cmdlet, params, select=_KEPT_FROM_PAGES)
    for number, rows in enumerate(pages, 1):
        total += len(rows)
        for row in rows:
            recipient = Recipient(row)
            # Each of the row's few names looked up in wanted, not wanted walked for each row
            # (frozenset.intersection iterates a dict argument whole: rows x identities, quadratic).
            names = {name for name in recipient.names if name in wanted}
            if recipient.display_name in wanted:
                names.add(recipient.display_name)
            kept = _trimmed(row) if names else None
            for name in names:
                matches.setdefault(name, {})[recipient.key] = kept
        if not split and len(rows) < runner.page_size:
            # A short page is the last one: the read is complete without asking for more.
            complete = True
            break
        if number >= budget:
            break
        if len(matches) == len(wanted) and all(_unique_everywhere(name) for name in wanted):
            break
    else:
        complete = True
    pages.close()
    found = {}
    for name, rows in matches.items():
        if len(rows) == 1 and (complete or _unique_everywhere(name)):
            found[wanted[name]] = next(iter(rows.values()))
        elif len(rows) > 1 and ambiguous is not None:
            # In key order: pages read side by side come in no fixed order.
            ambiguous[wanted[name]] = [rows[key] for key in sorted(rows)]
    return found, (total if complete else None)


# How long Exchange Online keeps a removed mailbox recoverable, its name and addresses taken.
SOFT_DELETE_DAYS = 30


def taken_by_soft_deleted(invoke, err, parameters):
    """The error to report when ``New-Mailbox`` with ``parameters`` met "already exists" (``err``)
    and no live mailbox holds its name or address: if a removed mailbox still recoverable holds
    them, an error that says so and what to do; else ``err`` itself.

    Exchange Online soft-deletes a removed mailbox and keeps its name and addresses for
    SOFT_DELETE_DAYS days; they are invisible to Get-Recipient, so checking that an address is
    free cannot see them.
    """
    for option, value in (('primary_smtp_address', parameters.get('PrimarySmtpAddress')), ('name', parameters.get('Name'))):
        if not value:
            continue
        try:
            rows = invoke('Get-Mailbox', {'Identity': value, 'SoftDeletedMailbox': True})
        except ExchangeError:
            continue
        # A soft-deleted mailbox carries the time it was removed.
        if len(rows) != 1 or not rows[0].get('WhenSoftDeleted'):
            continue
        held = rows[0]
        removed = str(held.get('WhenSoftDeleted') or '').split('.', maxsplit=1)[0].replace('T', ' ')
        return ExchangeError(
            "%s: '%s' is still taken by the mailbox %s (%s), removed%s and kept recoverable by Exchange Online for %d "
            'days; restore it (Undo-SoftDeletedMailbox), purge it (Remove-Mailbox -PermanentlyDelete -Identity %s) '
            'or choose another name and address; nothing was changed'
            % (option, value, held.get('Name'), held.get('PrimarySmtpAddress'), ' on %s UTC' % removed if removed else '',
               SOFT_DELETE_DAYS, held.get('ExchangeGuid') or held.get('Guid')),
            kind=err.kind, exception_type=err.exception_type, cmdlet='New-Mailbox')
    return err


def check_identities(option, values):
    """Fail on empty or blank identities in a list option before anything is sent."""
    for value in values or ():
        if not isinstance(value, str) or not value.strip():
            raise IdentityError('%s: %r is not an identity; give a name, alias, address or GUID'
                                % (option, value), kind='invalid_argument')


def as_text(value):
    """A property value as a string for results: None becomes ''."""
    return '' if value is None else str(value)


def object_summary(row):
    """The least a noun result key (``mailbox``, ``group`` ...) shows of its object, in every module:
    ``identity``, ``display_name`` and ``primary_smtp_address`` of an Exchange row (an object not
    created yet, in check mode, is known by its address, or by its name when there is none)."""
    row = row or {}
    return {'identity': as_text(row.get('Identity') or row.get('PrimarySmtpAddress') or row.get('Name')),
            'display_name': as_text(row.get('DisplayName')), 'primary_smtp_address': as_text(row.get('PrimarySmtpAddress'))}


# The mailbox types exo_mailbox creates and converts between, as RecipientTypeDetails shows them.
MAILBOX_TYPES = {
    'regular': 'UserMailbox',
    'shared': 'SharedMailbox',
    'room': 'RoomMailbox',
    'equipment': 'EquipmentMailbox',
}


def hold_duration_days(value):
    """Days of a time span as Exchange shows one (``365``, ``365.00:00:00``, ``00:00:00`` for
    less than a day: a real RetainDeletedItemsFor of 0); None for ``Unlimited`` or nothing."""
    text = as_text(value).strip()
    if not text or text.lower() == 'unlimited':
        return None
    days = text.split('.', 1)[0]
    return 0 if ':' in days else int(days)


# The ArchiveGuid of a mailbox that never had an archive.
NULL_GUID = '00000000-0000-0000-0000-000000000000'


def archive_enabled(row):
    """Whether a Get-Mailbox row has an archive: ``ArchiveStatus`` Active, or an archive GUID
    with an archive database (``ArchiveStatus`` is reported to stay None for a while after the
    archive is made; a disabled archive keeps its GUID but loses its database)."""
    if as_text(row.get('ArchiveStatus')).lower() == 'active':
        return True
    return bool(row.get('ArchiveDatabase')) and as_text(row.get('ArchiveGuid')) not in ('', NULL_GUID)


def _optional_int(value):
    return None if value is None or value == '' else int(value)


def custom_attribute_facts(row):
    """``{'1': text, ...}``: the CustomAttribute1..15 of a recipient row that are set."""
    return dict((str(number), row['CustomAttribute%d' % number]) for number in range(1, 16)
                if row.get('CustomAttribute%d' % number))


# The properties mailbox_facts reads of a row: what a listing whose results include them asks for ($select).
MAILBOX_FACTS_READ = frozenset((
    'Identity', 'Guid', 'ExchangeGuid', 'ExternalDirectoryObjectId', 'Name', 'Alias', 'DisplayName', 'UserPrincipalName',
    'PrimarySmtpAddress', 'EmailAddresses', 'RecipientTypeDetails', 'ResourceCapacity', 'HiddenFromAddressListsEnabled',
    'LitigationHoldEnabled', 'LitigationHoldDuration', 'LitigationHoldOwner', 'GrantSendOnBehalfTo', 'ForwardingSmtpAddress',
    'DeliverToMailboxAndForward', 'ArchiveStatus', 'ArchiveDatabase', 'ArchiveGuid', 'AutoExpandingArchiveEnabled',
    'RetentionPolicy', 'RetainDeletedItemsFor', 'MessageCopyForSentAsEnabled', 'MessageCopyForSendOnBehalfEnabled',
    'ForwardingAddress', 'ProhibitSendQuota', 'ProhibitSendReceiveQuota', 'IssueWarningQuota',
) + tuple('CustomAttribute%d' % number for number in range(1, 16)))


def mailbox_facts(row):
    """The documented snake_case view of a mailbox row, the same in every module's result."""
    types = {details: name for name, details in MAILBOX_TYPES.items()}
    custom = custom_attribute_facts(row)
    return {
        'identity': as_text(row.get('Identity')),
        'guid': as_text(row.get('Guid')),
        'exchange_guid': as_text(row.get('ExchangeGuid')),
        'external_directory_object_id': as_text(row.get('ExternalDirectoryObjectId')),
        'name': as_text(row.get('Name')),
        'alias': as_text(row.get('Alias')),
        'display_name': as_text(row.get('DisplayName')),
        'user_principal_name': as_text(row.get('UserPrincipalName')),
        'primary_smtp_address': as_text(row.get('PrimarySmtpAddress')),
        'email_addresses': list(row.get('EmailAddresses') or []),
        'recipient_type_details': as_text(row.get('RecipientTypeDetails')),
        'type': types.get(row.get('RecipientTypeDetails')),
        'resource_capacity': _optional_int(row.get('ResourceCapacity')),
        'hidden_from_address_lists': bool(row.get('HiddenFromAddressListsEnabled')),
        'litigation_hold': {
            'enabled': bool(row.get('LitigationHoldEnabled')),
            'duration_days': hold_duration_days(row.get('LitigationHoldDuration')),
            'owner': as_text(row.get('LitigationHoldOwner')),
        },
        'grant_send_on_behalf_to': list(row.get('GrantSendOnBehalfTo') or []),
        'forwarding_smtp_address': as_text(row.get('ForwardingSmtpAddress')),
        'deliver_to_mailbox_and_forward': bool(row.get('DeliverToMailboxAndForward')),
        'custom_attributes': custom,
        'archive': archive_enabled(row),
        'auto_expanding_archive': bool(row.get('AutoExpandingArchiveEnabled')),
        'retention_policy': as_text(row.get('RetentionPolicy')),
        'retain_deleted_items_for': hold_duration_days(row.get('RetainDeletedItemsFor')),
        'message_copy_for_sent_as_enabled': bool(row.get('MessageCopyForSentAsEnabled')),
        'message_copy_for_send_on_behalf_enabled': bool(row.get('MessageCopyForSendOnBehalfEnabled')),
        'forwarding_address': as_text(row.get('ForwardingAddress')),
        'prohibit_send_quota': as_text(row.get('ProhibitSendQuota')),
        'prohibit_send_receive_quota': as_text(row.get('ProhibitSendReceiveQuota')),
        'issue_warning_quota': as_text(row.get('IssueWarningQuota')),
    }


def describe(recipient):
    """A recipient as messages name it: its type and its address, ``UserMailbox 'alice@contoso.com'``."""
    return "%s '%s'" % (recipient.row.get('RecipientTypeDetails') or 'recipient', recipient.shown)


def taken(resolver, option, value, own_key=None):
    """A message when a recipient other than ``own_key`` already holds ``value`` as one of its
    names (``option`` ``name``: its Name; otherwise any of its addresses and names), or None.

    A value that names several recipients is left for the service to judge: a create then fails
    with the service's own error.
    """
    try:
        holder = resolver.lookup(value)
    except ExchangeError as err:
        if err.kind != 'ambiguous':
            raise
        return None
    if holder is None or holder.key == own_key:
        return None
    held = holder.names if option != 'name' else [str(holder.row.get('Name', '')).lower()]
    if str(value).lower() in held:
        return "%s: '%s' is already used by %s" % (option, value, describe(holder))
    return None


def holders(resolver, addresses, own_key=None):
    """Who already holds each of ``addresses`` besides the recipient ``own_key``: a message per
    address taken (by another recipient, or by several), in the order given; none when all are free.

    Proxy addresses are unique in an organisation, so a write that gives one to a second recipient
    fails; checking first fails the object before any write, naming the address and its holder.
    """
    problems = []
    for address in addresses:
        try:
            owner = resolver.lookup(address)
        except ExchangeError as err:
            if err.kind != 'ambiguous':
                raise
            problems.append("'%s' is already used by more than one recipient" % address)
            continue
        if owner is not None and owner.key != own_key:
            problems.append("'%s' is already used by %s" % (address, describe(owner)))
    return problems
