#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_mail_contact_info
short_description: Read Exchange Online mail contacts
version_added: 0.2.0
description:
  - Reads one mail contact by O(identity), several by O(contacts), or every contact that
    matches an OPATH O(filter), following the service's paging until the end.
  - Contacts are read with C(Get-Recipient -RecipientTypeDetails MailContact), which shows their
    mail settings and person properties together, and returned with the snake_case keys of
    M(mailops.exchange.exo_mail_contact), plus their addresses and custom attributes.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.info_attributes
options:
  identity:
    description:
      - One contact, in any identity form Exchange accepts (name, alias, external address, GUID).
      - A contact that does not exist gives an empty RV(contacts) list, not an error.
    type: str
  contacts:
    description:
      - Several contacts, in any identity form, read ten to a request.
      - RV(contacts) holds them in the order given, each once; the identities that name no
        contact are listed in RV(not_found), not an error.
    type: list
    elements: str
  filter:
    description:
      - An OPATH filter, for example V(Company -eq 'Fabrikam') or V(ExternalEmailAddress -like '*@fabrikam.com').
    type: str
  result_size:
    description:
      - The most contacts to return. By default every matching contact is returned.
    type: int
notes:
  - O(identity) and O(contacts) cannot be combined with each other, O(filter) or O(result_size).
seealso:
  - module: mailops.exchange.exo_mail_contact
"""

EXAMPLES = r"""
- name: Read one contact
  mailops.exchange.exo_mail_contact_info:
    identity: chris@tailspintoys.com
  register: chris

- name: Every contact of a partner company
  mailops.exchange.exo_mail_contact_info:
    filter: "Company -eq 'Fabrikam'"
  register: fabrikam

- name: Three contacts in one read
  mailops.exchange.exo_mail_contact_info:
    contacts: [chris@tailspintoys.com, Ann Beebe, ghost@example.com]
  register: some
"""

RETURN = r"""
not_found:
  description: With O(contacts), the identities given that name no contact, in the order given.
  returned: with O(contacts)
  type: list
  elements: str
  sample: [ghost@example.com]
contacts:
  description:
    - The contacts found, in the order the service returned them (with O(contacts), in the order given).
  returned: always
  type: list
  elements: dict
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
    primary_smtp_address:
      description: The primary SMTP address.
      type: str
    email_addresses:
      description: Every proxy address, C(SMTP:) for the primary, C(smtp:) for the others.
      type: list
      elements: str
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
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.info import listing_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.listings import MailContacts
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule


def main():
    ExoModule(**listing_spec(MailContacts)).list_declared(MailContacts)


if __name__ == '__main__':
    main()
