# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""A mail contact (``Get-Recipient``, ``New-/Set-/Remove-MailContact``, ``Set-Contact``), declared once
for both transports: ``exo_mail_contact`` declares :class:`MailContact` as it is, and
``onprem_exchange_mail_contact`` :class:`OnPremMailContact`, which also places a new contact in
an organizational unit.
"""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import CREATE_SET, SET, Prop, Resource, same_text
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


class OnPremMailContact(MailContact):
    """The same declaration over PowerShell remoting; ``organizational_unit`` places a new contact
    (``New-MailContact -OrganizationalUnit``, looked up with ``Get-OrganizationalUnit`` before any
    write). An existing contact is never moved, so the option is not compared with it."""
    properties = MailContact.properties + (
        Prop('organizational_unit', 'OrganizationalUnit', same=lambda have, want: True, spec=TEXT,
             refers='Get-OrganizationalUnit'),
    )
