# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.errors import CmdletError
from ansible_collections.mailops.exchange.plugins.module_utils.mailbox_settings import (
    MailboxSettings,
    plan_changes,
)


class Failed(Exception):
    pass


class FakeExo(object):
    """Answers Get-/Set- from a dict and records what was sent; fail() raises Failed."""

    def __init__(self, row, set_error=None, get_error=None, check_mode=False):
        self.row = dict(row)
        self.set_error = set_error
        self.get_error = get_error
        self.check_mode = check_mode
        self.calls = []

    def invoke(self, cmdlet, params, **kwargs):
        self.calls.append((cmdlet, dict(params)))
        if cmdlet.startswith('Get-'):
            if self.get_error:
                raise self.get_error
            return [dict(self.row)]
        if self.set_error:
            raise self.set_error
        self.row.update((k, v) for k, v in params.items() if k not in ('Identity', 'Confirm'))
        return []

    def fail(self, msg, **result):
        raise Failed(msg)

    def fail_error(self, err, prefix=None, **result):
        raise Failed('%s: %s' % (prefix, err) if prefix else str(err))


def case_insensitive(name, have, want):
    return str(have).lower() == str(want).lower()


def settings(exo):
    return MailboxSettings(exo, 'MailboxRegionalConfiguration', 'jonas',
                           {'Language': 'language', 'DateFormat': 'date_format'})


def test_plan_sends_only_differing_managed_properties():
    current = {'Language': 'de-DE', 'TimeZone': 'UTC', 'DateFormat': 'dd.MM.yyyy'}
    desired = {'Language': 'DE-de', 'TimeZone': 'W. Europe Standard Time', 'DateFormat': None}
    assert plan_changes(current, desired, case_insensitive) == {'TimeZone': 'W. Europe Standard Time'}


def test_converge_writes_once_and_reads_back():
    exo = FakeExo({'Language': 'en-US', 'DateFormat': 'M/d/yyyy'})
    before, after, changes = settings(exo).converge({'Language': 'de-DE', 'DateFormat': 'M/d/yyyy'},
                                                    case_insensitive)
    assert changes == {'Language': 'de-DE'}
    assert before['Language'] == 'en-US' and after['Language'] == 'de-DE'
    assert [c[0] for c in exo.calls] == ['Get-MailboxRegionalConfiguration',
                                         'Set-MailboxRegionalConfiguration',
                                         'Get-MailboxRegionalConfiguration']
    assert exo.calls[1][1] == {'Identity': 'jonas', 'Language': 'de-DE', 'Confirm': False}


def test_converge_without_changes_reads_once():
    exo = FakeExo({'Language': 'en-US'})
    assert settings(exo).converge({'Language': 'EN-us'}, case_insensitive)[2] == {}
    assert len(exo.calls) == 1


def test_check_mode_predicts_without_writing():
    exo = FakeExo({'Language': 'en-US', 'TimeZone': 'UTC'}, check_mode=True)
    unused, after, changes = settings(exo).converge({'Language': 'de-DE'}, case_insensitive)
    assert after == {'Language': 'de-DE', 'TimeZone': 'UTC'} and changes == {'Language': 'de-DE'}
    assert [c[0] for c in exo.calls] == ['Get-MailboxRegionalConfiguration']


def test_a_validation_problem_fails_before_any_write():
    exo = FakeExo({'Language': 'en-US'})
    with pytest.raises(Failed) as caught:
        settings(exo).converge({'Language': 'de-DE'}, case_insensitive,
                               validate=lambda current, changes: 'date_format: no')
    assert str(caught.value) == 'date_format: no; nothing was changed'
    assert [c[0] for c in exo.calls] == ['Get-MailboxRegionalConfiguration']


@pytest.mark.parametrize('kind, text', [
    ('not_found', "mailbox: 'jonas' was not found; nothing was changed"),
    ('ambiguous', "mailbox: 'jonas' matches more than one recipient"),
])
def test_unknown_or_ambiguous_mailbox(kind, text):
    exo = FakeExo({}, get_error=CmdletError('gone', kind=kind))
    with pytest.raises(Failed) as caught:
        settings(exo).read()
    assert str(caught.value).startswith(text)


def test_a_refusal_is_reported_under_the_option_the_message_names_first():
    refusal = CmdletError('The DateFormat "x" isn\'t valid for current language setting "it-IT".',
                          kind='invalid_argument', exception_type='TaskArgumentException')
    exo = FakeExo({'Language': 'en-US', 'DateFormat': 'M/d/yyyy'}, set_error=refusal)
    with pytest.raises(Failed) as caught:
        settings(exo).write({'Language': 'it-IT', 'DateFormat': 'x'})
    assert str(caught.value).startswith("date_format: 'x' was refused; nothing was changed: ")
    assert 'isn\'t valid for current language setting' in str(caught.value)


def test_other_errors_propagate():
    throttled = CmdletError('slow down', kind='throttled')
    with pytest.raises(CmdletError):
        settings(FakeExo({}, set_error=throttled)).write({'Language': 'de-DE'})
    unnamed = CmdletError('something else', kind='other')
    with pytest.raises(CmdletError):
        settings(FakeExo({}, set_error=unnamed)).write({'Language': 'de-DE'})


def test_switches_go_along_with_a_change_only():
    def along(changes):
        return {'LocalizeDefaultFolderName': True} if 'Language' in changes else None

    exo = FakeExo({'Language': 'en-US'})
    settings(exo).converge({'Language': 'de-DE'}, case_insensitive, along=along)
    assert exo.calls[1][1]['LocalizeDefaultFolderName'] is True
    exo = FakeExo({'Language': 'de-DE', 'TimeZone': 'UTC'})
    settings(exo).converge({'Language': 'de-DE', 'TimeZone': 'GMT Standard Time'}, case_insensitive,
                           along=along)
    assert 'LocalizeDefaultFolderName' not in exo.calls[1][1]
