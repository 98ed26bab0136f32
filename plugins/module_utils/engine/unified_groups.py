# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Microsoft 365 groups: their one result shape, and the plan of their members, owners and
subscribers (the links of Add-/Remove-UnifiedGroupLinks), shared by exo_unified_group and
exo_unified_group_info. The planning (:func:`plan_links`, :func:`link_steps`) is pure: the
service's rules (an owner or a subscriber must be a member, a member who is an owner cannot be
removed, the owners cannot all go) are checked before anything is written. :class:`LinkedGroup`
puts the links on an engine resource beside its property table.
"""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import (
    RecipientResolver,
    as_text,
    check_identities,
    custom_attribute_facts,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import plan_set, sorted_values
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.regional import language_name
from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Resource
from ansible_collections.mailops.exchange.plugins.module_utils.engine.relation import SetChange

# Option -> the LinkType that holds it, in the order links are added (members first, as owners
# and subscribers must be members) and removed in reverse (members last).
LINKS = (('members', 'Members'), ('owners', 'Owners'), ('subscribers', 'Subscribers'))
# A links option's mode -> the state and exclusive of the set convention.
MODES = {'present': ('present', False), 'absent': ('absent', False), 'exact': ('present', True)}
# Recipients that cannot be linked: groups are not nested in Microsoft 365 groups, contacts have no account.
NOT_LINKABLE = ('MailUniversalDistributionGroup', 'MailUniversalSecurityGroup', 'GroupMailbox', 'DynamicDistributionGroup',
                'RoomList', 'MailContact')


def linkable(option, recipient):
    """How ``recipient`` is shown as a link, or ValueError naming ``option`` when it is a group or
    a contact: Microsoft 365 groups link users (mailboxes and mail users) only."""
    kind = str(recipient.row.get('RecipientTypeDetails') or '')
    if kind in NOT_LINKABLE:
        raise ValueError("%s: '%s' is a %s; only users (mailboxes and mail users) can be members, owners or "
                         'subscribers of a Microsoft 365 group' % (option, recipient.shown, kind))
    return recipient.shown


def links_read(group_key, link_type):
    """The ``(cmdlet, parameters)`` that reads one kind of a group's links."""
    return 'Get-UnifiedGroupLinks', {'Identity': group_key, 'LinkType': link_type, 'ResultSize': 'Unlimited'}


def unified_group_facts(row):
    """The documented snake_case view of a Get-UnifiedGroup row, with the links it holds (read
    into ``Members``, ``Owners``, ``Subscribers`` as key -> shown) as sorted lists."""
    facts = {
        'identity': as_text(row.get('Identity')),
        'guid': as_text(row.get('Guid')),
        'name': as_text(row.get('Name')),
        'alias': as_text(row.get('Alias')),
        'display_name': as_text(row.get('DisplayName')),
        'primary_smtp_address': as_text(row.get('PrimarySmtpAddress')),
        'email_addresses': list(row.get('EmailAddresses') or ()),
        'access_type': as_text(row.get('AccessType')).lower(),
        'hidden_from_address_lists': bool(row.get('HiddenFromAddressListsEnabled')),
        'accept_external_senders': not row.get('RequireSenderAuthenticationEnabled', True),
        'auto_subscribe_new_members': bool(row.get('AutoSubscribeNewMembers')),
        'language': language_name(row.get('Language')),
        'notes': as_text(row.get('Notes')),
        'custom_attributes': custom_attribute_facts(row),
    }
    facts.update((option, sorted_values(row[kind])) for option, kind in LINKS if isinstance(row.get(kind), dict))
    return facts


def plan_links(current, wanted, modes, where=''):
    """The change of each links option named: option -> :class:`SetChange`.

    ``current`` and ``wanted`` map an option to key -> shown (``wanted``: None for an option not
    given), ``modes`` an option to present, absent or exact. An owner or subscriber the plan
    adds who is not a member is added as a member first (the service requires it), unless the
    members are given exactly without it; that, a member the plan removes who stays an owner or
    subscriber, and removing every owner are refused (ValueError, naming the option, prefixed
    ``where``, and the value) before anything is written.
    """
    changes = {}
    for option, unused in LINKS:
        if wanted.get(option) is not None:
            have = current.get(option) or {}
            changes[option] = SetChange(have, *plan_set(have, wanted[option], *MODES[modes[option]]))
    after = dict((option, changes[option].after() if option in changes else current.get(option) or {})
                 for option, unused in LINKS)
    members = changes.get('members') or SetChange(current.get('members') or {}, {}, {})
    for option in ('owners', 'subscribers'):
        for key, shown in after[option].items():
            if key in members.removed or (option in changes and key in changes[option].added
                                          and wanted.get('members') is not None and modes['members'] == 'exact'
                                          and key not in members.after()):
                raise ValueError("%smembers: '%s' would be one of the group's %s but not a member, and Microsoft 365 "
                                 'groups keep only members as %s; list it in members or remove it from %s too'
                                 % (where, shown, option, option, option))
            if option in changes and key in changes[option].added and key not in members.after():
                members.added[key] = shown
    if members:
        changes['members'] = members
    owners = current.get('owners') or {}
    if 'owners' in changes and owners and not after['owners']:
        raise ValueError("%sowners: removing %s would leave the group without an owner; the last owner cannot be "
                         'removed, so name the new owner in the same task' % (where, ', '.join(sorted_values(owners))))
    return changes


def link_steps(group_key, changes):
    """The write steps of ``changes`` (option -> SetChange): one Add-UnifiedGroupLinks per kind,
    members first, then one Remove-UnifiedGroupLinks per kind, members last; each its own step,
    as the service checks each call against the links the previous ones made."""
    steps = []
    order = [('Add', option, kind) for option, kind in LINKS] + [('Remove', option, kind) for option, kind in reversed(LINKS)]
    for verb, option, kind in order:
        change = changes.get(option)
        keys = sorted((change.added if verb == 'Add' else change.removed) if change else ())
        if keys:
            parameters = {'Identity': group_key, 'LinkType': kind, 'Links': keys, 'Confirm': False}
            steps.append([(verb + '-UnifiedGroupLinks', parameters)])
    return steps


class LinkedGroup(Resource):
    """An engine resource with links beside its property table: the options ``members``,
    ``owners`` and ``subscribers``, each with its ``<option>_mode``, read in :meth:`prepare`,
    planned by :func:`plan_links` into ``plan.detail`` (option -> SetChange), reported
    ``{added, removed}`` and written by :func:`link_steps` after the Set calls. Link writes have a
    known effect and the group's read does not show its links, so the result is the prediction
    (for a new group, the created row with what the later writes make)."""

    reread = False
    options = dict((name, spec) for option, unused in LINKS for name, spec in (
        (option, dict(type='list', elements='str')), (option + '_mode', dict(type='str', choices=list(MODES), default='present'))))

    def __init__(self, module):
        super().__init__(module)
        self.resolver = RecipientResolver(module.invoke, module.warn if module.check_mode else None)

    def check_input(self, entry, where):
        for option, unused in LINKS:
            check_identities(where + option, entry[option])

    def prepare(self, engine, plans):
        """Every link kind the entries need, ten to a request (members and owners whenever any link
        is named: the service's rules join them), then every name looked up together."""
        reads = [(plan, kind) for plan in plans if plan.row is not None and plan.entry['state'] == 'present'
                 for option, kind in LINKS if any(plan.entry[named] is not None for named, unused in LINKS)
                 and (option != 'subscribers' or plan.entry[option] is not None)]
        answers = self.module.invoke_all([links_read(self.object_key(plan.row, plan.identity), kind) for plan, kind in reads])
        for (plan, kind), answer in zip(reads, answers):
            plan.row[kind] = answer if isinstance(answer, ExchangeError) else dict(
                (recipient.key, recipient.shown) for recipient in map(self.resolver.remember, answer))
        self.resolver.prefetch(self.module.runner, [name for plan in plans if plan.entry['state'] == 'present'
                                                    for option, unused in LINKS for name in plan.entry[option] or ()],
                               self.module.parallel)

    def desired(self, plan):
        desired = super().desired(plan)
        plan.detail = {}
        if plan.entry['state'] == 'absent':
            return desired
        row = plan.row or {}
        for failed in [row[kind] for unused, kind in LINKS if isinstance(row.get(kind), ExchangeError)]:
            raise failed
        wanted = dict((option, None if plan.entry[option] is None else dict(
            (key, linkable(plan.where + option, recipient)) for key, recipient in
            self.resolver.resolve_all(plan.where + option, plan.entry[option], plan.row is None).items()))
            for option, unused in LINKS)
        plan.detail = plan_links(dict((option, row.get(kind)) for option, kind in LINKS), wanted,
                                 dict((option, plan.entry[option + '_mode']) for option, unused in LINKS), plan.where)
        return dict(desired, **wanted)

    def changes(self, plan, facts):
        return dict(super().changes(plan, facts), **dict((option, change) for option, change in plan.detail.items() if change))

    def shown_changes(self, plan, facts, changes):
        shown = super().shown_changes(plan, facts, dict((o, v) for o, v in changes.items() if o not in plan.detail))
        shown.update((option, change.report()) for option, change in plan.detail.items() if change)
        return shown

    def after_create(self, plan, row):
        return dict(super().after_create(plan, row), **plan.detail)

    def writes(self, plan, key, changes):
        return link_steps(key, plan.detail)

    def links_after(self, plan, row):
        """``row`` with every named link kind as the plan leaves it."""
        return dict(row, **dict((kind, plan.detail[option].after()) for option, kind in LINKS if option in plan.detail))

    def predict(self, plan, changes):
        return self.links_after(plan, super().predict(plan, changes))

    def new_row(self, plan, desired):
        return self.links_after(plan, super().new_row(plan, desired))

    def created_steps(self, plan, row, key):
        steps = super().created_steps(plan, row, key)
        plan.row = row
        plan.predicted = self.links_after(plan, Resource.predict(self, plan, Resource.after_create(self, plan, row)))
        return steps
