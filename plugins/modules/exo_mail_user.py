#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_mail_user
short_description: Create, update and remove Exchange Online mail users
version_added: 0.2.0
description:
  - Manages one mail user, or many in one task (O(mail_users)), as desired state - an account of
    the organisation (it can sign in) whose mail goes to an address outside it, with no mailbox.
  - The mail settings go through C(New-/Set-/Remove-MailUser), the first and last name through
    C(Set-User), as in Exchange. A mail user is read with one C(Get-Recipient), which shows both.
  - Only the options that are given are compared and changed; the others are left as they are.
  - A new mail user's name, account and external address, and a changed name, account or external
    address, are checked against every other recipient before the first write. A name or address
    a mailbox, group, contact or other mail user already has fails the task and changes nothing.
  - The password is only ever sent to create the mail user; it is never read, compared, returned,
    shown in a diff or put in a message.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
  - mailops.exchange.exchange_online.bulk
  - mailops.exchange.bulk_results
options:
  mail_user:
    description:
      - The mail user. For an existing mail user any identity form Exchange accepts (name, alias,
        user principal name, address, GUID).
      - A mail user that does not exist is created, named O(name) or else this value (the part
        before the C(@) of an address). An address used here must be the new mail user's
        O(user_principal_name) or O(external_email_address), so that the next run finds it.
      - Give O(mail_user) or O(mail_users).
    type: str
    aliases: [identity]
  mail_users:
    description:
      - Many mail users in one task (bulk mode), converged inside one module run that shares one
        token, one connection pool and one recipient lookup. The mail users are read, and the
        names and addresses they would take checked, ten to a request; new ones are created
        O(parallel) at a time; the changes to existing ones and the reads after them go ten to a
        request.
      - Each entry names a mail user by C(mail_user) and may set any of the per-user options
        below; options it leaves out take the task's value (for example O(state),
        O(initial_password) or O(hidden_from_address_lists)). O(name), O(external_email_address),
        O(user_principal_name), O(display_name), O(alias), O(first_name) and O(last_name) belong to
        one mail user, so they are given per entry only.
      - One mail user's failure does not stop or undo the others; the task fails at the end and
        lists every failed one with its reason (RV(results) holds each one's outcome); a message
        about an entry names it as C(mail_users[N].option).
    type: list
    elements: dict
    suboptions:
      mail_user:
        description: As O(mail_user), for this mail user.
        type: str
        required: true
        aliases: [identity]
      state:
        description: As O(state), for this mail user.
        type: str
        choices: [present, absent]
      name:
        description: As O(name), for this mail user.
        type: str
      external_email_address:
        description: As O(external_email_address), for this mail user.
        type: str
      user_principal_name:
        description: As O(user_principal_name), for this mail user.
        type: str
      initial_password:
        description: As O(initial_password), for this mail user.
        type: str
      display_name:
        description: As O(display_name), for this mail user.
        type: str
      alias:
        description: As O(alias), for this mail user.
        type: str
      first_name:
        description: As O(first_name), for this mail user.
        type: str
      last_name:
        description: As O(last_name), for this mail user.
        type: str
      hidden_from_address_lists:
        description: As O(hidden_from_address_lists), for this mail user.
        type: bool
      custom_attributes:
        description: As O(custom_attributes), for this mail user.
        type: dict
      email_addresses:
        description: As O(email_addresses), for this mail user.
        type: list
        elements: str
      email_addresses_mode:
        description: As O(email_addresses_mode), for this mail user.
        type: str
        choices: [add, remove, exact]
  state:
    description:
      - V(present) creates or updates the mail user; V(absent) removes it, with its account.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The mail user's name (C(Name)), unique among the recipients of the organisation. Changing
        it renames the mail user.
    type: str
  external_email_address:
    description:
      - The address outside the organisation that mail to the mail user goes to
        (C(ExternalEmailAddress)), plain or with an C(SMTP:) prefix; compared case-insensitively.
      - Required to create a mail user. Exchange makes it the mail user's primary SMTP address.
    type: str
  user_principal_name:
    description:
      - The account the mail user signs in with (C(MicrosoftOnlineServicesID) in Exchange Online;
        Exchange shows it as C(WindowsLiveID) and C(UserPrincipalName)), in an accepted domain of
        the organisation; compared case-insensitively. Changing it renames the account.
      - Required to create a mail user.
    type: str
  initial_password:
    description:
      - The password of the new mail user's account (C(New-MailUser -Password)), used only when the
        mail user is created; an existing mail user's password is never read or changed, so a
        re-run reports no change.
      - Required to create a mail user. It must follow Microsoft Entra ID's rule - 8 to 256
        characters, with three of lower case letters, upper case letters, digits and symbols -
        or the task fails before anything is written, without showing it.
    type: str
  display_name:
    description:
      - The name shown in the address book. Exchange uses the name when a mail user is created
        without one.
    type: str
  alias:
    description:
      - The mail alias. Exchange derives it from the user principal name (the part before the
        C(@)) when a mail user is created without one.
    type: str
  first_name:
    description: The first name (C(FirstName)); an empty string clears it.
    type: str
  last_name:
    description: The last name (C(LastName)); an empty string clears it.
    type: str
  hidden_from_address_lists:
    description:
      - Whether the mail user is hidden from the address lists. A new mail user is shown.
    type: bool
  custom_attributes:
    description:
      - Custom attributes by number, V(1) to V(15) (C(CustomAttribute1) to C(CustomAttribute15)
        of C(Set-MailUser)), each at most 1024 characters. An empty value clears one.
      - Only the numbers given are managed.
    type: dict
  email_addresses:
    description:
      - Proxy addresses of the mail user (C(EmailAddresses)), in the mode of O(email_addresses_mode);
        C(SMTP:) marks the primary, which is otherwise the external address. Each address must be
        free in the organisation; one another recipient holds fails the mail user before any write.
    type: list
    elements: str
  email_addresses_mode:
    description:
      - V(add) (the default) adds the listed addresses, V(remove) removes them, V(exact) makes
        them the mail user's addresses; see the multi-valued options guide.
    type: str
    choices: [add, remove, exact]
    default: add
notes:
  - A changed first or last name is written by C(Set-User), the rest by C(Set-MailUser); in check
    mode the result shows the mail user as both calls would leave it.
seealso:
  - module: mailops.exchange.exo_mail_user_info
  - module: mailops.exchange.exo_mail_contact
"""

EXAMPLES = r"""
- name: A consultant who signs in here and reads mail at home
  mailops.exchange.exo_mail_user:
    mail_user: ed@contoso.com
    name: Ed Meadows
    user_principal_name: ed@contoso.com
    external_email_address: ed@tailspintoys.com
    initial_password: "{{ vault_ed_initial_password }}"
    first_name: Ed
    last_name: Meadows

- name: Hide a mail user from the address book
  mailops.exchange.exo_mail_user:
    mail_user: ed@contoso.com
    hidden_from_address_lists: true

- name: Remove a mail user and its account
  mailops.exchange.exo_mail_user:
    mail_user: ed@contoso.com
    state: absent

- name: A project's external staff in one task
  mailops.exchange.exo_mail_user:
    mail_users:
      - mail_user: ann.beebe@contoso.com
        user_principal_name: ann.beebe@contoso.com
        external_email_address: ann@fabrikam.com
      - mail_user: ben.miller@contoso.com
        user_principal_name: ben.miller@contoso.com
        external_email_address: ben@fabrikam.com
        first_name: Ben
      - mail_user: old.consultant@contoso.com
        state: absent
    initial_password: "{{ vault_project_initial_password }}"
    parallel: 4
"""

RETURN = r"""
mail_user:
  description:
    - The mail user after the task; in check mode, what it would be (a mail user that would be
      created has an empty C(guid)). An empty dict after the mail user is removed. Never the password.
  returned: with O(mail_user)
  type: dict
  contains:
    identity:
      description: The mail user's Exchange identity (in Exchange Online, its name).
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
      sample: ed@tailspintoys.com
    user_principal_name:
      description: The account (C(MicrosoftOnlineServicesID)).
      type: str
      sample: ed@contoso.com
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
    hidden_from_address_lists:
      description: Whether the mail user is hidden from address lists.
      type: bool
    custom_attributes:
      description: The non-empty custom attributes, keyed by their number C(1) to C(15).
      type: dict
      sample: {"1": "contractor"}
    email_addresses:
      description: Every proxy address, C(SMTP:) for the primary, C(smtp:) for the others.
      type: list
      elements: str
changes:
  description:
    - 'What changed, C({option: {before, after}}), or C({added, removed}) for O(email_addresses); a
      create or removal also reports C(state). The password is never among them.'
  returned: with O(mail_user)
  type: dict
  sample: {"hidden_from_address_lists": {"before": false, "after": true}}
results:
  description:
    - With O(mail_users), one entry per mail user in the order given - RV(mail_user), C(changes)
      and C(changed) as for a single mail user, or C(failed=true) with C(msg) and the error
      C(error_kind). C(key) is the entry's C(mail_user); with C(--diff), the task's C(diff) is keyed by it too.
  returned: with O(mail_users)
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

import re

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import SET, Prop, Resource, argument_spec, same_text
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.mailbox_properties import alias_from, check_alias, plain_smtp
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.engine.properties import (
    CustomAttributes,
    EmailAddresses,
    ExternalAddress,
    review_addresses,
    smtp_check,
    text_check,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import RecipientResolver, taken

TEXT = dict(type='str')
# Options that describe one mail user: a task-wide value for many would clash.
ENTRY_ONLY = ('name', 'external_email_address', 'user_principal_name', 'display_name', 'alias', 'first_name', 'last_name')
# Microsoft Entra ID's password rule for cloud accounts: 8 to 256 characters, three of the four kinds.
KINDS = (r'[a-z]', r'[A-Z]', r'[0-9]', r'[^a-zA-Z0-9]')
CREATE_NEEDS = ('external_email_address', 'user_principal_name', 'initial_password')


def _text(value):
    return value or ''


def account(row):
    """The account of a mail user row, by whichever name the cmdlet that read it gives it."""
    return row.get('MicrosoftOnlineServicesID') or row.get('UserPrincipalName') or row.get('WindowsLiveID') or ''


def check_password(password, where):
    if not 8 <= len(password) <= 256 or sum(1 for kind in KINDS if re.search(kind, password)) < 3:
        raise ValueError('%sinitial_password: the password given (not shown) does not follow Microsoft Entra ID\'s rule: 8 to '
                         '256 characters, with three of lower case letters, upper case letters, digits and symbols' % where)


class MailUser(Resource):
    noun = 'MailUser'
    identity = 'mail_user'
    identity_aliases = ('identity',)
    key = 'mail_user'
    what = 'mail user'
    create = True
    remove = True
    bulk = 'mail_users'
    entry_only = ENTRY_ONLY
    options = {'initial_password': dict(type='str', no_log=True)}

    properties = (
        Prop('name', 'Name', spec=TEXT, check=text_check('name', 64)),
        ExternalAddress(),
        Prop('user_principal_name', 'MicrosoftOnlineServicesID', same=same_text, spec=TEXT, check=smtp_check('user_principal_name')),
        Prop('display_name', 'DisplayName', spec=TEXT, check=text_check('display_name', 256)),
        Prop('alias', 'Alias', same=same_text, spec=TEXT, check=check_alias),
        Prop('first_name', 'FirstName', view=_text, cmdlet='User', default='', spec=TEXT),
        Prop('last_name', 'LastName', view=_text, cmdlet='User', default='', spec=TEXT),
        Prop('hidden_from_address_lists', 'HiddenFromAddressListsEnabled', when=SET, default=False, spec=dict(type='bool')),
        CustomAttributes(),
        EmailAddresses(),
    )

    def __init__(self, module):
        super().__init__(module)
        self.resolver = RecipientResolver(module.invoke)

    def read_call(self, identity):
        # Get-Recipient shows the mail settings and the person properties together.
        return 'Get-Recipient', {'Identity': identity, 'RecipientTypeDetails': 'MailUser'}

    def facts(self, row):
        facts = super().facts(dict(row, MicrosoftOnlineServicesID=account(row)))
        facts.update(identity=row.get('Identity') or row.get('Name'), guid=str(row.get('Guid') or ''))
        return facts

    def check_input(self, entry, where):
        """Refuse, naming the option and the value (never the password's), what no mail user can have."""
        problem = self.identity_problem(entry['mail_user'])
        if problem:
            raise ValueError('%smail_user: %s' % (where, problem))
        if entry['initial_password'] is not None:
            check_password(entry['initial_password'], where)

    def prepare(self, engine, plans):
        """Look up together the names and addresses that creates and changes will take."""
        wanted = []
        for plan in plans:
            if plan.row is not None:
                self.resolver.remember(plan.row)
            if plan.entry['state'] == 'present':
                wanted.extend(value for value in (self.new_name(plan), plan.entry['external_email_address'],
                                                  plan.entry['user_principal_name']) if value and not self.holds(plan.row, value))
        self.resolver.prefetch(self.module.runner, wanted, self.module.parallel, pages=False)

    @staticmethod
    def holds(row, value):
        """Whether the mail user ``row`` (None: a new one) already has ``value`` as Name, account or external address."""
        return row is not None and value.lower() in (str(row.get('Name')).lower(), account(row).lower(),
                                                     plain_smtp(row.get('ExternalEmailAddress')).lower())

    def new_name(self, plan):
        """The Name the mail user will have (None: it keeps its own)."""
        if plan.row is None:
            return plan.entry['name'] or plan.identity.partition('@')[0]
        return plan.entry['name']

    def new_parameters(self, plan, desired):
        parameters = super().new_parameters(plan, desired)
        parameters.update(Name=self.new_name(plan), Password=plan.entry['initial_password'])
        return parameters

    def new_row(self, plan, desired):
        row = super().new_row(plan, desired)
        name = self.new_name(plan)
        row.update(Identity=name, Name=name, Guid='', DisplayName=desired['display_name'] or name,
                   Alias=desired['alias'] or alias_from((desired['user_principal_name'] or name).partition('@')[0]))
        return row

    def review(self, engine, plans):
        review_addresses(self.resolver, self.module, plans)

    def validate(self, plan, changes):
        own = str(plan.row.get('Guid')).lower() if plan.row else None
        if plan.row is None:
            for option in CREATE_NEEDS:
                if plan.entry[option] is None:
                    return ("%s: the mail user '%s' does not exist and no %s was given; give %s to create it"
                            % (option, plan.identity, option, ', '.join(CREATE_NEEDS)))
            if '@' in plan.identity and plan.identity.lower() not in (plan.entry['user_principal_name'].lower(),
                                                                      plan.entry['external_email_address'].lower()):
                return ("mail_user: '%s' would not be an address of the new mail user (%s, %s), so the next run could not "
                        'find it; use its user principal name or its name as mail_user'
                        % (plan.identity, plan.entry['user_principal_name'], plan.entry['external_email_address']))
        checks = [('name', self.new_name(plan))] if plan.row is None or 'name' in changes else []
        checks += [(option, plan.entry[option]) for option in ('user_principal_name', 'external_email_address')
                   if plan.row is None or option in changes]
        for option, value in checks:
            problem = taken(self.resolver, option, value, own)
            if problem:
                return problem
        return None


def main():
    exo = ExoModule(**argument_spec(MailUser))
    exo.run(lambda module: module.converge_declared(MailUser))


if __name__ == '__main__':
    main()
