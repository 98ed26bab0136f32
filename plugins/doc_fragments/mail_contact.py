# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# The options of exo_mail_contact and onprem_exchange_mail_contact, written once: the two modules
# are one declaration over New/Set/Remove-MailContact. On premises, a new contact also takes its
# organizational unit (ONPREM_CONTACTS, defined below the class: the bulk list with that
# per-contact option).


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
notes:
  - A person property is written by C(Set-Contact) after C(New-MailContact); in check mode the
    result shows the contact as both calls would leave it.
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
"""

    CONTACTS = r"""
options:
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
"""


# Outside the class body, because every assignment in it must be a literal text (ansible-test's
# yamllint parses them): the bulk list with the on-premises per-contact option.
ModuleDocFragment.ONPREM_CONTACTS = ModuleDocFragment.CONTACTS + r"""      organizational_unit:
        description: As O(organizational_unit), for this contact.
        type: str
"""
