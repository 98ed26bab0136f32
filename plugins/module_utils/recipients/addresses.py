# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Email address sets (the ``EmailAddresses`` proxy address list), as pure logic.

Shared by the Exchange Online and on-premises mailbox modules. The rules are the ones the
identity connectors apply (PROTOCOL.md section 6):

- only SMTP addresses are managed; every other proxy address (X500, SIP, SPO, EUM, ...) is kept;
- SMTP addresses in an excluded domain are never added or removed;
- ``exact`` keeps the tenant's ``*.onmicrosoft.com`` routing addresses, which the service
  requires, unless they are listed; only ``remove`` takes one away, when it is named;
- exactly one primary, written ``SMTP:``; every other SMTP address is written ``smtp:``;
- addresses compare case-insensitively.
"""

from __future__ import annotations

import re

MODES = ('add', 'remove', 'exact')

# The domain of the tenant's own addresses; see Proxy.is_routing.
ROUTING_SUFFIX = '.onmicrosoft.com'

# Deliberately simple: Exchange accepts far more than a strict RFC 5321 parser would, and the
# service itself is the final judge; this only catches input that can never be an address.
_SMTP = re.compile(r'^[^@\s:;,<>"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$')


class AddressError(ValueError):
    """Input that cannot describe an address set; the message names the option and the value."""


class Proxy(object):
    """One proxy address: its prefix (``smtp``, ``x500``, ...), value and primary flag."""

    __slots__ = ('prefix', 'shown_prefix', 'value', 'primary')

    def __init__(self, prefix, value, primary=False):
        self.prefix = prefix.lower()
        # Non-SMTP prefixes are written back exactly as the service gave them.
        self.shown_prefix = prefix
        self.value = value
        self.primary = primary

    def copy(self):
        """An independent copy, so planning never changes the caller's proxies."""
        return Proxy(self.shown_prefix, self.value, self.primary)

    @property
    def is_smtp(self):
        return self.prefix == 'smtp'

    @property
    def key(self):
        return (self.prefix, self.value.lower())

    @property
    def domain(self):
        return self.value.rpartition('@')[2].lower() if self.is_smtp else None

    @property
    def is_routing(self):
        """Whether this is a ``*.onmicrosoft.com`` address: the tenant's own domain (and, in
        hybrid, its ``mail.onmicrosoft.com`` routing domain), which Exchange Online requires
        every mailbox to keep."""
        return self.is_smtp and self.domain.endswith(ROUTING_SUFFIX)

    def __str__(self):
        if self.is_smtp:
            return ('SMTP:' if self.primary else 'smtp:') + self.value
        return '%s:%s' % (self.shown_prefix, self.value)


def parse_current(addresses):
    """Proxy objects for the ``EmailAddresses`` a service returned (``SMTP:``/``smtp:``/``X500:``...)."""
    proxies = []
    for text in addresses or ():
        prefix, sep, value = str(text).partition(':')
        if not sep:
            proxies.append(Proxy('smtp', str(text)))
        else:
            proxies.append(Proxy(prefix, value, primary=(prefix == 'SMTP')))
    return proxies


def parse_desired(option, addresses):
    """Proxy objects for addresses a user gave: ``a@b``, ``smtp:a@b`` or ``SMTP:a@b`` (primary)."""
    proxies = []
    for text in addresses or ():
        if not isinstance(text, str) or not text.strip():
            raise AddressError('%s: %r is not an email address' % (option, text))
        prefix, sep, value = text.strip().partition(':')
        if not sep:
            prefix, value = 'smtp', text.strip()
        if prefix.lower() != 'smtp':
            raise AddressError("%s: '%s' is not an SMTP address; only SMTP addresses are managed, "
                               'other proxy addresses (X500, SIP, ...) are always kept' % (option, text))
        if not _SMTP.match(value):
            raise AddressError("%s: '%s' is not a valid email address" % (option, text))
        proxies.append(Proxy('smtp', value, primary=(prefix == 'SMTP')))
    return proxies


def check_address(option, value):
    """Validate one plain SMTP address option (for example ``primary_smtp_address``)."""
    if not isinstance(value, str) or not _SMTP.match(value.strip()):
        raise AddressError("%s: '%s' is not a valid email address" % (option, value))
    return value.strip()


class AddressPlan(object):
    """The outcome of planning: the full new list and what changes."""

    def __init__(self, before, after):
        self.before = before
        self.after = after
        before_keys = {(p.key, p.primary) for p in before}
        after_keys = {(p.key, p.primary) for p in after}
        self.changed = before_keys != after_keys
        self.added = [str(p) for p in after if p.key not in {q.key for q in before}]
        self.removed = [str(p) for p in before if p.key not in {q.key for q in after}]
        old_primary = primary_of(before)
        new_primary = primary_of(after)
        self.primary_changed = (old_primary or '').lower() != (new_primary or '').lower()

    @property
    def addresses(self):
        """The complete new ``EmailAddresses`` list, primary first, for a replace."""
        return [str(p) for p in self.after]


def primary_of(proxies):
    """The primary SMTP address of a list of proxies, or None."""
    for proxy in proxies:
        if proxy.is_smtp and proxy.primary:
            return proxy.value
    return None


def sorted_addresses(proxies):
    """Primary SMTP first, then other SMTP addresses, then other proxies, each case-insensitively."""
    return sorted(proxies, key=lambda p: (not (p.is_smtp and p.primary), not p.is_smtp, p.prefix,
                                          p.value.lower()))


def plan_addresses(current, desired=None, mode='add', primary=None, excluded_domains=(),
                   option='email_addresses'):
    """Plan the ``EmailAddresses`` of a recipient.

    ``current``: the service's list. ``desired``: the user's addresses (plain, ``smtp:`` or
    ``SMTP:`` for the primary), handled by ``mode`` (``add``, ``remove`` or ``exact``).
    ``primary``: a primary SMTP address given on its own (``primary_smtp_address``).
    ``excluded_domains``: domains whose addresses are never added or removed.
    ``exact`` keeps the ``*.onmicrosoft.com`` addresses it does not list (Exchange Online needs
    them); ``remove`` removes one that is named.

    Returns an AddressPlan; raises AddressError naming the option for impossible input.
    """
    if mode not in MODES:
        raise AddressError('email_addresses_mode: %r is not one of %s' % (mode, ', '.join(MODES)))
    excluded = {d.lower().lstrip('@') for d in excluded_domains or ()}
    before = parse_current(current)
    wanted = parse_desired(option, desired)
    primary = _desired_primary(option, wanted, mode, primary)
    for proxy in wanted + ([Proxy('smtp', primary)] if primary else []):
        if proxy.domain in excluded:
            raise AddressError("%s: '%s' is in the excluded domain %s; addresses there are never "
                               'added or removed' % (option if proxy in wanted else 'primary_smtp_address',
                                                     proxy.value, proxy.domain))
    after = _dedupe(_addresses_after(option, before, wanted, mode, excluded))
    keys = {p.key for p in after}
    if not primary:
        current_primary = primary_of(before)
        if current_primary is None or ('smtp', current_primary.lower()) not in keys:
            raise AddressError('%s: the current primary address %s would be removed; name the new '
                               'primary with primary_smtp_address or an SMTP: prefix'
                               % (option, current_primary or '(none)'))
        primary = current_primary
    if ('smtp', primary.lower()) not in keys:
        after.append(Proxy('smtp', primary))
    for proxy in after:
        proxy.primary = proxy.is_smtp and proxy.value.lower() == primary.lower()
    return AddressPlan(sorted_addresses(before), sorted_addresses(after))


def _desired_primary(option, wanted, mode, primary):
    """The primary address the input asks for (``SMTP:`` or ``primary_smtp_address``), or None."""
    primaries = [p for p in wanted if p.primary]
    if len(primaries) > 1:
        raise AddressError('%s: more than one primary address (SMTP:) given: %s'
                           % (option, ', '.join(p.value for p in primaries)))
    if primary is not None:
        primary = check_address('primary_smtp_address', primary)
        if primaries and primaries[0].value.lower() != primary.lower():
            raise AddressError("%s: the SMTP: primary '%s' differs from primary_smtp_address '%s'"
                               % (option, primaries[0].value, primary))
    elif primaries:
        primary = primaries[0].value
    if mode == 'remove' and primaries:
        raise AddressError('%s: an SMTP: primary cannot be removed; use email_addresses_mode add '
                           'or exact to set a primary' % option)
    if mode == 'remove' and primary and ('smtp', primary.lower()) in {p.key for p in wanted}:
        raise AddressError("%s: '%s' cannot be removed and made primary_smtp_address at once"
                           % (option, primary))
    return primary


def _addresses_after(option, before, wanted, mode, excluded):
    """The proxies after ``mode`` applies ``wanted`` to ``before``, primary not yet settled."""
    wanted_keys = {p.key for p in wanted}
    if mode == 'exact':
        # An address that stays keeps the service's spelling, so case alone is never a change.
        existing = {p.key: p for p in before}
        after = [p for p in before if not p.is_smtp or p.domain in excluded or p.is_routing]
        after += [existing.get(p.key, p) for p in wanted]
        return [p.copy() for p in after]
    if mode == 'add':
        after = [p.copy() for p in before]
        known = {p.key for p in after}
        return after + [Proxy('smtp', p.value) for p in wanted if p.key not in known]
    current_primary = primary_of(before)
    if current_primary and ('smtp', current_primary.lower()) in wanted_keys:
        raise AddressError("%s: '%s' is the primary address and cannot be removed; set another "
                           'primary first' % (option, current_primary))
    return [p.copy() for p in before if p.key not in wanted_keys]


def _dedupe(proxies):
    seen = set()
    unique = []
    for proxy in proxies:
        if proxy.key not in seen:
            seen.add(proxy.key)
            unique.append(proxy)
    return unique
