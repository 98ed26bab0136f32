# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Distribution and mail-enabled security groups: reading them and their one result shape,
shared by exo_distribution_group, exo_distribution_group_member and exo_distribution_group_info.
"""

from __future__ import annotations

import re

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.permissions import opath_text, trustee_id, trustee_map
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.mailbox_properties import check_alias
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import IdentityError, as_text, check_identities, taken
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import sorted_values
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import CLEAR

# Option value -> RecipientTypeDetails, and the -Type value New-DistributionGroup takes.
GROUP_TYPES = {
    'distribution': ('MailUniversalDistributionGroup', 'Distribution'),
    'security': ('MailUniversalSecurityGroup', 'Security'),
}

# Option value -> Exchange's MemberUpdateType name.
RESTRICTIONS = {
    'open': 'Open',
    'closed': 'Closed',
    'approval_required': 'ApprovalRequired',
}

# Option value -> Exchange's TransportModerationNotificationFlags name.
NOTIFICATIONS = {
    'always': 'Always',
    'internal': 'Internal',
    'never': 'Never',
}

# The group's recipient lists, option -> parameter. Each is given as the complete list; every name
# in it is resolved to one recipient and compared by identity, so spelling is never a change.
RECIPIENT_LISTS = (
    ('managed_by', 'ManagedBy'),
    ('moderated_by', 'ModeratedBy'),
    ('bypass_moderation_from_senders_or_members', 'BypassModerationFromSendersOrMembers'),
    ('accept_messages_only_from_senders_or_members', 'AcceptMessagesOnlyFromSendersOrMembers'),
    ('reject_messages_from_senders_or_members', 'RejectMessagesFromSendersOrMembers'),
    ('grant_send_on_behalf_to', 'GrantSendOnBehalfTo'),
)
# Every option of a group that names recipients.
LIST_OPTIONS = tuple(option for option, unused in RECIPIENT_LISTS) + ('members',)

# Removing a recipient that is not a member: Exchange's exception type, and its text as a
# fallback for services that report another type (see docs/sandbox.md, "guesses").
_NOT_A_MEMBER_TYPES = ('MemberNotFoundException',)
_NOT_A_MEMBER_TEXTS = ("isn't a member", 'is not a member')
_REQUIRES_MANAGER = 'OperationRequiresGroupManagerException'

# Exchange's documented defaults for a new group: joining is closed for both types; leaving
# is open for distribution groups and closed for security groups, which can never be open.
DEFAULT_JOIN = 'closed'
DEFAULT_DEPART = {'distribution': 'open', 'security': 'closed'}

# What Exchange drops from a Name to make the default Alias.
_NOT_ALIAS = re.compile(r"[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]")


_SMTP = re.compile(r'^[^@\s:]+@[^@\s]+\.[^@\s]+$')


def check_group_entry(entry, where):
    """Refuse, naming the option (prefixed ``where``) and the value, what no group can have;
    asks nothing of the service. Raises ValueError."""
    for option in ('alias', 'display_name', 'primary_smtp_address'):
        if entry[option] is not None and not entry[option].strip():
            raise ValueError('%s%s: %r must not be empty' % (where, option, entry[option]))
    if entry['alias'] is not None:
        try:
            check_alias(entry['alias'])
        except ValueError as err:
            raise ValueError(where + str(err)) from None
    address = entry['primary_smtp_address']
    if address is not None and not _SMTP.match(address):
        raise ValueError("%sprimary_smtp_address: '%s' is not an SMTP address such as group@contoso.com"
                         % (where, address))
    try:
        for option in LIST_OPTIONS:
            check_identities(where + option, entry[option])
    except IdentityError as err:
        raise ValueError(str(err)) from None


def group_type(row):
    """``distribution`` or ``security`` from a group row."""
    details = as_text(row.get('RecipientTypeDetails'))
    if details == GROUP_TYPES['security'][0] or 'securityenabled' in as_text(row.get('GroupType')).lower():
        return 'security'
    return 'distribution'


def restriction(value):
    """The option value of an Exchange MemberUpdateType (``ApprovalRequired`` -> ``approval_required``)."""
    by_exchange = {v.lower(): k for k, v in RESTRICTIONS.items()}
    text = as_text(value)
    return by_exchange.get(text.lower(), text.lower())


def default_alias(name):
    """The alias Exchange derives from a group's Name when none is given."""
    return _NOT_ALIAS.sub('', name)


def group_facts(row, lists):
    """The documented snake_case view of a group row; ``lists`` maps each recipient list's option
    to its key -> shown recipients (:func:`read_lists`). ``notes`` is shown when the row has
    them (read with Get-Group), ``members`` when the row has them as key -> shown."""
    facts = {
        'identity': as_text(row.get('Identity')),
        'guid': as_text(row.get('Guid')),
        'name': as_text(row.get('Name')),
        'alias': as_text(row.get('Alias')),
        'display_name': as_text(row.get('DisplayName')),
        'primary_smtp_address': as_text(row.get('PrimarySmtpAddress')),
        'email_addresses': list(row.get('EmailAddresses') or []),
        'type': group_type(row),
        'hidden_from_address_lists': bool(row.get('HiddenFromAddressListsEnabled')),
        'require_sender_authentication': bool(row.get('RequireSenderAuthenticationEnabled')),
        'member_join_restriction': restriction(row.get('MemberJoinRestriction')),
        'member_depart_restriction': restriction(row.get('MemberDepartRestriction')),
        'moderation_enabled': bool(row.get('ModerationEnabled')),
        'send_moderation_notifications': as_text(row.get('SendModerationNotifications')).lower(),
        'hidden_group_membership': bool(row.get('HiddenGroupMembershipEnabled')),
        'custom_attributes': dict((str(n), as_text(row['CustomAttribute%d' % n])) for n in range(1, 16)
                                  if row.get('CustomAttribute%d' % n) not in (None, '', CLEAR)),
    }
    facts.update((option, sorted_values(lists.get(option) or {})) for option, unused in RECIPIENT_LISTS)
    if row.get('Notes') is not None:
        facts['notes'] = '' if row['Notes'] is CLEAR else as_text(row['Notes'])
    if isinstance(row.get('Members'), dict):
        facts['members'] = sorted_values(row['Members'])
    return facts


def same_recipients(have, want):
    """Whether a list as the result shows it (``have``) holds the recipients ``want`` (key -> shown)."""
    return sorted(str(v).lower() for v in have or ()) == sorted(str(v).lower() for v in want.values())


def recipients_wire(recipients):
    """A recipient list (key -> shown) as New-/Set-DistributionGroup take it: each recipient's GUID
    (or its own spelling when it names none); an empty list is $null, which Microsoft documents
    as the blank value."""
    return [trustee_id(key, shown) for key, shown in recipients.items()] or CLEAR


def _labels(row, parameter):
    """The recipients a row's list names; a list a prediction clears ($null) names none."""
    value = row.get(parameter)
    return value if isinstance(value, list) else []


def list_labels(row):
    """Every recipient the row's lists name, as Exchange names them, to look up together."""
    return [label for unused, parameter in RECIPIENT_LISTS for label in _labels(row, parameter)]


def read_lists(resolver, row):
    """The group's recipient lists as Exchange names them, each as canonical key -> shown."""
    return dict((option, trustee_map(resolver, _labels(row, parameter))) for option, parameter in RECIPIENT_LISTS)


def resolve_lists(resolver, desired, where, new):
    """Resolve in place every recipient list ``desired`` gives (option -> names) to key -> shown;
    an unknown or ambiguous name fails naming the option (prefixed ``where``). ``new``: for a group
    that does not exist yet (check mode then assumes a name not found is created earlier)."""
    for option, unused in RECIPIENT_LISTS:
        if desired.get(option) is not None:
            resolved = resolver.resolve_all(where + option, desired[option], new)
            desired[option] = dict((key, recipient.shown) for key, recipient in resolved.items())


def group_problem(name, facts, before):
    """Why a group cannot be as ``facts`` describe it (``before``: as it is, None for a new one),
    named by the option to change; None when it can. Security groups can be neither open to join
    or leave nor moderated by their owners alone, and a hidden membership cannot be revealed
    (Microsoft documents all three)."""
    if facts['type'] == 'security':
        for option in ('member_join_restriction', 'member_depart_restriction'):
            if facts[option] == 'open':
                return "%s: 'open' is not allowed for a security group; use closed or approval_required" % option
        if facts['moderation_enabled'] and not facts['moderated_by']:
            return ('moderation_enabled: a moderated security group needs moderated_by; its owners do not '
                    'moderate it as they do a distribution group')
    if before and before.get('hidden_group_membership') and not facts.get('hidden_group_membership'):
        return ("hidden_group_membership: the membership of '%s' is hidden, and Exchange cannot reveal it "
                'again' % name)
    return None


def member_calls(key, change, bypass):
    """The Add- and Remove-DistributionGroupMember calls of a members change (``added`` and
    ``removed``: key -> shown), one per member, for the group ``key``."""
    switch = {'BypassSecurityGroupManagerCheck': True} if bypass else {}
    return [(verb + '-DistributionGroupMember', dict({'Identity': key, 'Member': trustee_id(member, shown), 'Confirm': False},
                                                     **switch))
            for verb, members in (('Add', change.added), ('Remove', change.removed)) for member, shown in members.items()]


def member_write_error(call, err):
    """The error a refused member call means: None when it counts as done (adding a member that is
    there, removing one that is not); a refusal for want of ownership names the switch."""
    text = (err.message or '').lower()
    if call[0].startswith('Add-') and err.kind == 'already_exists':
        return None
    if call[0].startswith('Remove-') and (err.exception_type in _NOT_A_MEMBER_TYPES
                                          or any(t in text for t in _NOT_A_MEMBER_TEXTS)):
        return None
    if err.exception_type == _REQUIRES_MANAGER:
        return ExchangeError('bypass_security_group_manager_check: false, and the application is not '
                             'an owner of the group: %s' % err.message, kind=err.kind,
                             exception_type=err.exception_type, status=err.status, cmdlet=err.cmdlet)
    return err


def with_primary(addresses, primary):
    """Proxy addresses after ``primary`` becomes the primary SMTP address.

    The old primary stays as a secondary ``smtp:`` address, as Exchange keeps it.
    """
    result = ['SMTP:' + primary]
    for address in addresses:
        prefix, sep, rest = address.partition(':')
        if sep and prefix.lower() == 'smtp':
            if rest.lower() != primary.lower():
                result.append('smtp:' + rest)
        else:
            result.append(address)
    return result


def group_read(identity):
    """The ``(cmdlet, parameters)`` that reads the group ``identity`` names."""
    return 'Get-DistributionGroup', {'Identity': identity}


def members_read(group_key):
    """The ``(cmdlet, parameters)`` that reads a group's direct members."""
    return 'Get-DistributionGroupMember', {'Identity': group_key, 'ResultSize': 'Unlimited'}


def members_from_rows(resolver, rows):
    """The members in the rows of :func:`members_read` as canonical key -> primary SMTP address
    (or name); each is indexed in ``resolver``, so naming a current member costs no lookup."""
    members = {}
    for row in rows:
        recipient = resolver.remember(row)
        members[recipient.key] = recipient.shown
    return members


def memberships_read(distinguished_name):
    """The ``(cmdlet, parameters)`` that finds every group a recipient is a direct member of, in
    one read: ``Members`` is a link, so the filter takes the member's distinguished name."""
    return 'Get-DistributionGroup', {'Filter': 'Members -eq %s' % opath_text(distinguished_name), 'ResultSize': 'Unlimited'}


def add_notes(invoke_all, answers, noted):
    """``answers`` to group reads, each found group's whose index is in ``noted`` with the Notes of
    its Get-Group row, read by GUID ten to a request: Get-DistributionGroup shows no Notes, and
    Set-Group writes them."""
    found = [index for index in noted if not isinstance(answers[index], ExchangeError) and answers[index]]
    extras = invoke_all([('Get-Group', {'Identity': str(answers[index][0].get('Guid'))}) for index in found])
    for index, extra in zip(found, extras):
        answers[index] = extra if isinstance(extra, ExchangeError) else [
            dict(row, Notes=(extra[0] if extra else {}).get('Notes') or '') for row in answers[index]]
    return answers


def with_members(answers, changes):
    """``answers`` to group reads after writes, each found group's with the members its change
    (:class:`relation.SetChange`, None: members not managed) left: member writes have a known effect."""
    for answer, change in zip(answers, changes):
        if change is not None and not isinstance(answer, ExchangeError) and answer:
            answer[0]['Members'] = change.after()
    return answers


def prepare_groups(module, resolver, plans, pages=True):
    """Before the groups are planned: the members of each group whose entry gives members, ten to
    a request, then every recipient the lists and members name (as they are and as desired) and
    the name and address a new or readdressed group takes, looked up together. The groups read
    are remembered first, so naming one costs nothing. ``pages``: whether many unknown names may
    be looked for in the organisation-wide Get-Recipient pages (a runner without pages reads them
    ten to a request)."""
    listed = [plan for plan in plans if plan.row is not None and plan.entry['members'] is not None
              and plan.entry['state'] == 'present']
    answers = module.invoke_all([members_read(str(plan.row.get('Guid'))) for plan in listed])
    for plan, answer in zip(listed, answers):
        plan.row['Members'] = answer if isinstance(answer, ExchangeError) else members_from_rows(resolver, answer)
    wanted = []
    for plan in plans:
        if plan.row is not None:
            resolver.remember(plan.row)
            wanted.extend(list_labels(plan.row))
        if plan.entry['state'] == 'present':
            wanted.extend(name for option in LIST_OPTIONS for name in plan.entry[option] or ())
            wanted.extend([plan.identity] if plan.row is None else [])
            wanted.extend([plan.entry['primary_smtp_address']] if plan.entry['primary_smtp_address'] else [])
    if wanted:
        resolver.prefetch(module.runner, wanted, module.parallel, pages=pages)


def wanted_members(resolver, plan):
    """``(current, wanted)`` members (key -> shown) of a group the entry gives ``members`` for, or
    None when it gives none or removes the group; the members a new group has are none."""
    if plan.entry['members'] is None or plan.entry['state'] != 'present':
        return None
    current = plan.row['Members'] if plan.row is not None else {}
    if isinstance(current, ExchangeError):
        raise current
    wanted = resolver.resolve_all(plan.where + 'members', plan.entry['members'], plan.row is None)
    return current, dict((key, recipient.shown) for key, recipient in wanted.items())


def check_type(plan, current, wanted):
    """Refuse a type change (``current``: the group's type, None for a new group): Exchange cannot
    convert a group."""
    if current is not None and wanted is not None and wanted != current:
        raise IdentityError("%stype: '%s' is a %s group and Exchange cannot convert it to %s; remove the group "
                            'and create it again; nothing was changed' % (plan.where, plan.identity, current, wanted),
                            kind='invalid_argument')


def new_group(name, desired, members, organization=None):
    """What a new group's row holds besides its declared properties' values (check mode predicts
    it): its names, addresses, type, the restrictions Exchange defaults and ``members``.

    The addresses include the ``alias@<tenant>.onmicrosoft.com`` one Exchange Online adds by
    itself when ``organization`` is the tenant's onmicrosoft.com domain, as a new mailbox's do."""
    group_type = desired['type'] or 'distribution'
    primary = desired['primary_smtp_address'] or ''
    alias = desired['alias'] or default_alias(name)
    addresses = ['SMTP:' + primary] if primary else []
    organization = (organization or '').lower()
    if organization.endswith('.onmicrosoft.com') and ('%s@%s' % (alias, organization)).lower() != primary.lower():
        addresses.append('smtp:%s@%s' % (alias, organization))
    return {
        'Identity': name, 'Name': name, 'Guid': '',
        'Alias': alias,
        'DisplayName': desired['display_name'] or name,
        'PrimarySmtpAddress': primary, 'EmailAddresses': addresses,
        'RecipientTypeDetails': GROUP_TYPES[group_type][0],
        'MemberJoinRestriction': RESTRICTIONS[desired['member_join_restriction'] or DEFAULT_JOIN],
        'MemberDepartRestriction': RESTRICTIONS[desired['member_depart_restriction'] or DEFAULT_DEPART[group_type]],
        'Members': members,
    }


def check_group(resolver, plan, facts, before, changes):
    """Why the group cannot become ``facts`` (``before``: as it is, None for a new one) with
    ``changes``, named by the option: :func:`group_problem`, then a name or address another
    recipient holds; None when it can."""
    problem = group_problem(plan.identity, facts, before)
    if problem is None and plan.row is None:
        problem = taken(resolver, 'name', plan.identity, None)
    if problem is None and 'primary_smtp_address' in changes:
        own = str(plan.row.get('Guid')).lower() if plan.row else None
        problem = taken(resolver, 'primary_smtp_address', changes['primary_smtp_address'], own)
    return problem
