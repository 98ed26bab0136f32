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

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import CREATE_SET, SET, Prop, Resource, argument_spec, same_text
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.engine.properties import (
    CustomAttributes,
    EmailAddresses,
    ExternalAddress,
    review_addresses,
    text_check,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import RecipientResolver, taken
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.mailbox_properties import alias_from, check_alias, plain_smtp

# Options that describe one contact: a task-wide value for many would clash, so with contacts[]
# they are given per entry only.
ENTRY_ONLY = ('name', 'external_email_address', 'display_name', 'alias', 'first_name', 'last_name')
# Set-Contact's person properties: option -> parameter (New-MailContact takes the names too).
PERSON = (('first_name', 'FirstName'), ('last_name', 'LastName'), ('company', 'Company'),
          ('department', 'Department'), ('title', 'Title'), ('phone', 'Phone'), ('office', 'Office'))
TEXT = dict(type='str')


def _text(value):
    return value or ''


def default_name(contact):
    """The name of a new contact asked for by ``contact``: the local part of an address, or itself."""
    return contact.partition('@')[0] if '@' in contact else contact


class MailContact(Resource):
    noun = 'MailContact'
    identity = 'contact'
    identity_aliases = ('identity',)
    key = 'contact'
    what = 'mail contact'
    create = True
    remove = True
    bulk = 'contacts'
    entry_only = ENTRY_ONLY

    properties = (
        Prop('name', 'Name', spec=TEXT, check=text_check('name', 64)),
        ExternalAddress(),
        Prop('display_name', 'DisplayName', spec=TEXT, check=text_check('display_name', 256)),
        Prop('alias', 'Alias', same=same_text, spec=TEXT, check=check_alias),
    ) + tuple(Prop(option, parameter, view=_text, cmdlet='Contact', default='', spec=TEXT,
                   when=SET if option not in ('first_name', 'last_name') else CREATE_SET)
              for option, parameter in PERSON) + (
        Prop('hidden_from_address_lists', 'HiddenFromAddressListsEnabled', when=SET, default=False,
             spec=dict(type='bool')),
        CustomAttributes(),
        EmailAddresses(),
    )

    def __init__(self, module):
        super().__init__(module)
        self.resolver = RecipientResolver(module.invoke)

    def read_call(self, identity):
        # Get-Recipient shows the mail settings and the person properties together.
        return 'Get-Recipient', {'Identity': identity, 'RecipientTypeDetails': 'MailContact'}

    def facts(self, row):
        return dict(super().facts(row), identity=row.get('Identity') or row.get('Name'), guid=str(row.get('Guid') or ''))

    def check_input(self, entry, where):
        if not isinstance(entry['contact'], str) or not entry['contact'].strip():
            raise ValueError('%scontact: %r is not an identity' % (where, entry['contact']))

    def prepare(self, engine, plans):
        """Look up together the names and addresses that creates and renames will take."""
        wanted = []
        for plan in plans:
            if plan.row is not None:
                self.resolver.remember(plan.row)
            if plan.entry['state'] == 'present':
                wanted.extend(value for value in (self.new_name(plan), plan.entry['external_email_address'])
                              if value and not self.holds(plan.row, value))
        self.resolver.prefetch(self.module.runner, wanted, self.module.parallel, pages=False)

    @staticmethod
    def holds(row, value):
        """Whether the contact ``row`` (None: a new one) already has ``value`` as Name or external address."""
        return row is not None and value.lower() in (str(row.get('Name')).lower(),
                                                     plain_smtp(row.get('ExternalEmailAddress')).lower())

    def new_name(self, plan):
        """The Name the contact will have (None: it keeps its own)."""
        if plan.row is None:
            return plan.entry['name'] or default_name(plan.identity)
        return plan.entry['name']

    def new_parameters(self, plan, desired):
        parameters = super().new_parameters(plan, desired)
        parameters['Name'] = self.new_name(plan)
        return parameters

    def new_row(self, plan, desired):
        row = super().new_row(plan, desired)
        name = self.new_name(plan)
        row.update(Identity=name, Name=name, Guid='', DisplayName=desired['display_name'] or name,
                   Alias=desired['alias'] or alias_from(name))
        return row

    def review(self, engine, plans):
        review_addresses(self.resolver, self.module, plans)

    def validate(self, plan, changes):
        own = str(plan.row.get('Guid')).lower() if plan.row else None
        address = plan.entry['external_email_address']
        if plan.row is None:
            if address is None:
                return ("external_email_address: the mail contact '%s' does not exist and no external address was "
                        'given; give external_email_address to create it' % plan.identity)
            if '@' in plan.identity and plain_smtp(plan.identity).lower() != address.lower():
                return ("contact: '%s' would not be an address of the new mail contact (%s), so the next run could not "
                        'find it; use its external address or its name as contact' % (plan.identity, address))
        if plan.row is None or 'name' in changes:
            problem = taken(self.resolver, 'name', self.new_name(plan), own)
            if problem:
                return problem
        if 'external_email_address' in changes:
            return taken(self.resolver, 'external_email_address', address, own)
        return None


def main():
    exo = ExoModule(**argument_spec(MailContact))
    exo.run(lambda module: module.converge_declared(MailContact))


if __name__ == '__main__':
    main()
