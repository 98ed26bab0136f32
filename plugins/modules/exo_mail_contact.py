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
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
  - mailops.exchange.exchange_online.bulk
options:
  contact:
    description:
      - The mail contact. For an existing contact any identity form Exchange accepts (name,
        alias, external address, GUID).
      - A contact that does not exist is created, named O(name) or else this value (the part
        before the C(@) of an address). An address used here must be the new contact's
        O(external_email_address), so that the next run finds it.
      - Give O(contact) or O(contacts).
    type: str
    aliases: [identity]
  contacts:
    description:
      - Many contacts in one task (bulk mode), converged inside one module run that shares one
        token, one connection pool and one recipient lookup. The contacts are read, and the
        names and addresses they would take checked, ten to a request; new contacts are created
        O(parallel) at a time; the changes to existing ones and the reads after them go ten to
        a request.
      - Each entry names a contact by C(contact) and may set any of the per-contact options
        below; options it leaves out take the task's value (for example O(state), O(company) or
        O(hidden_from_address_lists)). O(name), O(external_email_address), O(display_name),
        O(alias), O(first_name) and O(last_name) belong to one contact, so they are given per
        entry only; O(custom_attributes) is taken from the task as a whole when an entry leaves it out.
      - One contact's failure does not stop or undo the others; the task fails at the end and
        lists every failed contact with its reason (RV(results) holds each one's outcome); a
        message about an entry names it as C(contacts[N].option).
    type: list
    elements: dict
    suboptions:
      contact:
        description: As O(contact), for this contact.
        type: str
        required: true
        aliases: [identity]
      state:
        description: As O(state), for this contact.
        type: str
        choices: [present, absent]
      name:
        description: As O(name), for this contact.
        type: str
      external_email_address:
        description: As O(external_email_address), for this contact.
        type: str
      display_name:
        description: As O(display_name), for this contact.
        type: str
      alias:
        description: As O(alias), for this contact.
        type: str
      first_name:
        description: As O(first_name), for this contact.
        type: str
      last_name:
        description: As O(last_name), for this contact.
        type: str
      company:
        description: As O(company), for this contact.
        type: str
      department:
        description: As O(department), for this contact.
        type: str
      title:
        description: As O(title), for this contact.
        type: str
      phone:
        description: As O(phone), for this contact.
        type: str
      office:
        description: As O(office), for this contact.
        type: str
      hidden_from_address_lists:
        description: As O(hidden_from_address_lists), for this contact.
        type: bool
      custom_attributes:
        description: As O(custom_attributes), for this contact.
        type: dict
      email_addresses:
        description: As O(email_addresses), for this contact.
        type: list
        elements: str
      email_addresses_mode:
        description: As O(email_addresses_mode), for this contact.
        type: str
        choices: [add, remove, exact]
  state:
    description:
      - V(present) creates or updates the contact; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The contact's name (C(Name)), unique among the recipients of the organisation. Changing
        it renames the contact.
    type: str
  external_email_address:
    description:
      - The address outside the organisation that mail to the contact goes to
        (C(ExternalEmailAddress)), plain or with an C(SMTP:) prefix; compared case-insensitively.
      - Required to create a contact. Exchange makes it the contact's primary SMTP address.
    type: str
  display_name:
    description:
      - The name shown in the address book. Exchange uses the name when a contact is created
        without one.
    type: str
  alias:
    description:
      - The mail alias. Exchange derives it from the name when a contact is created without one.
    type: str
  first_name:
    description: The first name (C(FirstName)).
    type: str
  last_name:
    description: The last name (C(LastName)).
    type: str
  company:
    description: The company (C(Set-Contact -Company)).
    type: str
  department:
    description: The department (C(Set-Contact -Department)).
    type: str
  title:
    description: The job title (C(Set-Contact -Title)).
    type: str
  phone:
    description: The business phone number (C(Set-Contact -Phone)).
    type: str
  office:
    description: The office (C(Set-Contact -Office)).
    type: str
  hidden_from_address_lists:
    description:
      - Whether the contact is hidden from the address lists. A new contact is shown.
    type: bool
  custom_attributes:
    description:
      - Custom attributes by number, V(1) to V(15) (C(CustomAttribute1) to C(CustomAttribute15)
        of C(Set-MailContact)), each at most 1024 characters. An empty value clears one.
      - Only the numbers given are managed.
    type: dict
  email_addresses:
    description:
      - Proxy addresses of the contact (C(EmailAddresses)), in the mode of O(email_addresses_mode);
        C(SMTP:) marks the primary, which is otherwise the external address. Each address must be
        free in the organisation; one another recipient holds fails the contact before any write.
    type: list
    elements: str
  email_addresses_mode:
    description:
      - V(add) (the default) adds the listed addresses, V(remove) removes them, V(exact) makes
        them the contact's addresses; see the multi-valued options guide.
    type: str
    choices: [add, remove, exact]
    default: add
notes:
  - A person property is written by C(Set-Contact) after C(New-MailContact); in check mode the
    result shows the contact as both calls would leave it.
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
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.contacts import MailContact
from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule


def main():
    exo = ExoModule(**argument_spec(MailContact))
    exo.run(lambda module: module.converge_declared(MailContact))


if __name__ == '__main__':
    main()
