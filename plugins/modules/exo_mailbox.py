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
options:
  identity:
    description:
      - The mailbox, in any identity form Exchange accepts (name, alias, UPN, SMTP address, GUID).
      - To create a mailbox, use the name or, better, the primary SMTP address it will have, so
        that the next run finds it. An address used as identity must be one of the new mailbox's
        addresses.
    type: str
    required: true
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
"""

RETURN = r"""
mailbox:
  description:
    - The mailbox after the task, with the keys of M(mailops.exchange.exo_mailbox_info)'s
      RV(mailops.exchange.exo_mailbox_info#module:mailboxes) elements (for example C(type),
      C(email_addresses), C(litigation_hold), C(custom_attributes)).
    - In check mode, what it would be. Empty after a removal, or when an absent mailbox stays absent.
  returned: always
  type: dict
  sample:
    name: sales-eu
    type: shared
    primary_smtp_address: sales-eu@contoso.com
    email_addresses: [SMTP:sales-eu@contoso.com, smtp:sales-eu@contoso.onmicrosoft.com]
    litigation_hold: {enabled: false, duration_days: null, owner: ""}
changes:
  description:
    - What was (in check mode, would be) set, by option name, with values shaped like RV(mailbox).
    - C(email_addresses) lists the addresses C(added) and C(removed). C(state) is V(present) when
      the mailbox was created, V(absent) when it was removed.
  returned: always
  type: dict
  sample:
    display_name: Sales Europe
    email_addresses:
      added: [smtp:vertrieb@contoso.com]
      removed: []
    custom_attributes: {"1": sales}
"""

from ansible_collections.mailops.exchange.plugins.module_utils.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.mailbox_properties import (
    MailboxInputError,
    after_row,
    check_options,
    new_mailbox,
    plain_smtp,
    plan_mailbox,
)
from ansible_collections.mailops.exchange.plugins.module_utils.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.outcome import create_once
from ansible_collections.mailops.exchange.plugins.module_utils.recipients import (
    RecipientResolver,
    Recipient,
    mailbox_facts,
)
from ansible_collections.mailops.exchange.plugins.module_utils.reconcile import build_diff

# The options plan_mailbox reads; identity, state and name are handled here.
PROPERTY_OPTIONS = (
    'type', 'display_name', 'alias', 'primary_smtp_address', 'email_addresses', 'email_addresses_mode',
    'excluded_domains', 'hidden_from_address_lists', 'litigation_hold', 'custom_attributes',
    'forwarding_smtp_address', 'deliver_to_mailbox_and_forward', 'resource_capacity',
)


class Mailbox(object):
    """Reads, plans and applies one mailbox."""

    def __init__(self, exo):
        self.exo = exo
        self.resolver = RecipientResolver(exo.invoke)

    def read(self, identity):
        """The Get-Mailbox row ``identity`` names, or None when there is no such mailbox."""
        try:
            rows = self.exo.invoke('Get-Mailbox', {'Identity': identity})
        except ExchangeError as err:
            if err.kind == 'not_found':
                return None
            if err.kind == 'ambiguous':
                self.exo.fail("identity: '%s' matches more than one recipient; give its SMTP address "
                              'or GUID; nothing was changed' % identity,
                              error={'kind': err.kind, 'exception_type': err.exception_type})
            raise
        return rows[0]

    def check_addresses_free(self, addresses, own_key=None):
        """Fail, before any write, when another recipient already has one of ``addresses``."""
        problems = []
        for address in addresses:
            try:
                owner = self.resolver.lookup(address)
            except ExchangeError as err:
                if err.kind != 'ambiguous':
                    raise
                problems.append("'%s' is already used by more than one recipient" % address)
                continue
            if owner is not None and owner.key != own_key:
                problems.append("'%s' is already used by recipient '%s'" % (address, owner.row.get('Name')))
        if problems:
            self.exo.fail('email_addresses: %s (ProxyAddressExistsException); nothing was changed'
                          % '; '.join(problems), error={'kind': 'already_exists'})

    def apply(self, key, plan):
        if plan.type_change:
            self.exo.invoke('Set-Mailbox', {'Identity': key, 'Type': plan.type_change}, idempotent=True)
        if plan.settings:
            parameters = {'Identity': key}
            parameters.update(plan.settings)
            self.exo.invoke('Set-Mailbox', parameters, idempotent=True)


def _fail_input(exo, err):
    exo.fail('%s; nothing was changed' % err)


def _result(exo, changed, before, after, changes):
    result = dict(changed=changed, mailbox=mailbox_facts(after) if after else {}, changes=changes)
    if exo.module._diff:
        result['diff'] = build_diff(mailbox_facts(before) if before else {}, result['mailbox'])
    return result


def remove(exo, mailbox, row, identity):
    if row is None:
        return _result(exo, False, None, None, {})
    facts = mailbox_facts(row)
    if facts['type'] == 'regular':
        exo.fail("state: '%s' is a user mailbox; user mailboxes are removed by removing the user or its "
                 'licence, not here; nothing was changed' % identity)
    if not exo.check_mode:
        try:
            exo.invoke('Remove-Mailbox', {'Identity': Recipient(row).key, 'Confirm': False}, idempotent=True)
        except ExchangeError as err:
            # Gone already: the repeat of a remove whose answer was lost, or another run's remove.
            if err.kind != 'not_found':
                raise
    return _result(exo, True, row, None, {'state': 'absent'})


def create(exo, mailbox, options, identity):
    try:
        parameters, predicted = new_mailbox(identity, options, exo.params['organization'])
        plan = plan_mailbox(predicted, dict(options, display_name=None, alias=None))
    except MailboxInputError as err:
        _fail_input(exo, err)
    final = after_row(predicted, plan)
    known = {plain_smtp(a).lower() for a in final['EmailAddresses'] if a.lower().startswith('smtp:')}
    if '@' in identity and plain_smtp(identity).lower() not in known:
        exo.fail("identity: '%s' would not be an address of the new mailbox (%s), so the next run could "
                 'not find it; use its primary address or its name as identity; nothing was changed'
                 % (identity, ', '.join(sorted(known))))
    mailbox.check_addresses_free(sorted(known))
    changes = {'state': 'present', 'type': options['type'], 'name': parameters['Name'],
               'alias': parameters['Alias'], 'display_name': parameters['DisplayName'],
               'primary_smtp_address': parameters['PrimarySmtpAddress']}
    changes.update(plan.changes)
    if exo.check_mode:
        return _result(exo, True, None, final, changes)

    # The address was free (checked above), so a mailbox found with it after a lost answer is this one.
    created = create_once(exo.invoke, 'New-Mailbox', parameters, lambda: mailbox.read(parameters['PrimarySmtpAddress']))
    key = Recipient(created[0]).key if created else parameters['PrimarySmtpAddress']
    row = mailbox.read(key)
    try:
        plan = plan_mailbox(row, dict(options, display_name=None, alias=None))
    except MailboxInputError as err:
        exo.fail("%s; the mailbox '%s' was created, its other settings were not changed"
                 % (err, parameters['PrimarySmtpAddress']))
    mailbox.apply(key, plan)
    return _result(exo, True, None, mailbox.read(key) if plan.changed else row, changes)


def update(exo, mailbox, options, row):
    key = Recipient(row).key
    mailbox.resolver.remember(row)
    try:
        plan = plan_mailbox(row, options)
    except MailboxInputError as err:
        _fail_input(exo, err)
    mailbox.check_addresses_free(plan.added_smtp(), own_key=key)
    if not plan.changed:
        return _result(exo, False, row, row, {})
    if exo.check_mode:
        return _result(exo, True, row, after_row(row, plan), plan.changes)
    mailbox.apply(key, plan)
    return _result(exo, True, row, mailbox.read(key), plan.changes)


def converge(exo):
    params = exo.params
    identity = params['identity'].strip()
    mailbox = Mailbox(exo)
    if params['state'] == 'absent':
        return remove(exo, mailbox, mailbox.read(identity), identity)
    try:
        options = check_options({option: params[option] for option in PROPERTY_OPTIONS + ('name',)})
    except MailboxInputError as err:
        _fail_input(exo, err)
    row = mailbox.read(identity)
    if row is None:
        return create(exo, mailbox, options, identity)
    return update(exo, mailbox, options, row)


def main():
    exo = ExoModule(
        argument_spec=dict(
            identity=dict(type='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            type=dict(type='str', choices=['regular', 'shared', 'room', 'equipment']),
            name=dict(type='str'),
            display_name=dict(type='str'),
            alias=dict(type='str'),
            primary_smtp_address=dict(type='str'),
            email_addresses=dict(type='list', elements='str'),
            email_addresses_mode=dict(type='str', default='add', choices=['add', 'remove', 'exact']),
            excluded_domains=dict(type='list', elements='str', default=[]),
            hidden_from_address_lists=dict(type='bool'),
            litigation_hold=dict(type='dict', options=dict(
                enabled=dict(type='bool', required=True),
                duration_days=dict(type='int'),
                owner=dict(type='str'),
            )),
            custom_attributes=dict(type='dict'),
            forwarding_smtp_address=dict(type='str'),
            deliver_to_mailbox_and_forward=dict(type='bool'),
            resource_capacity=dict(type='int'),
        ),
    )
    if not exo.params['identity'].strip():
        exo.fail("identity: %r is not an identity" % exo.params['identity'])
    exo.run(converge)


if __name__ == '__main__':
    main()
