#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_user_licence
short_description: Make an Entra user's Microsoft 365 licences and usage location what the task says
version_added: 0.2.0
description:
  - Assigns and removes the licences given directly to one Entra user, through Microsoft Graph
    (C(POST /users/{id}/assignLicense)), and sets the user's usage location, which the service
    requires before any licence.
  - In Exchange Online a user mailbox is created by an Exchange licence, not by C(New-Mailbox); use
    M(mailops.exchange.exo_mailbox_info) with O(mailops.exchange.exo_mailbox_info#module:wait=true)
    to wait for it before configuring it.
  - SKUs are named by part number (V(EXCHANGESTANDARD), V(SPE_E3)) and service plans by name
    (V(TEAMS1)), resolved through the tenant's C(subscribedSkus). An unknown SKU or plan, a SKU
    with no free seat, or a user without a usage location fails the task before anything is written.
  - Licences a group gives the user are reported, never removed here; manage the membership with
    M(mailops.exchange.exo_entra_group_member).
  - "Microsoft Graph application permissions (the least privileged Microsoft documents): C(User.ReadWrite.All)
    to read the user, set its usage location and assign licences, and C(LicenseAssignment.Read.All) to read
    C(subscribedSkus). A 403 names them."
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
  - mailops.exchange.exchange_online.bulk
  - mailops.exchange.bulk_results
options:
  user:
    description:
      - The Entra user, by user principal name or object id.
      - Required unless O(users) is given.
    type: str
    aliases: [identity]
  users:
    description:
      - Many users in one task (bulk mode), such as a batch of joiners. Each entry names a user and may set
        any of the options below; options it leaves out take the task's value, so O(licences) beside
        a list of users gives each of them those licences.
      - The tenant's SKUs are read once; free seats are counted across the entries, so when fewer
        are left than the entries ask for, the entries beyond them fail before any write.
      - One user's failure does not stop or undo the others; the task fails at the end and lists
        every failed user with its reason (RV(results) holds each user's outcome).
    type: list
    elements: dict
    suboptions:
      user:
        description: As O(user).
        type: str
        required: true
        aliases: [identity]
      usage_location:
        description: As O(usage_location), for this user.
        type: str
      licences:
        description: As O(licences), for this user.
        type: list
        elements: dict
        aliases: [licenses]
        suboptions:
          sku:
            description: As O(licences[].sku).
            type: str
            required: true
          disabled_plans:
            description: As O(licences[].disabled_plans).
            type: list
            elements: str
            default: []
      state:
        description: As O(state), for this user.
        type: str
        choices: [present, absent]
      exclusive:
        description: As O(exclusive), for this user.
        type: bool
  usage_location:
    description:
      - The two-letter country code (ISO 3166-1 alpha-2) of where the user uses the services, such as V(GB).
      - Required by Microsoft 365 before a licence can be assigned; left as it is when not given.
    type: str
  licences:
    description:
      - The licences to assign (O(state=present)) or remove (O(state=absent)).
      - A licence already assigned with other disabled plans is assigned again with these.
      - Left as they are when not given.
    type: list
    elements: dict
    aliases: [licenses]
    suboptions:
      sku:
        description: The SKU's part number, as C(subscribedSkus) shows it (V(EXCHANGESTANDARD), V(SPE_E3)).
        type: str
        required: true
      disabled_plans:
        description: Names of the SKU's service plans to leave off (V(TEAMS1)); none when not given.
        type: list
        elements: str
        default: []
  state:
    description:
      - V(present) assigns the listed licences; V(absent) removes those assigned directly.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), also remove every directly assigned licence that is not listed.
        Licences a group gives are never removed.
    type: bool
    default: false
notes:
  - O(licences) follows the collection's C(state) + C(exclusive) convention; a group's licences are
    the inherited entries it never changes.
"""

EXAMPLES = r"""
- name: A joiner gets Exchange Online (Plan 1) in the United Kingdom
  mailops.exchange.exo_user_licence:
    user: nina.novak@contoso.com
    usage_location: GB
    licences:
      - sku: EXCHANGESTANDARD

- name: Microsoft 365 E3 without Teams, and nothing else assigned directly
  mailops.exchange.exo_user_licence:
    user: nina.novak@contoso.com
    licences:
      - sku: SPE_E3
        disabled_plans: [TEAMS1]
    exclusive: true
"""

RETURN = r"""
user_licence:
  description: The user's usage location and licences after the task; in check mode, what they would be.
  returned: without O(users)
  type: dict
  contains:
    user:
      description: The user principal name.
      type: str
      sample: nina.novak@contoso.com
    id:
      description: The user's object id (null in check mode for a user an earlier task creates).
      type: str
      sample: 3e2f4b7a-51c4-4d8e-9f7e-0c1d2b3a4f5e
    usage_location:
      description: The usage location, or null.
      type: str
      sample: GB
    licences:
      description:
        - Every licence the user holds, C(sku) and C(disabled_plans), with C(direct) (assigned to the user)
          and C(groups) (the ids of the groups that give it).
      type: list
      elements: dict
      sample: [{sku: EXCHANGESTANDARD, disabled_plans: [], direct: true, groups: []}]
changes:
  description:
    - What changed (or in check mode would change) - C(usage_location) with C(before) and C(after),
      and C(licences) with C(added) and C(removed) (licences as C(sku) and C(disabled_plans)).
  returned: without O(users)
  type: dict
  sample: {usage_location: {before: null, after: GB}, licences: {added: [{sku: EXCHANGESTANDARD, disabled_plans: []}], removed: []}}
results:
  description:
    - With O(users), one entry per user in the order given - RV(user_licence), C(changes) and
      C(changed) as for a single user, or C(failed=true) with C(msg) and the error's C(error_kind).
  returned: with O(users)
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

from urllib.parse import quote

from ansible_collections.mailops.exchange.plugins.module_utils.recipients import licences as lic
from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Prop, Resource, argument_spec, input_error, same_text
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import GraphModule
from ansible_collections.mailops.exchange.plugins.module_utils.engine.relation import check_entry
from ansible_collections.mailops.exchange.plugins.module_utils.runners.graph_runner import graph_call

PERMISSIONS = ('User.ReadWrite.All', 'LicenseAssignment.Read.All')
SELECT = 'id,userPrincipalName,usageLocation,assignedLicenses,licenseAssignmentStates'
LICENCE = dict(sku=dict(type='str', required=True), disabled_plans=dict(type='list', elements='str', default=[]))
# What Graph says when assignLicense is refused for a reason the plan checks first (a race).
_REFUSALS = (('available licenses', 'licences', 'no free seat is left for a licence being assigned'),
             ('usage location', 'usage_location', 'the user has no usage location'))


class UserLicence(Resource):
    """The licences assigned directly to an Entra user, and its usage location, through Graph."""

    identity = 'user'
    identity_aliases = ('identity',)
    key = 'user_licence'
    what = 'user'
    presence = None
    bulk = 'users'
    properties = (Prop('usage_location', 'usageLocation', same=same_text, spec=dict(type='str')),
                  Prop('licences', 'licenseAssignmentStates',
                       spec=dict(type='list', elements='dict', options=LICENCE, aliases=['licenses'])))
    options = dict(state=dict(type='str', default='present', choices=['present', 'absent']),
                   exclusive=dict(type='bool', default=False))

    def read_call(self, identity):
        return graph_call('GET', 'users/%s' % quote(identity, safe='@'), query={'$select': SELECT})

    def object_key(self, row, identity):
        return row['id'] if row else identity

    def check_input(self, entry, where):
        check_entry(entry, where, 'user', 'licences')
        if entry.get('usage_location') is None and entry.get('licences') is None:
            raise ValueError("%suser '%s': give usage_location or licences, the settings this module manages"
                             % (where, entry['user']))
        lic.check_usage_location(entry.get('usage_location'), where)
        lic.check_entries(entry.get('licences'), where)

    def prepare(self, engine, plans):
        """The tenant's SKUs, read once for every user."""
        self.catalogue = lic.Catalogue(self.module.invoke(*graph_call('GET', 'subscribedSkus', collection=True)))

    def facts(self, row):
        direct, by_group = lic.assignments(row)
        held = sorted(set(direct) | set(by_group))
        return {'user': row.get('userPrincipalName'), 'id': row.get('id'), 'usage_location': row.get('usageLocation'),
                'licences': [dict(self.catalogue.shown(s, direct.get(s, [])), direct=s in direct, groups=by_group.get(s, []))
                             for s in held]}

    def desired(self, plan):
        """The usage location and licences asked for; the licences' ``(add, remove)`` plan goes to ``plan.detail``."""
        entries = plan.entry.get('licences')
        location = plan.entry.get('usage_location')
        wanted = None if entries is None else lic.resolve(entries, self.catalogue)
        direct, unused = lic.assignments(plan.row or {})
        plan.detail = None if wanted is None else lic.plan(direct, wanted, plan.entry['state'], plan.entry['exclusive'])
        return {'usage_location': location.upper() if location else None, 'licences': wanted}

    def changes(self, plan, facts):
        changes = {}
        location = plan.desired['usage_location']
        if location and not same_text((plan.row or {}).get('usageLocation'), location):
            changes['usage_location'] = location
        if plan.detail and (plan.detail[0] or plan.detail[1]):
            changes['licences'] = plan.detail
        return changes

    def validate(self, plan, changes):
        row = plan.row or {}
        add = plan.detail[0] if plan.detail else {}
        if add and not (changes.get('usage_location') or row.get('usageLocation')):
            return ("usage_location: user '%s' has none, and Microsoft 365 assigns no licence without one; give "
                    'usage_location (a two-letter country code such as GB)' % plan.identity)
        direct, by_group = lic.assignments(row)
        if plan.entry['state'] == 'absent':
            for sku_id in sorted(set(plan.desired['licences'] or ()) & set(by_group) - set(direct)):
                return ("licences: '%s' comes to user '%s' from group %s, not directly; remove the user from the "
                        'group instead' % (self.catalogue.part(sku_id), plan.identity, ', '.join(by_group[sku_id])))
        return None

    def review(self, engine, plans):
        """Free seats, counted across every entry in order: an entry beyond them is refused before any write."""
        taken = {}
        for plan in plans:
            held = [a['skuId'].lower() for a in (plan.row or {}).get('assignedLicenses') or ()]
            problem = lic.take_seats(self.catalogue, held, plan.detail[0] if plan.detail else {}, taken, plan.identity)
            if problem:
                plan.error = input_error(plan.where + problem)

    def shown_changes(self, plan, facts, changes):
        shown = {}
        if 'usage_location' in changes:
            shown['usage_location'] = {'before': (plan.row or {}).get('usageLocation'), 'after': changes['usage_location']}
        if plan.detail is not None:
            add, remove = plan.detail
            direct, unused = lic.assignments(plan.row or {})
            shown['licences'] = {'added': [self.catalogue.shown(s, p) for s, p in sorted(add.items())],
                                 'removed': [self.catalogue.shown(s, direct[s]) for s in remove]}
        return shown

    def set_steps(self, plan, key, changes):
        steps = []
        if 'usage_location' in changes:
            steps.append([graph_call('PATCH', 'users/%s' % key, {'usageLocation': changes['usage_location']})])
        if 'licences' in changes:
            steps.append([graph_call('POST', 'users/%s/assignLicense' % key, lic.assign_body(*plan.detail))])
        return steps

    def predict(self, plan, changes):
        row = dict(plan.row)
        row['usageLocation'] = changes.get('usage_location', row.get('usageLocation'))
        row['licenseAssignmentStates'] = lic.states_after(row, *(plan.detail or ({}, [])))
        return row

    def new_row(self, plan, desired):
        """A user not found, in check mode (an earlier task creates it): what this task would give it."""
        return {'userPrincipalName': plan.identity, 'usageLocation': desired['usage_location'],
                'licenseAssignmentStates': lic.states_after({}, *(plan.detail or ({}, [])))}

    def write_error(self, call, err):
        text = (err.message or '').lower()
        for fragment, option, what in _REFUSALS:
            if fragment in text:
                return ExchangeError('%s: Microsoft Graph refused the change because %s: %s' % (option, what, err.message),
                                     kind=err.kind, exception_type=err.exception_type, status=err.status)
        return err


def main():
    exo = GraphModule(permissions=PERMISSIONS, **argument_spec(UserLicence))
    exo.run(lambda module: module.converge_declared(UserLicence))


if __name__ == '__main__':
    main()
