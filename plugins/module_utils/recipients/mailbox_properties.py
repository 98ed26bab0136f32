# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Mailbox properties as desired state, as pure logic: validation, the plan, the after-view.

Options carry the snake_case names of ``recipients.mailbox_facts``; the plan carries Set-Mailbox
parameter names. Shared by the Exchange Online and on-premises mailbox modules, so that both
validate, compare and predict a mailbox the same way. No I/O here.
"""

from __future__ import annotations

import re
from collections import namedtuple

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.addresses import (
    AddressError,
    check_address,
    plan_addresses,
    primary_of,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import add_remove
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import CLEAR
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import (
    MAILBOX_TYPES,
    archive_enabled,
    hold_duration_days,
)

# Set-Mailbox -Type values, and the New-Mailbox switch of each type that can be created.
SET_TYPES = {'regular': 'Regular', 'shared': 'Shared', 'room': 'Room', 'equipment': 'Equipment'}
NEW_SWITCHES = {'shared': 'Shared', 'room': 'Room', 'equipment': 'Equipment'}

# Exchange's own limits for these attributes.
MAX_NAME = 64
MAX_ALIAS = 64
MAX_DISPLAY_NAME = 256
MAX_CUSTOM_ATTRIBUTE = 1024
# Exchange Online's documented recipient proxy address limit.
MAX_PROXY_ADDRESSES = 400

# The characters Exchange allows in an alias (RFC 5322 atext), dots only between them.
_ATEXT = r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]"
_ALIAS = re.compile(r'^%s+(?:\.%s+)*$' % (_ATEXT, _ATEXT))


# Exchange Online keeps deleted items 0 to 30 days (longer needs a hold).
MAX_RETAIN_DAYS = 30

_SIZE = re.compile(r'^\s*([0-9]+(?:\.[0-9]+)?)\s*(B|KB|MB|GB|TB)?\s*(?:\(([0-9,]+) bytes\))?\s*$', re.I)
_UNITS = (('TB', 1024 ** 4), ('GB', 1024 ** 3), ('MB', 1024 ** 2), ('KB', 1024), ('B', 1))
UNLIMITED = float('inf')
QUOTAS = (('prohibit_send_quota', 'ProhibitSendQuota'), ('prohibit_send_receive_quota', 'ProhibitSendReceiveQuota'),
          ('issue_warning_quota', 'IssueWarningQuota'))


class MailboxInputError(ValueError):
    """Options that cannot describe a mailbox; the message names the option and the value."""


def quota_bytes(value):
    """The bytes of a mailbox quota given as Exchange shows it (``49 GB (52,613,349,376 bytes)``),
    as a size (``49 GB``, ``49.5gb``; B, KB, MB, GB and TB are powers of 1024) or as a number of
    bytes; UNLIMITED for ``Unlimited``, None for nothing. Raises ValueError for anything else."""
    text = '' if value is None else str(value).strip()
    if not text:
        return None
    if text.lower() == 'unlimited':
        return UNLIMITED
    match = _SIZE.match(text)
    if match is None:
        raise ValueError(text)
    if match.group(3):
        return int(match.group(3).replace(',', ''))
    return int(float(match.group(1)) * dict(_UNITS)[(match.group(2) or 'B').upper()])


def quota_text(size):
    """A number of bytes as Exchange shows a quota: ``49.5 GB (53,150,220,288 bytes)``."""
    if size == UNLIMITED:
        return 'Unlimited'
    unit, factor = next((unit, factor) for unit, factor in _UNITS if size >= factor or factor == 1)
    return '%s %s (%s bytes)' % (('%.3f' % (float(size) / factor)).rstrip('0').rstrip('.'), unit, '{:,}'.format(size))


def _keep(value):
    return value


def _folded(value):
    return ('' if value is None else str(value)).strip().lower()


def _timespan(days):
    return '%d.00:00:00' % days


class Setting(object):
    """One Set-Mailbox property :func:`plan_mailbox` sets as it is given: ``option`` and
    ``parameter``; ``view`` reads the row's value and ``want`` the option's to compare them;
    ``wire`` is the value sent, ``shown`` the option's value as ``changes`` reports it, and
    ``row`` as Get-Mailbox will show it (check mode's prediction; default: ``shown``)."""

    def __init__(self, option, parameter, view=bool, want=_keep, wire=_keep, shown=_keep, row=None):
        self.option = option
        self.parameter = parameter
        self.view = view
        self.want = want
        self.wire = wire
        self.shown = shown
        self.row = row or shown


SETTINGS = (
    Setting('hidden_from_address_lists', 'HiddenFromAddressListsEnabled'),
    Setting('deliver_to_mailbox_and_forward', 'DeliverToMailboxAndForward'),
    Setting('message_copy_for_sent_as_enabled', 'MessageCopyForSentAsEnabled'),
    Setting('message_copy_for_send_on_behalf_enabled', 'MessageCopyForSendOnBehalfEnabled'),
    # An empty policy name takes the mailbox's own policy away ($null).
    Setting('retention_policy', 'RetentionPolicy', view=_folded, want=_folded, wire=lambda name: name or CLEAR,
            row=lambda name: name or None),
    Setting('retain_deleted_items_for', 'RetainDeletedItemsFor', view=hold_duration_days, wire=_timespan,
            row=_timespan),
) + tuple(Setting(option, parameter, view=quota_bytes, want=quota_bytes,
                  shown=lambda value: quota_text(quota_bytes(value))) for option, parameter in QUOTAS)

# The options of a mailbox's module (the identity, state and bulk options aside).
MAILBOX_OPTIONS = dict(
    type=dict(type='str', choices=['regular', 'shared', 'room', 'equipment']),
    name=dict(type='str'),
    display_name=dict(type='str'),
    alias=dict(type='str'),
    primary_smtp_address=dict(type='str'),
    email_addresses=dict(type='list', elements='str'),
    email_addresses_mode=dict(type='str', default='add', choices=['add', 'remove', 'exact']),
    excluded_domains=dict(type='list', elements='str', default=[]),
    litigation_hold=dict(type='dict', options=dict(enabled=dict(type='bool', required=True),
                                                   duration_days=dict(type='int'), owner=dict(type='str'))),
    custom_attributes=dict(type='dict'),
    forwarding_smtp_address=dict(type='str'),
    forwarding_address=dict(type='str'),
    resource_capacity=dict(type='int'),
    archive=dict(type='bool'),
    archive_disable_confirm=dict(type='bool', default=False),
    auto_expanding_archive=dict(type='bool'),
    retention_policy=dict(type='str'),
    retain_deleted_items_for=dict(type='int'),
    **dict((setting.option, dict(type='bool')) for setting in SETTINGS[:4]),
    **dict((option, dict(type='str')) for option, unused in QUOTAS)
)

# ``forwarding_address`` resolved (see forwarding_target): the recipient's name as Get-Mailbox
# shows it, what Set-Mailbox is sent, and whether the mailbox forwards to it already.
Forward = namedtuple('Forward', 'name wire same')


def forwarding_target(resolver, value, row, option='forwarding_address', for_new_object=False):
    """The Forward ``value`` asks for: the recipient it names in any spelling (a RecipientResolver
    looks it up, an ambiguous or unknown one fails naming ``option``), compared by identity with
    the recipient ``row`` forwards to now. An empty value stops forwarding."""
    current = (row or {}).get('ForwardingAddress')
    if not str(value).strip():
        return Forward('', CLEAR, not current)
    wanted = list(resolver.resolve_all(option, [value], for_new_object).values())[0]
    have = resolver.identify(current) if current else None
    return Forward(wanted.row.get('Name') or value, wanted.row.get('Guid') or value,
                   have is not None and have.key == wanted.key)


def _blank(value):
    return value is None or not str(value).strip()


def check_alias(value):
    """Validate an alias as Exchange would accept it."""
    if not isinstance(value, str) or not _ALIAS.match(value) or len(value) > MAX_ALIAS:
        raise MailboxInputError("alias: '%s' is not a valid alias; use at most %d letters, digits "
                                "and !#$%%&'*+-/=?^_`{|}~, with dots only between them"
                                % (value, MAX_ALIAS))
    return value


def alias_from(name):
    """The alias Exchange would derive from a name: its allowed characters, no outer dots."""
    kept = ''.join(c for c in name if re.match(_ATEXT + '|\\.', c))
    return re.sub(r'\.{2,}', '.', kept).strip('.')[:MAX_ALIAS]


def plain_smtp(value):
    """``x@y`` for ``smtp:x@y``, ``SMTP:x@y`` or ``x@y``; empty for empty."""
    text = '' if value is None else str(value).strip()
    return text[5:] if text.lower().startswith('smtp:') else text


def _kind(value):
    return 'boolean' if isinstance(value, bool) else 'list' if isinstance(value, list) else 'mapping'


def _custom_attributes(value):
    normalised = {}
    for key, text in (value or {}).items():
        number = str(key).strip()
        # Only ASCII digits: str.isdigit() also takes characters such as '¹' that int() refuses.
        if not re.match(r'^[0-9]{1,2}$', number) or not 1 <= int(number) <= 15:
            raise MailboxInputError("custom_attributes: '%s' is not a custom attribute number; "
                                    'use 1 to 15' % key)
        if isinstance(text, (bool, list, dict)):
            # str() would store Python's spelling of it ("True", "['a']") as the attribute.
            raise MailboxInputError('custom_attributes: the value of %s is a %s; give text (or a number, '
                                    'or "" to clear it)' % (number, _kind(text)))
        text = '' if text is None else str(text)
        if len(text) > MAX_CUSTOM_ATTRIBUTE:
            raise MailboxInputError('custom_attributes: the value of %s is %d characters long; '
                                    'Exchange allows at most %d' % (number, len(text), MAX_CUSTOM_ATTRIBUTE))
        normalised[int(number)] = text
    return normalised


def check_options(options):
    """Validate the mailbox options that need no service, and return them normalised.

    ``options`` maps option names (``display_name``, ``alias``, ``custom_attributes``, ...) to
    values, None meaning not managed. Raises MailboxInputError naming the option and the value.
    """
    checked = dict(options)
    for option, limit in (('name', MAX_NAME), ('display_name', MAX_DISPLAY_NAME)):
        value = checked.get(option)
        if value is not None and (_blank(value) or len(value) > limit):
            raise MailboxInputError("%s: '%s' must be 1 to %d characters and not blank"
                                    % (option, value, limit))
    if checked.get('alias') is not None:
        check_alias(checked['alias'])
    try:
        if checked.get('primary_smtp_address') is not None:
            checked['primary_smtp_address'] = check_address('primary_smtp_address',
                                                            plain_smtp(checked['primary_smtp_address']))
        forwarding = checked.get('forwarding_smtp_address')
        if forwarding is not None and plain_smtp(forwarding):
            checked['forwarding_smtp_address'] = check_address('forwarding_smtp_address', plain_smtp(forwarding))
        elif forwarding is not None:
            checked['forwarding_smtp_address'] = ''
    except AddressError as err:
        raise MailboxInputError(str(err)) from err
    if checked.get('custom_attributes') is not None:
        checked['custom_attributes'] = _custom_attributes(checked['custom_attributes'])
    hold = checked.get('litigation_hold')
    if hold is not None:
        days = hold.get('duration_days')
        if days is not None and days < 0:
            raise MailboxInputError('litigation_hold: duration_days %s must be 0 or more; omit it '
                                    'for an unlimited hold' % days)
        if hold.get('owner') is not None and _blank(hold['owner']):
            raise MailboxInputError("litigation_hold: owner '%s' must not be blank" % hold['owner'])
    capacity = checked.get('resource_capacity')
    if capacity is not None and capacity < 0:
        raise MailboxInputError('resource_capacity: %s must be 0 or more' % capacity)
    _check_retention(checked)
    return checked


def _check_retention(checked):
    days = checked.get('retain_deleted_items_for')
    if days is not None and not 0 <= days <= MAX_RETAIN_DAYS:
        raise MailboxInputError("retain_deleted_items_for: %s must be 0 to %d days, Exchange Online's limit (a hold "
                                'keeps items longer)' % (days, MAX_RETAIN_DAYS))
    for option, unused in QUOTAS:
        try:
            quota_bytes(checked.get(option))
        except ValueError:
            raise MailboxInputError("%s: '%s' is not a size; give a number of bytes or a size such as '49 GB' "
                                    '(B, KB, MB, GB or TB)' % (option, checked[option])) from None
        if checked.get(option) is not None and not str(checked[option]).strip():
            raise MailboxInputError("%s: '%s' is not a size; a quota cannot be cleared, only set" % (option, checked[option]))


class MailboxPlan(object):
    """What Set-Mailbox must change: a type conversion, then one call with ``settings``.

    ``changes`` holds the same change by option name, with values shaped as in the facts.
    ``addresses`` is the AddressPlan when addresses were managed, else None.
    """

    def __init__(self):
        self.type_change = None
        self.settings = {}
        self.changes = {}
        self.addresses = None
        # Get-Mailbox's values after the declared SETTINGS are written (for after_row).
        self.after = {}
        # True: Enable-Mailbox -Archive; False: Disable-Mailbox -Archive; None: neither.
        self.archive = None
        self.auto_expanding_archive = False

    @property
    def changed(self):
        return bool(self.type_change or self.settings or self.archive is not None or self.auto_expanding_archive)

    def steps(self, key):
        """The calls that apply the plan to the mailbox ``key``, each its own step, in order: the
        type change, the other settings (some, such as a room's capacity, need the new type), then
        the archive (auto-expanding archiving needs it)."""
        steps = []
        if self.type_change:
            steps.append([('Set-Mailbox', {'Identity': key, 'Type': self.type_change})])
        if self.settings:
            steps.append([('Set-Mailbox', dict({'Identity': key}, **self.settings))])
        if self.archive is not None:
            steps.append([('Enable-Mailbox' if self.archive else 'Disable-Mailbox',
                           dict({'Identity': key, 'Archive': True}, **({} if self.archive else {'Confirm': False})))])
        if self.auto_expanding_archive:
            steps.append([('Enable-Mailbox', {'Identity': key, 'AutoExpandingArchive': True})])
        return steps

    def added_smtp(self):
        """The SMTP addresses this plan adds, without prefixes (to check nobody else uses them)."""
        if self.addresses is None:
            return []
        return [address.partition(':')[2] for address in self.addresses.added
                if address.lower().startswith('smtp:')]


def _set(plan, option, parameter, value, shown=None):
    plan.settings[parameter] = value
    plan.changes[option] = value if shown is None else shown


def plan_mailbox(row, options, mailbox_label=None):
    """Plan the change from a Get-Mailbox ``row`` to the checked ``options``.

    Raises MailboxInputError for a change Exchange cannot make (a room-only option on another
    type, an impossible address set).
    """
    plan = MailboxPlan()
    label = mailbox_label or row.get('PrimarySmtpAddress') or row.get('Name')
    types = {details: name for name, details in MAILBOX_TYPES.items()}
    current_type = types.get(row.get('RecipientTypeDetails'))
    if options.get('type') and options['type'] != current_type:
        plan.type_change = SET_TYPES[options['type']]
        plan.changes['type'] = options['type']
    for option, parameter in (('display_name', 'DisplayName'), ('alias', 'Alias')):
        if options.get(option) is not None and options[option] != (row.get(parameter) or ''):
            _set(plan, option, parameter, options[option])
    if options.get('email_addresses') is not None or options.get('primary_smtp_address') is not None:
        _plan_addresses(plan, row, options, label)
    for setting in SETTINGS:
        value = options.get(setting.option)
        if value is not None and setting.want(value) != setting.view(row.get(setting.parameter)):
            _set(plan, setting.option, setting.parameter, setting.wire(value), shown=setting.shown(value))
            plan.after[setting.parameter] = setting.row(value)
    target = options.get('forwarding_address')
    if target is not None and not target.same:
        _set(plan, 'forwarding_address', 'ForwardingAddress', target.wire, shown=target.name)
        plan.after['ForwardingAddress'] = target.name or None
    _plan_archive(plan, row, options, label)
    forwarding = options.get('forwarding_smtp_address')
    if forwarding is not None and forwarding.lower() != plain_smtp(row.get('ForwardingSmtpAddress')).lower():
        # Cleared with $null, as documented: the service refuses an empty address.
        _set(plan, 'forwarding_smtp_address', 'ForwardingSmtpAddress', forwarding or CLEAR, shown=forwarding)
    _plan_custom_attributes(plan, row, options.get('custom_attributes'))
    _plan_hold(plan, row, options.get('litigation_hold'))
    _plan_capacity(plan, row, options.get('resource_capacity'), options.get('type') or current_type, label)
    return plan


def _plan_addresses(plan, row, options, label):
    try:
        addresses = plan_addresses(row.get('EmailAddresses') or [], options.get('email_addresses'),
                                   options.get('email_addresses_mode') or 'add',
                                   options.get('primary_smtp_address'),
                                   options.get('excluded_domains') or ())
    except AddressError as err:
        raise MailboxInputError(str(err)) from err
    plan.addresses = addresses
    if addresses.changed and len(addresses.addresses) > MAX_PROXY_ADDRESSES:
        raise MailboxInputError('email_addresses: %d given would leave %s with %d proxy addresses, more than '
                                "Exchange Online's limit of %d per recipient"
                                % (len(options.get('email_addresses') or ()), label, len(addresses.addresses),
                                   MAX_PROXY_ADDRESSES))
    if addresses.changed:
        exact = options.get('email_addresses_mode') == 'exact'
        _set(plan, 'email_addresses', 'EmailAddresses', addresses.addresses if exact else address_change(addresses),
             {'added': addresses.added, 'removed': addresses.removed})
        if addresses.primary_changed:
            plan.changes['primary_smtp_address'] = addresses.addresses[0].partition(':')[2]


def _plan_archive(plan, row, options, label):
    have = archive_enabled(row)
    want = options.get('archive')
    if want is not None and want != have:
        if not want and not options.get('archive_disable_confirm'):
            raise MailboxInputError("archive: false would disable the archive of '%s'; its content is deleted once "
                                    'the retention period for disconnected archives ends. Give '
                                    'archive_disable_confirm: true to disable it' % label)
        plan.archive = want
        plan.changes['archive'] = want
    on = have if plan.archive is None else plan.archive
    auto = options.get('auto_expanding_archive')
    if auto is None or auto == bool(row.get('AutoExpandingArchiveEnabled')):
        return
    if not auto:
        raise MailboxInputError("auto_expanding_archive: false cannot be applied to '%s': Exchange Online cannot turn "
                                'auto-expanding archiving off once it is on' % label)
    if not on:
        raise MailboxInputError("auto_expanding_archive: true needs an archive, and '%s' has none; give archive: "
                                'true as well' % label)
    plan.auto_expanding_archive = True
    plan.changes['auto_expanding_archive'] = True


def _plan_custom_attributes(plan, row, custom):
    changed = {}
    for number, value in sorted((custom or {}).items()):
        if value != (row.get('CustomAttribute%d' % number) or ''):
            plan.settings['CustomAttribute%d' % number] = value or CLEAR
            changed[str(number)] = value
    if changed:
        plan.changes['custom_attributes'] = changed


def _plan_capacity(plan, row, capacity, target_type, label):
    if capacity is None:
        return
    if target_type != 'room':
        raise MailboxInputError("resource_capacity: %s applies to room mailboxes only; '%s' is %s "
                                'mailbox' % (capacity, label, _article(target_type)))
    current = row.get('ResourceCapacity')
    if current in (None, '') or int(current) != capacity:
        _set(plan, 'resource_capacity', 'ResourceCapacity', capacity)


def address_change(addresses):
    """``@{Add=...; Remove=...}`` for an AddressPlan: only the addresses that change, the new
    primary given as ``SMTP:`` (Exchange keeps the old primary as a secondary address)."""
    added = list(addresses.added)
    primary = primary_of(addresses.after)
    if addresses.primary_changed and 'SMTP:' + primary not in added:
        added.insert(0, 'SMTP:' + primary)
    return add_remove(added, addresses.removed)


def _article(mailbox_type):
    if not mailbox_type:
        return 'another kind of'
    return ('an ' if mailbox_type[0] in 'aeiou' else 'a ') + mailbox_type


def _plan_hold(plan, row, hold):
    if hold is None:
        return
    enabled = bool(row.get('LitigationHoldEnabled'))
    settings = {}
    if hold['enabled'] != enabled:
        settings['LitigationHoldEnabled'] = hold['enabled']
    if hold['enabled']:
        days = hold.get('duration_days')
        if days != hold_duration_days(row.get('LitigationHoldDuration')):
            settings['LitigationHoldDuration'] = 'Unlimited' if days is None else days
        owner = hold.get('owner')
        if owner is not None and owner != (row.get('LitigationHoldOwner') or ''):
            settings['LitigationHoldOwner'] = owner
    if settings:
        plan.settings.update(settings)
        plan.changes['litigation_hold'] = {k: v for k, v in hold.items() if v is not None}


def shown_changes(facts, changes, created=None):
    """The result's ``changes``: ``{option: {before, after}}`` from the mailbox's ``facts``, with
    ``email_addresses`` as ``{added, removed}``. ``created``: ``(New-Mailbox parameters, the plan of
    the settings after it, the type)`` of a mailbox to be created, whose names and state change too."""
    if created is not None:
        parameters, rest, kind = created
        changes = dict(rest.changes, type=kind, name=parameters['Name'], alias=parameters['Alias'],
                       display_name=parameters['DisplayName'], primary_smtp_address=parameters['PrimarySmtpAddress'])
    shown = dict((option, value if option == 'email_addresses' else {'before': facts.get(option), 'after': value})
                 for option, value in changes.items())
    if created is not None:
        shown['state'] = {'before': 'absent', 'after': 'present'}
    return shown


def after_row(row, plan):
    """The Get-Mailbox row as it will be once ``plan`` is applied (check mode's answer)."""
    after = dict(row)
    if plan.type_change:
        kind = next(k for k, v in SET_TYPES.items() if v == plan.type_change)
        after['RecipientTypeDetails'] = MAILBOX_TYPES[kind]
    for parameter, value in plan.settings.items():
        value = None if value is CLEAR else value
        if parameter == 'EmailAddresses':
            value = plan.addresses.addresses
            primary = value[0].partition(':')[2]
            after.update(EmailAddresses=list(value), PrimarySmtpAddress=primary, WindowsEmailAddress=primary)
        elif parameter == 'ForwardingSmtpAddress':
            after[parameter] = 'smtp:%s' % value if value else None
        elif parameter == 'LitigationHoldDuration':
            after[parameter] = value if value == 'Unlimited' else '%d.00:00:00' % value
        else:
            after[parameter] = value
    after.update(plan.after)
    if plan.archive is not None:
        after.update(ArchiveStatus='Active' if plan.archive else 'None', ArchiveDatabase=after.get('ArchiveDatabase')
                     if plan.archive else None)
    if plan.auto_expanding_archive:
        after['AutoExpandingArchiveEnabled'] = True
    return after


def default_name(identity):
    """The name of a new mailbox asked for by ``identity``: the local part of an address, or itself."""
    identity = plain_smtp(identity)
    return identity.partition('@')[0] if '@' in identity else identity


def new_mailbox(identity, options, organization=None):
    """The New-Mailbox parameters for a new shared, room or equipment mailbox, and its predicted row.

    The prediction holds what Exchange Online adds by itself (the ``alias@<tenant>.onmicrosoft.com``
    address) when ``organization`` is the tenant's onmicrosoft.com domain. The rest of the options
    are then planned against this row with plan_mailbox.
    """
    kind = options.get('type')
    if kind == 'regular':
        raise MailboxInputError("type: regular mailboxes are not created here; '%s' does not exist, and "
                                'user mailboxes come from licensing a user (Microsoft 365 admin center '
                                'or Graph), after which this module manages them' % identity)
    if kind is None:
        raise MailboxInputError("type: '%s' does not exist; give type shared, room or equipment to "
                                'create it' % identity)
    name = options.get('name') or default_name(identity)
    if len(name) > MAX_NAME:
        raise MailboxInputError("name: '%s' must be at most %d characters; give a shorter name"
                                % (name, MAX_NAME))
    alias = options.get('alias') or alias_from(name)
    check_alias(alias)
    primary = options.get('primary_smtp_address')
    for address in options.get('email_addresses') or ():
        if primary is None and str(address).startswith('SMTP:'):
            primary = address[5:]
    if primary is None and '@' in plain_smtp(identity):
        primary = plain_smtp(identity)
    if primary is None:
        raise MailboxInputError("primary_smtp_address: '%s' does not exist and no primary address was "
                                'given; give primary_smtp_address (or use the address as mailbox)'
                                % identity)
    try:
        primary = check_address('primary_smtp_address', primary)
    except AddressError as err:
        raise MailboxInputError(str(err)) from err
    display_name = options.get('display_name') or name
    parameters = {'Name': name, 'Alias': alias, 'DisplayName': display_name,
                  'PrimarySmtpAddress': primary, NEW_SWITCHES[kind]: True}
    addresses = ['SMTP:' + primary]
    organization = (organization or '').lower()
    if organization.endswith('.onmicrosoft.com'):
        routing = '%s@%s' % (alias, organization)
        if routing.lower() != primary.lower():
            addresses.append('smtp:' + routing)
    row = {
        'Identity': name, 'Name': name, 'Alias': alias, 'DisplayName': display_name,
        'PrimarySmtpAddress': primary, 'WindowsEmailAddress': primary, 'EmailAddresses': addresses,
        'RecipientTypeDetails': MAILBOX_TYPES[kind], 'HiddenFromAddressListsEnabled': False,
        'LitigationHoldEnabled': False, 'LitigationHoldDuration': 'Unlimited', 'LitigationHoldOwner': '',
        'ForwardingSmtpAddress': None, 'DeliverToMailboxAndForward': False, 'ResourceCapacity': None,
        'GrantSendOnBehalfTo': [],
    }
    return parameters, row
