# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Properties that are more than one parameter, for any recipient's property table: the fifteen
custom attributes as one option, and the address list with its add/remove/exact mode."""

from __future__ import annotations

import re

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import SET, Prop, input_error, same_text
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.addresses import (
    MODES,
    AddressError,
    check_address,
    plan_addresses,
    primary_of,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import holders
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.mailbox_properties import plain_smtp
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import add_remove
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import CLEAR

# Exchange's limit on one custom attribute (CustomAttribute1..15), in characters.
MAX_CUSTOM_ATTRIBUTE = 1024


def text_check(option, limit):
    """A ``check`` for a text property of at most ``limit`` characters that may not be blank."""
    def check(value):
        if not value.strip() or len(value) > limit:
            raise ValueError("%s: '%s' must be 1 to %d characters and not blank" % (option, value, limit))
        return value
    return check


def smtp_check(option):
    """A ``check`` for one SMTP address (an ``SMTP:`` prefix is taken off)."""
    return lambda value: check_address(option, plain_smtp(value))


def _kind(value):
    return {bool: 'boolean', list: 'list', dict: 'dictionary'}.get(type(value), type(value).__name__)


def check_custom_attributes(value, option='custom_attributes'):
    """``{number: text}`` with the numbers as text '1'..'15', or ValueError naming the option and
    the value; None and '' both mean clear."""
    if not isinstance(value, dict):
        raise ValueError("%s: %r is not a dictionary of attribute number to text" % (option, value))
    checked = {}
    for key, text in value.items():
        number = str(key).strip()
        # Only ASCII digits: str.isdigit() also takes characters such as '¹' that int() refuses.
        if not re.match(r'^[0-9]{1,2}$', number) or not 1 <= int(number) <= 15:
            raise ValueError("%s: '%s' is not a custom attribute number; use 1 to 15" % (option, key))
        if isinstance(text, (bool, list, dict)):
            # str() would store Python's spelling of it ("True", "['a']") as the attribute.
            raise ValueError('%s: the value of %s is a %s; give text (or a number, or "" to clear it)'
                             % (option, number, _kind(text)))
        text = '' if text is None else str(text)
        if len(text) > MAX_CUSTOM_ATTRIBUTE:
            raise ValueError('%s: the value of %s is %d characters long; Exchange allows at most %d'
                             % (option, number, len(text), MAX_CUSTOM_ATTRIBUTE))
        checked[str(int(number))] = text
    return checked


class CustomAttributes(Prop):
    """``custom_attributes: {1: text, ...}``: CustomAttribute1..15, each compared and written on
    its own, so attributes the task does not name are left as they are; "" clears one."""

    def __init__(self, option='custom_attributes', prefix='CustomAttribute', when=SET, cmdlet=None):
        super().__init__(option, prefix, when=when, cmdlet=cmdlet, spec=dict(type='dict'),
                         check=lambda value: check_custom_attributes(value, option))

    def read(self, row):
        return dict((str(n), row['%s%d' % (self.parameter, n)]) for n in range(1, 16)
                    if row.get('%s%d' % (self.parameter, n)))

    def initial(self):
        return {}

    def delta(self, have, want, entry):
        change = dict((n, text) for n, text in want.items() if text != (have or {}).get(n, ''))
        return change or None

    def parameters(self, value):
        return dict(('%s%s' % (self.parameter, n), text or CLEAR) for n, text in sorted(value.items(), key=lambda i: int(i[0])))

    def apply(self, row, value):
        row.update(('%s%s' % (self.parameter, n), text) for n, text in value.items())

    def fill(self, row):
        row.update(('%s%d' % (self.parameter, n), '') for n in range(1, 16))

    def apply_new(self, row, value, entry):
        self.fill(row)
        self.apply(row, value)

    def shown(self, before, value, given):
        before = before or {}
        return {'before': before, 'after': dict((n, t) for n, t in dict(before, **value).items() if t)}


class EmailAddresses(Prop):
    """``email_addresses`` with ``email_addresses_mode`` (add, remove or exact: the convention of
    the multi-valued options guide), planned by :func:`plan_addresses`. An update names only the
    addresses that change (``@{Add=...; Remove=...}``), except ``exact``, which sends the whole
    list; ``changes`` shows ``{added, removed}``."""

    companions = {'email_addresses_mode': dict(type='str', default='add', choices=list(MODES))}

    def __init__(self, option='email_addresses', parameter='EmailAddresses', when=SET, cmdlet=None):
        super().__init__(option, parameter, when=when, cmdlet=cmdlet, spec=dict(type='list', elements='str'),
                         check=self.check_list)

    def check_list(self, value):
        try:
            plan_addresses(['SMTP:check@example.invalid'], value, 'add', option=self.option)
        except AddressError as err:
            raise ValueError(str(err)) from None
        return value

    def read(self, row):
        return list(row.get(self.parameter) or [])

    def initial(self):
        return []

    def delta(self, have, want, entry):
        mode = entry.get(self.option + '_mode') or 'add'
        try:
            addresses = plan_addresses(have or [], want, mode, option=self.option)
        except AddressError as err:
            raise ValueError(str(err)) from None
        if not addresses.changed:
            return None
        addresses.exact = mode == 'exact'
        return addresses

    def parameters(self, value):
        """``value``: a new object's desired list, or the address plan :meth:`delta` made."""
        if isinstance(value, list):
            return {self.parameter: list(value)}
        if value.exact:
            return {self.parameter: value.addresses}
        added = list(value.added)
        if value.primary_changed and 'SMTP:' + primary_of(value.after) not in added:
            added.insert(0, 'SMTP:' + primary_of(value.after))
        return {self.parameter: add_remove(added, value.removed)}

    def apply(self, row, value):
        """``value``: the address plan :meth:`delta` made."""
        row[self.parameter] = value.addresses
        row['PrimarySmtpAddress'] = primary_of(value.after)

    def fill(self, row):
        row.setdefault(self.parameter, [])

    def apply_new(self, row, value, entry):
        """A new object's list is what the create gives (its primary, from the row's
        ``PrimarySmtpAddress``) with the desired addresses planned onto it."""
        primary = row.get('PrimarySmtpAddress')
        have = row.get(self.parameter) or (['SMTP:' + primary] if primary else [])
        row[self.parameter] = have
        change = self.delta(have, value, entry) if have else None
        if change is not None:
            self.apply(row, change)

    def shown(self, before, value, given):
        """``value``: a new object's desired list (every address added), or the address plan."""
        if isinstance(value, list):
            return {'added': [str(address) for address in value], 'removed': []}
        return {'added': list(value.added), 'removed': list(value.removed)}


class ExternalAddress(Prop):
    """``external_email_address`` of a mail contact or mail user, where its mail goes. Exchange makes
    it the primary SMTP address of a new one, and a changed one becomes the primary with the old one
    kept as a secondary address (a guess, docs/sandbox.md), so the predicted row's addresses follow."""

    def __init__(self, option='external_email_address', parameter='ExternalEmailAddress'):
        super().__init__(option, parameter, view=plain_smtp, same=same_text, spec=dict(type='str'), check=smtp_check(option))

    def apply(self, row, value):
        row[self.parameter] = value
        row['PrimarySmtpAddress'] = value
        row['EmailAddresses'] = ['SMTP:' + value] + [
            'smtp:' + address[5:] if address.lower().startswith('smtp:') else address
            for address in row.get('EmailAddresses') or ()
            if not (address.lower().startswith('smtp:') and address[5:].lower() == value.lower())]


def review_addresses(resolver, module, plans, option='email_addresses'):
    """Refuse, before any write, the plans whose ``option`` would give their object an address
    another recipient holds (proxy addresses are unique in an organisation): every address the
    plans add is looked up together, ten to a request, through ``resolver``."""
    checks = [(plan, [a.split(':', 1)[-1] for a in (plan.changes.get(option) or {}).get('added', [])])
              for plan in plans if plan.action in ('create', 'update')]
    resolver.prefetch(module.runner, [a for unused, addresses in checks for a in addresses], module.parallel, pages=False)
    for plan, addresses in checks:
        problems = holders(resolver, addresses, str(plan.row['Guid']).lower() if plan.row else None)
        if problems:
            plan.error = input_error('%s%s: %s' % (plan.where, option, '; '.join(problems)))
