#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_mailbox_permission_info
short_description: Audit the Full Access, Send As and Send on Behalf permissions of Exchange Online mailboxes
version_added: 0.1.0
description:
  - Reads the explicit delegate permissions of the listed O(mailboxes), or of every mailbox that
    matches an OPATH O(filter) and the given O(recipient_type_details).
  - Reports exactly the entries M(mailops.exchange.exo_mailbox_permission) manages, which are the
    explicit allow entries. Inherited entries, deny entries, C(NT AUTHORITY\SELF) and entries shown
    as a SID (C(S-1-5-...)) are left out.
  - Each trustee is shown as its primary SMTP address; a trustee that is no recipient (for example
    a security group that is not mail-enabled) is shown as Exchange names it.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.info_attributes
options:
  mailboxes:
    description:
      - The mailboxes to audit, in any identity form Exchange accepts (name, alias, UPN, SMTP
        address, GUID).
      - RV(permissions) holds them in the order given, each once; the identities that name no
        mailbox are listed in RV(not_found), not an error, so a typo shows there rather than
        passing for a mailbox without delegates. An identity that matches more than one mailbox
        fails the task naming it.
    type: list
    elements: str
  filter:
    description:
      - An OPATH filter selecting the mailboxes, for example V(CustomAttribute1 -eq 'sales').
    type: str
  recipient_type_details:
    description:
      - Only mailboxes of these types.
    type: list
    elements: str
    choices: [UserMailbox, SharedMailbox, RoomMailbox, EquipmentMailbox, SchedulingMailbox,
              DiscoveryMailbox, TeamMailbox, LinkedMailbox, GroupMailbox]
notes:
  - O(mailboxes) cannot be combined with O(filter) or O(recipient_type_details). With none of the
    three, every mailbox is audited.
  - The permissions are read in bulk, as exo_mailbox_permission's O(mailboxes) does - the
    mailboxes and trustees from organisation-wide pages where that is cheaper, Send As
    organisation-wide when that is cheaper, Full Access ten mailboxes to a C($batch) request -
    about one request per ten mailboxes.
seealso:
  - module: mailops.exchange.exo_mailbox_permission
  - module: mailops.exchange.exo_mailbox_info
"""

EXAMPLES = r"""
- name: Who can open or send from the shared mailboxes
  mailops.exchange.exo_mailbox_permission_info:
    recipient_type_details: [SharedMailbox]
  register: audit

- name: Report every mailbox someone else has Full Access to
  ansible.builtin.debug:
    msg: "{{ item.mailbox.primary_smtp_address }}: {{ item.full_access | join(', ') }}"
  loop: "{{ audit.permissions | selectattr('full_access') | list }}"
  loop_control:
    label: "{{ item.mailbox.primary_smtp_address }}"

- name: Audit two mailboxes
  mailops.exchange.exo_mailbox_permission_info:
    mailboxes: [sales@contoso.com, support@contoso.com]
"""

RETURN = r"""
not_found:
  description: With O(mailboxes), the identities given that name no mailbox, in the order given.
  returned: with O(mailboxes)
  type: list
  elements: str
  sample: [ghost@contoso.com]
permissions:
  description:
    - One entry per mailbox, in the order given or the order the service returned them, shaped like
      RV(mailops.exchange.exo_mailbox_permission#module:permission) (with every kind).
  returned: always
  type: list
  elements: dict
  contains:
    mailbox:
      description: The mailbox - its C(identity), C(display_name) and C(primary_smtp_address), as every module shows it.
      type: dict
      sample: {identity: sales, display_name: Sales, primary_smtp_address: sales@contoso.com}
    full_access:
      description: Trustees with explicit Full Access, sorted.
      type: list
      elements: str
      sample: [alice@contoso.com]
    send_as:
      description: Trustees with Send As, sorted.
      type: list
      elements: str
    send_on_behalf:
      description: Trustees with Send on Behalf, sorted.
      type: list
      elements: str
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.info import listing_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.listings import MailboxPermissions
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule


def main():
    ExoModule(**listing_spec(MailboxPermissions)).list_declared(MailboxPermissions)


if __name__ == '__main__':
    main()
