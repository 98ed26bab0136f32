# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""A tenant as the data file of playbooks/desired_state.yml: the facts the ``_info`` listings
give, turned into entries (pure, no I/O).

Each entry names its object by its primary SMTP address and holds only the options the
desired-state modules manage, leaving out what a new object has anyway (empty lists, false flags,
Exchange's defaults), in one fixed key order; every section is sorted by identity, so that two
exports of the same tenant are the same text and a change is a small diff.
"""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.addresses import parse_current
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.mailbox_properties import plain_smtp

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - Ansible itself needs PyYAML
    HAS_YAML = False

# The data file's schema version written (the newest engine/data_file.py reads; a unit test keeps them equal).
SCHEMA_VERSION = 1
# The data file's sections, in the order they are written (and converged).
SECTIONS = ('mailboxes', 'groups', 'unified_groups', 'dynamic_groups', 'contacts', 'mail_users', 'cas_mailboxes',
            'calendar_processing')
# Each section's identity option.
IDENTITY = dict(mailboxes='identity', groups='name', unified_groups='group', dynamic_groups='group',
                contacts='contact', mail_users='mail_user', cas_mailboxes='mailbox', calendar_processing='mailbox')
# The sections of a mailbox's settings (exo_cas_mailbox, exo_calendar_processing): an entry only
# for a mailbox with a setting that is not the service's default.
SETTINGS = ('cas_mailboxes', 'calendar_processing')
# Mailbox types exo_mailbox manages; others (discovery, team, group mailboxes) are not exported.
MAILBOX_TYPES = ('regular', 'shared', 'room', 'equipment')
PERMISSIONS = ('full_access', 'send_as', 'send_on_behalf')
# Exchange's values for a new object: an exported value equal to them is left out.
GROUP_DEFAULTS = dict(type='distribution', require_sender_authentication=True, member_join_restriction='closed',
                      member_depart_restriction='open', send_moderation_notifications='always')
UNIFIED_DEFAULTS = dict(access_type='public', accept_external_senders=False)
GROUP_TEXT = ('display_name', 'type', 'managed_by', 'hidden_from_address_lists', 'require_sender_authentication',
              'member_join_restriction', 'member_depart_restriction', 'moderation_enabled', 'moderated_by',
              'send_moderation_notifications', 'bypass_moderation_from_senders_or_members',
              'accept_messages_only_from_senders_or_members', 'reject_messages_from_senders_or_members',
              'grant_send_on_behalf_to', 'hidden_group_membership', 'notes')
UNIFIED_TEXT = ('display_name', 'access_type', 'hidden_from_address_lists', 'accept_external_senders',
                'auto_subscribe_new_members', 'language', 'notes')
DYNAMIC_TEXT = ('display_name', 'recipient_container', 'managed_by', 'hidden_from_address_lists', 'notes')
CONTACT_TEXT = ('name', 'external_email_address', 'display_name', 'first_name', 'last_name', 'company', 'department',
                'title', 'phone', 'office', 'hidden_from_address_lists')
MAIL_USER_TEXT = ('name', 'external_email_address', 'user_principal_name', 'display_name', 'first_name', 'last_name',
                  'hidden_from_address_lists')


def _empty(value):
    return value is None or value is False or value == '' or value == [] or value == {}


def _put(entry, facts, keys, defaults=None):
    """Copy ``keys`` of ``facts`` into ``entry``, leaving out empty values and ``defaults``."""
    defaults = defaults or {}
    for key in keys:
        value = facts.get(key)
        if value != defaults[key] if key in defaults else not _empty(value):
            entry[key] = sorted(value, key=str.lower) if isinstance(value, list) else value


def identity_of(facts):
    """The address an entry names its object by: the primary SMTP address (the name without one)."""
    return plain_smtp(facts.get('primary_smtp_address')) or facts.get('name') or facts.get('identity')


def _alias(entry, facts):
    """The alias when it is not what the primary address's local part gives anyway."""
    alias = facts.get('alias') or ''
    if alias and alias.lower() != identity_of(facts).partition('@')[0].lower():
        entry['alias'] = alias


def exact_addresses(addresses):
    """The SMTP addresses an entry lists with ``email_addresses_mode: exact``, or [] when there is
    no address besides the primary: the primary first as ``SMTP:`` (exact needs it named), then
    the others sorted, without prefix; the ``*.onmicrosoft.com`` routing addresses and other
    proxies (X500, SIP) are left out, since exact keeps them anyway."""
    proxies = [proxy for proxy in parse_current(addresses) if proxy.is_smtp]
    secondary = sorted((proxy.value for proxy in proxies if not proxy.primary and not proxy.is_routing), key=str.lower)
    if not secondary:
        return []
    return ['SMTP:%s' % proxy.value for proxy in proxies if proxy.primary] + secondary


def _addresses(entry, facts):
    addresses = exact_addresses(facts.get('email_addresses'))
    if addresses:
        entry.update(email_addresses=addresses, email_addresses_mode='exact')


def _custom(entry, facts):
    custom = facts.get('custom_attributes') or {}
    if custom:
        entry['custom_attributes'] = dict((int(number), custom[number]) for number in sorted(custom, key=int))


def mailbox_entry(facts, permissions):
    """A mailbox's entry from its ``mailbox_facts`` and its permission entry (full_access, send_as,
    send_on_behalf as sorted addresses); None for a mailbox type exo_mailbox does not manage."""
    if facts.get('type') not in MAILBOX_TYPES:
        return None
    entry = {'identity': identity_of(facts), 'type': facts['type']}
    # The name matters only to create a mailbox, and user mailboxes are not created by exo_mailbox.
    if facts['type'] != 'regular' and facts.get('name') and facts['name'] != facts.get('display_name'):
        entry['name'] = facts['name']
    _put(entry, facts, ('display_name',))
    _alias(entry, facts)
    _addresses(entry, facts)
    _put(entry, facts, ('hidden_from_address_lists',))
    hold = facts.get('litigation_hold') or {}
    if hold.get('enabled'):
        entry['litigation_hold'] = dict((key, value) for key, value in sorted(hold.items()) if not _empty(value))
    _custom(entry, facts)
    forwarding = plain_smtp(facts.get('forwarding_smtp_address'))
    if forwarding:
        entry['forwarding_smtp_address'] = forwarding
        _put(entry, facts, ('deliver_to_mailbox_and_forward',))
    _put(entry, facts, ('resource_capacity',))
    _put(entry, permissions or {}, PERMISSIONS)
    return entry


def group_entry(facts):
    """A distribution or security group's entry from ``group_facts`` with its members."""
    entry = {'name': identity_of(facts)}
    _alias(entry, facts)
    _put(entry, facts, GROUP_TEXT, GROUP_DEFAULTS)
    _custom(entry, facts)
    _put(entry, facts, ('members',))
    return entry


def unified_group_entry(facts):
    """A Microsoft 365 group's entry from ``unified_group_facts`` with its members, owners and subscribers."""
    entry = {'group': identity_of(facts)}
    _alias(entry, facts)
    _put(entry, facts, UNIFIED_TEXT, UNIFIED_DEFAULTS)
    _custom(entry, facts)
    _addresses(entry, facts)
    _put(entry, facts, ('members', 'owners', 'subscribers'))
    return entry


def dynamic_group_entry(facts):
    """A dynamic distribution group's entry: its precanned recipients and conditions when it has
    them (Exchange writes the filter from them), else its own filter."""
    entry = {'group': identity_of(facts)}
    if facts.get('included_recipients'):
        _put(entry, facts, ('included_recipients', 'conditional_company', 'conditional_department',
                            'conditional_state_or_province'))
    else:
        _put(entry, facts, ('recipient_filter',))
    _alias(entry, facts)
    _put(entry, facts, DYNAMIC_TEXT)
    _custom(entry, facts)
    return entry


def contact_entry(facts):
    """A mail contact's entry from the exo_mail_contact_info facts."""
    entry = {'contact': identity_of(facts)}
    _put(entry, facts, CONTACT_TEXT)
    _alias(entry, facts)
    _custom(entry, facts)
    _addresses(entry, facts)
    return entry


def mail_user_entry(facts):
    """A mail user's entry from the exo_mail_user_info facts (never a password)."""
    entry = {'mail_user': identity_of(facts)}
    _put(entry, facts, MAIL_USER_TEXT)
    _alias(entry, facts)
    _custom(entry, facts)
    _addresses(entry, facts)
    return entry


def _is_default(value, default):
    """Whether an exported setting is the service's default: a value not reported (None) is, as is
    an empty text or list where the default is empty too; text compares case-insensitively."""
    if value is None or (value in ('', []) and default in (None, '', [])):
        return True
    if isinstance(value, str) and isinstance(default, str):
        return value.lower() == default.lower()
    return value == default


def settings_entry(facts, defaults):
    """A mailbox's ``cas_mailboxes`` or ``calendar_processing`` entry: the mailbox, then each
    setting of ``defaults`` (option -> the service's value for a new mailbox, in the order
    written) whose value differs, text compared case-insensitively; None when none differs (the
    modules refuse an entry without a setting, and a default needs no entry)."""
    entry = {'mailbox': identity_of(facts)}
    for option, default in defaults.items():
        value = facts.get(option)
        if not _is_default(value, default):
            entry[option] = sorted(value, key=str.lower) if isinstance(value, list) else value
    return entry if len(entry) > 1 else None


def data_file(sections):
    """The data file: its ``schema_version``, ``exclusive`` (the listed permissions and members are
    the complete sets), then each section given (name -> entries, None entries dropped) sorted by
    identity."""
    data = {'schema_version': SCHEMA_VERSION, 'exclusive': {'permissions': True, 'members': True}}
    for name in SECTIONS:
        if name in sections:
            entries = [entry for entry in sections[name] if entry is not None]
            data[name] = sorted(entries, key=lambda entry: str(entry[IDENTITY[name]]).lower())
    return data


if HAS_YAML:
    class _Dumper(yaml.SafeDumper):
        """Block style with lists indented under their key, the way the example data file reads."""

        def increase_indent(self, flow=False, indentless=False):
            return super().increase_indent(flow, False)


# Entries of a section dumped at a time: PyYAML represents the whole of what it dumps as nodes
# before writing any of it, several times the entries' own size (about 100 MB more at 120,000 mailboxes).
DUMPED_AT_ONCE = 500


def _yaml(data):
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=120)


def _texts(data):
    """The YAML of ``data`` in pieces, one key at a time and a long list :data:`DUMPED_AT_ONCE`
    entries at a time: the pieces put together are the text of ``data`` dumped whole."""
    for key, value in data.items():
        if not isinstance(value, list) or len(value) <= DUMPED_AT_ONCE:
            yield _yaml({key: value})
            continue
        for start in range(0, len(value), DUMPED_AT_ONCE):
            text = _yaml({key: value[start:start + DUMPED_AT_ONCE]})
            # The key's line comes with the first piece only.
            yield text if start == 0 else text.partition('\n')[2]


def dump(data, header=''):
    """The data file's text: ``header`` (comment lines), then the YAML with keys in the order given
    and a blank line before each section and each entry."""
    lines = ['---'] + ['# %s' % line if line else '#' for line in header.splitlines()]
    pieces, previous = ['\n'.join(lines)], lines[-1]
    for text in _texts(data):
        lines = []
        for line in text.splitlines():
            if not line.startswith(' ') or (line.startswith('  - ') and not previous.endswith(':')):
                lines.append('')
            lines.append(line)
            previous = line
        pieces.append('\n'.join(lines))
    return '\n'.join(pieces) + '\n'
