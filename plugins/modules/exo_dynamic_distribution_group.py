#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_dynamic_distribution_group
short_description: Create, update and remove Exchange Online dynamic distribution groups
version_added: 0.2.0
description:
  - Manages one dynamic distribution group, or many in one task (O(groups)), as desired state,
    through C(Get/New/Set/Remove-DynamicDistributionGroup). A dynamic group has no member list -
    a recipient filter selects its members each time mail is sent to it.
  - The filter is a custom OPATH O(recipient_filter), or the precanned conditions
    (O(included_recipients) with O(conditional_company), O(conditional_department),
    O(conditional_state_or_province)), from which Exchange generates the filter.
  - Exchange stores a filter rewritten (its own parentheses, spelling and spacing, and clauses of
    its own that keep system mailboxes out), so the module compares filters by meaning, not by
    text - the stored filter without the service's clauses against the given one, both parsed,
    with case, spacing, parentheses and the order of C(-and)/C(-or) operands aside. Any other
    difference is a change.
  - A filter that is not OPATH fails naming O(recipient_filter) and the position before anything
    is written. A property the service does not know is refused by the service, and nothing is
    written either.
  - Only the options that are given are compared and changed; the others are left as they are.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
  - mailops.exchange.exchange_online.bulk
  - mailops.exchange.bulk_results
options:
  group:
    description:
      - The dynamic distribution group. For an existing group any identity form Exchange accepts
        (name, alias, SMTP address, GUID); a group that does not exist is created with this as its C(Name).
      - Give O(group) or O(groups).
    type: str
    aliases: [identity]
  groups:
    description:
      - Many groups in one task (bulk mode), read ten to a request, created O(parallel) at a time,
        their changes sent ten to a request.
      - Each entry names a group by C(group) and may set any option below; options it leaves out
        take the task's value. O(alias), O(display_name) and O(primary_smtp_address) belong to one
        group, so they are given per entry only.
      - One group's failure does not stop or undo the others; the task fails at the end and lists
        every failed group with its reason (RV(results)); a message names it as C(groups[N].option).
    type: list
    elements: dict
    suboptions:
      group:
        description: As O(group), for this group.
        type: str
        required: true
        aliases: [identity]
      state:
        description: As O(state), for this group.
        type: str
        choices: [present, absent]
      alias:
        description: As O(alias), for this group.
        type: str
      display_name:
        description: As O(display_name), for this group.
        type: str
      primary_smtp_address:
        description: As O(primary_smtp_address), for this group.
        type: str
      recipient_filter:
        description: As O(recipient_filter), for this group.
        type: str
      included_recipients:
        description: As O(included_recipients), for this group.
        type: list
        elements: str
        choices: [AllRecipients, MailboxUsers, MailContacts, MailGroups, MailUsers, Resources]
      conditional_company:
        description: As O(conditional_company), for this group.
        type: list
        elements: str
      conditional_department:
        description: As O(conditional_department), for this group.
        type: list
        elements: str
      conditional_state_or_province:
        description: As O(conditional_state_or_province), for this group.
        type: list
        elements: str
      recipient_container:
        description: As O(recipient_container), for this group.
        type: str
      managed_by:
        description: As O(managed_by), for this group.
        type: str
      hidden_from_address_lists:
        description: As O(hidden_from_address_lists), for this group.
        type: bool
      notes:
        description: As O(notes), for this group.
        type: str
      custom_attributes:
        description: As O(custom_attributes), for this group.
        type: dict
      preview_members:
        description: As O(preview_members), for this group.
        type: bool
  state:
    description:
      - V(present) creates or updates the group; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  recipient_filter:
    description:
      - A custom OPATH filter, such as C(Department -eq 'Sales' -and RecipientType -eq 'UserMailbox').
        Replaces precanned conditions. Give it or O(included_recipients) to create a group.
    type: str
  included_recipients:
    description:
      - The recipient types of precanned conditions (C(IncludedRecipients)). Replaces a custom filter.
    type: list
    elements: str
    choices: [AllRecipients, MailboxUsers, MailContacts, MailGroups, MailUsers, Resources]
  conditional_company:
    description: Precanned condition - recipients whose company is one of these. An empty list clears it.
    type: list
    elements: str
  conditional_department:
    description: Precanned condition - recipients whose department is one of these. An empty list clears it.
    type: list
    elements: str
  conditional_state_or_province:
    description: Precanned condition - recipients whose state or province is one of these. An empty list clears it.
    type: list
    elements: str
  recipient_container:
    description:
      - Where the filter looks for recipients (C(RecipientContainer)), in the form the info module shows.
    type: str
  alias:
    description: The mail alias. Exchange derives it from the name when a group is created without one.
    type: str
  display_name:
    description: The display name. Exchange uses the name when a group is created without one.
    type: str
  primary_smtp_address:
    description:
      - The primary SMTP address; the old one stays as a secondary address. Exchange derives it from
        the alias and the default domain when a group is created without one.
    type: str
  managed_by:
    description: The group's owner (one recipient; any identity form). An empty string clears it.
    type: str
  hidden_from_address_lists:
    description: Whether the group is hidden from the address lists. A new group is shown.
    type: bool
  notes:
    description: Notes about the group. An empty string clears them.
    type: str
  custom_attributes:
    description:
      - Custom attributes by number, V(1) to V(15) (C(CustomAttribute1) to C(CustomAttribute15)), each at
        most 1024 characters. An empty value clears one; only the numbers given are managed.
    type: dict
  preview_members:
    description:
      - Also return RV(members), the recipients the filter selects now
        (C(Get-Recipient -RecipientPreviewFilter)); in check mode, those the predicted filter selects.
    type: bool
    default: false
seealso:
  - module: mailops.exchange.exo_dynamic_distribution_group_info
  - module: mailops.exchange.exo_distribution_group
"""

EXAMPLES = r"""
- name: Everyone in Sales, by a custom filter
  mailops.exchange.exo_dynamic_distribution_group:
    group: All Sales
    recipient_filter: "Department -eq 'Sales' -and RecipientType -eq 'UserMailbox'"
    managed_by: alice@contoso.com
    preview_members: true

- name: Mailboxes and contacts of two companies, by precanned conditions
  mailops.exchange.exo_dynamic_distribution_group:
    group: Partners and staff
    included_recipients: [MailboxUsers, MailContacts]
    conditional_company: [Contoso, Fabrikam]

- name: Remove a dynamic group
  mailops.exchange.exo_dynamic_distribution_group:
    group: All Sales
    state: absent
"""

RETURN = r"""
group:
  description:
    - The group after the task; in check mode, what it would be (a new group has an empty C(guid)
      and, unless given, an empty C(primary_smtp_address)). An empty dict after a removal.
  returned: with O(group)
  type: dict
  contains:
    identity:
      description: The group's Exchange identity.
      type: str
    display_name:
      description: The group's display name.
      type: str
    primary_smtp_address:
      description: The group's primary SMTP address.
      type: str
    recipient_filter:
      description:
        - The stored filter without the clauses Exchange adds, in the form Exchange writes it; for
          precanned conditions, the filter Exchange generated from them.
      type: str
      sample: "((Department -eq 'Sales') -and (RecipientType -eq 'UserMailbox'))"
    included_recipients:
      description: The precanned recipient types, sorted; empty for a custom filter.
      type: list
      elements: str
members:
  description:
    - With O(preview_members), the recipients the filter selects now, by name, sorted - each with
      C(name), C(primary_smtp_address) and C(recipient_type_details).
  returned: with O(preview_members) and a group that is present
  type: list
  elements: dict
changes:
  description: 'What changed, C({option: {before, after}}); a create or removal also reports C(state).'
  returned: with O(group)
  type: dict
results:
  description:
    - With O(groups), one entry per group in the order given - RV(group), C(changes), C(changed) and
      RV(members) as for one group, or C(failed=true) with C(msg) and the error's C(error_kind).
  returned: with O(groups)
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

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import SET, Prop, Resource, argument_spec, same_text
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.engine.properties import CustomAttributes
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.filters import CONDITION_OPTIONS, PRECANNED_OPTIONS, included_names
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.filters import parse, previews, same_filter, shown, with_filter
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.groups import default_alias
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import RecipientResolver, as_text, taken
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.mailbox_properties import check_alias

INCLUDED = ['AllRecipients', 'MailboxUsers', 'MailContacts', 'MailGroups', 'MailUsers', 'Resources']
TEXT = dict(type='str')
LIST = dict(type='list', elements='str')


def _same_set(have, want):
    return sorted(str(v).lower() for v in have or ()) == sorted(str(v).lower() for v in want or ())


class DynamicGroup(Resource):
    noun = 'DynamicDistributionGroup'
    identity = 'group'
    identity_aliases = ('identity',)
    key = 'group'
    what = 'dynamic distribution group'
    create = True
    remove = True
    bulk = 'groups'
    entry_only = ('alias', 'display_name', 'primary_smtp_address')
    options = {'preview_members': dict(type='bool', default=False)}
    module_checks = {'mutually_exclusive': [('recipient_filter', 'included_recipients')]}
    properties = (
        Prop('alias', 'Alias', same=same_text, spec=TEXT),
        Prop('display_name', 'DisplayName', spec=TEXT),
        Prop('primary_smtp_address', 'PrimarySmtpAddress', same=same_text, spec=TEXT),
        Prop('recipient_filter', 'RecipientFilter', view=shown, same=same_filter, spec=TEXT),
        Prop('included_recipients', 'IncludedRecipients', view=included_names, same=_same_set, spec=dict(LIST, choices=INCLUDED)),
    ) + tuple(Prop(option, parameter, view=lambda value: list(value or ()), same=_same_set, spec=LIST) for option, parameter in CONDITION_OPTIONS) + (
        Prop('recipient_container', 'RecipientContainer', view=as_text, same=same_text, spec=TEXT),
        Prop('managed_by', 'ManagedBy', view=as_text, when=SET, default='', spec=TEXT),
        Prop('hidden_from_address_lists', 'HiddenFromAddressListsEnabled', when=SET, default=False, spec=dict(type='bool')),
        Prop('notes', 'Notes', view=as_text, when=SET, default='', spec=TEXT),
        CustomAttributes(),
    )

    def __init__(self, module):
        super().__init__(module)
        self.resolver = RecipientResolver(module.invoke, module.warn if module.check_mode else None)

    def facts(self, row):
        facts = super().facts(row)
        owner = self.resolver.identify(row['ManagedBy']) if row.get('ManagedBy') else None
        facts.update(identity=as_text(row.get('Identity')), guid=as_text(row.get('Guid')), name=as_text(row.get('Name')),
                     managed_by=owner.shown if owner else as_text(row.get('ManagedBy')))
        return facts

    def check_input(self, entry, where):
        if len(entry['group'].strip()) > 64:
            raise ValueError("%sgroup: '%s' is longer than the 64 characters of a Name" % (where, entry['group']))
        given = [option for option in PRECANNED_OPTIONS if entry[option] is not None]
        if entry['recipient_filter'] is not None and given:
            raise ValueError("%srecipient_filter: give a custom filter or precanned conditions (%s), not both"
                             % (where, ', '.join(given)))
        for option, unused in CONDITION_OPTIONS:
            if any(not str(value).strip() for value in entry[option] or ()):
                raise ValueError('%s%s: %r has an empty value' % (where, option, entry[option]))
        try:
            if entry['alias'] is not None:
                check_alias(entry['alias'])
            if entry['recipient_filter'] is not None:
                parse(entry['recipient_filter'])
        except ValueError as err:
            option = 'alias' if 'alias' in str(err) else 'recipient_filter'
            raise ValueError("%s%s: '%s' is not valid: %s" % (where, option, entry[option], err)) from None

    def prepare(self, engine, plans):
        """Look up together the owners (current and desired) and the names and addresses creates take."""
        wanted = []
        for plan in plans:
            if plan.row is not None:
                self.resolver.remember(plan.row)
                wanted.extend([plan.row['ManagedBy']] if plan.row.get('ManagedBy') else [])
            if plan.entry['state'] == 'present':
                new = plan.identity if plan.row is None else None
                wanted.extend(value for value in (plan.entry['managed_by'], plan.entry['primary_smtp_address'], new) if value)
        if wanted:
            self.resolver.prefetch(self.module.runner, wanted, self.module.parallel)

    def desired(self, plan):
        desired = super().desired(plan)
        if desired['managed_by']:
            owner = self.resolver.resolve_all(plan.where + 'managed_by', [desired['managed_by']], plan.row is None)
            desired['managed_by'] = list(owner.values())[0].shown
        return desired

    def new_row(self, plan, desired):
        row = super().new_row(plan, desired)
        row.update(Identity=plan.identity, Name=plan.identity, Guid='', Alias=desired['alias'] or default_alias(plan.identity),
                   DisplayName=desired['display_name'] or plan.identity, PrimarySmtpAddress=desired['primary_smtp_address'] or '')
        return with_filter(row, desired)

    def new_parameters(self, plan, desired):
        return dict(super().new_parameters(plan, desired), Name=plan.identity)

    def predict(self, plan, changes):
        return with_filter(super().predict(plan, changes), changes)

    def validate(self, plan, changes):
        entry = plan.entry
        if plan.row is None and entry['recipient_filter'] is None and entry['included_recipients'] is None:
            return ("recipient_filter: the dynamic distribution group '%s' does not exist; give recipient_filter or "
                    'included_recipients to create it' % plan.identity)
        conditions = [option for option, unused in CONDITION_OPTIONS if option in changes]
        if conditions and entry['included_recipients'] is None and not included_names((plan.row or {}).get('IncludedRecipients')):
            return ("%s: the group '%s' has a custom recipient_filter; give included_recipients too to replace it "
                    'with precanned conditions' % (conditions[0], plan.identity))
        problem = taken(self.resolver, 'group', plan.identity, None) if plan.row is None else None
        if problem or 'primary_smtp_address' not in changes:
            return problem
        return taken(self.resolver, 'primary_smtp_address', changes['primary_smtp_address'], str(plan.row.get('Guid')).lower() if plan.row else None)


def preview(module, result):
    """``result`` with ``members`` for every group (one, or each of a bulk task's) whose
    preview_members is set: the recipients its filter selects now, ten groups to a request."""
    params = module.params
    outcomes, entries = ([result], [params]) if params['groups'] is None else (result.get('results') or [], params['groups'])
    chosen = [outcome for outcome, entry in zip(outcomes, entries) if outcome.get('group')
              and (params['preview_members'] if entry['preview_members'] is None else entry['preview_members'])]
    for outcome, found in zip(chosen, previews(module.invoke_all, [outcome['group']['recipient_filter'] for outcome in chosen])):
        outcome['members'] = found
    return result


def main():
    exo = ExoModule(**argument_spec(DynamicGroup))
    exo.run(lambda module: preview(module, module.converge_declared(DynamicGroup)))


if __name__ == '__main__':
    main()
