#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_unified_group
short_description: Create, update and remove Microsoft 365 groups, their members, owners and subscribers
version_added: 0.2.0
description:
  - Manages one Microsoft 365 group (a unified group), or many in one task (O(groups)), as desired
    state, through C(Get/New/Set/Remove-UnifiedGroup) and C(Get/Add/Remove-UnifiedGroupLinks).
  - Only the options that are given are compared and changed; the others are left as they are.
  - O(members), O(owners) and O(subscribers) are resolved to one recipient each before anything
    is compared or changed, so a name, an alias, an address and the GUID of one person are the
    same link. An unknown or ambiguous one fails the task before the first write.
  - The service's rules are checked before the first write. An owner or subscriber must be a
    member, so one who is not is added to the members first (and shows in RV(changes) there); a
    member who stays an owner or subscriber cannot be removed; the last owner cannot be removed
    (name the new owner in the same task - owners are added before they are removed).
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
      - The group, by its alias, an SMTP address or its GUID (the service's C(Name) is the alias
        followed by a generated id).
      - A group that does not exist is created with this as its alias, or, when it is an address,
        as its primary address (the alias then defaults to the part before the C(@)).
      - Give O(group) or O(groups).
    type: str
    aliases: [identity]
  groups:
    description:
      - Many groups in one task (bulk mode). Each entry names a group by C(group) and may set any
        of the per-group options; options it leaves out take the task's value (for example
        O(owners) or O(access_type)). O(alias) and O(display_name) belong to one group, so they
        are given per entry only.
      - One group's failure does not stop or undo the others; the task fails at the end and lists
        every failed group with its reason (RV(results) holds each group's outcome).
    type: list
    elements: dict
    suboptions:
      group: {description: As O(group)., type: str, required: true, aliases: [identity]}
      state: {description: As O(state)., type: str, choices: [present, absent]}
      alias: {description: As O(alias)., type: str}
      display_name: {description: As O(display_name)., type: str}
      access_type: {description: As O(access_type)., type: str, choices: [public, private]}
      hidden_from_address_lists: {description: As O(hidden_from_address_lists)., type: bool}
      accept_external_senders: {description: As O(accept_external_senders)., type: bool}
      auto_subscribe_new_members: {description: As O(auto_subscribe_new_members)., type: bool}
      language: {description: As O(language)., type: str}
      notes: {description: As O(notes)., type: str}
      custom_attributes: {description: As O(custom_attributes)., type: dict}
      email_addresses: {description: As O(email_addresses)., type: list, elements: str}
      email_addresses_mode: {description: As O(email_addresses_mode)., type: str, choices: [add, remove, exact]}
      members: {description: As O(members)., type: list, elements: str}
      members_mode: {description: As O(members_mode)., type: str, choices: [present, absent, exact]}
      owners: {description: As O(owners)., type: list, elements: str}
      owners_mode: {description: As O(owners_mode)., type: str, choices: [present, absent, exact]}
      subscribers: {description: As O(subscribers)., type: list, elements: str}
      subscribers_mode: {description: As O(subscribers_mode)., type: str, choices: [present, absent, exact]}
  state:
    description: V(present) creates or updates the group; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  alias:
    description:
      - The mail alias (mail nickname). A new group named by its alias takes O(group) itself.
    type: str
  display_name:
    description:
      - The display name, 1 to 64 characters. A new group without one takes its alias.
    type: str
  access_type:
    description:
      - V(public) (anyone in the organisation can join and read; the service's default) or
        V(private) (members only; owners approve who joins).
    type: str
    choices: [public, private]
  hidden_from_address_lists:
    description: Whether the group is hidden from the address lists (C(HiddenFromAddressListsEnabled)).
    type: bool
  accept_external_senders:
    description:
      - Whether people outside the organisation may send mail to the group (the inverse of
        C(RequireSenderAuthenticationEnabled)); a new group does not accept them.
    type: bool
  auto_subscribe_new_members:
    description: Whether members added later receive the group's conversations and events in their inbox.
    type: bool
  language:
    description: The group's language, a culture name such as C(en-US) or C(de-DE).
    type: str
  notes:
    description: The group's description; an empty text clears it.
    type: str
  custom_attributes:
    description:
      - Custom attributes 1 to 15, as a dict of number to text, such as C(1) to C(projects). Only the
        numbers given are managed; an empty text clears one.
    type: dict
  email_addresses:
    description:
      - SMTP addresses of the group, in the mode of O(email_addresses_mode); C(SMTP:) marks the
        primary. The group's C(*.onmicrosoft.com) address stays unless V(remove) names it.
    type: list
    elements: str
  email_addresses_mode:
    description:
      - V(add) (the default) adds the listed addresses, V(remove) removes them, V(exact) makes
        them the group's SMTP addresses; see the multi-valued options guide.
    type: str
    choices: [add, remove, exact]
    default: add
  members:
    description:
      - Members (users - mailboxes and mail users), in any identity form; see O(members_mode).
    type: list
    elements: str
  members_mode:
    description:
      - V(present) adds the listed members, V(absent) removes them, V(exact) makes them the whole
        set (the same as C(state=present) and C(exclusive=true) of the member modules).
    type: str
    choices: [present, absent, exact]
    default: present
  owners:
    description: Owners, who must be members (see the description); see O(owners_mode).
    type: list
    elements: str
  owners_mode:
    description: As O(members_mode), for O(owners).
    type: str
    choices: [present, absent, exact]
    default: present
  subscribers:
    description: Members who receive the group's conversations and events in their inbox; see O(subscribers_mode).
    type: list
    elements: str
  subscribers_mode:
    description: As O(members_mode), for O(subscribers).
    type: str
    choices: [present, absent, exact]
    default: present
notes:
  - Microsoft documents that C(New-UnifiedGroup) and C(Add/Remove-UnifiedGroupLinks) do not work
    with app-only (certificate or client secret) sign-in, and calls the UnifiedGroup cmdlets not
    supported app-only. Against a real tenant, give a delegated O(access_token) of an Exchange
    administrator; the sandbox serves them to an application too.
  - The sets follow the collection's convention for multi-valued options (O(members_mode) is
    C(state) and C(exclusive) in one option); see the multi-valued options guide.
  - A removed group stays recoverable for 30 days, and its addresses stay taken until then.
seealso:
  - module: mailops.exchange.exo_unified_group_info
  - module: mailops.exchange.exo_distribution_group
"""

EXAMPLES = r"""
- name: A private project group with its owners and members
  mailops.exchange.exo_unified_group:
    group: project-x
    display_name: Project X
    access_type: private
    notes: Everything about project X
    owners: [alice@contoso.com]
    members: [alice@contoso.com, bob@contoso.com, carol@contoso.com]
    members_mode: exact

- name: Hand the group over to Dave (added as a member, then as owner, before Alice is removed)
  mailops.exchange.exo_unified_group:
    group: project-x
    owners: [dave@contoso.com]
    owners_mode: exact

- name: A leaver leaves every group
  mailops.exchange.exo_unified_group:
    groups: [{group: project-x}, {group: sales}, {group: all-hands}]
    members: [erin@contoso.com]
    members_mode: absent

- name: Remove a group
  mailops.exchange.exo_unified_group:
    group: project-old@contoso.com
    state: absent
"""

RETURN = r"""
group:
  description:
    - The group after the task (in check mode, what it would be; a new group has an empty
      C(guid) and C(name)); an empty dict after it is removed. C(members), C(owners) and
      C(subscribers) are there when the task names them.
  returned: with O(group)
  type: dict
  sample:
    identity: project-x
    display_name: Project X
    primary_smtp_address: project-x@contoso.com
    alias: project-x
    access_type: private
    accept_external_senders: false
    owners: [alice@contoso.com]
    members: [alice@contoso.com, bob@contoso.com]
changes:
  description:
    - What changed (or would change in check mode) - C({before, after}) per option, and
      C({added, removed}) for O(members), O(owners) and O(subscribers).
  returned: always
  type: dict
  sample: {owners: {added: [dave@contoso.com], removed: [alice@contoso.com]}}
results:
  description:
    - With O(groups), one entry per group in the order given - RV(group), RV(changes) and
      C(changed) as for one group, or C(failed=true) with C(msg) and the error's C(error_kind).
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

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import SET, Prop, argument_spec, same_text
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.engine.properties import CustomAttributes, EmailAddresses, review_addresses, text_check
from ansible_collections.mailops.exchange.plugins.module_utils.engine.unified_groups import LinkedGroup, unified_group_facts
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.mailbox_properties import check_alias
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.regional import language_name

TEXT = dict(type='str')


def _text(value):
    return '' if value is None else str(value)


def _culture(value):
    if not value.strip():
        raise ValueError("language: '%s' is not a culture name such as en-US" % value)
    return value


class UnifiedGroup(LinkedGroup):
    noun = 'UnifiedGroup'
    identity = 'group'
    identity_aliases = ('identity',)
    key = 'group'
    what = 'Microsoft 365 group'
    create = True
    remove = True
    bulk = 'groups'
    entry_only = ('alias', 'display_name')
    properties = (
        Prop('alias', 'Alias', same=same_text, spec=TEXT),
        Prop('display_name', 'DisplayName', spec=TEXT, check=text_check('display_name', 64)),
        Prop('access_type', 'AccessType', view=lambda v: _text(v).lower(), wire=str.capitalize, default='Public',
             spec=dict(type='str', choices=['public', 'private'])),
        Prop('hidden_from_address_lists', 'HiddenFromAddressListsEnabled', when=SET, default=False, spec=dict(type='bool')),
        Prop('accept_external_senders', 'RequireSenderAuthenticationEnabled', view=lambda v: v is False,
             wire=lambda v: not v, default=True, spec=dict(type='bool')),
        Prop('auto_subscribe_new_members', 'AutoSubscribeNewMembers', view=bool, default=False, spec=dict(type='bool')),
        Prop('language', 'Language', view=language_name, same=same_text, spec=TEXT, check=_culture),
        Prop('notes', 'Notes', view=_text, default=None, spec=TEXT),
        CustomAttributes(),
        EmailAddresses(),
    )

    def facts(self, row):
        return unified_group_facts(row)

    def check_input(self, entry, where):
        """Refuse, naming the option and the value, what no group can have; asks nothing."""
        option, value = ('alias', entry['alias']) if entry['alias'] is not None else ('group', entry['group'].strip())
        try:
            if option == 'alias' or '@' not in value:
                check_alias(value)
        except ValueError:
            raise ValueError("%s%s: '%s' is not a valid alias; use letters, digits and !#$%%&'*+-/=?^_`{|}~, with dots "
                             'only between them (or name the group by its address or GUID)' % (where, option, value)) from None
        super().check_input(entry, where)

    def new_alias(self, plan):
        return plan.entry['alias'] or (plan.identity.partition('@')[0] if '@' in plan.identity else plan.identity)

    def new_parameters(self, plan, desired):
        parameters = dict(super().new_parameters(plan, desired), Alias=self.new_alias(plan))
        parameters.setdefault('DisplayName', self.new_alias(plan))
        if '@' in plan.identity:
            parameters['PrimarySmtpAddress'] = plan.identity
        return parameters

    def new_row(self, plan, desired):
        return dict(super().new_row(plan, desired), Identity='', Name='', Guid='', Alias=self.new_alias(plan),
                    DisplayName=desired['display_name'] or self.new_alias(plan), Language=desired['language'] or 'en-US',
                    PrimarySmtpAddress=plan.identity if '@' in plan.identity else '')

    def review(self, engine, plans):
        """Every address a group would gain must be free (the check every module with addresses makes)."""
        review_addresses(self.resolver, self.module, plans)

    def validate(self, plan, changes):
        if plan.row is None and '@' not in plan.identity and plan.entry['alias'] and plan.entry['alias'].lower() != plan.identity.lower():
            return ("group: '%s' would not be the alias of the new group (%s), so the next run could not find it; "
                    'name the group by its alias or address' % (plan.identity, plan.entry['alias']))
        return None


def main():
    exo = ExoModule(**argument_spec(UnifiedGroup))
    exo.run(lambda module: module.converge_declared(UnifiedGroup))


if __name__ == '__main__':
    main()
