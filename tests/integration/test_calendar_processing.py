# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How rooms take bookings (exo_calendar_processing) end to end, against the sandbox tenant."""

from __future__ import annotations


def row(sandbox, cmdlet, mailbox):
    answer = sandbox.invoke(cmdlet, {'Identity': mailbox})
    assert answer.status_code == 200, answer.text
    return answer.json()['value'][0]


def test_calendar_processing_lifecycle_bulk_and_bad_input(playbook, sandbox):
    playbook.run('calendar_processing.yml')
    # What the service holds afterwards, read past the module.
    board = row(sandbox, 'Get-CalendarProcessing', 'room-cal-01')
    alice = row(sandbox, 'Get-Mailbox', 'alice')
    assert board['BookInPolicy'] == [alice['LegacyExchangeDN']]
    assert sorted(board['ResourceDelegates']) == ['bob', 'paula']
    assert (board['AllBookInPolicy'], board['BookingWindowInDays'], board['MaximumDurationInMinutes']) == (False, 120, 240)
    assert (board['DeleteSubject'], board['AddOrganizerToSubject'], board['ScheduleOnlyDuringWorkHours']) == (False, False, True)
    for room, window in (('room-cal-02', 365), ('room-cal-13', 30)):
        settings = row(sandbox, 'Get-CalendarProcessing', room)
        assert sorted(settings['ResourceDelegates']) == ['carol', 'dave']
        assert settings['BookingWindowInDays'] == window
    assert row(sandbox, 'Get-CalendarProcessing', 'room-cal-03')['DeleteComments'] is True, 'no bad input wrote anything'
    assert row(sandbox, 'Get-CalendarProcessing', 'bob')['AutomateProcessing'] == 'AutoUpdate'
