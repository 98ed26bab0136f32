# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""How a room or equipment mailbox takes meeting requests (``Get-/Set-CalendarProcessing``):
``exo_calendar_processing`` declares :class:`CalendarProcessing` as it is, and exo_tenant_export
reads and exports the same property table (engine/listings.py).
"""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Prop, Resource
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import RecipientResolver, check_identities
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.permissions import trustee_id, trustee_map
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import sorted_values
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError

AUTOMATE = {'none': 'None', 'auto_update': 'AutoUpdate', 'auto_accept': 'AutoAccept'}
RESOURCE_TYPES = ('RoomMailbox', 'EquipmentMailbox')
MODES = ('add', 'remove', 'exact')
# option -> parameter, each a boolean, with a new room's value (Set-CalendarProcessing reference).
FLAGS = (('all_book_in_policy', 'AllBookInPolicy', True), ('allow_conflicts', 'AllowConflicts', False),
         ('schedule_only_during_work_hours', 'ScheduleOnlyDuringWorkHours', False),
         ('allow_recurring_meetings', 'AllowRecurringMeetings', True), ('enforce_capacity', 'EnforceCapacity', False),
         ('add_organizer_to_subject', 'AddOrganizerToSubject', True), ('delete_subject', 'DeleteSubject', True),
         ('delete_comments', 'DeleteComments', True), ('remove_private_property', 'RemovePrivateProperty', True),
         ('add_additional_response', 'AddAdditionalResponse', False))
# option -> parameter, a new room's value, and the range the service accepts.
NUMBERS = (('booking_window_in_days', 'BookingWindowInDays', 180, 1080),
           ('maximum_duration_in_minutes', 'MaximumDurationInMinutes', 1440, 2147483647),
           ('maximum_conflict_instances', 'MaximumConflictInstances', 0, 2147483647),
           ('conflict_percentage_allowed', 'ConflictPercentageAllowed', 0, 100))
PEOPLE = (('book_in_policy', 'BookInPolicy'), ('resource_delegates', 'ResourceDelegates'))


def _folded(values):
    return sorted(str(value).lower() for value in values or ())


def _same_people(have, want):
    return _folded(have) == _folded(want.values())


def _people_change(before, want):
    have, after = _folded(before), _folded(want.values())
    return {'added': sorted(v for v in want.values() if str(v).lower() not in have),
            'removed': sorted(v for v in before or () if str(v).lower() not in after)}


class CalendarProcessing(Resource):
    noun = 'CalendarProcessing'
    identity = 'mailbox'
    identity_aliases = ('identity',)
    key = 'calendar_processing'
    what = 'mailbox'
    presence = None
    bulk = 'mailboxes'
    write_switches = {'Confirm': False}
    options = dict((option + '_mode', dict(type='str', choices=list(MODES), default='add')) for option, unused in PEOPLE)
    properties = (
        (Prop('automate_processing', 'AutomateProcessing', view=lambda v: {w: o for o, w in AUTOMATE.items()}.get(v, v),
              wire=AUTOMATE.get, default='AutoAccept', spec=dict(type='str', choices=list(AUTOMATE))),)
        + tuple(Prop(option, parameter, default=default, spec=dict(type='bool')) for option, parameter, default in FLAGS)
        + tuple(Prop(option, parameter, default=default, spec=dict(type='int')) for option, parameter, default, unused in NUMBERS)
        + tuple(Prop(option, parameter, wire=lambda people: [trustee_id(k, v) for k, v in people.items()], same=_same_people,
                     change=_people_change, default=[], spec=dict(type='list', elements='str')) for option, parameter in PEOPLE)
        + (Prop('additional_response', 'AdditionalResponse', view=lambda v: v or '', spec=dict(type='str')),))
    settings = tuple(prop.option for prop in properties)

    def __init__(self, module):
        super().__init__(module)
        self.resolver = RecipientResolver(module.invoke, module.warn if module.check_mode else None)

    def check_input(self, entry, where):
        if all(entry.get(option) is None for option in self.settings):
            raise ValueError("%smailbox: '%s' is given no setting; one of the following is required: %s"
                             % (where, entry['mailbox'], ', '.join(self.settings)))
        for option, unused, unused_default, high in NUMBERS:
            if entry.get(option) is not None and not 0 <= entry[option] <= high:
                raise ValueError('%s%s: %s is out of range; give 0 to %d' % (where, option, entry[option], high))
        for option, unused in PEOPLE:
            check_identities(where + option, entry.get(option))

    def read_answers(self, plans):
        """The mailbox (its type and GUID) and its calendar processing, both read in one request."""
        answers = self.module.invoke_all([call for plan in plans for call in (
            ('Get-Mailbox', {'Identity': plan.identity}), self.read_call(plan.identity))])
        merged = []
        for mailbox, calendar in zip(answers[::2], answers[1::2]):
            if isinstance(mailbox, ExchangeError) or len(mailbox) != 1:
                merged.append(mailbox)
            elif isinstance(calendar, ExchangeError):
                merged.append(calendar)
            else:
                kept = ('Guid', 'Name', 'Alias', 'PrimarySmtpAddress', 'UserPrincipalName', 'RecipientTypeDetails')
                merged.append([dict(calendar[0], **dict((name, mailbox[0].get(name)) for name in kept))])
        return merged

    def prepare(self, engine, plans):
        """Look up together every recipient the task names and every one the mailboxes list."""
        wanted = [name for plan in plans for option, unused in PEOPLE for name in plan.entry.get(option) or ()]
        labels = [label for plan in plans if plan.row for unused, parameter in PEOPLE for label in plan.row.get(parameter) or ()]
        for plan in plans:
            if plan.row is not None:
                self.resolver.remember(plan.row)
        if wanted or labels:
            self.resolver.prefetch(self.module.runner, wanted, self.module.parallel, labels=labels)

    def desired(self, plan):
        """Each recipient list as it is to be after its mode: current entries kept, added or dropped."""
        desired = super().desired(plan)
        for option, parameter in PEOPLE:
            if desired[option] is None:
                continue
            given = dict((key, recipient.shown) for key, recipient in
                         self.resolver.resolve_all(plan.where + option, desired[option], plan.row is None).items())
            current = trustee_map(self.resolver, (plan.row or {}).get(parameter) or ())
            mode = plan.entry.get(option + '_mode') or 'add'
            desired[option] = (given if mode == 'exact' else dict(current, **given) if mode == 'add'
                               else dict((k, v) for k, v in current.items() if k not in given))
        return desired

    def facts(self, row):
        facts = super().facts(row)
        for option, parameter in PEOPLE:
            facts[option] = sorted_values(trustee_map(self.resolver, row.get(parameter) or ()))
        return facts

    def validate(self, plan, changes):
        kind = (plan.row or {}).get('RecipientTypeDetails')
        if plan.row is not None and kind not in RESOURCE_TYPES:
            return ("mailbox: '%s' is a %s; calendar processing is set only on room and equipment mailboxes "
                    '(RoomMailbox, EquipmentMailbox), as Exchange applies it only to them' % (plan.identity, kind))
        return None
