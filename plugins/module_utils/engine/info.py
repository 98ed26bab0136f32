# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""The engine of the ``_info`` modules: a module declares what it lists, the engine reads.

One object by ``identity``, several by a list option (ten to a request, each once, the ones that
name nothing listed in ``not_found``), or every object an OPATH ``filter`` selects (every page, or
the first ``result_size``); the same argument spec, the same checks and the same not-found and
ambiguous handling for every kind of object.
"""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import one_row
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import SPLIT_AFTER_PAGES, organisation_pages
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import AMBIGUOUS, INVALID_ARGUMENT, NOT_FOUND, ExchangeError


class FilterRefused(ExchangeError):
    """The service refused the ``filter`` option's value: the message names the option and the value
    first (as ``ExoModule.query`` fails), the service's error as it is after it."""

    def __init__(self, opath, err):
        super().__init__(err.message, kind=err.kind, exception_type=err.exception_type, error_id=err.error_id,
                         status=err.status, cmdlet=err.cmdlet)
        self.shown = "filter: '%s' was refused: %s" % (opath, err)

    def __str__(self):
        return self.shown


class Listing(object):
    """The declaration of an ``_info`` module; subclass attributes say what differs.

    ``cmdlet`` reads (``Get-Recipient``), each read carrying ``parameters`` (such as
    ``RecipientTypeDetails``); ``key`` is the result's list (``contacts``), ``many`` the option
    that lists several objects (by default the same name), ``what`` how messages call one;
    ``one``: the option that names one object (None: there is none); ``result_size``: whether a
    filtered read may be cut short; ``options``: the argument spec of further options, of which
    ``narrowing`` narrow the organisation-wide read (so they go with ``filter``, not with named
    objects); ``exclusive``: further groups of options that exclude each other; ``filter``: whether
    the organisation-wide read takes an OPATH ``filter`` option; ``several``: whether an option lists
    several objects (``many``). :meth:`read_calls` may read one object with several cmdlets (an
    on-premises and a remote mailbox), their rows taken together.
    :meth:`input_problem` refuses input no read can serve; :meth:`pick` keeps the rows of a named
    object that the task asks for. :meth:`facts` is the result's view of one row; :meth:`complete` may read
    more for all rows at once (members, say).
    """

    cmdlet = None
    parameters = {}
    key = None
    one = 'identity'
    many = None
    what = 'object'
    result_size = True
    narrowing = ()
    exclusive = ()
    options = {}
    filter = True
    several = True
    # The properties the organisation-wide read asks for ($select), or None for whole rows.
    select = None

    def __init__(self, module):
        self.module = module

    def read_call(self, identity):
        return self.cmdlet, dict(self.parameters, Identity=identity)

    def read_calls(self, identity):
        """The reads of one named object: :meth:`read_call`."""
        return [self.read_call(identity)]

    def facts(self, row):
        return row

    def complete(self, rows):
        """The result's entries for ``rows`` (all of them at once): :meth:`facts` of each."""
        return [self.facts(row) for row in rows]

    @staticmethod
    def input_problem(params):
        """A message naming the option and the value for input of this module's own options that
        nothing can be read with, or None."""
        return None

    def pick(self, rows):
        """The rows of the object ``one`` names that the task asks for: all of them."""
        return rows

    def named(self, identities, option):
        """The rows the identities name, each object once, and the identities that name none. An
        identity that matches several objects fails, naming every such identity."""
        rows, missing, problems = {}, [], []
        calls = [self.read_calls(identity) for identity in identities]
        answers = iter(self.module.invoke_all([call for reads in calls for call in reads]))
        for identity, reads in zip(identities, calls):
            answer = taken_together([next(answers) for unused in reads])
            # Only an ambiguous identity is listed with the others; any other error (a credential
            # refused, say) fails the task as it is.
            if (isinstance(answer, ExchangeError) and answer.kind == AMBIGUOUS) or (isinstance(answer, list) and len(answer) > 1):
                problems.append("'%s' matches more than one %s" % (identity, self.what))
                continue
            row = one_row(answer, option, identity, self.what)
            if row is None:
                missing.append(identity)
            else:
                rows.setdefault(str(row.get('Guid') or row.get('Identity')).lower(), row)
        if problems:
            raise ExchangeError('%s: %s; give an SMTP address or GUID' % (option, '; '.join(problems)),
                                kind=INVALID_ARGUMENT)
        return list(rows.values()), missing

    def read(self):
        params = self.module.params
        many = self.many or self.key
        result = dict(changed=False)
        if self.several and params[many] is not None:
            rows, result['not_found'] = self.named(params[many], many)
        elif self.one and params[self.one] is not None:
            rows = self.pick(self.named([params[self.one]], self.one)[0])
        else:
            rows = self.everything()
        result[self.key] = self.complete(rows)
        return result

    def everything(self):
        """The rows the organisation-wide read gives, narrowed by ``filter`` (every page). Read whole
        (no ``result_size``) by a runner that pages, a long read comes in Guid streams side by side
        (:func:`identities.organisation_pages`) and its rows are put in Guid order (:func:`in_order`)."""
        params = self.module.params
        narrowed = dict(select=self.select) if self.select else {}
        runner = getattr(self.module, 'runner', None)
        if params.get('result_size') or not hasattr(runner, 'split_pages'):
            return self.module.query(self.cmdlet, params['filter'], params.get('result_size'), **narrowed, **self.query_parameters())
        opath = params['filter']
        parameters = dict(self.query_parameters(), ResultSize='Unlimited', **({'Filter': opath} if opath else {}))
        try:
            share = ValueSharing()
            return in_order([share(row) for page in organisation_pages(runner, self.cmdlet, parameters, self.select) for row in page],
                            SPLIT_AFTER_PAGES * getattr(runner, 'page_size', 1000))
        except ExchangeError as err:
            if err.kind != INVALID_ARGUMENT or not opath:
                raise
            # Raised, not failed here: the export reads sections in threads, and only run() may fail the task.
            raise FilterRefused(opath, err) from err

    def query_parameters(self):
        """The parameters of the organisation-wide read besides the filter and the size."""
        return dict(self.parameters)


class ValueSharing(object):
    """Makes the equal texts of the rows of one read one object each, row by row as the pages come
    (the page's own copies are then freed). Parsed apart, every row holds its own copy of texts that
    most rows share (its type, quotas, policies, a database's name) and, within a row, of its address
    (also its UPN, Windows and Live IDs): at 120,000 mailboxes, hundreds of MB. A property whose texts
    turn out to differ across rows (a Guid, a name) stops being remembered after ``distinct`` of them,
    so what this keeps stays small whatever the read's size; the rows' values are unchanged."""

    def __init__(self, distinct=64):
        self.distinct = distinct
        self.seen = {}

    def __call__(self, row):
        """``row`` itself, its texts (also in lists) replaced by equal ones already held."""
        own = {}
        for name, value in row.items():
            if isinstance(value, str):
                row[name] = self._shared(name, value, own)
            elif isinstance(value, list):
                row[name] = [self._shared(name, item, own) if isinstance(item, str) else item for item in value]
        return row

    def _shared(self, name, text, own):
        """The object for ``text``: the row's own when it holds it already, else the one the
        property's earlier rows hold, else ``text`` (remembered while the property has few texts)."""
        found = own.get(text)
        if found is None:
            texts = self.seen.setdefault(name, {})
            found = texts.get(text) if texts is not None else None
            if found is None:
                found = text
                if texts is not None and len(texts) < self.distinct:
                    texts[text] = text
                elif texts is not None:
                    self.seen[name] = None
            own[text] = found
        return found


def in_order(rows, chain_rows):
    """``rows`` as one read gives them: a read of more than ``chain_rows`` came in streams, in no
    fixed order, so it is sorted by Guid (then Identity) so that two reads of the same objects list
    them alike; a shorter read keeps the service's order."""
    if len(rows) <= chain_rows:
        return rows
    return sorted(rows, key=lambda row: (str(row.get('Guid') or '').lower(), str(row.get('Identity') or '')))


def taken_together(answers):
    """The answers to the reads of one object as one answer: the rows of all of them; an error
    other than not-found when one raised it (not-found: none of its rows)."""
    if len(answers) == 1:
        return answers[0]
    failed = [a for a in answers if isinstance(a, ExchangeError) and a.kind != NOT_FOUND]
    return failed[0] if failed else [row for answer in answers if not isinstance(answer, ExchangeError) for row in answer]


def listing_spec(listing):
    """The argument spec of an ``_info`` module, and AnsibleModule's checks, as keyword arguments."""
    many = (listing.many or listing.key) if listing.several else None
    named = tuple(option for option in (listing.one, many) if option)
    spec = dict((option, dict(type='list', elements='str') if option == many else dict(type='str')) for option in named)
    if listing.filter:
        spec['filter'] = dict(type='str')
    narrowing = (('filter',) if listing.filter else ()) + (('result_size',) if listing.result_size else ()) + tuple(listing.narrowing)
    if listing.result_size:
        spec['result_size'] = dict(type='int')
    spec.update((name, dict(option)) for name, option in listing.options.items())
    exclusive = [named + (option,) for option in narrowing]
    return dict(argument_spec=spec, mutually_exclusive=exclusive + [tuple(group) for group in listing.exclusive])


def check_listing(listing, params):
    """A message naming the option and the value for input nothing can be read with, or None."""
    many = listing.many or listing.key
    for option in (listing.one, 'filter'):
        if option and params.get(option) is not None and not params[option].strip():
            return '%s: %r must not be empty' % (option, params[option])
    for value in params.get(many) or () if listing.several else ():
        if not isinstance(value, str) or not value.strip():
            return '%s: %r is not an identity; give a name, alias, address or GUID' % (many, value)
    if params.get('result_size') is not None and params['result_size'] < 1:
        return 'result_size: %s must be 1 or more' % params['result_size']
    return listing.input_problem(params)
