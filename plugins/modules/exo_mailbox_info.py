#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_mailbox_info
short_description: Read Exchange Online mailboxes
version_added: 0.1.0
description:
  - Reads one mailbox by O(identity), or every mailbox that matches an OPATH O(filter) and the
    given O(recipient_type_details), following the service's paging until the end.
  - Returns each mailbox with the same snake_case keys that every module of this collection uses.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.info_attributes
options:
  identity:
    description:
      - One mailbox, in any identity form Exchange accepts (name, alias, UPN, SMTP address, GUID).
      - A mailbox that does not exist gives an empty RV(mailboxes) list, not an error.
    type: str
  mailboxes:
    description:
      - Several mailboxes, in any identity form, read ten to a request.
      - RV(mailboxes) holds them in the order given, each once; the identities that name no
        mailbox are listed in RV(not_found), not an error.
    type: list
    elements: str
  filter:
    description:
      - An OPATH filter, for example V(CustomAttribute1 -eq 'sales') or V(Alias -like 'shared*').
    type: str
  recipient_type_details:
    description:
      - Only mailboxes of these types.
    type: list
    elements: str
    choices: [UserMailbox, SharedMailbox, RoomMailbox, EquipmentMailbox, SchedulingMailbox,
              DiscoveryMailbox, TeamMailbox, LinkedMailbox, GroupMailbox]
  result_size:
    description:
      - The most mailboxes to return. By default every matching mailbox is returned.
    type: int
  wait:
    description:
      - With O(identity), read until the mailbox exists (and is one of O(recipient_type_details) when
        given), for up to O(wait_timeout) seconds, with waits that double from 1 s to 30 s between reads.
      - Made for joiners in Exchange Online, whose mailbox the service creates a while after the user
        gets an Exchange licence (M(mailops.exchange.exo_user_licence), M(mailops.exchange.exo_entra_group_member)).
      - In check mode the mailbox is read once and not waited for (the licence was not assigned); a
        mailbox not there yet is a warning, not an error.
    type: bool
    default: false
  wait_timeout:
    description:
      - How many seconds O(wait) waits at most; the task then fails saying what the last read saw.
    type: int
    default: 600
notes:
  - O(identity) and O(mailboxes) cannot be combined with each other, O(filter) or O(result_size);
    O(mailboxes) not with O(recipient_type_details) either.
seealso:
  - module: mailops.exchange.exo_mailbox_permission
  - module: mailops.exchange.exo_mailbox
"""

EXAMPLES = r"""
- name: Wait for the mailbox Exchange Online creates for a newly licensed user
  mailops.exchange.exo_mailbox_info:
    identity: nina.novak@contoso.com
    recipient_type_details: [UserMailbox]
    wait: true
    wait_timeout: 900
  register: joiner_mailbox

- name: Read one mailbox
  mailops.exchange.exo_mailbox_info:
    identity: alice@contoso.com
  register: alice

- name: Three mailboxes in one read
  mailops.exchange.exo_mailbox_info:
    mailboxes: [alice@contoso.com, bob, sales@contoso.com]
  register: some_mailboxes

- name: Every shared mailbox of the sales department
  mailops.exchange.exo_mailbox_info:
    filter: "CustomAttribute1 -eq 'sales'"
    recipient_type_details: [SharedMailbox]
  register: sales_mailboxes

- name: Show their addresses
  ansible.builtin.debug:
    msg: "{{ sales_mailboxes.mailboxes | map(attribute='primary_smtp_address') | list }}"
"""

RETURN = r"""
elapsed:
  description: With O(wait), the seconds waited until the mailbox was there.
  returned: with O(wait)
  type: float
  sample: 42.5
reads:
  description: With O(wait), how many times the mailbox was read.
  returned: with O(wait)
  type: int
  sample: 6
not_found:
  description: With O(mailboxes), the identities given that name no mailbox, in the order given.
  returned: with O(mailboxes)
  type: list
  elements: str
  sample: [ghost@contoso.com]
mailboxes:
  description:
    - The mailboxes found, in the order the service returned them (with O(mailboxes), in the
      order given).
  returned: always
  type: list
  elements: dict
  contains:
    identity:
      description: The mailbox's Exchange identity (in Exchange Online, its name).
      type: str
      sample: sales
    guid:
      description: The recipient GUID.
      type: str
    exchange_guid:
      description: The mailbox GUID.
      type: str
    external_directory_object_id:
      description: The Entra ID object id.
      type: str
    name:
      description: The recipient name.
      type: str
    alias:
      description: The mail alias.
      type: str
    display_name:
      description: The display name.
      type: str
    user_principal_name:
      description: The user principal name.
      type: str
    primary_smtp_address:
      description: The primary SMTP address.
      type: str
      sample: sales@contoso.com
    email_addresses:
      description: Every proxy address, C(SMTP:) for the primary, C(smtp:) for the others, and non-SMTP ones.
      type: list
      elements: str
    recipient_type_details:
      description: The mailbox type, for example C(UserMailbox) or C(SharedMailbox).
      type: str
    type:
      description:
        - The mailbox type as M(mailops.exchange.exo_mailbox) takes it, C(regular), C(shared),
          C(room) or C(equipment); null for other types (see RV(mailboxes[].recipient_type_details)).
      type: str
      sample: shared
    resource_capacity:
      description: How many people a room holds; null when not set.
      type: int
    hidden_from_address_lists:
      description: Whether the mailbox is hidden from address lists.
      type: bool
    litigation_hold:
      description:
        - Litigation hold in the shape M(mailops.exchange.exo_mailbox)'s O(mailops.exchange.exo_mailbox#module:litigation_hold)
          option takes.
      type: dict
      contains:
        enabled:
          description: Whether litigation hold is on.
          type: bool
        duration_days:
          description: How many days items are held; null for unlimited.
          type: int
        owner:
          description: Who put the mailbox on litigation hold.
          type: str
      sample: {"enabled": true, "duration_days": 365, "owner": "Legal"}
    grant_send_on_behalf_to:
      description: The recipients allowed to send on behalf, as Exchange reports them.
      type: list
      elements: str
    forwarding_smtp_address:
      description: The external forwarding address, if any.
      type: str
    deliver_to_mailbox_and_forward:
      description: Whether forwarded mail is also kept in the mailbox.
      type: bool
    custom_attributes:
      description: The non-empty custom attributes, keyed by their number C(1) to C(15).
      type: dict
      sample: {"1": "sales"}
"""

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.engine.waiting import WaitTimeout, wait_for
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import (
    IdentityError,
    check_identities,
    mailbox_facts,
)


def named_mailboxes(exo, identities):
    """The rows of the listed mailboxes, read ten to a request, each once, and the identities
    that name no mailbox; an ambiguous identity fails naming every such one."""
    rows = {}
    missing = []
    problems = []
    answers = exo.invoke_all([('Get-Mailbox', {'Identity': i}) for i in identities])
    for identity, answer in zip(identities, answers):
        if not isinstance(answer, ExchangeError):
            for row in answer[:1]:
                rows.setdefault(str(row.get('Guid')).lower(), row)
            if not answer:
                missing.append(identity)
        elif answer.kind == 'not_found':
            missing.append(identity)
        elif answer.kind == 'ambiguous':
            problems.append("'%s' matches more than one recipient" % identity)
        else:
            raise answer
    if problems:
        raise IdentityError('mailboxes: %s; give an SMTP address or GUID' % '; '.join(problems),
                            kind='invalid_argument')
    return list(rows.values()), missing


def get_mailbox(exo):
    """The identity's mailbox: one row, or none when there is no such mailbox."""
    try:
        return exo.invoke('Get-Mailbox', {'Identity': exo.params['identity']})
    except ExchangeError as err:
        if err.kind != 'not_found':
            raise
        return []


def of_type(exo, rows):
    """The rows of a type ``recipient_type_details`` asks for (any type when it is not given)."""
    types = exo.params['recipient_type_details']
    return [row for row in rows if not types or row.get('RecipientTypeDetails') in types]


def wait_for_mailbox(exo, result):
    """The identity's mailbox once it exists with a type asked for (check mode: one read, no wait)."""
    params = exo.params
    wanted = ' or '.join(params['recipient_type_details'] or ['a mailbox'])
    if exo.check_mode:
        rows = of_type(exo, get_mailbox(exo))
        if not rows:
            exo.warn("identity: '%s' is not %s yet; check mode does not wait for it (the licence or group "
                     'membership that makes it was not written)' % (params['identity'], wanted))
        return rows
    try:
        rows, result['reads'], elapsed = wait_for(lambda: get_mailbox(exo), lambda rows: of_type(exo, rows),
                                                  params['wait_timeout'])
    except WaitTimeout as out:
        exo.fail("wait_timeout: identity '%s' was not %s after %.0f s (wait_timeout: %d, %d reads); the last read "
                 'saw %s. Exchange Online creates a licensed user\'s mailbox within minutes, sometimes hours: check '
                 'the licence (exo_user_licence) or raise wait_timeout'
                 % (params['identity'], wanted, out.elapsed, params['wait_timeout'], out.reads,
                    'a %s' % out.last[0].get('RecipientTypeDetails') if out.last else 'no mailbox'),
                 reads=out.reads, elapsed=round(out.elapsed, 1))
    result['elapsed'] = round(elapsed, 1)
    return rows


def read(exo):
    params = exo.params
    result = dict(changed=False)
    if params['mailboxes'] is not None:
        check_identities('mailboxes', params['mailboxes'])
        rows, result['not_found'] = named_mailboxes(exo, params['mailboxes'])
    elif params['wait']:
        rows = wait_for_mailbox(exo, result)
    elif params['identity'] is not None:
        rows = of_type(exo, get_mailbox(exo))
    else:
        rows = exo.query('Get-Mailbox', params['filter'], params['result_size'],
                         RecipientTypeDetails=params['recipient_type_details'])
    result['mailboxes'] = [mailbox_facts(row) for row in rows]
    return result


def main():
    exo = ExoModule(
        argument_spec=dict(
            identity=dict(type='str'),
            mailboxes=dict(type='list', elements='str'),
            filter=dict(type='str'),
            recipient_type_details=dict(
                type='list', elements='str',
                choices=['UserMailbox', 'SharedMailbox', 'RoomMailbox', 'EquipmentMailbox',
                         'SchedulingMailbox', 'DiscoveryMailbox', 'TeamMailbox', 'LinkedMailbox',
                         'GroupMailbox']),
            result_size=dict(type='int'),
            wait=dict(type='bool', default=False),
            wait_timeout=dict(type='int', default=600),
        ),
        mutually_exclusive=[('identity', 'mailboxes', 'filter'), ('mailboxes', 'recipient_type_details'),
                            ('identity', 'mailboxes', 'result_size')],
    )
    if exo.params['wait'] and exo.params['identity'] is None:
        exo.fail('wait: true needs identity, the one mailbox to wait for')
    if exo.params['wait_timeout'] < 0:
        exo.fail('wait_timeout: %s must be 0 or more seconds' % exo.params['wait_timeout'])
    if exo.params['result_size'] is not None and exo.params['result_size'] < 1:
        exo.fail('result_size: %s must be 1 or more' % exo.params['result_size'])
    for option in ('identity', 'filter'):
        if exo.params[option] is not None and not exo.params[option].strip():
            exo.fail('%s: %r must not be empty' % (option, exo.params[option]))
    exo.run(read)


if __name__ == '__main__':
    main()
