# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exo_distribution_group's entry checks and its bulk path without a server: what is read for
many groups, and one group's failure that leaves the others converged."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.recipients import RecipientResolver
from ansible_collections.mailops.exchange.plugins.modules import exo_distribution_group as groups

from test_bulk_modules import NOT_FOUND, FakeExo as BulkFakeExo

ALICE = {'Guid': 'GA', 'Name': 'alice', 'PrimarySmtpAddress': 'alice@contoso.com',
         'RecipientTypeDetails': 'UserMailbox'}
CAROL = {'Guid': 'GC', 'Name': 'carol', 'PrimarySmtpAddress': 'carol@contoso.com',
         'RecipientTypeDetails': 'UserMailbox'}
FINANCE = {'Guid': 'GF', 'Identity': 'finance', 'Name': 'finance', 'Alias': 'finance', 'DisplayName': 'Finance',
           'PrimarySmtpAddress': 'finance@contoso.com', 'EmailAddresses': ['SMTP:finance@contoso.com'],
           'RecipientTypeDetails': 'MailUniversalDistributionGroup', 'ManagedBy': ['carol'],
           'MemberJoinRestriction': 'Closed', 'MemberDepartRestriction': 'Open'}


class Stopped(Exception):
    """What FakeExo.fail raises: the task failed with this message and result."""


class FakeModule(object):
    _diff = True


class FakeExo(BulkFakeExo):
    """The bulk modules' stand-in, in check mode, with ``--diff`` and a ``fail`` that raises."""

    check_mode = True
    module = FakeModule()

    def __init__(self, answers, parallel=1):
        super().__init__(answers, params={'parallel': parallel})

    def fail(self, msg, **result):
        raise Stopped(msg, result)


def entry(name, **options):
    """A groups[] entry as main() hands it on: every option present."""
    values = dict.fromkeys(groups.ENTRY_ONLY + groups.ENTRY_DEFAULTS)
    values.update(name=name, state='present')
    values.update(options)
    return values


@pytest.mark.parametrize('options, message', [
    ({'display_name': ' '}, "groups[3].display_name: ' ' must not be empty"),
    ({'alias': 'two words'}, "groups[3].alias: 'two words' is not a valid alias"),
    ({'primary_smtp_address': 'team.contoso.com'},
     "groups[3].primary_smtp_address: 'team.contoso.com' is not an SMTP address such as group@contoso.com"),
    ({'managed_by': ['alice', '']}, "groups[3].managed_by: '' is not an identity"),
])
def test_an_entry_is_refused_naming_its_index_option_and_value(options, message):
    with pytest.raises(ValueError) as caught:
        groups.check_entry(entry('team', **options), 'groups[3].')
    assert str(caught.value).startswith(message)


def test_a_single_group_is_refused_without_a_prefix():
    with pytest.raises(ValueError) as caught:
        groups.check_entry(entry('team', primary_smtp_address='smtp:team@contoso.com'), '')
    assert str(caught.value).startswith("primary_smtp_address: 'smtp:team@contoso.com' is not")
    groups.check_entry(entry('team', alias='team', managed_by=['alice']), '')


def test_what_an_entry_looks_up():
    new = entry('team', primary_smtp_address='team@contoso.com', managed_by=['alice'])
    assert groups.lookups(new, None) == ['alice', 'team', 'team@contoso.com']
    # An existing group's own address is known from its read; a new one is looked up.
    assert groups.lookups(entry('finance', primary_smtp_address='finance@contoso.com'), FINANCE) == [
        'carol', 'finance@contoso.com']
    # A group that goes away is read with its owners, for its before; nothing else is named.
    assert groups.lookups(entry('finance', state='absent', managed_by=['alice']), FINANCE) == ['carol']
    assert groups.lookups(entry('ghost', state='absent'), None) == []


def test_groups_are_read_together_then_every_owner_in_one_lookup():
    exo = FakeExo({('Get-DistributionGroup', 'finance'): [FINANCE],
                   ('Get-Recipient', 'alice'): [ALICE], ('Get-Recipient', 'carol'): [CAROL]})
    resolver = RecipientResolver(exo.invoke)
    entries = [entry('finance', primary_smtp_address='FINANCE@contoso.com', managed_by=['alice']),
               entry('bad', primary_smtp_address='bad.contoso.com'),
               entry('team', managed_by=['alice'])]
    answers = groups.read_all(exo, resolver, entries, ['groups[0].', 'groups[1].', 'groups[2].'])
    # The malformed entry is not read; finance's own name and address are known from its read.
    assert exo.batches == [[('Get-DistributionGroup', 'finance'), ('Get-DistributionGroup', 'team')],
                           [('Get-Recipient', 'carol'), ('Get-Recipient', 'alice'), ('Get-Recipient', 'team')]]
    assert exo.single == []
    assert answers[0] == [FINANCE]
    assert answers[1].kind == 'invalid_argument'
    assert str(answers[1]).startswith("groups[1].primary_smtp_address: 'bad.contoso.com' is not an SMTP address")
    assert answers[1].message.endswith('; nothing was changed')
    assert answers[2] is NOT_FOUND


def test_one_failing_group_leaves_the_others_planned_and_the_task_names_it():
    exo = FakeExo({('Get-DistributionGroup', 'finance'): [FINANCE],
                   ('Get-Recipient', 'alice'): [ALICE], ('Get-Recipient', 'carol'): [CAROL]})
    entries = [entry('finance', display_name='Finance Team', managed_by=['alice']),
               entry('team', managed_by=['alice', 'ghost@contoso.com']),
               entry('crew', managed_by=['alice'], type='security')]
    with pytest.raises(Stopped) as caught:
        groups.converge_many(exo, entries)
    msg, result = caught.value.args
    assert msg == ("1 of 3 groups failed: team: groups[1].managed_by: 'ghost@contoso.com' was not found; "
                   "nothing was changed")
    assert [r['failed'] for r in result['results']] == [False, True, False]
    assert result['results'][1]['kind'] == 'invalid_argument'
    finance, unused, crew = result['results']
    assert finance['changed'] and finance['group']['display_name'] == 'Finance Team'
    assert finance['group']['managed_by'] == ['alice@contoso.com']
    assert crew['group']['guid'] == '' and crew['group']['member_depart_restriction'] == 'closed'
    assert result['diff']['before']['finance']['managed_by'] == ['carol@contoso.com']
    assert result['diff']['before']['crew'] == {}
    assert sorted(result['diff']['after']) == ['crew', 'finance']
    # Check mode: reads only, the groups in one batch and the owners and new names in another.
    assert [call[0] for batch in exo.batches for call in batch] == ['Get-DistributionGroup'] * 3 + ['Get-Recipient'] * 5
    assert exo.single == []


def test_a_security_group_that_may_be_left_freely_is_refused_naming_the_entry():
    exo = FakeExo({('Get-Recipient', 'alice'): [ALICE]})
    resolver = RecipientResolver(exo.invoke)
    task = groups.GroupTask(exo, resolver, entry('crew', type='security', member_depart_restriction='open'),
                            'groups[4].')
    with pytest.raises(ExchangeError) as caught:
        task.converge(NOT_FOUND)
    assert str(caught.value).startswith("groups[4].member_depart_restriction: 'open' is not allowed")
