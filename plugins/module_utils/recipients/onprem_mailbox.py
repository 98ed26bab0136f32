# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""On-premises and remote mailboxes as pure logic: input checks, the address change a mailbox
needs, and the New-/Enable- parameters with the row they are predicted to give. No I/O; the
module onprem_exchange_mailbox declares the resource on top of it. Not for use outside this
collection.
"""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.addresses import (
    AddressPlan,
    check_address,
    parse_current,
    parse_desired,
    plan_addresses,
    primary_of,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import MAILBOX_TYPES, archive_enabled
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.mailbox_properties import NEW_SWITCHES, SET_TYPES
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.mailbox_properties import address_change as difference
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import Secret

NAMES = ('name', 'display_name', 'first_name', 'last_name', 'sam_account_name', 'organizational_unit')
# Where an archive is: on premises (Local), or in Exchange Online for a remote mailbox (HostedPending
# until directory synchronisation has provisioned it, then HostedProvisioned).
ARCHIVE_STATES = ('local', 'hostedpending', 'hostedprovisioned')
# The options of a mailbox's type and archive, as exo_mailbox has them.
KIND_OPTIONS = dict(
    type=dict(type='str', choices=list(MAILBOX_TYPES)),
    archive=dict(type='bool'),
    archive_disable_confirm=dict(type='bool', default=False),
)


def wanted_primary(entry):
    """The primary SMTP address the entry asks for (``primary_smtp_address`` or an ``SMTP:``
    address in ``email_addresses``), or None."""
    if entry.get('primary_smtp_address') is not None:
        return entry['primary_smtp_address'].strip()
    return primary_of(parse_desired('email_addresses', entry.get('email_addresses')))


def check_input(entry, where=''):
    """Every check that needs no server; raises ValueError (an AddressError for addresses)
    naming the option, prefixed ``where``, and the value."""
    try:
        _check(entry)
    except ValueError as err:
        raise ValueError(where + str(err)) from None


def _check(entry):
    if not isinstance(entry['mailbox'], str) or not entry['mailbox'].strip():
        raise ValueError("mailbox: %r is not an identity" % entry['mailbox'])
    hybrid = entry['infrastructure'] == 'hybrid'
    if entry['database'] is not None and hybrid:
        raise ValueError("database: '%s' applies to infrastructure onpremises only; a hybrid mailbox "
                         "lives in Exchange Online" % entry['database'])
    routing = entry['remote_routing_address']
    if routing is not None:
        if not hybrid:
            raise ValueError("remote_routing_address: '%s' applies to infrastructure hybrid only" % routing)
        check_address('remote_routing_address', routing.split(':', 1)[-1])
    if entry['user_principal_name'] is not None:
        check_address('user_principal_name', entry['user_principal_name'])
    for option in NAMES:
        if entry.get(option) is not None and not entry[option].strip():
            raise ValueError('%s: %r must not be empty' % (option, entry[option]))
    if entry['primary_smtp_address'] is not None:
        check_address('primary_smtp_address', entry['primary_smtp_address'])
    primary = wanted_primary(entry)
    if entry['email_addresses'] or primary:
        # Against a stand-in mailbox whose primary the options keep: only the input's own
        # contradictions fail here; the real plan is made against the mailbox read.
        desired = parse_desired('email_addresses', entry['email_addresses'])
        stand_in = primary or (desired[0].value if entry['email_addresses_mode'] == 'exact' and desired else None)
        plan_addresses(['SMTP:' + (stand_in or 'stand-in@mailops.invalid')], entry['email_addresses'],
                       entry['email_addresses_mode'], primary, entry['excluded_domains'])
    if primary and entry['email_address_policy_enabled']:
        raise ValueError("primary_smtp_address: '%s' cannot be kept while email_address_policy_enabled is "
                         "true (the policy decides the primary address); set it to false" % primary)


class AddressChange(object):
    """The change one mailbox's ``EmailAddresses`` needs: the :class:`AddressPlan`, and what the
    Set call sends - only the difference (``@{Add=...; Remove=...}``, a new primary added as
    ``SMTP:``), so that an address another run added or removed meanwhile stays as it left it;
    the whole list in ``exact`` mode, which owns the list."""

    def __init__(self, plan, exact):
        self.plan = plan
        self.exact = exact

    @property
    def changed(self):
        return self.plan.changed

    @property
    def addresses(self):
        """The complete list after the change, primary first."""
        return self.plan.addresses

    @property
    def parameter(self):
        return self.plan.addresses if self.exact else difference(self.plan)

    def report(self, unused_before=None, unused_want=None):
        return {'added': self.plan.added, 'removed': self.plan.removed}


def address_change(entry, current):
    """The :class:`AddressChange` that makes ``current`` (a mailbox's ``EmailAddresses``) what
    the entry asks, or None when it asks nothing of them. Without a primary yet (a mailbox to be
    created, whose primary the email address policy picks) the addresses are simply added."""
    primary = wanted_primary(entry)
    if not entry['email_addresses'] and not primary:
        return None
    mode = entry['email_addresses_mode']
    if primary_of(parse_current(current)) is None:
        added = [str(p) for p in parse_desired('email_addresses', entry['email_addresses']) if mode != 'remove']
        return AddressChange(AddressPlan(parse_current(current), parse_current(list(current) + added)), False)
    plan = plan_addresses(current, entry['email_addresses'], mode, primary, entry['excluded_domains'])
    return AddressChange(plan, mode == 'exact')


def creation(entry, identity, user, hybrid):
    """The New-/Enable- parameters for the entry (``user``: the Get-User row an enable
    mail-enables) and the row they are predicted to give."""
    primary = wanted_primary(entry)
    if user is None:
        password = entry['initial_password']
        name = entry.get('name') or identity
        parameters = dict(Name=name, UserPrincipalName=entry['user_principal_name'],
                          Password=Secret(password) if password is not None else None, FirstName=entry['first_name'],
                          LastName=entry['last_name'], SamAccountName=entry['sam_account_name'],
                          DisplayName=entry['display_name'])
        parameters['OnPremisesOrganizationalUnit' if hybrid else 'OrganizationalUnit'] = entry['organizational_unit']
        row = {'Name': name, 'UserPrincipalName': entry['user_principal_name'],
               'DisplayName': entry['display_name'] or name, 'SamAccountName': entry['sam_account_name'] or '',
               'OrganizationalUnit': entry['organizational_unit'] or ''}
    else:
        parameters = dict(Identity=user['Guid'], DisplayName=entry['display_name'])
        row = dict((key, user.get(key)) for key in ('Name', 'UserPrincipalName', 'SamAccountName', 'OrganizationalUnit', 'Guid'))
        row['DisplayName'] = entry['display_name'] or user.get('DisplayName')
    if hybrid:
        parameters['RemoteRoutingAddress'] = entry['remote_routing_address']
        row.update(RemoteRoutingAddress=entry['remote_routing_address'] or '')
    else:
        parameters['Database'] = entry['database']
        row.update(Database=entry['database'] or '')
    kind = entry.get('type') or 'regular'
    if kind in NEW_SWITCHES:
        parameters[NEW_SWITCHES[kind]] = True
    row['RecipientTypeDetails'] = type_details(kind, hybrid)
    parameters['PrimarySmtpAddress'] = primary
    row.update(PrimarySmtpAddress=primary or '', EmailAddresses=['SMTP:' + primary] if primary else [],
               EmailAddressPolicyEnabled=not primary)
    return parameters, row


def same_routing(have, want):
    """Whether a remote routing address as the result shows it (no prefix) is the one wanted."""
    return str(have or '').lower() == want.split(':', 1)[-1].lower()


def current_addresses(entry, row):
    """The ``EmailAddresses`` the entry's address change is planned against: the mailbox's, or
    for a mailbox to be created the primary its create gives it (none: the policy's)."""
    if row is not None:
        return list(row.get('EmailAddresses') or [])
    primary = wanted_primary(entry)
    return ['SMTP:' + primary] if primary else []


def with_addresses(row, change):
    """``row`` with the addresses ``change`` (an :class:`AddressChange`) gives it."""
    return dict(row, EmailAddresses=change.addresses, PrimarySmtpAddress=primary_of(change.plan.after) or '')


def creation_problem(entry, identity, user, kind):
    """Why the entry's ``kind`` (mailbox or remote mailbox) cannot be created for ``identity``
    (``user``: its Get-User row, None when there is no such user), or None."""
    if entry['create_method'] == 'enable':
        if user is None:
            return ("mailbox: '%s' is not an Active Directory user; create_method enable needs an existing user "
                    '(or use create_method new)' % identity)
        if user.get('RecipientTypeDetails') not in (None, 'User', 'DisabledUser'):
            return "mailbox: '%s' is already mail-enabled as %s, not as a %s" % (identity, user['RecipientTypeDetails'], kind)
        return None
    # A shared or resource mailbox's account is disabled: it is created without a logon.
    needed = ('user_principal_name', 'initial_password') if (entry.get('type') or 'regular') == 'regular' else ()
    missing = [option for option in needed if not entry[option]]
    if missing:
        return '%s required to create the mailbox of %s with create_method new' % (
            ' and '.join(missing) + (' are' if len(missing) > 1 else ' is'), identity)
    if user is not None:
        return "mailbox: '%s' is an existing user without a %s; use create_method enable" % (identity, kind)
    return None


def policy_problem(entry, row, change):
    """Why the address ``change`` cannot be made to the mailbox ``row`` while its email address
    policy (as the entry leaves it) decides the primary address, or None."""
    policy = entry['email_address_policy_enabled']
    policy = bool(row.get('EmailAddressPolicyEnabled')) if policy is None else policy
    if change is not None and change.plan.primary_changed and policy:
        return ("primary_smtp_address: changing the primary address to '%s' needs email_address_policy_enabled: "
                "false (the mailbox's email address policy sets it)" % primary_of(change.plan.after))
    return None


def type_details(kind, hybrid):
    """The RecipientTypeDetails of a mailbox of type ``kind`` (regular, shared, room, equipment):
    on premises as in Exchange Online, a remote one prefixed ``Remote``."""
    return ('Remote' if hybrid else '') + MAILBOX_TYPES[kind]


def mailbox_type(row):
    """The type (regular, shared, room, equipment) of an on-premises or remote mailbox row, or None."""
    details = str(row.get('RecipientTypeDetails') or '')
    details = details[len('Remote'):] if details.startswith('Remote') else details
    return dict((value, name) for name, value in MAILBOX_TYPES.items()).get(details)


def has_archive(row):
    """Whether an on-premises or remote mailbox has an archive. On premises Exchange shows an
    archive with ArchiveState Local and ArchiveStatus None; a remote mailbox's is HostedPending, then
    HostedProvisioned. Without an ArchiveState, the archive GUID and database or status decide."""
    state = str(row.get('ArchiveState') or '').lower()
    if state:
        return state in ARCHIVE_STATES
    return archive_enabled(row)


def kind_changes(entry, facts, where=''):
    """The type and archive changes (option -> value) the entry asks of a mailbox whose facts are
    ``facts``. Turning an archive off needs ``archive_disable_confirm`` (its content is lost once the
    disconnected archive's retention ends): ValueError naming the option otherwise."""
    changes = {}
    if entry.get('type') and entry['type'] != facts.get('type'):
        changes['type'] = entry['type']
    want = entry.get('archive')
    if want is not None and want != bool(facts.get('archive')):
        if not want and not entry.get('archive_disable_confirm'):
            raise ValueError("%sarchive: false would disable the archive of '%s'; its content is deleted once the "
                             'retention period for disconnected archives ends. Give archive_disable_confirm: true to '
                             'disable it' % (where, entry['mailbox']))
        changes['archive'] = want
    return changes


def kind_steps(noun, key, changes):
    """The calls that make the ``kind_changes`` of the mailbox ``key`` (``noun``: Mailbox or
    RemoteMailbox), each its own step: the type conversion (Set-<noun> -Type), then the archive
    (Enable-<noun> -Archive / Disable-<noun> -Archive)."""
    steps = []
    if 'type' in changes:
        steps.append([('Set-' + noun, {'Identity': key, 'Type': SET_TYPES[changes['type']], 'Confirm': False})])
    if 'archive' in changes:
        verb = 'Enable' if changes['archive'] else 'Disable'
        steps.append([('%s-%s' % (verb, noun), {'Identity': key, 'Archive': True, 'Confirm': False})])
    return steps


def with_kind(row, changes, hybrid):
    """``row`` as it will read after its ``kind_changes``."""
    row = dict(row)
    if 'type' in changes:
        row['RecipientTypeDetails'] = type_details(changes['type'], hybrid)
    if 'archive' in changes:
        row['ArchiveState'] = ('HostedProvisioned' if hybrid else 'Local') if changes['archive'] else 'None'
    return row
