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
  - mailops.exchange.bulk_results
options:
  mailbox:
    description:
      - The mailbox, in any identity form Exchange accepts (name, alias, UPN, SMTP address, GUID).
      - To create a mailbox, use the name or, better, the primary SMTP address it will have, so
        that the next run finds it. An address used as O(mailbox) must be one of the new mailbox's
        addresses.
      - Give O(mailbox) or O(mailboxes). C(identity), the name of earlier releases, still works.
    type: str
    aliases: [identity]
  mailboxes:
    description:
      - Many mailboxes in one task (bulk mode), converged inside one module run that shares one
        token, one connection pool and one recipient lookup, with up to O(parallel) requests at
        once. The mailboxes are read, the addresses they would gain checked against the other
        recipients, and the changes to existing mailboxes written and read back, ten to a
        request; every type conversion is sent before any other setting. New mailboxes and
        removals are worked on one mailbox per worker.
      - Each entry names a mailbox by C(mailbox) (or C(identity)) and may set any of the per-mailbox options
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
      mailbox:
        description: As O(mailbox), for this mailbox.
        type: str
        required: true
        aliases: [identity]
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
      forwarding_address:
        description: As O(forwarding_address), for this mailbox.
        type: str
      archive:
        description: As O(archive), for this mailbox.
        type: bool
      archive_disable_confirm:
        description: As O(archive_disable_confirm), for this mailbox.
        type: bool
      auto_expanding_archive:
        description: As O(auto_expanding_archive), for this mailbox.
        type: bool
      retention_policy:
        description: As O(retention_policy), for this mailbox.
        type: str
      retain_deleted_items_for:
        description: As O(retain_deleted_items_for), for this mailbox.
        type: int
      message_copy_for_sent_as_enabled:
        description: As O(message_copy_for_sent_as_enabled), for this mailbox.
        type: bool
      message_copy_for_send_on_behalf_enabled:
        description: As O(message_copy_for_send_on_behalf_enabled), for this mailbox.
        type: bool
      prohibit_send_quota:
        description: As O(prohibit_send_quota), for this mailbox.
        type: str
      prohibit_send_receive_quota:
        description: As O(prohibit_send_receive_quota), for this mailbox.
        type: str
      issue_warning_quota:
        description: As O(issue_warning_quota), for this mailbox.
        type: str
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
      - Defaults to O(mailbox), or its part before the C(@) when it is an address.
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
      - Required to create a mailbox unless O(mailbox) is an address or O(email_addresses) names a
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
  forwarding_address:
    description:
      - A recipient of the organisation all mail to the mailbox is forwarded to (C(ForwardingAddress)),
        in any identity form (name, alias, address, GUID); compared by the recipient it names, so
        another spelling of the same recipient is no change. A name that matches several
        recipients fails naming this option. An empty string stops this forwarding.
      - Exchange uses O(forwarding_smtp_address) when both are set.
    type: str
  deliver_to_mailbox_and_forward:
    description:
      - Whether forwarded mail is also kept in the mailbox.
    type: bool
  archive:
    description:
      - Whether the mailbox has an archive mailbox. V(true) adds one (C(Enable-Mailbox -Archive)).
      - V(false) disables it (C(Disable-Mailbox -Archive)); its content is deleted once the
        retention period for disconnected archives ends, so this is refused unless
        O(archive_disable_confirm=true).
    type: bool
  archive_disable_confirm:
    description:
      - Confirms that O(archive=false) may disable an existing archive, and with it, after the
        retention period, its content.
    type: bool
    default: false
  auto_expanding_archive:
    description:
      - Auto-expanding archiving (C(Enable-Mailbox -AutoExpandingArchive)). It needs an archive
        (already there, or from O(archive=true) in the same task, which is sent first).
      - Exchange Online cannot turn it off, so V(false) on a mailbox that has it fails; on one
        that has not, V(false) is no change.
    type: bool
  retention_policy:
    description:
      - The retention (MRM) policy, by name, compared case-insensitively (C(RetentionPolicy)). The
        name is looked up (C(Get-RetentionPolicy)) before anything is written, once per task and
        only when a mailbox would change to it; a name that is no policy fails naming this option.
      - An empty string takes the mailbox's own policy away.
    type: str
  retain_deleted_items_for:
    description:
      - How many days deleted items stay recoverable (C(RetainDeletedItemsFor)), 0 to 30 in
        Exchange Online; a hold keeps them longer.
    type: int
  message_copy_for_sent_as_enabled:
    description:
      - Whether a message sent as this mailbox by someone with Send As is also copied to this
        mailbox's Sent Items (C(MessageCopyForSentAsEnabled)), as shared mailboxes usually want.
    type: bool
  message_copy_for_send_on_behalf_enabled:
    description:
      - The same for messages sent on behalf of this mailbox (C(MessageCopyForSendOnBehalfEnabled)).
    type: bool
  prohibit_send_quota:
    description:
      - The size at which the mailbox can no longer send (C(ProhibitSendQuota)), as a number of
        bytes or a size with B, KB, MB, GB or TB (powers of 1024, C(45 GB)); Exchange's own
        spelling (C(45 GB (48,318,382,080 bytes))) is taken too. Compared by bytes.
      - An admin may lower it; a value above the maximum of the mailbox's licence is refused by
        Exchange, and the task fails naming this option with the service's message, having
        changed nothing.
    type: str
  prohibit_send_receive_quota:
    description:
      - The size at which the mailbox can no longer send or receive (C(ProhibitSendReceiveQuota)),
        as O(prohibit_send_quota).
    type: str
  issue_warning_quota:
    description:
      - The size at which the owner is warned (C(IssueWarningQuota)), as O(prohibit_send_quota).
    type: str
  resource_capacity:
    description:
      - How many people a room holds. Room mailboxes only (after any O(type) conversion); on
        another type the task fails before changing anything.
    type: int
notes:
  - O(email_addresses) follows the add, remove and exact convention the identity connectors use
    for address sets, with exactly one C(SMTP:) primary and every other SMTP address C(smtp:).
  - A type conversion is one C(Set-Mailbox -Type) call, the other properties one more call, then
    C(Enable-Mailbox -Archive) (or C(Disable-Mailbox -Archive)) and
    C(Enable-Mailbox -AutoExpandingArchive) when those change.
  - In check mode, RV(mailbox) is computed from the current state and the plan. Values that only
    Exchange decides are shown as they are before the change, for example the litigation hold
    owner when the hold is enabled without O(litigation_hold.owner), or empty, for example the
    GUIDs of a mailbox that would be created, or its retention policy and quotas (those of the
    organisation and the licence).
seealso:
  - module: mailops.exchange.exo_mailbox_info
  - module: mailops.exchange.exo_mailbox_permission
"""

EXAMPLES = r"""
- name: A shared mailbox for the sales team, with two more addresses
  mailops.exchange.exo_mailbox:
    mailbox: sales-eu@contoso.com
    type: shared
    display_name: Sales Europe
    email_addresses:
      - vertrieb@contoso.com
      - ventes@contoso.com

- name: Exactly these SMTP addresses, leaving the legacy domain and X500/SIP addresses alone
  mailops.exchange.exo_mailbox:
    mailbox: sales-eu@contoso.com
    email_addresses:
      - SMTP:sales-eu@contoso.com
      - vertrieb@contoso.com
    email_addresses_mode: exact
    excluded_domains: [legacy.contoso.com]

- name: A meeting room for 12
  mailops.exchange.exo_mailbox:
    mailbox: room-oslo-4@contoso.com
    name: Oslo 4
    type: room
    resource_capacity: 12

- name: A leaver becomes a shared mailbox, hidden, on hold for ten years, forwarding to the manager
  mailops.exchange.exo_mailbox:
    mailbox: dave@contoso.com
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

- name: A shared mailbox that keeps what its members send, archives, and keeps deleted items 30 days
  mailops.exchange.exo_mailbox:
    mailbox: sales-eu@contoso.com
    message_copy_for_sent_as_enabled: true
    message_copy_for_send_on_behalf_enabled: true
    archive: true
    auto_expanding_archive: true
    retention_policy: Default MRM Policy
    retain_deleted_items_for: 30
    issue_warning_quota: 40 GB
    prohibit_send_quota: 45 GB

- name: A leaver's mail goes to the manager's mailbox, and a copy stays
  mailops.exchange.exo_mailbox:
    mailbox: dave@contoso.com
    forwarding_address: Carol Clark
    deliver_to_mailbox_and_forward: true

- name: Disable the archive - its content is gone after the retention period
  mailops.exchange.exo_mailbox:
    mailbox: sales-eu@contoso.com
    archive: false
    archive_disable_confirm: true

- name: Remove a shared mailbox
  mailops.exchange.exo_mailbox:
    mailbox: sales-eu@contoso.com
    state: absent

- name: Many shared mailboxes in one task, all hidden and on a one-year hold
  mailops.exchange.exo_mailbox:
    mailboxes:
      - mailbox: sales-eu@contoso.com
        display_name: Sales Europe
      - mailbox: sales-us@contoso.com
        display_name: Sales Americas
        custom_attributes: {1: sales}
      - mailbox: room-oslo-4@contoso.com
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
  returned: with O(mailbox)
  type: dict
  sample:
    identity: sales-eu
    display_name: Sales Europe
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
  returned: with O(mailbox)
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
      C(key) is the mailbox as the entry gave it.
  returned: with O(mailboxes)
  type: list
  elements: dict
  sample:
    - key: sales-eu@contoso.com
      changed: true
      failed: false
      mailbox: {identity: sales-eu, display_name: Sales Europe, name: sales-eu, type: shared, primary_smtp_address: sales-eu@contoso.com}
      changes: {state: {before: absent, after: present}, hidden_from_address_lists: {before: null, after: true}}
    - key: room-oslo-4@contoso.com
      failed: true
      error_kind: invalid_argument
      msg: "resource_capacity: 12 applies to room mailboxes only; ...; nothing was changed"
concurrency:
  description:
    - The requests the task had in flight at once when it ended - with O(parallel=auto) what it
      settled at (it grows while the service answers and halves on throttling), with a number
      that number or fewer after throttling; never more than were in flight at once.
  returned: when the task sent requests to the service
  type: int
  sample: 12
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Prop, Resource, argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ALREADY_EXISTS, ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.mailbox_properties import (
    MAILBOX_OPTIONS,
    SETTINGS,
    after_row,
    check_options,
    forwarding_target,
    new_mailbox,
    plain_smtp,
    plan_mailbox,
    shown_changes,
)
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import (
    RecipientResolver,
    Recipient,
    holders,
    mailbox_facts,
    taken_by_soft_deleted,
)

# Options that name one mailbox: a task-wide value for many mailboxes would clash, so with
# mailboxes[] they are given per entry only.
ENTRY_ONLY = ('name', 'display_name', 'alias', 'primary_smtp_address')


class Mailbox(Resource):
    """A mailbox: its properties are planned by mailbox_properties (shared with on-premises), so
    this declaration plugs that planner into the engine; shared, room and equipment mailboxes
    are created here, user mailboxes come from licensing."""

    noun = 'Mailbox'
    identity = 'mailbox'
    identity_aliases = ('identity',)
    key = 'mailbox'
    what = 'recipient'
    create = True
    remove = True
    bulk = 'mailboxes'
    entry_only = ENTRY_ONLY
    options = MAILBOX_OPTIONS
    # What a refusal of the service is reported under, and the policy looked up before a write.
    properties = tuple(Prop(setting.option, setting.parameter, refers='Get-RetentionPolicy'
                            if setting.option == 'retention_policy' else None) for setting in SETTINGS)

    def __init__(self, module):
        super().__init__(module)
        self.resolver = RecipientResolver(module.invoke)

    def object_key(self, row, identity):
        return Recipient(row).key if row else identity

    def facts(self, row):
        return mailbox_facts(row)

    def prepare(self, engine, plans):
        """The forwarding recipients of every entry looked up together, with those the mailboxes forward to now."""
        forwarding = [plan for plan in plans if plan.entry.get('forwarding_address')]
        labels = [plan.row['ForwardingAddress'] for plan in forwarding if plan.row and plan.row.get('ForwardingAddress')]
        if forwarding:
            self.resolver.prefetch(self.module.runner, [plan.entry['forwarding_address'] for plan in forwarding],
                                   self.module.parallel, labels=labels)

    def desired(self, plan):
        desired = check_options(dict((option, plan.entry.get(option)) for option in MAILBOX_OPTIONS))
        if desired.get('forwarding_address') is not None:
            desired['forwarding_address'] = forwarding_target(self.resolver, desired['forwarding_address'], plan.row,
                                                              plan.where + 'forwarding_address', plan.row is None)
        return desired

    def changes(self, plan, facts):
        plan.detail = plan_mailbox(plan.row, plan.desired)
        return plan.detail.changes

    def shown_changes(self, plan, facts, changes):
        return shown_changes(facts, changes, plan.detail[:2] + (plan.desired['type'],) if plan.row is None else None)

    def set_steps(self, plan, key, changes):
        return plan.detail.steps(key)

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
            return ("mailbox: '%s' would not be an address of the new mailbox (%s), so the next run could not "
                    'find it; use its primary address or its name as mailbox' % (plan.identity, ', '.join(plan.detail[2])))
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
        return plan_mailbox(row, dict(plan.desired, display_name=None, alias=None)).steps(key)

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


def main():
    exo = ExoModule(**argument_spec(Mailbox))
    exo.run(lambda module: module.converge_declared(Mailbox))


if __name__ == '__main__':
    main()
