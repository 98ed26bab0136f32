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
    forwarding_address:
      description: The recipient of the organisation mail is forwarded to (its name, as Exchange shows it), or empty.
      type: str
    archive:
      description: Whether the mailbox has an archive (C(ArchiveStatus) C(Active), or an archive GUID and database).
      type: bool
    auto_expanding_archive:
      description: Whether auto-expanding archiving is on.
      type: bool
    retention_policy:
      description: The retention (MRM) policy, by name.
      type: str
      sample: Default MRM Policy
    retain_deleted_items_for:
      description: How many days deleted items stay recoverable.
      type: int
      sample: 14
    message_copy_for_sent_as_enabled:
      description: Whether messages sent as the mailbox are copied to its Sent Items.
      type: bool
    message_copy_for_send_on_behalf_enabled:
      description: Whether messages sent on behalf of the mailbox are copied to its Sent Items.
      type: bool
    prohibit_send_quota:
      description: The size at which the mailbox can no longer send, as Exchange shows it.
      type: str
      sample: 49.5 GB (53,150,220,288 bytes)
    prohibit_send_receive_quota:
      description: The size at which it can no longer send or receive.
      type: str
      sample: 50 GB (53,687,091,200 bytes)
    issue_warning_quota:
      description: The size at which its owner is warned.
      type: str
      sample: 49 GB (52,613,349,376 bytes)
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.info import Listing, listing_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.engine.waiting import WaitTimeout, wait_for
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import mailbox_facts
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import NOT_FOUND, ExchangeError

RECIPIENT_TYPES = ['UserMailbox', 'SharedMailbox', 'RoomMailbox', 'EquipmentMailbox', 'SchedulingMailbox',
                   'DiscoveryMailbox', 'TeamMailbox', 'LinkedMailbox', 'GroupMailbox']


class Mailboxes(Listing):
    cmdlet = 'Get-Mailbox'
    key = 'mailboxes'
    what = 'recipient'
    exclusive = [('mailboxes', 'recipient_type_details')]
    options = dict(recipient_type_details=dict(type='list', elements='str', choices=RECIPIENT_TYPES),
                   wait=dict(type='bool', default=False), wait_timeout=dict(type='int', default=600))

    @staticmethod
    def input_problem(params):
        if params['wait'] and params['identity'] is None:
            return 'wait: true needs identity, the one mailbox to wait for'
        if params['wait_timeout'] < 0:
            return 'wait_timeout: %s must be 0 or more seconds' % params['wait_timeout']
        return None

    def facts(self, row):
        return mailbox_facts(row)

    def query_parameters(self):
        return dict(RecipientTypeDetails=self.module.params['recipient_type_details'])

    def pick(self, rows):
        """The rows of a type ``recipient_type_details`` asks for (any type when it is not given)."""
        types = self.module.params['recipient_type_details']
        return [row for row in rows if not types or row.get('RecipientTypeDetails') in types]

    def read(self):
        if not self.module.params['wait']:
            return super().read()
        result = dict(changed=False)
        result['mailboxes'] = self.complete(self.wait_for_mailbox(result))
        return result

    def get_mailbox(self):
        try:
            return self.module.invoke('Get-Mailbox', {'Identity': self.module.params['identity']})
        except ExchangeError as err:
            if err.kind != NOT_FOUND:
                raise
            return []

    def wait_for_mailbox(self, result):
        """The identity's mailbox once it exists with a type asked for (check mode: one read, no wait)."""
        exo, params = self.module, self.module.params
        wanted = ' or '.join(params['recipient_type_details'] or ['a mailbox'])
        if exo.check_mode:
            rows = self.pick(self.get_mailbox())
            if not rows:
                exo.warn("identity: '%s' is not %s yet; check mode does not wait for it (the licence or group "
                         'membership that makes it was not written)' % (params['identity'], wanted))
            return rows
        try:
            rows, result['reads'], elapsed = wait_for(self.get_mailbox, self.pick, params['wait_timeout'])
        except WaitTimeout as out:
            exo.fail("wait_timeout: identity '%s' was not %s after %.0f s (wait_timeout: %d, %d reads); the last read "
                     'saw %s. Exchange Online creates a licensed user\'s mailbox within minutes, sometimes hours: check '
                     'the licence (exo_user_licence) or raise wait_timeout'
                     % (params['identity'], wanted, out.elapsed, params['wait_timeout'], out.reads,
                        'a %s' % out.last[0].get('RecipientTypeDetails') if out.last else 'no mailbox'),
                     reads=out.reads, elapsed=round(out.elapsed, 1))
        result['elapsed'] = round(elapsed, 1)
        return rows


def main():
    ExoModule(**listing_spec(Mailboxes)).list_declared(Mailboxes)


if __name__ == '__main__':
    main()
