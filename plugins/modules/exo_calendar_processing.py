#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_calendar_processing
short_description: How an Exchange Online room or equipment mailbox takes meeting requests
version_added: 0.2.0
description:
  - Sets how a room or equipment mailbox accepts bookings - automatic processing, who may book
    it, its delegates, the booking window, the longest meeting, conflicts, working hours and what
    happens to the subject and the organizer - through C(Get/Set-CalendarProcessing).
  - Only the options given are managed; all changes to one mailbox go to Exchange in one call,
    so a value it refuses changes nothing.
  - Every recipient in O(book_in_policy) and O(resource_delegates) is resolved before the first
    write and compared by identity, so a name, an alias, an address and a GUID of one person are
    the same entry. An unknown or ambiguous recipient fails the task naming the option and the value.
  - A user or shared mailbox is refused before anything is written - Exchange applies these
    settings only to resource mailboxes.
  - In check mode a mailbox that does not exist yet (an earlier task of the run creates it) is
    reported with every value given as the change, and a warning.
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
      - The room or equipment mailbox, in any identity form Exchange accepts (name, alias, UPN,
        SMTP address, GUID).
      - Required unless O(mailboxes) is given.
    type: str
    aliases: [identity]
  mailboxes:
    description:
      - Many rooms in one task (bulk mode), read and written ten to a request. Each entry names a
        mailbox by C(mailbox) and may set any of the options below; options it leaves out take
        the task's value.
      - One mailbox's failure does not stop or undo the others; the task fails at the end and
        lists every failed mailbox with its reason (RV(results) holds each mailbox's outcome).
    type: list
    elements: dict
    suboptions:
      mailbox:
        description: As O(mailbox).
        type: str
        required: true
        aliases: [identity]
      automate_processing:
        description: As O(automate_processing), for this mailbox.
        type: str
        choices: [none, auto_update, auto_accept]
      all_book_in_policy:
        description: As O(all_book_in_policy), for this mailbox.
        type: bool
      book_in_policy:
        description: As O(book_in_policy), for this mailbox.
        type: list
        elements: str
      book_in_policy_mode:
        description: As O(book_in_policy_mode), for this mailbox.
        type: str
        choices: [add, remove, exact]
      resource_delegates:
        description: As O(resource_delegates), for this mailbox.
        type: list
        elements: str
      resource_delegates_mode:
        description: As O(resource_delegates_mode), for this mailbox.
        type: str
        choices: [add, remove, exact]
      booking_window_in_days:
        description: As O(booking_window_in_days), for this mailbox.
        type: int
      maximum_duration_in_minutes:
        description: As O(maximum_duration_in_minutes), for this mailbox.
        type: int
      allow_conflicts:
        description: As O(allow_conflicts), for this mailbox.
        type: bool
      maximum_conflict_instances:
        description: As O(maximum_conflict_instances), for this mailbox.
        type: int
      conflict_percentage_allowed:
        description: As O(conflict_percentage_allowed), for this mailbox.
        type: int
      schedule_only_during_work_hours:
        description: As O(schedule_only_during_work_hours), for this mailbox.
        type: bool
      allow_recurring_meetings:
        description: As O(allow_recurring_meetings), for this mailbox.
        type: bool
      enforce_capacity:
        description: As O(enforce_capacity), for this mailbox.
        type: bool
      add_organizer_to_subject:
        description: As O(add_organizer_to_subject), for this mailbox.
        type: bool
      delete_subject:
        description: As O(delete_subject), for this mailbox.
        type: bool
      delete_comments:
        description: As O(delete_comments), for this mailbox.
        type: bool
      remove_private_property:
        description: As O(remove_private_property), for this mailbox.
        type: bool
      add_additional_response:
        description: As O(add_additional_response), for this mailbox.
        type: bool
      additional_response:
        description: As O(additional_response), for this mailbox.
        type: str
  automate_processing:
    description:
      - V(auto_accept) - the mailbox accepts or declines requests itself by its policies
        (C(AutoAccept)); V(auto_update) - requests stay tentative until a delegate decides
        (C(AutoUpdate)); V(none) - no processing at all (C(None)).
    type: str
    choices: [none, auto_update, auto_accept]
  all_book_in_policy:
    description:
      - Whether in-policy requests from everyone are accepted automatically (C(AllBookInPolicy)).
        Set it to V(false) to let only O(book_in_policy) book the room directly.
    type: bool
  book_in_policy:
    description:
      - Users and groups whose in-policy requests are accepted automatically (C(BookInPolicy)),
        in any identity form; managed as O(book_in_policy_mode) says.
    type: list
    elements: str
  book_in_policy_mode:
    description:
      - V(add) - the listed recipients are added where missing; V(remove) - they are removed where
        present; V(exact) - the list becomes exactly O(book_in_policy) (an empty list clears it).
      - The convention of the collection's recipient lists, see the multi-valued options guide.
    type: str
    choices: [add, remove, exact]
    default: add
  resource_delegates:
    description:
      - The delegates who decide on requests that need approval (C(ResourceDelegates)), in any
        identity form; managed as O(resource_delegates_mode) says.
    type: list
    elements: str
  resource_delegates_mode:
    description:
      - As O(book_in_policy_mode), for O(resource_delegates).
    type: str
    choices: [add, remove, exact]
    default: add
  booking_window_in_days:
    description:
      - How many days ahead the resource can be booked, 0 (today only) to 1080 (C(BookingWindowInDays)).
    type: int
  maximum_duration_in_minutes:
    description:
      - The longest meeting accepted, in minutes; 0 is unlimited (C(MaximumDurationInMinutes)).
    type: int
  allow_conflicts:
    description:
      - Whether conflicting requests are accepted (C(AllowConflicts)).
    type: bool
  maximum_conflict_instances:
    description:
      - How many occurrences of a new recurring meeting may conflict before the series is declined
        (C(MaximumConflictInstances)).
    type: int
  conflict_percentage_allowed:
    description:
      - The share of occurrences of a new recurring meeting, 0 to 100, that may conflict before the
        series is declined (C(ConflictPercentageAllowed)).
    type: int
  schedule_only_during_work_hours:
    description:
      - Whether meetings outside the mailbox's working hours are declined (C(ScheduleOnlyDuringWorkHours)).
    type: bool
  allow_recurring_meetings:
    description:
      - Whether recurring meetings are accepted (C(AllowRecurringMeetings)).
    type: bool
  enforce_capacity:
    description:
      - Whether a meeting with more attendees than the room's capacity is declined (C(EnforceCapacity)).
    type: bool
  add_organizer_to_subject:
    description:
      - Whether the organizer's name replaces the subject in the room's calendar (C(AddOrganizerToSubject)).
    type: bool
  delete_subject:
    description:
      - Whether the subject of incoming requests is removed (C(DeleteSubject)).
    type: bool
  delete_comments:
    description:
      - Whether the body of incoming requests is removed (C(DeleteComments)).
    type: bool
  remove_private_property:
    description:
      - Whether the private flag of incoming requests is cleared (C(RemovePrivateProperty)).
    type: bool
  add_additional_response:
    description:
      - Whether O(additional_response) is added to the mailbox's answers (C(AddAdditionalResponse)).
    type: bool
  additional_response:
    description:
      - Text added to the mailbox's answers when O(add_additional_response) is on (C(AdditionalResponse)).
    type: str
notes:
  - At least one setting must be given (for each entry of O(mailboxes), by the entry or by the task).
  - Exchange shows O(book_in_policy) entries by their legacy Exchange DN and delegates by name; the
    result shows both as primary SMTP addresses.
seealso:
  - module: mailops.exchange.exo_mailbox
  - module: mailops.exchange.exo_mailbox_folder_permission
"""

EXAMPLES = r"""
- name: Only the board and its assistant book the boardroom directly; facilities decide the rest
  mailops.exchange.exo_calendar_processing:
    mailbox: boardroom@contoso.com
    automate_processing: auto_accept
    all_book_in_policy: false
    book_in_policy: [board@contoso.com, assistant@contoso.com]
    book_in_policy_mode: exact
    resource_delegates: [facilities@contoso.com]
    booking_window_in_days: 90
    maximum_duration_in_minutes: 240
    add_organizer_to_subject: false
    delete_subject: false

- name: Every meeting room of the floor keeps the subject and refuses bookings after hours
  mailops.exchange.exo_calendar_processing:
    mailboxes:
      - mailbox: room-4-01@contoso.com
      - mailbox: room-4-02@contoso.com
        booking_window_in_days: 30
    schedule_only_during_work_hours: true
    delete_subject: false
    add_organizer_to_subject: false
"""

RETURN = r"""
calendar_processing:
  description:
    - The mailbox's calendar processing after the task, every option of this module as Exchange
      reports it (recipients as primary SMTP addresses, sorted); in check mode, what it would be.
  returned: without O(mailboxes)
  type: dict
  sample:
    automate_processing: auto_accept
    all_book_in_policy: false
    book_in_policy: [assistant@contoso.com, board@contoso.com]
    resource_delegates: [facilities@contoso.com]
    booking_window_in_days: 90
    maximum_duration_in_minutes: 240
    allow_conflicts: false
    maximum_conflict_instances: 0
    conflict_percentage_allowed: 0
    schedule_only_during_work_hours: false
    allow_recurring_meetings: true
    enforce_capacity: false
    add_organizer_to_subject: false
    delete_subject: false
    delete_comments: true
    remove_private_property: true
    add_additional_response: false
    additional_response: ''
changes:
  description:
    - What changed (or in check mode would change) - C(before) and C(after) for each setting,
      C(added) and C(removed) for O(book_in_policy) and O(resource_delegates).
  returned: without O(mailboxes)
  type: dict
  sample: {booking_window_in_days: {before: 180, after: 90}, resource_delegates: {added: [facilities@contoso.com], removed: []}}
results:
  description:
    - With O(mailboxes), one entry per mailbox in the order given - RV(calendar_processing),
      C(changes) and C(changed) as for a single mailbox, or C(failed=true) with C(msg) and the
      error's C(error_kind). C(key) is the entry's C(mailbox); with C(--diff), the task's C(diff) is keyed by it too.
  returned: with O(mailboxes)
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

from ansible_collections.mailops.exchange.plugins.module_utils.engine.calendar_processing import CalendarProcessing
from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule


def main():
    exo = ExoModule(**argument_spec(CalendarProcessing))
    exo.run(lambda module: module.converge_declared(CalendarProcessing))


if __name__ == '__main__':
    main()
