#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: onprem_exchange_mailbox_info
short_description: Read on-premises and hybrid Exchange mailboxes
version_added: 0.1.0
description:
  - Reads one mailbox by O(identity), or every mailbox of the chosen O(infrastructure), over
    PowerShell remoting (C(Get-Mailbox), C(Get-RemoteMailbox)).
  - A mailbox that does not exist gives an empty RV(mailboxes) list, not an error; an O(identity) that names
    more than one mailbox fails naming it.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_onprem
  - mailops.exchange.exchange_onprem.info_attributes
options:
  identity:
    description:
      - The mailbox, in any form Exchange accepts (name, alias, UPN, SMTP address, GUID).
    type: str
  infrastructure:
    description:
      - V(onpremises) reads mailboxes on on-premises databases, V(hybrid) remote mailboxes,
        V(all) both.
    type: str
    choices: [onpremises, hybrid, all]
    default: all
  result_size:
    description:
      - The most mailboxes to return per infrastructure. By default every mailbox is returned.
    type: int
seealso:
  - module: mailops.exchange.onprem_exchange_mailbox
"""

EXAMPLES = r"""
- name: Read one mailbox, wherever it lives
  mailops.exchange.onprem_exchange_mailbox_info:
    identity: erin@contoso.com
  register: erin

- name: Every remote mailbox
  mailops.exchange.onprem_exchange_mailbox_info:
    infrastructure: hybrid
  register: remote
"""

RETURN = r"""
mailboxes:
  description:
    - The mailboxes found, on-premises ones first. The keys are those of
      M(mailops.exchange.exo_mailbox_info) plus the on-premises ones.
  returned: always
  type: list
  elements: dict
  contains:
    identity:
      description: Exchange's identity of the mailbox (organizational unit and name).
      type: str
    guid:
      description: The user's object GUID.
      type: str
    name:
      description: The name.
      type: str
    alias:
      description: The alias.
      type: str
    display_name:
      description: The display name.
      type: str
    user_principal_name:
      description: The user's UPN.
      type: str
    sam_account_name:
      description: The pre-Windows 2000 logon name.
      type: str
    organizational_unit:
      description: Where the user is in Active Directory.
      type: str
    primary_smtp_address:
      description: The primary SMTP address.
      type: str
    email_addresses:
      description: Every proxy address, C(SMTP:) for the primary.
      type: list
      elements: str
    email_address_policy_enabled:
      description: Whether email address policies apply.
      type: bool
    hidden_from_address_lists:
      description: Whether it is hidden from address lists.
      type: bool
    recipient_type_details:
      description:
        - V(UserMailbox), V(SharedMailbox), V(RoomMailbox) or V(EquipmentMailbox) on premises;
          the same prefixed C(Remote) for a hybrid mailbox (V(RemoteUserMailbox), ...).
      type: str
    type:
      description: V(regular), V(shared), V(room) or V(equipment), on premises and in hybrid alike.
      type: str
    archive:
      description:
        - Whether the mailbox has an archive (C(ArchiveState) V(Local) on premises, V(HostedPending)
          or V(HostedProvisioned) for a remote mailbox's archive in Exchange Online).
      type: bool
    custom_attributes:
      description: The custom attributes that have a value, number to text.
      type: dict
    database:
      description: The mailbox database (on premises; empty for remote mailboxes).
      type: str
    remote_routing_address:
      description: The remote routing address (hybrid; empty on premises).
      type: str
  sample:
    - name: Erin Evans
      primary_smtp_address: erin.evans@contoso.com
      email_addresses: [SMTP:erin.evans@contoso.com]
      recipient_type_details: UserMailbox
      database: DB01
      remote_routing_address: ""
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.info import Listing, listing_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.onprem_module import OnPremModule, onprem_mailbox_facts

CMDLETS = {'onpremises': ('Get-Mailbox',), 'hybrid': ('Get-RemoteMailbox',),
           'all': ('Get-Mailbox', 'Get-RemoteMailbox')}


class OnPremMailboxes(Listing):
    """Mailboxes on premises (Get-Mailbox) and remote ones (Get-RemoteMailbox): one identity read
    with the cmdlet of each infrastructure asked for, on-premises rows first; no OPATH filter."""

    key = 'mailboxes'
    what = 'mailbox'
    filter = False
    several = False
    options = {'infrastructure': dict(type='str', default='all', choices=list(CMDLETS))}

    def cmdlets(self):
        return CMDLETS[self.module.params['infrastructure']]

    def read_calls(self, identity):
        return [(cmdlet, {'Identity': identity}) for cmdlet in self.cmdlets()]

    def facts(self, row):
        return onprem_mailbox_facts(row)

    def everything(self):
        return [row for cmdlet in self.cmdlets() for row in self.module.query(cmdlet, None, self.module.params['result_size'])]


def main():
    OnPremModule(**listing_spec(OnPremMailboxes)).list_declared(OnPremMailboxes)


if __name__ == '__main__':
    main()
