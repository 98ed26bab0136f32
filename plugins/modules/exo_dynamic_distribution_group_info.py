#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_dynamic_distribution_group_info
short_description: Read Exchange Online dynamic distribution groups and the members their filters select
version_added: 0.2.0
description:
  - Reads one dynamic distribution group by O(identity), several by O(groups), or every one that
    matches an OPATH O(filter), following the service's paging until the end, with
    C(Get-DynamicDistributionGroup); returned with the keys of M(mailops.exchange.exo_dynamic_distribution_group).
  - With O(preview_members), also the recipients each group's filter selects now
    (C(Get-Recipient -RecipientPreviewFilter)), ten groups to a request.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.info_attributes
options:
  identity:
    description:
      - One group, in any identity form Exchange accepts (name, alias, SMTP address, GUID).
      - A group that does not exist gives an empty RV(groups) list, not an error.
    type: str
  groups:
    description:
      - Several groups, in any identity form, read ten to a request. RV(groups) holds them in the
        order given, each once; the identities that name no group are listed in RV(not_found).
    type: list
    elements: str
  filter:
    description:
      - An OPATH filter over the groups, for example V(Name -like 'All *').
    type: str
  result_size:
    description:
      - The most groups to return. By default every matching group is returned.
    type: int
  preview_members:
    description: Also return each group's C(members), the recipients its filter selects now.
    type: bool
    default: false
notes:
  - O(identity) and O(groups) cannot be combined with each other, O(filter) or O(result_size).
seealso:
  - module: mailops.exchange.exo_dynamic_distribution_group
"""

EXAMPLES = r"""
- name: One group and who it reaches today
  mailops.exchange.exo_dynamic_distribution_group_info:
    identity: All Sales
    preview_members: true
  register: sales

- name: Every dynamic group whose name starts with All
  mailops.exchange.exo_dynamic_distribution_group_info:
    filter: "Name -like 'All *'"
  register: everyone
"""

RETURN = r"""
not_found:
  description: With O(groups), the identities given that name no dynamic group, in the order given.
  returned: with O(groups)
  type: list
  elements: str
groups:
  description: The groups found, in the order the service returned them (with O(groups), in the order given).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The name.
      type: str
    recipient_filter:
      description: The stored filter without the clauses Exchange adds to every filter.
      type: str
    stored_recipient_filter:
      description: The filter exactly as Exchange stores it.
      type: str
    included_recipients:
      description: The precanned recipient types, sorted; empty for a custom filter.
      type: list
      elements: str
    recipient_container:
      description: Where the filter looks for recipients.
      type: str
    members:
      description: With O(preview_members), the recipients the filter selects now, sorted by name.
      type: list
      elements: dict
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.filters import CONDITION_OPTIONS, included_names, previews, shown
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import IdentityError, as_text, check_identities
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError

TEXT = (('identity', 'Identity'), ('guid', 'Guid'), ('name', 'Name'), ('alias', 'Alias'), ('display_name', 'DisplayName'),
        ('primary_smtp_address', 'PrimarySmtpAddress'), ('recipient_container', 'RecipientContainer'),
        ('managed_by', 'ManagedBy'), ('notes', 'Notes'), ('stored_recipient_filter', 'RecipientFilter'),
        ('ldap_recipient_filter', 'LdapRecipientFilter'))


def group_facts(row):
    facts = dict((key, as_text(row.get(prop))) for key, prop in TEXT)
    facts.update((key, list(row.get(prop) or ())) for key, prop in CONDITION_OPTIONS)
    facts.update(
        recipient_filter=shown(row.get('RecipientFilter')),
        included_recipients=included_names(row.get('IncludedRecipients')),
        email_addresses=list(row.get('EmailAddresses') or ()),
        hidden_from_address_lists=bool(row.get('HiddenFromAddressListsEnabled')),
        custom_attributes=dict((str(n), row['CustomAttribute%d' % n]) for n in range(1, 16) if row.get('CustomAttribute%d' % n)),
    )
    return facts


def named_groups(exo, identities, option):
    """The rows of the listed groups, ten to a request, each once, and the identities naming none."""
    rows, missing, problems = {}, [], []
    calls = [('Get-DynamicDistributionGroup', {'Identity': i}) for i in identities]
    for identity, answer in zip(identities, exo.invoke_all(calls)):
        if isinstance(answer, ExchangeError):
            if answer.kind not in ('not_found', 'ambiguous'):
                raise answer
            answer = [] if answer.kind == 'not_found' else [None, None]
        if len(answer) > 1:
            problems.append("'%s' matches more than one recipient" % identity)
        elif not answer:
            missing.append(identity)
        else:
            rows.setdefault(str(answer[0].get('Guid')).lower(), answer[0])
    if problems:
        raise IdentityError('%s: %s; give an SMTP address or GUID' % (option, '; '.join(problems)), kind='invalid_argument')
    return list(rows.values()), missing


def read(exo):
    params = exo.params
    result = dict(changed=False)
    if params['groups'] is not None:
        check_identities('groups', params['groups'])
        rows, result['not_found'] = named_groups(exo, params['groups'], 'groups')
    elif params['identity'] is not None:
        rows, unused = named_groups(exo, [params['identity']], 'identity')
    else:
        rows = exo.query('Get-DynamicDistributionGroup', params['filter'], params['result_size'])
    result['groups'] = [group_facts(row) for row in rows]
    if params['preview_members']:
        for facts, found in zip(result['groups'], previews(exo.invoke_all, [row.get('RecipientFilter') for row in rows])):
            facts['members'] = found
    return result


def main():
    exo = ExoModule(
        argument_spec=dict(identity=dict(type='str'), groups=dict(type='list', elements='str'), filter=dict(type='str'),
                           result_size=dict(type='int'), preview_members=dict(type='bool', default=False)),
        mutually_exclusive=[('identity', 'groups', 'filter'), ('identity', 'groups', 'result_size')],
    )
    if exo.params['result_size'] is not None and exo.params['result_size'] < 1:
        exo.fail('result_size: %s must be 1 or more' % exo.params['result_size'])
    for option in ('identity', 'filter'):
        if exo.params[option] is not None and not exo.params[option].strip():
            exo.fail('%s: %r must not be empty' % (option, exo.params[option]))
    exo.run(read)


if __name__ == '__main__':
    main()
