#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_unified_group_info
short_description: Read Microsoft 365 groups, with their members, owners and subscribers
version_added: 0.2.0
description:
  - Reads one Microsoft 365 group (O(identity)), several (O(groups), ten to a request), or every
    group an OPATH O(filter) selects (every group without one), following the service's paging
    to the end, through C(Get-UnifiedGroup).
  - With O(links), also each group's members, owners or subscribers (C(Get-UnifiedGroupLinks),
    one read per group and kind, ten to a request).
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.info_attributes
options:
  identity:
    description: One group, by alias, SMTP address or GUID.
    type: str
  groups:
    description: Several groups, in any of those forms; those not found are listed in RV(not_found).
    type: list
    elements: str
  filter:
    description:
      - An OPATH filter, such as C(AccessType -eq 'Private'). A filter the service refuses fails
        the task naming it.
    type: str
  result_size:
    description: At most this many groups (with O(filter), or for every group).
    type: int
  links:
    description: Which links to read for each group.
    type: list
    elements: str
    choices: [members, owners, subscribers]
    default: []
seealso:
  - module: mailops.exchange.exo_unified_group
"""

EXAMPLES = r"""
- name: One group with its owners and members
  mailops.exchange.exo_unified_group_info:
    identity: project-x
    links: [owners, members]
  register: project

- name: Every private group
  mailops.exchange.exo_unified_group_info:
    filter: "AccessType -eq 'Private'"
"""

RETURN = r"""
groups:
  description:
    - The groups found, in the shape M(mailops.exchange.exo_unified_group) returns one, with the
      links asked for in O(links) as sorted primary SMTP addresses.
  returned: always
  type: list
  elements: dict
not_found:
  description: The O(groups) that name no group.
  returned: with O(groups)
  type: list
  elements: str
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import one_row
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import RecipientResolver, check_identities
from ansible_collections.mailops.exchange.plugins.module_utils.engine.unified_groups import LINKS, links_read, unified_group_facts


def named(exo, identities, option):
    """The rows of the groups named, each once, ten to a request, and the names that found none."""
    rows, missing = {}, []
    for identity, answer in zip(identities, exo.invoke_all([('Get-UnifiedGroup', {'Identity': i}) for i in identities])):
        row = one_row(answer, option, identity, 'Microsoft 365 group')
        if row is None:
            missing.append(identity)
        else:
            rows.setdefault(str(row.get('Guid')).lower(), row)
    return list(rows.values()), missing


def read(exo):
    params = exo.params
    result = dict(changed=False)
    if params['groups'] is not None:
        check_identities('groups', params['groups'])
        rows, result['not_found'] = named(exo, params['groups'], 'groups')
    elif params['identity'] is not None:
        rows = named(exo, [params['identity']], 'identity')[0]
    else:
        rows = exo.query('Get-UnifiedGroup', params['filter'], params['result_size'])
    kinds = [kind for option, kind in LINKS if option in params['links']]
    calls = [(row, kind) for row in rows for kind in kinds]
    resolver = RecipientResolver(exo.invoke)
    for (row, kind), answer in zip(calls, exo.invoke_all([links_read(row['Guid'], kind) for row, kind in calls])):
        if isinstance(answer, ExchangeError):
            raise answer
        row[kind] = dict((r.key, r.shown) for r in map(resolver.remember, answer))
    result['groups'] = [unified_group_facts(row) for row in rows]
    return result


def main():
    exo = ExoModule(
        argument_spec=dict(
            identity=dict(type='str'),
            groups=dict(type='list', elements='str'),
            filter=dict(type='str'),
            result_size=dict(type='int'),
            links=dict(type='list', elements='str', choices=[option for option, unused in LINKS], default=[]),
        ),
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
