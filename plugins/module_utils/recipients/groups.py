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
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.permissions import opath_text, trustee_map
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.mailbox_properties import check_alias
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import IdentityError, as_text, check_identities
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import sorted_values

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

# Exchange's documented defaults for a new group: joining is closed for both types; leaving
# is open for distribution groups and closed for security groups, which can never be open.
DEFAULT_JOIN = 'closed'
DEFAULT_DEPART = {'distribution': 'open', 'security': 'closed'}

# What Exchange drops from a Name to make the default Alias.
_NOT_ALIAS = re.compile(r"[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]")


_SMTP = re.compile(r'^[^@\s:]+@[^@\s]+\.[^@\s]+$')


def check_name(value, where):
    """The group's name must be a non-blank string: it is the key the group is read and reported by."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError('%sname: %r must not be empty' % (where, value))


def check_group_entry(entry, where):
    """Refuse, naming the option (prefixed ``where``) and the value, what no group can have;
    asks nothing of the service. Raises ValueError."""
    check_name(entry['name'], where)
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
        check_identities(where + 'managed_by', entry['managed_by'])
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


def group_facts(row, owners):
    """The documented snake_case view of a group row; ``owners`` maps key -> shown owner."""
    return {
        'identity': as_text(row.get('Identity')),
        'guid': as_text(row.get('Guid')),
        'name': as_text(row.get('Name')),
        'alias': as_text(row.get('Alias')),
        'display_name': as_text(row.get('DisplayName')),
        'primary_smtp_address': as_text(row.get('PrimarySmtpAddress')),
        'email_addresses': list(row.get('EmailAddresses') or []),
        'type': group_type(row),
        'managed_by': sorted_values(owners),
        'hidden_from_address_lists': bool(row.get('HiddenFromAddressListsEnabled')),
        'require_sender_authentication': bool(row.get('RequireSenderAuthenticationEnabled')),
        'member_join_restriction': restriction(row.get('MemberJoinRestriction')),
        'member_depart_restriction': restriction(row.get('MemberDepartRestriction')),
    }


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


def group_from_answer(answer, identity, option):
    """The group row from the answer to :func:`group_read` (its rows, or the ``ExchangeError`` it
    raised), or None when there is no such group.

    An identity that matches more than one group fails naming ``option``.
    """
    if isinstance(answer, ExchangeError):
        if answer.kind == 'not_found':
            return None
        if answer.kind == 'ambiguous':
            raise IdentityError("%s: '%s' matches more than one group; give its SMTP address or "
                                "GUID; nothing was changed" % (option, identity),
                                kind='invalid_argument')
        raise answer
    return answer[0] if answer else None


def group_read(identity):
    """The ``(cmdlet, parameters)`` that reads the group ``identity`` names."""
    return 'Get-DistributionGroup', {'Identity': identity}


def read_group(invoke, identity, option):
    """The Get-DistributionGroup row ``identity`` names, or None when there is no such group.

    An identity that matches more than one group fails naming ``option``.
    """
    try:
        answer = invoke(*group_read(identity))
    except ExchangeError as err:
        answer = err
    return group_from_answer(answer, identity, option)


def read_owners(resolver, row):
    """The group's owners (``ManagedBy``, as Exchange names them) as canonical key -> shown."""
    return trustee_map(resolver, row.get('ManagedBy') or ())


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
