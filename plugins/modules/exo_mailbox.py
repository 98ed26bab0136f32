#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_mailbox
short_description: Create, convert, configure and remove Exchange Online mailboxes
version_added: 0.1.0
description:
  - Creates and removes shared, room and equipment mailboxes (C(New-Mailbox -Shared/-Room/-Equipment),
    C(Remove-Mailbox)), and manages the properties of any existing mailbox as desired state through
    C(Set-Mailbox) - its type, names, email addresses, visibility, litigation hold, custom attributes
    and forwarding.
  - Only the options that are given are managed; the others are left as they are.
  - User (regular) mailboxes come from licensing a user, not from this module. Asking to create one
    fails with a message that says so, and O(state=absent) refuses to remove one (remove the user or
    its licence instead). Their properties, and a conversion to or from C(shared), are managed here.
  - Every option is validated, and every address to be added is checked against the other
    recipients of the organisation, before the first write; bad input fails naming the option and
    the value, and changes nothing.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
  - mailops.exchange.exchange_online.bulk
options:
  identity:
    description:
      - The mailbox, in any identity form Exchange accepts (name, alias, UPN, SMTP address, GUID).
      - To create a mailbox, use the name or, better, the primary SMTP address it will have, so
        that the next run finds it. An address used as identity must be one of the new mailbox's
        addresses.
      - Give O(identity) or O(mailboxes).
    type: str
  mailboxes:
    description:
      - Many mailboxes in one task (bulk mode), converged inside one module run that shares one
        token, one connection pool and one recipient lookup, with up to O(parallel) requests at
        once. The mailboxes are read, the addresses they would gain checked against the other
        recipients, and the changes to existing mailboxes written and read back, ten to a
        request; every type conversion is sent before any other setting. New mailboxes and
        removals are worked on one mailbox per worker.
      - Each entry names a mailbox by C(identity) and may set any of the per-mailbox options
        below; options it leaves out take the task's value (for example O(state), O(type) or
        O(litigation_hold)). O(name), O(display_name), O(alias) and O(primary_smtp_address)
        belong to one mailbox, so they are given per entry only.
      - One mailbox's failure does not stop or undo the others; the task fails at the end and
        lists every failed mailbox with its reason (RV(results) holds each mailbox's outcome).
      - Prefer it to C(loop) for more than a handful of mailboxes - a looped task pays Ansible's
        per-item start-up and a token cache read for every item, and works on one item at a time.
    type: list
    elements: dict
    suboptions:
      identity:
        description: As O(identity), for this mailbox.
        type: str
        required: true
      state:
        description: As O(state), for this mailbox.
        type: str
        choices: [present, absent]
      type:
        description: As O(type), for this mailbox.
        type: str
        choices: [regular, shared, room, equipment]
      name:
        description: As O(name), for this mailbox.
        type: str
      display_name:
        description: As O(display_name), for this mailbox.
        type: str
      alias:
        description: As O(alias), for this mailbox.
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
      hidden_from_address_lists:
        description: As O(hidden_from_address_lists), for this mailbox.
        type: bool
      litigation_hold:
        description: As O(litigation_hold), for this mailbox.
        type: dict
        suboptions:
          enabled:
            description: As O(litigation_hold.enabled).
            type: bool
            required: true
          duration_days:
            description: As O(litigation_hold.duration_days).
            type: int
          owner:
            description: As O(litigation_hold.owner).
            type: str
      custom_attributes:
        description: As O(custom_attributes), for this mailbox.
        type: dict
      forwarding_smtp_address:
        description: As O(forwarding_smtp_address), for this mailbox.
        type: str
      deliver_to_mailbox_and_forward:
        description: As O(deliver_to_mailbox_and_forward), for this mailbox.
        type: bool
      resource_capacity:
        description: As O(resource_capacity), for this mailbox.
        type: int
  state:
    description:
      - V(present) creates the mailbox when it does not exist (O(type) is then required) and sets
        the given properties.
      - V(absent) removes a shared, room or equipment mailbox. The other options are then ignored.
    type: str
    choices: [present, absent]
    default: present
  type:
    description:
      - The mailbox type. A new mailbox is created with this type; an existing one is converted
        (C(Set-Mailbox -Type)).
      - V(regular) is a user mailbox. It can be converted to and from, never created.
    type: str
    choices: [regular, shared, room, equipment]
  name:
    description:
      - The name of a new mailbox (unique in the organisation, at most 64 characters).
      - Defaults to O(identity), or its part before the C(@) when it is an address.
      - Used only when the mailbox is created; an existing mailbox keeps its name.
    type: str
  display_name:
    description:
      - The name shown in address lists. A new mailbox defaults to its O(name).
    type: str
  alias:
    description:
      - The mail alias. A new mailbox defaults to its O(name) without the characters an alias
        cannot have.
    type: str
  primary_smtp_address:
    description:
      - The primary SMTP address (reply address). The previous primary stays as a secondary
        address unless O(email_addresses_mode=exact) drops it.
      - Required to create a mailbox unless O(identity) is an address or O(email_addresses) names a
        C(SMTP:) primary.
    type: str
  email_addresses:
    description:
      - SMTP addresses, plain (C(a@contoso.com)) or with a C(smtp:) prefix; C(SMTP:a@contoso.com)
        names the primary. Compared case-insensitively.
      - Handled by O(email_addresses_mode). Non-SMTP proxy addresses (X500, SIP, SPO, ...) are
        always kept, and so are addresses in O(excluded_domains).
      - Exchange gets the complete new list in one C(Set-Mailbox -EmailAddresses) call.
    type: list
    elements: str
  email_addresses_mode:
    description:
      - V(add) adds the listed addresses and keeps the others.
      - V(remove) removes the listed addresses; the primary cannot be removed.
      - V(exact) makes the listed addresses the complete set of SMTP addresses, apart from
        non-SMTP addresses and addresses in O(excluded_domains), which are kept.
    type: str
    choices: [add, remove, exact]
    default: add
  excluded_domains:
    description:
      - Domains whose SMTP addresses are never added or removed, for example addresses another
        system manages. Listing an address in one of them in O(email_addresses) is an error.
    type: list
    elements: str
    default: []
  hidden_from_address_lists:
    description:
      - Whether the mailbox is hidden from the global address list and other address lists.
    type: bool
  litigation_hold:
    description:
      - Litigation hold (C(LitigationHoldEnabled), C(LitigationHoldDuration), C(LitigationHoldOwner)).
    type: dict
    suboptions:
      enabled:
        description:
          - Whether the mailbox is on litigation hold. With V(false), O(litigation_hold.duration_days)
            and O(litigation_hold.owner) are ignored.
        type: bool
        required: true
      duration_days:
        description:
          - How many days items are held after they were received. Omitted means unlimited.
        type: int
      owner:
        description:
          - Who put the mailbox on hold, as shown to users. When omitted it is not managed
            (Exchange records the caller when the hold is enabled).
        type: str
  custom_attributes:
    description:
      - Custom attributes by number, V(1) to V(15) (C(CustomAttribute1) to C(CustomAttribute15)),
        each at most 1024 characters. An empty value or V(null) clears an attribute.
      - Only the numbers given are managed.
    type: dict
  forwarding_smtp_address:
    description:
      - An SMTP address all mail to the mailbox is forwarded to (C(ForwardingSmtpAddress)); an empty
        string removes forwarding. Compared without Exchange's C(smtp:) prefix, case-insensitively.
    type: str
  deliver_to_mailbox_and_forward:
    description:
      - Whether forwarded mail is also kept in the mailbox.
    type: bool
  resource_capacity:
    description:
      - How many people a room holds. Room mailboxes only (after any O(type) conversion); on
        another type the task fails before changing anything.
    type: int
notes:
  - O(email_addresses) follows the add, remove and exact convention the identity connectors use
    for address sets, with exactly one C(SMTP:) primary and every other SMTP address C(smtp:).
  - A type conversion is one C(Set-Mailbox -Type) call, the other properties one more call.
  - In check mode, RV(mailbox) is computed from the current state and the plan. Values that only
    Exchange decides are shown as they are before the change, for example the litigation hold
    owner when the hold is enabled without O(litigation_hold.owner), or empty, for example the
    GUIDs of a mailbox that would be created.
seealso:
  - module: mailops.exchange.exo_mailbox_info
  - module: mailops.exchange.exo_mailbox_permission
"""

EXAMPLES = r"""
- name: A shared mailbox for the sales team, with two more addresses
  mailops.exchange.exo_mailbox:
    identity: sales-eu@contoso.com
    type: shared
    display_name: Sales Europe
    email_addresses:
      - vertrieb@contoso.com
      - ventes@contoso.com

- name: Exactly these SMTP addresses, leaving the legacy domain and X500/SIP addresses alone
  mailops.exchange.exo_mailbox:
    identity: sales-eu@contoso.com
    email_addresses:
      - SMTP:sales-eu@contoso.com
      - vertrieb@contoso.com
    email_addresses_mode: exact
    excluded_domains: [legacy.contoso.com]

- name: A meeting room for 12
  mailops.exchange.exo_mailbox:
    identity: room-oslo-4@contoso.com
    name: Oslo 4
    type: room
    resource_capacity: 12

- name: A leaver becomes a shared mailbox, hidden, on hold for ten years, forwarding to the manager
  mailops.exchange.exo_mailbox:
    identity: dave@contoso.com
    type: shared
    hidden_from_address_lists: true
    litigation_hold:
      enabled: true
      duration_days: 3650
      owner: Legal
    forwarding_smtp_address: carol@contoso.com
    deliver_to_mailbox_and_forward: true
    custom_attributes:
      1: leaver
      2: ""

- name: Remove a shared mailbox
  mailops.exchange.exo_mailbox:
    identity: sales-eu@contoso.com
    state: absent

- name: Many shared mailboxes in one task, all hidden and on a one-year hold
  mailops.exchange.exo_mailbox:
    mailboxes:
      - identity: sales-eu@contoso.com
        display_name: Sales Europe
      - identity: sales-us@contoso.com
        display_name: Sales Americas
        custom_attributes: {1: sales}
      - identity: room-oslo-4@contoso.com
        type: room
        resource_capacity: 12
        hidden_from_address_lists: false
    type: shared
    hidden_from_address_lists: true
    litigation_hold:
      enabled: true
      duration_days: 365
    parallel: 4
"""

RETURN = r"""
mailbox:
  description:
    - The mailbox after the task, with the keys of M(mailops.exchange.exo_mailbox_info)'s
      RV(mailops.exchange.exo_mailbox_info#module:mailboxes) elements (for example C(type),
      C(email_addresses), C(litigation_hold), C(custom_attributes)).
    - In check mode, what it would be. Empty after a removal, or when an absent mailbox stays absent.
  returned: with O(identity)
  type: dict
  sample:
    name: sales-eu
    type: shared
    primary_smtp_address: sales-eu@contoso.com
    email_addresses: [SMTP:sales-eu@contoso.com, smtp:sales-eu@contoso.onmicrosoft.com]
    litigation_hold: {enabled: false, duration_days: null, owner: ""}
changes:
  description:
    - What was (in check mode, would be) changed, by option name, each as C(before) and C(after)
      with values shaped like RV(mailbox), the collection's one shape for changes.
    - C(email_addresses) lists the addresses C(added) and C(removed). C(state) goes from V(absent)
      to V(present) when the mailbox was created, and back when it was removed.
  returned: with O(identity)
  type: dict
  sample:
    display_name: {before: Sales, after: Sales Europe}
    email_addresses:
      added: [smtp:vertrieb@contoso.com]
      removed: []
    custom_attributes: {before: {}, after: {"1": sales}}
results:
  description:
    - With O(mailboxes), one entry per mailbox in the order given - RV(mailbox), RV(changes) and
      C(changed) as for a single mailbox, or C(failed=true) with C(msg) and the error's C(error_kind).
      C(key) is the identity as the entry gave it.
  returned: with O(mailboxes)
  type: list
  elements: dict
  sample:
    - key: sales-eu@contoso.com
      changed: true
      failed: false
      mailbox: {name: sales-eu, type: shared, primary_smtp_address: sales-eu@contoso.com}
      changes: {state: present, type: shared, hidden_from_address_lists: true}
    - key: room-oslo-4@contoso.com
      failed: true
      error_kind: invalid_argument
      msg: "resource_capacity: 12 applies to room mailboxes only; ...; nothing was changed"
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Resource, argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ALREADY_EXISTS, ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.mailbox_properties import (
    after_row,
    check_options,
    new_mailbox,
    plain_smtp,
    plan_mailbox,
)
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import (
    RecipientResolver,
    Recipient,
    holders,
    mailbox_facts,
    taken_by_soft_deleted,
)

# The options plan_mailbox reads; identity, state and name are handled here.
PROPERTY_OPTIONS = (
    'type', 'display_name', 'alias', 'primary_smtp_address', 'email_addresses', 'email_addresses_mode',
    'excluded_domains', 'hidden_from_address_lists', 'litigation_hold', 'custom_attributes',
    'forwarding_smtp_address', 'deliver_to_mailbox_and_forward', 'resource_capacity',
)

# Options that name one mailbox: a task-wide value for many mailboxes would clash, so with
# mailboxes[] they are given per entry only.
ENTRY_ONLY = ('name', 'display_name', 'alias', 'primary_smtp_address')


class Mailbox(Resource):
    """A mailbox: its properties are planned by mailbox_properties (shared with on-premises), so
    this declaration plugs that planner into the engine; shared, room and equipment mailboxes
    are created here, user mailboxes come from licensing."""

    noun = 'Mailbox'
    key = 'mailbox'
    what = 'recipient'
    create = True
    remove = True
    bulk = 'mailboxes'
    entry_only = ENTRY_ONLY
    options = dict(
        type=dict(type='str', choices=['regular', 'shared', 'room', 'equipment']),
        name=dict(type='str'),
        display_name=dict(type='str'),
        alias=dict(type='str'),
        primary_smtp_address=dict(type='str'),
        email_addresses=dict(type='list', elements='str'),
        email_addresses_mode=dict(type='str', default='add', choices=['add', 'remove', 'exact']),
        excluded_domains=dict(type='list', elements='str', default=[]),
        hidden_from_address_lists=dict(type='bool'),
        litigation_hold=dict(type='dict', options=dict(enabled=dict(type='bool', required=True),
                                                       duration_days=dict(type='int'), owner=dict(type='str'))),
        custom_attributes=dict(type='dict'),
        forwarding_smtp_address=dict(type='str'),
        deliver_to_mailbox_and_forward=dict(type='bool'),
        resource_capacity=dict(type='int'),
    )

    def __init__(self, module):
        super().__init__(module)
        self.resolver = RecipientResolver(module.invoke)

    def object_key(self, row, identity):
        return Recipient(row).key if row else identity

    def facts(self, row):
        return mailbox_facts(row)

    def desired(self, plan):
        return check_options(dict((option, plan.entry.get(option)) for option in PROPERTY_OPTIONS + ('name',)))

    def changes(self, plan, facts):
        plan.detail = plan_mailbox(plan.row, plan.desired)
        return plan.detail.changes

    def shown_changes(self, plan, facts, changes):
        if plan.row is None:
            parameters = plan.detail[0]
            changes = dict(plan.detail[1].changes, type=plan.desired['type'], name=parameters['Name'],
                           alias=parameters['Alias'], display_name=parameters['DisplayName'],
                           primary_smtp_address=parameters['PrimarySmtpAddress'])
        shown = dict((option, value if option == 'email_addresses' else {'before': facts.get(option), 'after': value})
                     for option, value in changes.items())
        if plan.row is None:
            shown['state'] = {'before': 'absent', 'after': 'present'}
        return shown

    def set_steps(self, plan, key, changes):
        return write_steps(key, plan.detail)

    def predict(self, plan, changes):
        return after_row(plan.row, plan.detail)

    def new_row(self, plan, desired):
        parameters, predicted = new_mailbox(plan.identity, desired, self.module.params['organization'])
        rest = plan_mailbox(predicted, dict(desired, display_name=None, alias=None))
        final = after_row(predicted, rest)
        plan.detail = (parameters, rest, sorted(plain_smtp(a).lower() for a in final['EmailAddresses']
                                                if a.lower().startswith('smtp:')))
        return final

    def validate(self, plan, changes):
        if plan.row is None and '@' in plan.identity and plain_smtp(plan.identity).lower() not in plan.detail[2]:
            return ("identity: '%s' would not be an address of the new mailbox (%s), so the next run could not "
                    'find it; use its primary address or its name as identity' % (plan.identity, ', '.join(plan.detail[2])))
        return None

    def removable(self, plan):
        if mailbox_facts(plan.row)['type'] == 'regular':
            return ("state: '%s' is a user mailbox; user mailboxes are removed by removing the user or its licence, "
                    'not here' % plan.identity)
        return None

    def create_call(self, plan):
        return 'New-Mailbox', plan.detail[0]

    def find_call(self, plan):
        # The address was checked free before, so a mailbox found with it after a lost answer is this one.
        return self.read_call(plan.detail[0]['PrimarySmtpAddress'])

    def new_key(self, plan):
        return plan.detail[0]['PrimarySmtpAddress']

    def claims(self, plan, row):
        # The address was free when checked: a mailbox of this name holding it is this run's.
        return row.get('Name') == plan.detail[0]['Name']

    def create_refused(self, plan, err):
        # A name or address still held by a removed, recoverable mailbox: say so and what to do.
        return taken_by_soft_deleted(self.module.invoke, err, plan.detail[0])

    def created_steps(self, plan, row, key):
        return write_steps(key, plan_mailbox(row, dict(plan.desired, display_name=None, alias=None)))

    def review(self, engine, plans):
        """Every address a mailbox would gain must be free: looked up for all mailboxes at once,
        ten to a request, before anything is written."""
        checks = []
        for plan in plans:
            if plan.action == 'create':
                checks.append((plan, plan.detail[2], None))
            elif plan.action == 'update':
                self.resolver.remember(plan.row)
                checks.append((plan, plan.detail.added_smtp(), Recipient(plan.row).key))
        self.resolver.prefetch(self.module.runner, [a for unused, addresses, unused_key in checks for a in addresses],
                               self.module.parallel, pages=False)
        for plan, addresses, own_key in checks:
            engine.guard(plan, lambda plan: self.check_free(addresses, own_key))

    def check_free(self, addresses, own_key):
        """Refuse addresses another recipient already has."""
        problems = holders(self.resolver, addresses, own_key)
        if problems:
            raise ExchangeError('email_addresses: %s (ProxyAddressExistsException); nothing was changed'
                                % '; '.join(problems), kind=ALREADY_EXISTS)


def write_steps(key, plan):
    """The Set-Mailbox calls that apply ``plan`` to the mailbox ``key``: the type change, then the
    other settings (some of which, such as a room's capacity, need the new type)."""
    steps = []
    if plan.type_change:
        steps.append([('Set-Mailbox', {'Identity': key, 'Type': plan.type_change})])
    if plan.settings:
        steps.append([('Set-Mailbox', dict({'Identity': key}, **plan.settings))])
    return steps


def main():
    exo = ExoModule(**argument_spec(Mailbox))
    exo.run(lambda module: module.converge_declared(Mailbox))


if __name__ == '__main__':
    main()
