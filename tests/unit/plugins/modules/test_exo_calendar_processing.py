# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exo_calendar_processing's recipient lists in their three modes, and the mailbox types it
refuses, on the real engine with answers from a fake runner (check mode: nothing is written)."""

from __future__ import annotations

import pytest
from engine_fakes import EngineExo, TaskFailed

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.calendar_processing import CalendarProcessing

ALICE_DN = '/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=a1-alice'


def person(alias, guid):
    return {'Guid': guid, 'Name': alias, 'Alias': alias, 'PrimarySmtpAddress': alias + '@contoso.com'}


ALICE, BOB, CAROL = person('alice', 'ga'), person('bob', 'gb'), person('carol', 'gc')
ROOM = dict(person('room', 'gr'), RecipientTypeDetails='RoomMailbox')


def exo_for(room_type='RoomMailbox'):
    exo = EngineExo({
        ('Get-Mailbox', 'room'): [dict(ROOM, RecipientTypeDetails=room_type)],
        ('Get-CalendarProcessing', 'room'): [{'Identity': 'room', 'AutomateProcessing': 'AutoAccept',
                                              'BookInPolicy': [ALICE_DN, 'Old Group'], 'ResourceDelegates': ['bob']}],
        ('Get-Recipient', ALICE_DN): [ALICE], ('Get-Recipient', 'alice'): [ALICE], ('Get-Recipient', 'bob'): [BOB],
        ('Get-Recipient', 'carol@contoso.com'): [CAROL],
    }, params={'parallel': 1})
    exo.check_mode = True
    return exo


def entry(**given):
    spec = argument_spec(CalendarProcessing)['argument_spec']
    values = dict((name, option.get('default')) for name, option in spec.items() if name not in ('mailboxes', 'parallel'))
    values.update(mailbox='room', **given)
    return values


@pytest.mark.parametrize('mode, after, change', [
    ('add', ['alice@contoso.com', 'carol@contoso.com', 'Old Group'], {'added': ['carol@contoso.com'], 'removed': []}),
    ('remove', ['Old Group'], {'added': [], 'removed': ['alice@contoso.com']}),
    ('exact', ['alice@contoso.com', 'carol@contoso.com'], {'added': ['carol@contoso.com'], 'removed': ['Old Group']}),
])
def test_book_in_policy_modes_compare_by_identity_and_keep_what_they_do_not_name(mode, after, change):
    given = ['ALICE', 'carol@contoso.com'] if mode != 'remove' else ['alice']
    exo = exo_for()
    exo.answers[('Get-Recipient', 'ALICE')] = [ALICE]
    result = exo.converge(CalendarProcessing, [entry(book_in_policy=given, book_in_policy_mode=mode)], 'mailboxes')
    outcome = result['results'][0]
    assert outcome['calendar_processing']['book_in_policy'] == after
    assert outcome['changes'] == {'book_in_policy': change}
    assert outcome['calendar_processing']['resource_delegates'] == ['bob@contoso.com']
    assert not [call for call in exo.single if call[0].startswith('Set-')]


def test_the_same_people_in_another_spelling_change_nothing():
    exo = exo_for()
    result = exo.converge(CalendarProcessing, [entry(resource_delegates=['bob'], resource_delegates_mode='exact')],
                          'mailboxes')
    assert result['results'][0]['changed'] is False


@pytest.mark.parametrize('kind', ['UserMailbox', 'SharedMailbox'])
def test_a_mailbox_that_is_no_resource_is_refused(kind):
    exo = exo_for(kind)
    exo.params = dict(entry(delete_subject=False), parallel=1)
    with pytest.raises(TaskFailed) as failed:
        exo.converge(CalendarProcessing)
    assert "mailbox: 'room' is a %s" % kind in failed.value.args[0]
