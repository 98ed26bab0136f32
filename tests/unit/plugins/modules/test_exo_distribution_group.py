# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exo_distribution_group's entry checks and its bulk path without a server: what is read for
many groups, and one group's failure that leaves the others converged."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.modules import exo_distribution_group as groups

from engine_fakes import EngineExo, TaskFailed as Stopped

ALICE = {'Guid': 'GA', 'Name': 'alice', 'PrimarySmtpAddress': 'alice@contoso.com',
         'RecipientTypeDetails': 'UserMailbox'}
CAROL = {'Guid': 'GC', 'Name': 'carol', 'PrimarySmtpAddress': 'carol@contoso.com',
         'RecipientTypeDetails': 'UserMailbox'}
FINANCE = {'Guid': 'GF', 'Identity': 'finance', 'Name': 'finance', 'Alias': 'finance', 'DisplayName': 'Finance',
           'PrimarySmtpAddress': 'finance@contoso.com', 'EmailAddresses': ['SMTP:finance@contoso.com'],
           'RecipientTypeDetails': 'MailUniversalDistributionGroup', 'ManagedBy': ['carol'],
           'MemberJoinRestriction': 'Closed', 'MemberDepartRestriction': 'Open'}


class FakeModule(object):
    _diff = True


class FakeExo(EngineExo):
    """The engine's module stand-in, in check mode and with ``--diff``."""

    check_mode = True
    module = FakeModule()

    def __init__(self, answers, parallel=1):
        super().__init__(answers, params={'parallel': parallel})


def entry(name, **options):
    """A groups[] entry as main() hands it on: every option present."""
    values = dict.fromkeys(prop.option for prop in groups.Group.properties)
    values.update(name=name, state='present')
    values.update(options)
    return values


def check_entry(values, where):
    groups.Group(FakeExo({})).check_input(values, where)


@pytest.mark.parametrize('options, message', [
    ({'display_name': ' '}, "groups[3].display_name: ' ' must not be empty"),
    ({'alias': 'two words'}, "groups[3].alias: 'two words' is not a valid alias"),
    ({'primary_smtp_address': 'team.contoso.com'},
     "groups[3].primary_smtp_address: 'team.contoso.com' is not an SMTP address such as group@contoso.com"),
    ({'managed_by': ['alice', '']}, "groups[3].managed_by: '' is not an identity"),
])
def test_an_entry_is_refused_naming_its_index_option_and_value(options, message):
    with pytest.raises(ValueError) as caught:
        check_entry(entry('team', **options), 'groups[3].')
    assert str(caught.value).startswith(message)


def test_a_single_group_is_refused_without_a_prefix():
    with pytest.raises(ValueError) as caught:
        check_entry(entry('team', primary_smtp_address='smtp:team@contoso.com'), '')
    assert str(caught.value).startswith("primary_smtp_address: 'smtp:team@contoso.com' is not")
    check_entry(entry('team', alias='team', managed_by=['alice']), '')


def test_groups_are_read_together_then_every_owner_in_one_lookup():
    exo = FakeExo({('Get-DistributionGroup', 'finance'): [FINANCE],
                   ('Get-Recipient', 'alice'): [ALICE], ('Get-Recipient', 'carol'): [CAROL]})
    entries = [entry('finance', primary_smtp_address='FINANCE@contoso.com', managed_by=['alice']),
               entry('bad', primary_smtp_address='bad.contoso.com'),
               entry('team', managed_by=['alice'])]
    with pytest.raises(Stopped) as caught:
        exo.converge(groups.Group, entries, 'groups')
    # The malformed entry is not read; finance's own name and address are known from its read.
    assert exo.batches == [[('Get-DistributionGroup', 'finance'), ('Get-DistributionGroup', 'team')],
                           [('Get-Recipient', 'carol'), ('Get-Recipient', 'alice'), ('Get-Recipient', 'team')]]
    assert exo.single == []
    bad = caught.value.args[1]['results'][1]
    assert bad['error_kind'] == 'invalid_argument'
    assert bad['msg'].startswith("groups[1].primary_smtp_address: 'bad.contoso.com' is not an SMTP address")
    assert bad['msg'].endswith('; nothing was changed')
    assert caught.value.args[1]['results'][2]['group']['name'] == 'team'


def test_one_failing_group_leaves_the_others_planned_and_the_task_names_it():
    exo = FakeExo({('Get-DistributionGroup', 'finance'): [FINANCE],
                   ('Get-Recipient', 'alice'): [ALICE], ('Get-Recipient', 'carol'): [CAROL]})
    entries = [entry('finance', display_name='Finance Team', managed_by=['alice']),
               entry('team', managed_by=['alice'], type='security', member_depart_restriction='open'),
               entry('crew', managed_by=['alice'], type='security')]
    with pytest.raises(Stopped) as caught:
        exo.converge(groups.Group, entries, 'groups')
    msg, result = caught.value.args
    assert msg == ("1 of 3 groups failed: team: groups[1].member_depart_restriction: 'open' is not allowed for a "
                   "security group; use closed or approval_required; nothing was changed")
    assert [r['failed'] for r in result['results']] == [False, True, False]
    assert result['results'][1]['error_kind'] == 'invalid_argument'
    finance, unused, crew = result['results']
    assert finance['changed'] and finance['group']['display_name'] == 'Finance Team'
    assert finance['group']['managed_by'] == ['alice@contoso.com']
    assert finance['changes']['display_name'] == {'before': 'Finance', 'after': 'Finance Team'}
    assert crew['group']['guid'] == '' and crew['group']['member_depart_restriction'] == 'closed'
    assert result['diff']['before']['finance']['managed_by'] == ['carol@contoso.com']
    assert result['diff']['before']['crew'] == {}
    assert sorted(result['diff']['after']) == ['crew', 'finance']
    # Check mode: reads only, the groups in one batch and the owners and new names in another.
    assert [call[0] for batch in exo.batches for call in batch] == ['Get-DistributionGroup'] * 3 + ['Get-Recipient'] * 4
    assert exo.single == []


def test_a_security_group_that_may_be_left_freely_is_refused_naming_the_entry():
    exo = FakeExo({('Get-Recipient', 'alice'): [ALICE]})
    with pytest.raises(Stopped) as caught:
        exo.converge(groups.Group, [entry('a', state='absent'), entry('crew', type='security', member_depart_restriction='open')], 'groups')
    assert caught.value.args[1]['results'][1]['msg'].startswith(
        "groups[1].member_depart_restriction: 'open' is not allowed")


def test_in_check_mode_an_owner_an_earlier_task_creates_is_predicted_with_a_warning():
    exo = FakeExo({('Get-Recipient', 'alice'): [ALICE]})
    result = exo.converge(groups.Group, [entry('team', managed_by=['alice', 'new-owner@contoso.com'])], 'groups')
    assert result['results'][0]['group']['managed_by'] == ['alice@contoso.com', 'new-owner@contoso.com']
    assert exo.warnings == ["groups[0].managed_by: 'new-owner@contoso.com' does not exist yet; check mode "
                            'assumes an earlier task creates it']
