# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Distribution groups and their members, declared once for both transports: ``exo_distribution_group``
declares :class:`Group` and ``exo_distribution_group_member`` :class:`Members` as they are;
``onprem_exchange_distribution_group`` declares :class:`OnPremGroup`, which places a new group in an
organizational unit with a pre-Windows 2000 name and has no hidden membership (Exchange Online only),
and ``onprem_exchange_distribution_group_member`` :class:`OnPremMembers`. The pure logic (member sets,
recipient lists, checks) is ``recipients/groups.py``.
"""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.recipients import groups
from ansible_collections.mailops.exchange.plugins.module_utils.engine.bulk import PARALLEL_SPEC, RESULTS_SPEC, check_parallel, merge_entries
from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import CREATE, CREATE_SET, SET, Prop, Resource, same_text
from ansible_collections.mailops.exchange.plugins.module_utils.engine.properties import CustomAttributes
from ansible_collections.mailops.exchange.plugins.module_utils.engine.relation import MODES, WRITES, Relation, check_entry as check_relation, plan_mode
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.groups import member_calls, member_write_error, members_from_rows, members_read
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import (
    BATCH_SIZE, RecipientResolver, asked_lookup, check_identities, needs_lookup, object_summary, recipient_key)
from ansible_collections.mailops.exchange.plugins.module_utils.runners import fanout
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import sorted_values
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import CLEAR

TEXT = dict(type='str')
FLAG = dict(type='bool')
NAMES = dict(type='list', elements='str')
# No recipient list is a secret ("bypass" only looks like one to the sanity test).
RECIPIENTS = dict(NAMES, no_log=False)


def _choice(values):
    return dict(type='str', choices=list(values))


class Group(Resource):
    noun = 'DistributionGroup'
    identity = 'group'
    identity_aliases = ('name', 'identity')
    key = 'group'
    what = 'group'
    create = True
    remove = True
    bulk = 'groups'
    entry_only = ('alias', 'display_name', 'primary_smtp_address')
    write_switches = {'BypassSecurityGroupManagerCheck': True}
    # Whether recipients may be looked for in the organisation-wide Get-Recipient pages (not over remoting).
    pages = True
    options = {'members': NAMES, 'members_mode': dict(_choice(MODES), default='present')}
    properties = (
        Prop('type', 'Type', wire=lambda v: groups.GROUP_TYPES[v][1], when=CREATE, spec=_choice(groups.GROUP_TYPES)),
        Prop('alias', 'Alias', same=same_text, spec=TEXT),
        Prop('display_name', 'DisplayName', spec=TEXT),
        Prop('primary_smtp_address', 'PrimarySmtpAddress', same=same_text, spec=TEXT),
    ) + tuple(Prop(option, parameter, same=groups.same_recipients, wire=groups.recipients_wire, default=[], spec=RECIPIENTS,
                   when=CREATE_SET if option in ('managed_by', 'moderated_by') else SET)
              for option, parameter in groups.RECIPIENT_LISTS) + (
        Prop('hidden_from_address_lists', 'HiddenFromAddressListsEnabled', when=SET, default=False, spec=FLAG),
        Prop('require_sender_authentication', 'RequireSenderAuthenticationEnabled', default=True, spec=FLAG),
        Prop('member_join_restriction', 'MemberJoinRestriction', wire=groups.RESTRICTIONS.get, spec=_choice(groups.RESTRICTIONS)),
        Prop('member_depart_restriction', 'MemberDepartRestriction', wire=groups.RESTRICTIONS.get, spec=_choice(groups.RESTRICTIONS)),
        Prop('moderation_enabled', 'ModerationEnabled', default=False, spec=FLAG),
        Prop('send_moderation_notifications', 'SendModerationNotifications', wire=groups.NOTIFICATIONS.get, default='Always',
             spec=_choice(groups.NOTIFICATIONS)),
        Prop('hidden_group_membership', 'HiddenGroupMembershipEnabled', default=False, spec=FLAG),
        Prop('notes', 'Notes', same=same_text, wire=lambda text: text or CLEAR, cmdlet='Group', spec=TEXT),
        CustomAttributes(),
    )

    def __init__(self, module):
        super().__init__(module)
        self.resolver = RecipientResolver(module.invoke, module.warn if module.check_mode else None)

    def facts(self, row):
        return groups.group_facts(row, groups.read_lists(self.resolver, row))

    def check_input(self, entry, where):
        groups.check_group_entry(entry, where)

    def read_answers(self, plans):
        return groups.add_notes(self.module.invoke_all, super().read_answers(plans), self.noted(plans))

    def reread_answers(self, plans, keys):
        answers = groups.add_notes(self.module.invoke_all, super().reread_answers(plans, keys), self.noted(plans))
        return groups.with_members(answers, [plan.detail for plan in plans])

    @staticmethod
    def noted(plans):
        return [index for index, plan in enumerate(plans) if plan.entry['notes'] is not None]

    def prepare(self, engine, plans):
        groups.prepare_groups(self.module, self.resolver, plans, self.pages)

    def desired(self, plan):
        """The lists resolved, and the members' change in ``plan.detail`` (a new group's go in its New-)."""
        desired = super().desired(plan)
        groups.resolve_lists(self.resolver, desired, plan.where, plan.row is None)
        groups.check_type(plan, self.facts(plan.row)['type'] if plan.row is not None else None, desired['type'])
        members = groups.wanted_members(self.resolver, plan)
        plan.detail = plan_mode(*(members + (plan.entry['members_mode'],))) if members is not None else None
        return dict(desired, members=plan.detail.added if plan.detail is not None and plan.row is None else None)

    def changes(self, plan, facts):
        changes = super().changes(plan, facts)
        return dict(changes, members=plan.detail) if plan.detail else changes

    def shown_changes(self, plan, facts, changes):
        shown = super().shown_changes(plan, facts, dict((k, v) for k, v in changes.items() if k != 'members'))
        return dict(shown, members=plan.detail.report()) if 'members' in changes else shown

    def new_row(self, plan, desired):
        members = plan.detail.after() if plan.detail is not None else None
        return dict(super().new_row(plan, desired), **groups.new_group(plan.identity, desired, members, self.module.params.get('organization')))

    def new_parameters(self, plan, desired):
        parameters = super().new_parameters(plan, desired)
        parameters.update(Name=plan.identity, Type=groups.GROUP_TYPES[desired['type'] or 'distribution'][1])
        if desired['members']:
            parameters['Members'] = groups.recipients_wire(desired['members'])
        return parameters

    def predict(self, plan, changes):
        after = super().predict(plan, changes)
        if 'primary_smtp_address' in changes:
            after['EmailAddresses'] = groups.with_primary(plan.row.get('EmailAddresses') or [], changes['primary_smtp_address'])
        if plan.detail is not None:
            after['Members'] = plan.detail.after()
        return after

    def validate(self, plan, changes):
        facts = self.facts(self.new_row(plan, plan.desired) if plan.row is None else self.predict(plan, changes))
        return groups.check_group(self.resolver, plan, facts, self.facts(plan.row) if plan.row else None, changes)

    def writes(self, plan, key, changes):
        return [groups.member_calls(key, changes['members'], True)] if 'members' in changes else []

    def write_error(self, call, err):
        return groups.member_write_error(call, err) if call[0].endswith('Member') else err


# Options a groups[] entry may set; the task's own values are the defaults.
ENTRY_DEFAULTS = ('members', 'state', 'exclusive')


def check_entry(entry, where):
    """Refuse an entry that describes no desired state, or names no members, before anything is read."""
    check_relation(entry, where, 'group', 'members')
    if entry['members'] is None:
        raise ValueError('%smembers: give the members, in the entry or for the whole task'
                         % where if where else 'missing required arguments: members')


class Members(Relation):
    """A group's direct members: read with Get-DistributionGroupMember, written one Add- or
    Remove-DistributionGroupMember per member."""

    noun = 'DistributionGroup'
    identity = 'group'
    key = 'members'
    what = 'group'
    properties = (Prop('members', 'Members', view=sorted_values, when=WRITES),)
    pages = True

    def __init__(self, module):
        super().__init__(module)
        self.members = {}
        self.resolver = RecipientResolver(module.invoke, module.warn if module.check_mode else None)

    def object_key(self, row, identity):
        return self.resolver.remember(row).key if row else identity

    def check_input(self, entry, where):
        check_identities('members', entry['members'])

    def read_answers(self, plans):
        """The groups ten to a request, each request's groups' members read as soon as it answers
        (:func:`fanout.chained`), and beside them, when there are more than ten, the lookup of the
        members named by a name, which only a lookup settles, whatever the groups hold (issue 23:
        at 10,000 mailboxes the member reads began after the last group was read and the lookup
        after the last member read)."""
        names = set(member.lower() for plan in plans for member in plan.entry['members']
                    if isinstance(member, str) and member.strip() and needs_lookup(member))
        # A few are looked up after the reads as before, only for the groups found.
        lookup = asked_lookup(self.module.runner, self.resolver, sorted(names) if len(names) > BATCH_SIZE else (),
                              self.module.parallel, pages=self.pages)
        answers, members = fanout.chained(self.module.invoke_all, [self.read_call(plan.identity) for plan in plans],
                                          _members_call, self.module.parallel)
        self.members = dict(zip(map(id, plans), members))
        lookup.join()
        return answers

    def prepare(self, engine, plans):
        """Every group's members as read beside the groups, then every member named that neither
        they nor the early lookup settled, looked up ten to a request."""
        found = [plan for plan in plans if plan.row is not None]
        for plan in found:
            answer = self.members[id(plan)]
            plan.row['Members'] = answer if isinstance(answer, ExchangeError) else members_from_rows(self.resolver, answer)
        wanted = [member for plan in plans if self.known(plan)
                  for member in plan.entry['members'] if isinstance(member, str) and member.strip()]
        self.resolver.prefetch(self.module.runner, wanted, self.module.parallel, pages=self.pages)

    def known(self, plan):
        """Whether the plan's members are planned: its group and members were read (or, in check
        mode, the group is one an earlier task creates); a group not found fails unplanned."""
        if plan.row is None:
            return self.module.check_mode
        return not isinstance(plan.row['Members'], ExchangeError)

    def wanted(self, plan):
        if plan.row is not None and isinstance(plan.row['Members'], ExchangeError):
            raise plan.row['Members']
        if not self.known(plan):
            return {'members': None}
        return {'members': dict((key, recipient.shown) for key, recipient
                                in self.resolver.resolve_all('members', plan.entry['members'], plan.row is None).items())}

    def new_object(self, plan):
        return {'PrimarySmtpAddress': plan.identity}

    def writes(self, plan, key, changes):
        calls = member_calls(key, plan.detail['members'], self.module.params['bypass_security_group_manager_check'])
        return [calls] if calls else []

    def write_error(self, call, err):
        """Adding a member that is there, or removing one that is not, counts as done."""
        return member_write_error(call, err)

    def present(self, facts, row):
        return {'group': object_summary(row), 'members': facts.get('members', [])}

    def diff_name(self, result):
        return result['group']['primary_smtp_address']

    def diff_after(self, result):
        return {'members': result['members']}


def _members_call(call, answer):
    """The read of a group's members once its own read found it (one row), else None."""
    return members_read(recipient_key(answer[0])) if not isinstance(answer, ExchangeError) and len(answer) == 1 else None


def _always(have, want):
    return True


def check_sam_account_name(value):
    """A group's pre-Windows 2000 name as Active Directory takes it: 1 to 256 characters, none of
    the characters it refuses in a sAMAccountName, not only dots or spaces."""
    if not value.strip(' .') or len(value) > 256 or any(c in value for c in _SAM_REFUSED):
        raise ValueError("sam_account_name: '%s' must be 1 to 256 characters without any of %s" % (value, _SAM_REFUSED))
    return value


_SAM_REFUSED = '"/\\[]:;|=,+*?<>@'


class OnPremGroup(Group):
    """The same declaration over PowerShell remoting. A new group is created in
    ``organizational_unit`` (looked up with ``Get-OrganizationalUnit`` before any write) with
    ``sam_account_name``; neither is compared with an existing group (nothing is moved or
    renamed). Exchange Server has no hidden membership, so that option is not declared."""
    pages = False
    entry_only = Group.entry_only + ('sam_account_name',)
    properties = tuple(prop for prop in Group.properties if prop.option != 'hidden_group_membership') + (
        Prop('organizational_unit', 'OrganizationalUnit', same=_always, spec=TEXT, refers='Get-OrganizationalUnit'),
        Prop('sam_account_name', 'SamAccountName', same=_always, when=CREATE, spec=TEXT, check=check_sam_account_name),
    )

    def facts(self, row):
        facts = super().facts(row)
        facts.pop('hidden_group_membership', None)
        facts.update(organizational_unit=str(row.get('OrganizationalUnit') or ''), sam_account_name=str(row.get('SamAccountName') or ''))
        return facts


class OnPremMembers(Members):
    """A group's direct members over PowerShell remoting: the same reads and writes."""
    pages = False


def converge_members(module_class, relation):
    """Build the member module (``module_class``: ExoModule or OnPremModule) and converge ``relation``
    (:class:`Members` or :class:`OnPremMembers`) for its group or groups."""
    entry_spec = dict(
        group=dict(type='str', required=True),
        members=dict(type='list', elements='str'),
        state=dict(type='str', choices=['present', 'absent']),
        exclusive=dict(type='bool'),
    )
    module = module_class(
        argument_spec=dict(
            group=dict(type='str'),
            groups=dict(type='list', elements='dict', options=entry_spec),
            members=dict(type='list', elements='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            exclusive=dict(type='bool', default=False),
            bypass_security_group_manager_check=dict(type='bool', default=True),
            parallel=dict(PARALLEL_SPEC),
            results=dict(RESULTS_SPEC),
        ),
        required_one_of=[('group', 'groups')],
        mutually_exclusive=[('group', 'groups')],
        plain_entries={'groups': 'group'},
    )
    params = module.params
    entries = None
    try:
        check_parallel(params['parallel'])
        if params['group'] is not None:
            check_entry(params, '')
        else:
            entries = merge_entries(params['groups'], dict((option, params[option]) for option in ENTRY_DEFAULTS))
            for index, entry in enumerate(entries):
                check_entry(entry, 'groups[%d].' % index)
    except ValueError as exc:
        module.fail(str(exc))
    module.run(lambda m: m.converge(relation, entries, 'groups'))
