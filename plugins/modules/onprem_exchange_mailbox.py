#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: onprem_exchange_mailbox
short_description: Create, mail-enable, change and remove on-premises and hybrid Exchange mailboxes
version_added: 0.1.0
description:
  - Manages mailboxes of an on-premises Exchange organisation over PowerShell remoting, as
    desired state - one per task, or many with O(mailboxes). With O(infrastructure=onpremises) the mailbox lives on an Exchange database
    (C(New-Mailbox), C(Enable-Mailbox), C(Set-Mailbox)); with O(infrastructure=hybrid) it is a
    remote mailbox in Exchange Online managed from on premises (C(New-RemoteMailbox),
    C(Enable-RemoteMailbox), C(Set-RemoteMailbox)).
  - Every input is checked, and the user or mailbox looked up, before the first change, so bad
    input fails with a message naming the option and changes nothing.
  - Email addresses follow the same rules as M(mailops.exchange.exo_mailbox) - only SMTP addresses
    are managed, every other proxy address (X500, SIP, ...) is kept, addresses in
    O(excluded_domains) are never added or removed.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_onprem
  - mailops.exchange.exchange_onprem.attributes
  - mailops.exchange.exchange_onprem.bulk
  - mailops.exchange.bulk_results
options:
  mailbox:
    description:
      - The mailbox or user, in any form Exchange accepts (name, alias, UPN, SMTP address,
        C(DOMAIN\\sAMAccountName), GUID, distinguished name).
      - With O(create_method=new) a new user gets this as its C(Name), so later runs find it again.
      - With O(create_method=enable) it names the existing Active Directory user.
      - Give O(mailbox) or O(mailboxes). C(identity), its name in earlier releases, still works.
    aliases: [identity]
    type: str
  mailboxes:
    description:
      - Many mailboxes in one task (bulk mode), converged inside one module run over one
        runspace pool. The mailboxes are read, then the users of the missing ones; every input
        is checked before the first change; creations and removals follow, then the changes to
        existing mailboxes, and each changed mailbox is read back.
      - Each entry names a mailbox by C(mailbox) (or C(identity)) and may set any of the per-mailbox options
        below; options it leaves out take the task's value (for example O(state),
        O(create_method), O(organizational_unit) or O(hidden_from_address_lists)). O(display_name),
        O(user_principal_name), O(sam_account_name), O(first_name), O(last_name),
        O(primary_smtp_address), O(email_addresses) and O(remote_routing_address) belong to one
        mailbox, so they are given per entry only; so is O(name). O(infrastructure) is the task's for every entry
        (an entry that names another one fails).
      - One mailbox's failure does not stop or undo the others; the task fails at the end and
        lists every failed mailbox with its reason (RV(results) holds each mailbox's outcome).
    type: list
    elements: dict
    suboptions:
      mailbox:
        description: As O(mailbox), for this mailbox.
        aliases: [identity]
        type: str
        required: true
      name:
        description: As O(name), for this mailbox.
        type: str
      state:
        description: As O(state), for this mailbox.
        type: str
        choices: [present, absent]
      infrastructure:
        description: The task's O(infrastructure); an entry that names another one fails.
        type: str
        choices: [onpremises, hybrid]
      create_method:
        description: As O(create_method), for this mailbox.
        type: str
        choices: [new, enable]
      user_principal_name:
        description: As O(user_principal_name), for this mailbox.
        type: str
      sam_account_name:
        description: As O(sam_account_name), for this mailbox.
        type: str
      first_name:
        description: As O(first_name), for this mailbox.
        type: str
      last_name:
        description: As O(last_name), for this mailbox.
        type: str
      display_name:
        description: As O(display_name), for this mailbox.
        type: str
      organizational_unit:
        description: As O(organizational_unit), for this mailbox.
        type: str
      initial_password:
        description: As O(initial_password), for this mailbox.
        type: str
      database:
        description: As O(database), for this mailbox.
        type: str
      remote_routing_address:
        description: As O(remote_routing_address), for this mailbox.
        type: str
      primary_smtp_address:
        description: As O(primary_smtp_address), for this mailbox.
        type: str
      email_addresses:
        description: As O(email_addresses), for this mailbox.
        type: list
        elements: str
      email_addresses_mode:
        description: As O(email_addresses_mode), for this mailbox.
        type: str
        choices: [add, remove, exact]
      excluded_domains:
        description: As O(excluded_domains), for this mailbox.
        type: list
        elements: str
      email_address_policy_enabled:
        description: As O(email_address_policy_enabled), for this mailbox.
        type: bool
      hidden_from_address_lists:
        description: As O(hidden_from_address_lists), for this mailbox.
        type: bool
      absent_action:
        description: As O(absent_action), for this mailbox.
        type: str
        choices: [disable, remove]
      type:
        description: As O(type), for this mailbox.
        type: str
        choices: [regular, shared, room, equipment]
      archive:
        description: As O(archive), for this mailbox.
        type: bool
      archive_disable_confirm:
        description: As O(archive_disable_confirm), for this mailbox.
        type: bool
      custom_attributes:
        description: As O(custom_attributes), for this mailbox.
        type: dict
  state:
    description:
      - V(present) creates or mail-enables the mailbox if needed and sets the given properties.
      - V(absent) takes the mailbox away as O(absent_action) says.
    type: str
    choices: [present, absent]
    default: present
  infrastructure:
    description:
      - V(onpremises) for a mailbox on an on-premises database, V(hybrid) for a remote mailbox
        (the mailbox is in Exchange Online, the user on premises).
    type: str
    choices: [onpremises, hybrid]
    default: onpremises
  create_method:
    description:
      - How a missing mailbox is created. V(new) creates the Active Directory user and its
        mailbox (C(New-Mailbox)/C(New-RemoteMailbox)); V(enable) gives an existing user a
        mailbox (C(Enable-Mailbox)/C(Enable-RemoteMailbox)).
    type: str
    choices: [new, enable]
    default: new
  name:
    description:
      - The C(Name) of a new user and mailbox (O(create_method=new)), unique in the organisation; defaults to
        O(mailbox). Used only on creation; an existing mailbox keeps its name. Lets O(mailbox) be the address
        a new mailbox gets (O(primary_smtp_address)) and later runs find it by.
    type: str
  user_principal_name:
    description:
      - The new user's UPN. Required when O(create_method=new) creates the mailbox; used only then.
    type: str
  sam_account_name:
    description:
      - The new user's pre-Windows 2000 logon name; Exchange derives one when not given. Used only on creation.
    type: str
  first_name:
    description:
      - The new user's given name (used by the email address policy). Used only on creation.
    type: str
  last_name:
    description:
      - The new user's surname (used by the email address policy). Used only on creation.
    type: str
  display_name:
    description:
      - The display name in address lists. Set on creation and kept equal afterwards.
    type: str
  organizational_unit:
    description:
      - Where the new user is created, as C(domain/OU/...) or a distinguished name. Used only on
        creation with O(create_method=new); users are not moved afterwards.
    type: str
  initial_password:
    description:
      - The new user's password, sent as a SecureString. Required when O(create_method=new)
        creates the mailbox and used only then.
      - Not called C(password), which is the account this module connects with.
      - The password of an existing user is never changed or compared, so a changed value does
        not report a change.
    type: str
  database:
    description:
      - The mailbox database of a new on-premises mailbox (O(infrastructure=onpremises)); Exchange
        picks one when not given.
      - An existing mailbox is not moved; when it is on another database a warning says so.
    type: str
  remote_routing_address:
    description:
      - The remote routing address (C(alias@tenant.mail.onmicrosoft.com)) of a hybrid mailbox;
        Exchange derives one on creation when not given. Kept equal afterwards.
      - Only with O(infrastructure=hybrid).
    type: str
  primary_smtp_address:
    description:
      - The primary SMTP address. Giving it on creation turns the email address policy off for the
        mailbox, as Exchange does.
      - Changing the primary address of a mailbox whose email address policy applies needs
        O(email_address_policy_enabled=false).
    type: str
  email_addresses:
    description:
      - SMTP addresses, plain or with C(smtp:); C(SMTP:) marks the primary. Handled as
        O(email_addresses_mode) says.
    type: list
    elements: str
  email_addresses_mode:
    description:
      - V(add) adds the given addresses, V(remove) removes them, V(exact) makes them the mailbox's
        only SMTP addresses (except those in O(excluded_domains)).
      - V(add) and V(remove) send only the addresses that change (C(@{Add=...; Remove=...})), so an
        address another run adds or removes at the same time is left as that run leaves it;
        V(exact) sends the whole list.
    type: str
    choices: [add, remove, exact]
    default: add
  excluded_domains:
    description:
      - Domains whose SMTP addresses are never added or removed, for example the
        C(*.mail.onmicrosoft.com) routing domain of a hybrid organisation.
    type: list
    elements: str
    default: []
  email_address_policy_enabled:
    description:
      - Whether the organisation's email address policies keep the mailbox's addresses.
    type: bool
  hidden_from_address_lists:
    description:
      - Hide the mailbox from address lists.
    type: bool
  absent_action:
    description:
      - With O(state=absent), V(disable) removes the mailbox and keeps the Active Directory user
        (C(Disable-Mailbox)/C(Disable-RemoteMailbox)); V(remove) removes both
        (C(Remove-Mailbox)/C(Remove-RemoteMailbox)).
    type: str
    choices: [disable, remove]
    default: disable
  type:
    description:
      - The kind of mailbox. A new one is created as this kind (C(New-Mailbox -Shared), C(-Room) or
        C(-Equipment); C(New-RemoteMailbox) and the C(Enable-) cmdlets take the same switches); an
        existing one is converted with C(Set-Mailbox -Type) (C(Set-RemoteMailbox -Type) in hybrid).
      - Shared, room and equipment mailboxes have a disabled account, so O(user_principal_name) and
        O(initial_password) are not required to create them (Exchange derives a UPN).
      - Not given, a new mailbox is V(regular) and an existing one keeps its kind.
    type: str
    choices: [regular, shared, room, equipment]
  archive:
    description:
      - Whether the mailbox has an archive. V(true) runs C(Enable-Mailbox -Archive) (on the mailbox's
        database) or, in hybrid, C(Enable-RemoteMailbox -Archive) (an archive in Exchange Online,
        provisioned after directory synchronisation).
      - V(false) runs C(Disable-Mailbox -Archive) / C(Disable-RemoteMailbox -Archive), only with
        O(archive_disable_confirm=true).
    type: bool
  archive_disable_confirm:
    description:
      - Confirms O(archive=false); a disabled archive's content is deleted once the retention period
        of disconnected archives ends. Without it, O(archive=false) on a mailbox with an archive
        fails and changes nothing.
    type: bool
    default: false
  custom_attributes:
    description:
      - C(CustomAttribute1) to C(CustomAttribute15), as a dictionary of number to text; attributes not named are
        left as they are, V("") clears one. As in M(mailops.exchange.exo_mailbox).
    type: dict
notes:
  - The multi-valued O(email_addresses) follows the collection's add / remove / exact convention.
seealso:
  - module: mailops.exchange.onprem_exchange_mailbox_info
  - module: mailops.exchange.exo_mailbox
"""

EXAMPLES = r"""
- name: A new on-premises user with a mailbox
  mailops.exchange.onprem_exchange_mailbox:
    mailbox: Erin Evans
    user_principal_name: erin@contoso.com
    first_name: Erin
    last_name: Evans
    initial_password: "{{ new_user_password }}"
    organizational_unit: contoso.local/Staff
    database: DB01

- name: Give an existing AD user a remote mailbox in Exchange Online
  mailops.exchange.onprem_exchange_mailbox:
    mailbox: frank@contoso.com
    infrastructure: hybrid
    create_method: enable
    remote_routing_address: frank@contoso.mail.onmicrosoft.com

- name: Exactly these SMTP addresses, keeping the routing domain's
  mailops.exchange.onprem_exchange_mailbox:
    mailbox: frank@contoso.com
    infrastructure: hybrid
    email_address_policy_enabled: false
    email_addresses: [SMTP:frank@contoso.com, f.foster@contoso.com]
    email_addresses_mode: exact
    excluded_domains: [contoso.mail.onmicrosoft.com]

- name: Leaver - remove the mailbox, keep the user
  mailops.exchange.onprem_exchange_mailbox:
    mailbox: erin@contoso.com
    state: absent
    absent_action: disable

- name: Many mailboxes in one task, the OU and hiding from the task
  mailops.exchange.onprem_exchange_mailbox:
    mailboxes:
      - {mailbox: Ida Irwin, user_principal_name: ida@contoso.com, first_name: Ida, last_name: Irwin}
      - {mailbox: Jon Jones, user_principal_name: jon@contoso.com, first_name: Jon, last_name: Jones}
      - {mailbox: frank@contoso.com, create_method: enable}
    initial_password: "{{ new_user_password }}"
    organizational_unit: contoso.local/Staff
    hidden_from_address_lists: false

- name: A shared mailbox with an archive, tagged for the service desk
  mailops.exchange.onprem_exchange_mailbox:
    mailbox: Service Desk
    type: shared
    archive: true
    primary_smtp_address: servicedesk@contoso.com
    custom_attributes: {1: service-desk}
    hidden_from_address_lists: false

- name: A room in Exchange Online, managed from on premises
  mailops.exchange.onprem_exchange_mailbox:
    mailbox: Room 4.01
    infrastructure: hybrid
    type: room

- name: Connection options usually come from module_defaults or the environment
  module_defaults:
    group/mailops.exchange.exchange_onprem:
      server: exch01.contoso.local
      auth: kerberos
  block:
    - name: Hide a mailbox from the address lists
      mailops.exchange.onprem_exchange_mailbox:
        mailbox: erin@contoso.com
        hidden_from_address_lists: true
"""

RETURN = r"""
mailbox:
  description:
    - The mailbox after the task, with the keys of M(mailops.exchange.onprem_exchange_mailbox_info)'s
      RV(mailops.exchange.onprem_exchange_mailbox_info#module:mailboxes) elements.
    - In check mode, what it would be (values Exchange would derive on creation are empty).
      Empty after a removal, or when an absent mailbox stays absent.
  returned: with O(mailbox)
  type: dict
  sample:
    identity: contoso.com/Users/Erin Evans
    display_name: Erin Evans
    name: Erin Evans
    primary_smtp_address: erin.evans@contoso.com
    email_addresses: [SMTP:erin.evans@contoso.com]
    recipient_type_details: UserMailbox
    database: DB01
changes:
  description:
    - What was (in check mode, would be) set, by option name, as C(before) and C(after).
      C(email_addresses) lists the addresses C(added) and C(removed). C(state) goes from
      V(absent) to V(present) when the mailbox was created, and back when it was taken away.
  returned: with O(mailbox)
  type: dict
  sample:
    state: {before: absent, after: present}
    display_name: {before: null, after: Erin Evans}
    email_addresses:
      added: [smtp:e.evans@contoso.com]
      removed: []
results:
  description:
    - With O(mailboxes), one entry per mailbox in the order given - RV(mailbox), RV(changes) and
      C(changed) as for a single mailbox, or C(failed=true) with C(msg) and the error's C(error_kind).
      C(key) is the mailbox as the entry named it.
  returned: with O(mailboxes)
  type: list
  elements: dict
  sample:
    - key: Ida Irwin
      changed: true
      failed: false
      mailbox: {identity: contoso.com/Users/Ida Irwin, display_name: Ida Irwin, name: Ida Irwin, recipient_type_details: UserMailbox, database: DB01}
      changes: {state: {before: absent, after: present}}
    - key: frank@contoso.com
      failed: true
      error_kind: invalid_argument
      msg: "mailboxes[2].mailbox: 'frank@contoso.com' is not an Active Directory user; ...; nothing was changed"
concurrency:
  description:
    - The calls the task had in flight at once when it ended (pipelines on the runspace pool) -
      O(parallel), or fewer after WinRM refused pipelines for quota.
  returned: when the task sent calls to the server
  type: int
  sample: 4
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import SET, Prop, Resource, argument_spec, one_row
from ansible_collections.mailops.exchange.plugins.module_utils.engine.properties import CustomAttributes
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.onprem_mailbox import (
    address_change,
    check_input,
    creation,
    creation_problem,
    current_addresses,
    has_archive,
    KIND_OPTIONS,
    kind_changes,
    kind_steps,
    policy_problem,
    same_routing,
    with_addresses,
    with_kind,
)
from ansible_collections.mailops.exchange.plugins.module_utils.engine.onprem_module import OnPremModule, onprem_mailbox_facts

# Options that belong to one mailbox: with mailboxes[] they are given per entry only.
ENTRY_ONLY = ('mailbox', 'name', 'display_name', 'user_principal_name', 'sam_account_name', 'first_name', 'last_name',
              'primary_smtp_address', 'email_addresses', 'remote_routing_address')

TEXT = ('name', 'user_principal_name', 'sam_account_name', 'first_name', 'last_name', 'display_name', 'organizational_unit',
        'database', 'remote_routing_address', 'primary_smtp_address')


class Mailbox(Resource):
    identity = 'mailbox'
    identity_aliases = ('identity',)
    key = 'mailbox'
    what = 'mailbox'
    create = True
    remove = True
    # A repeated Disable- after a lost answer would meet a mailbox already gone: reconcile by reading.
    remove_repeatable = False
    write_switches = {'Confirm': False}
    bulk = 'mailboxes'
    entry_only = ENTRY_ONLY
    options = dict(
        dict((option, dict(type='str')) for option in TEXT),
        infrastructure=dict(type='str', default='onpremises', choices=['onpremises', 'hybrid']),
        create_method=dict(type='str', default='new', choices=['new', 'enable']),
        initial_password=dict(type='str', no_log=True),
        email_addresses=dict(type='list', elements='str'),
        email_addresses_mode=dict(type='str', default='add', choices=['add', 'remove', 'exact']),
        excluded_domains=dict(type='list', elements='str', default=[]),
        absent_action=dict(type='str', default='disable', choices=['disable', 'remove']),
        **KIND_OPTIONS
    )
    properties = (
        Prop('display_name', 'DisplayName'),
        Prop('email_addresses', 'EmailAddresses', when=SET, wire=lambda change: change.parameter,
             same=lambda have, change: not change.changed, change=lambda before, change: change.report()),
        Prop('email_address_policy_enabled', 'EmailAddressPolicyEnabled', when=SET, spec=dict(type='bool')),
        Prop('hidden_from_address_lists', 'HiddenFromAddressListsEnabled', when=SET, spec=dict(type='bool')),
        Prop('remote_routing_address', 'RemoteRoutingAddress', same=same_routing),
        CustomAttributes(),
    )

    def __init__(self, module):
        super().__init__(module)
        self.hybrid = module.params['infrastructure'] == 'hybrid'
        self.noun = 'RemoteMailbox' if self.hybrid else 'Mailbox'
        self.kind = 'remote mailbox' if self.hybrid else 'mailbox'
        self.users = {}

    facts = staticmethod(onprem_mailbox_facts)

    def check_input(self, entry, where):
        if entry['infrastructure'] != self.module.params['infrastructure']:
            raise ValueError("%sinfrastructure: '%s' differs from the task's '%s'; one task manages one infrastructure"
                             % (where, entry['infrastructure'], self.module.params['infrastructure']))
        check_input(entry, where)

    def prepare(self, engine, plans):
        """Read together the users of the mailboxes to be created: an enable needs one, a new one none."""
        missing = [plan for plan in plans if plan.row is None and plan.entry['state'] == 'present']
        answers = self.module.invoke_all([('Get-User', {'Identity': plan.identity}) for plan in missing])
        self.users = dict((id(plan), answer) for plan, answer in zip(missing, answers))

    def user(self, plan):
        return one_row(self.users.get(id(plan), []), plan.where + 'mailbox', plan.identity, 'user')

    def enabled_user(self, plan):
        return self.user(plan) if plan.entry['create_method'] == 'enable' else None

    def desired(self, plan):
        desired = super().desired(plan)
        if plan.entry['state'] == 'present':
            change = address_change(plan.entry, current_addresses(plan.entry, plan.row))
            desired['email_addresses'] = change if change is not None and change.changed else None
            # What a new mailbox is beyond a regular one without an archive (the create's switch, then -Archive).
            desired.update(kind_changes(plan.entry, {'type': 'regular', 'archive': False}, plan.where) if plan.row is None else {})
        return desired

    def changes(self, plan, facts):
        return dict(super().changes(plan, facts), **kind_changes(plan.entry, facts, plan.where))

    def writes(self, plan, key, changes):
        return kind_steps(self.noun, key, changes)

    def new_row(self, plan, desired):
        unused, row = creation(plan.entry, plan.identity, self.enabled_user(plan), self.hybrid)
        row.update((key, value) for key, value in super().new_row(plan, desired).items() if value is not None or key not in row)
        row = with_kind(row, dict(archive=True) if desired.get('archive') else {}, self.hybrid)
        return with_addresses(row, desired['email_addresses']) if desired.get('email_addresses') else row

    def predict(self, plan, changes):
        after = with_kind(super().predict(plan, changes), changes, self.hybrid)
        return with_addresses(after, changes['email_addresses']) if changes.get('email_addresses') else after

    def validate(self, plan, changes):
        if plan.row is None:
            return creation_problem(plan.entry, plan.identity, self.user(plan), self.kind)
        want, have = plan.entry['database'], plan.row.get('Database')
        if want and have and want.lower() != have.lower():
            self.module.warn("%sdatabase: the mailbox is on '%s', not '%s'; mailboxes are not moved (use a move "
                             'request)' % (plan.where, have, want))
        return policy_problem(plan.entry, plan.row, changes.get('email_addresses'))

    def create_call(self, plan):
        parameters, unused = creation(plan.entry, plan.identity, self.enabled_user(plan), self.hybrid)
        return '%s-%s' % ('Enable' if plan.entry['create_method'] == 'enable' else 'New', self.noun), parameters

    def after_create(self, plan, row):
        """The Set- changes planned against the mailbox the create gave (its primary address is
        the email address policy's), and its archive."""
        plan.row = row
        plan.desired = self.desired(plan)
        later = super().after_create(plan, row)
        if 'email_addresses' in later:
            plan.changes['email_addresses'] = later['email_addresses'].report()
        return dict(later, **kind_changes(plan.entry, dict(type=plan.entry.get('type'), archive=has_archive(row)), plan.where))

    def remove_call(self, plan, key):
        verb = 'Remove' if plan.entry['absent_action'] == 'remove' else 'Disable'
        return '%s-%s' % (verb, self.noun), {'Identity': key, 'Confirm': False}


def main():
    module = OnPremModule(**argument_spec(Mailbox))
    module.run(lambda m: m.converge_declared(Mailbox))


if __name__ == '__main__':
    main()
