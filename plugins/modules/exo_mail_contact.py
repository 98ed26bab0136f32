#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_mail_contact
short_description: Create, update and remove Exchange Online mail contacts
version_added: 0.2.0
description:
  - Manages one mail contact, or many in one task (O(contacts)), as desired state - an address
    outside the organisation that shows in the address book and can be a group member.
  - The mail settings go through C(New-/Set-/Remove-MailContact), the person properties
    (O(first_name), O(last_name), O(company), O(department), O(title), O(phone), O(office))
    through C(Set-Contact), as in Exchange. A contact is read with one C(Get-Recipient), which
    shows both.
  - Only the options that are given are compared and changed; the others are left as they are.
    An empty string clears a person property.
  - A new contact's name and external address, and a changed name or external address, are
    checked against every other recipient before the first write. A name or address a mailbox,
    group or other contact already has fails the task and changes nothing.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.mail_contact
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
  - mailops.exchange.exchange_online.bulk
  - mailops.exchange.bulk_results
  - mailops.exchange.mail_contact.contacts
seealso:
  - module: mailops.exchange.exo_mail_contact_info
  - module: mailops.exchange.exo_distribution_group_member
"""

EXAMPLES = r"""
- name: An external partner in the address book
  mailops.exchange.exo_mail_contact:
    contact: chris@tailspintoys.com
    name: Chris Ashton
    external_email_address: chris@tailspintoys.com
    first_name: Chris
    last_name: Ashton
    company: Tailspin Toys
    phone: "+1 555 0100"

- name: Hide a contact from the address book
  mailops.exchange.exo_mail_contact:
    contact: chris@tailspintoys.com
    hidden_from_address_lists: true

- name: Remove a contact
  mailops.exchange.exo_mail_contact:
    contact: chris@tailspintoys.com
    state: absent

- name: A partner's people in one task, all of the same company
  mailops.exchange.exo_mail_contact:
    contacts:
      - contact: ann@fabrikam.com
        name: Ann Beebe
        external_email_address: ann@fabrikam.com
      - contact: ben@fabrikam.com
        name: Ben Miller
        external_email_address: ben@fabrikam.com
        title: Buyer
      - contact: old@fabrikam.com
        state: absent
    company: Fabrikam
    parallel: 4
"""

RETURN = r"""
contact:
  description:
    - The contact after the task; in check mode, what it would be (a contact that would be
      created has an empty C(guid)). An empty dict after the contact is removed.
  returned: with O(contact)
  type: dict
  contains:
    identity:
      description: The contact's Exchange identity (in Exchange Online, its name).
      type: str
    guid:
      description: The recipient GUID.
      type: str
    name:
      description: The name.
      type: str
    external_email_address:
      description: The external address, without its C(SMTP:) prefix.
      type: str
      sample: chris@tailspintoys.com
    display_name:
      description: The display name.
      type: str
    alias:
      description: The mail alias.
      type: str
    first_name:
      description: The first name.
      type: str
    last_name:
      description: The last name.
      type: str
    company:
      description: The company.
      type: str
    department:
      description: The department.
      type: str
    title:
      description: The job title.
      type: str
    phone:
      description: The business phone number.
      type: str
    office:
      description: The office.
      type: str
    hidden_from_address_lists:
      description: Whether the contact is hidden from address lists.
      type: bool
    custom_attributes:
      description: The non-empty custom attributes, keyed by their number C(1) to C(15).
      type: dict
      sample: {"1": "partner"}
    email_addresses:
      description: Every proxy address, C(SMTP:) for the primary, C(smtp:) for the others.
      type: list
      elements: str
changes:
  description:
    - 'What changed, C({option: {before, after}}), or C({added, removed}) for O(email_addresses); a
      create or removal also reports C(state).'
  returned: with O(contact)
  type: dict
  sample: {"company": {"before": "", "after": "Tailspin Toys"}}
results:
  description:
    - With O(contacts), one entry per contact in the order given - RV(contact), C(changes) and
      C(changed) as for a single contact, or C(failed=true) with C(msg) and the error's C(error_kind).
      C(key) is the entry's C(contact); with C(--diff), the task's C(diff) is keyed by it too.
  returned: with O(contacts)
  type: list
  elements: dict
concurrency:
  description:
    - The requests the task had in flight at once when it ended - with O(parallel=auto) what it
      settled at (it grows while the service answers and halves on throttling), with a number
      that number or fewer after throttling; never more than were in flight at once.
  returned: when the task sent requests to the service
  type: int
  sample: 12
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.contacts import MailContact
from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule


def main():
    exo = ExoModule(**argument_spec(MailContact))
    exo.run(lambda module: module.converge_declared(MailContact))


if __name__ == '__main__':
    main()
