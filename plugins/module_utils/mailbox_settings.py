# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-mailbox settings that one ``Get-<Noun>`` reads and one ``Set-<Noun>`` changes.

Auto-replies (MailboxAutoReplyConfiguration) and regional settings
(MailboxRegionalConfiguration) work the same way: read the object, compare each desired
property with its own notion of equal, send only the properties that differ in one Set call,
and read the object back, because Exchange rewrites some values (it wraps messages in HTML,
may reset formats when the language changes).
"""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.errors import ExchangeError


def mailbox_failure(exo, err, identity):
    """Fail the task for a mailbox that is unknown or ambiguous; re-raise any other error."""
    if err.kind == 'not_found':
        exo.fail("mailbox: '%s' was not found; nothing was changed" % identity,
                 error={'kind': err.kind, 'exception_type': err.exception_type})
    if err.kind == 'ambiguous':
        exo.fail("mailbox: '%s' matches more than one recipient; give its SMTP address or GUID; "
                 "nothing was changed" % identity,
                 error={'kind': err.kind, 'exception_type': err.exception_type})
    raise err


class MailboxSettings(object):
    """The ``noun`` settings of one mailbox (``noun`` such as ``MailboxAutoReplyConfiguration``).

    ``options`` maps each Exchange parameter to the module option that sets it, so a value the
    service refuses is reported under the option's name.
    """

    def __init__(self, exo, noun, mailbox, options):
        self.exo = exo
        self.noun = noun
        self.mailbox = mailbox
        self.options = options

    def read(self):
        """The settings row; an unknown or ambiguous mailbox fails the task."""
        try:
            rows = self.exo.invoke('Get-' + self.noun, {'Identity': self.mailbox})
        except ExchangeError as err:
            mailbox_failure(self.exo, err, self.mailbox)
        if not rows:
            self.exo.fail("mailbox: '%s' was not found; nothing was changed" % self.mailbox)
        return rows[0]

    def write(self, changes, along=None):
        """Send ``changes`` (parameter -> value), and the switches ``along``, in one Set call.

        A refusal is reported under the option whose parameter the service's message names.
        """
        params = {'Identity': self.mailbox}
        params.update(changes)
        params.update(along or {})
        params['Confirm'] = False
        try:
            self.exo.invoke('Set-' + self.noun, params, idempotent=True)
        except ExchangeError as err:
            if err.kind not in ('invalid_argument', 'other'):
                raise
            text = str(err).lower()
            # The parameter the message names first is the one refused: "The DateFormat ... isn't
            # valid for current language setting" is about DateFormat, not Language.
            named = sorted((text.find(parameter.lower()), parameter) for parameter in changes
                           if parameter.lower() in text and parameter in self.options)
            if not named:
                raise
            parameter = named[0][1]
            self.exo.fail_error(err, prefix="%s: '%s' was refused; nothing was changed"
                                % (self.options[parameter], changes[parameter]))

    def converge(self, desired, same, validate=None, along=None):
        """Read, plan, check, apply (unless check mode) and read back.

        ``validate(current, changes)`` returns a message when the planned change cannot be
        made (the task then fails before any write). ``along(changes)`` gives parameters that
        go with a change but are not compared (switches such as LocalizeDefaultFolderName).
        Returns ``(before, after, changes)``:
        the rows before and after (in check mode the predicted row) and the properties sent.
        """
        before = self.read()
        changes = plan_changes(before, desired, same)
        problem = validate(before, changes) if validate else None
        if problem:
            self.exo.fail(problem + '; nothing was changed')
        if not changes:
            return before, before, changes
        if self.exo.check_mode:
            after = dict(before)
            after.update(changes)
            return before, after, changes
        self.write(changes, along(changes) if along else None)
        return before, self.read(), changes


def plan_changes(current, desired, same):
    """The Exchange properties to send: those of ``desired`` that differ from ``current``.

    ``desired`` maps a property to its wanted value (None: not managed); ``same(name, have,
    want)`` says whether two values of ``name`` are equal. Returns a dict in ``desired``'s order.
    """
    return dict((name, want) for name, want in desired.items()
                if want is not None and not same(name, current.get(name), want))
