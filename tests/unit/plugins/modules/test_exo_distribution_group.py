# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exo_distribution_group's entry checks and its bulk path without a server: what is read for
many groups, and one group's failure that leaves the others converged."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine import groups

from engine_fakes import EngineExo, TaskFailed as Stopped

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import CmdletError

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
    values.update(group=name, state='present', members=None, members_mode='present')
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


BOB = {'Guid': 'GB', 'Name': 'bob', 'PrimarySmtpAddress': 'bob@contoso.com', 'RecipientTypeDetails': 'UserMailbox'}


def applied(answers):
    """A FakeExo that writes (not check mode); each write answers as done."""
    exo = FakeExo(answers)
    exo.check_mode = False
    return exo


def sent(exo):
    return [call for batch in exo.batches for call in batch if not call[0].startswith('Get-')] + \
        [call for call in exo.single if not call[0].startswith('Get-')]


def test_check_mode_predicts_a_new_group_with_its_members_and_moderators_and_writes_nothing():
    exo = FakeExo({('Get-Recipient', 'alice'): [ALICE], ('Get-Recipient', 'carol'): [CAROL]})
    result = exo.converge(groups.Group, [entry('board', members=['carol', 'alice@contoso.com'], moderated_by=['alice'],
                                               moderation_enabled=True, notes='Board')], 'groups')
    group = result['results'][0]['group']
    assert group['members'] == ['alice@contoso.com', 'carol@contoso.com']
    assert (group['moderated_by'], group['moderation_enabled'], group['notes']) == (['alice@contoso.com'], True, 'Board')
    assert group['send_moderation_notifications'] == 'always'
    assert result['results'][0]['changes']['members'] == {'added': ['alice@contoso.com', 'carol@contoso.com'], 'removed': []}
    assert sent(exo) == []


def test_members_exact_adds_and_removes_one_call_each_and_the_result_is_the_known_effect():
    exo = applied({('Get-DistributionGroup', 'finance'): [FINANCE], ('Get-DistributionGroup', 'GF'): [FINANCE],
                   ('Get-DistributionGroupMember', 'GF'): [CAROL], ('Get-Recipient', 'alice'): [ALICE],
                   ('Get-Recipient', 'carol'): [CAROL],
                   ('Add-DistributionGroupMember', 'GF'): [], ('Remove-DistributionGroupMember', 'GF'): []})
    result = exo.converge(groups.Group, [entry('finance', members=['alice', 'CAROL@contoso.com'])], 'groups')
    outcome = result['results'][0]
    assert outcome['changes'] == {'members': {'added': ['alice@contoso.com'], 'removed': []}}
    assert outcome['group']['members'] == ['alice@contoso.com', 'carol@contoso.com']
    assert sent(exo) == [('Add-DistributionGroupMember', 'GF')]
    exo = applied(dict(exo.answers))
    result = exo.converge(groups.Group, [entry('finance', members=['alice'], members_mode='exact')], 'groups')
    assert result['results'][0]['changes']['members'] == {'added': ['alice@contoso.com'], 'removed': ['carol@contoso.com']}
    assert sorted(sent(exo)) == [('Add-DistributionGroupMember', 'GF'), ('Remove-DistributionGroupMember', 'GF')]
    exo = applied(dict(exo.answers))
    result = exo.converge(groups.Group, [entry('finance', members=['carol'], members_mode='absent')], 'groups')
    assert result['results'][0]['group']['members'] == []
    assert sent(exo) == [('Remove-DistributionGroupMember', 'GF')]


def test_members_already_as_asked_cost_one_member_read_and_no_write():
    exo = applied({('Get-DistributionGroup', 'finance'): [FINANCE], ('Get-DistributionGroupMember', 'GF'): [CAROL]})
    result = exo.converge(groups.Group, [entry('finance', members=['carol@contoso.com'], members_mode='exact')], 'groups')
    assert result['results'][0]['changed'] is False and result['results'][0]['group']['members'] == ['carol@contoso.com']
    assert sent(exo) == [] and [call[0] for call in exo.single] == ['Get-DistributionGroup', 'Get-DistributionGroupMember']


def test_notes_are_read_with_get_group_by_guid_only_when_given_and_written_with_set_group():
    noted = dict(FINANCE, Notes='Old')
    exo = applied({('Get-DistributionGroup', 'finance'): [FINANCE], ('Get-DistributionGroup', 'GF'): [FINANCE],
                   ('Get-Group', 'GF'): [{'Guid': 'GF', 'Notes': 'Quarterly close'}], ('Set-Group', 'GF'): []})
    result = exo.converge(groups.Group, [entry('finance', notes='Quarterly close')], 'groups')
    assert result['results'][0]['changed'] is False and result['results'][0]['group']['notes'] == 'Quarterly close'
    assert [call[0] for call in exo.single] == ['Get-DistributionGroup', 'Get-Group']
    exo.answers[('Get-Group', 'GF')] = [noted]
    exo.single = []
    result = exo.converge(groups.Group, [entry('finance', notes='Quarterly close')], 'groups')
    assert result['results'][0]['changes'] == {'notes': {'before': 'Old', 'after': 'Quarterly close'}}
    assert sent(exo) == [('Set-Group', 'GF')]
    exo.single = []
    exo.converge(groups.Group, [entry('finance', display_name='Finance')], 'groups')
    assert [call[0] for call in exo.single] == ['Get-DistributionGroup']


@pytest.mark.parametrize('row, options, message', [
    (dict(FINANCE, RecipientTypeDetails='MailUniversalSecurityGroup', MemberDepartRestriction='Closed'), {'moderation_enabled': True},
     'groups[0].moderation_enabled: a moderated security group needs moderated_by'),
    (dict(FINANCE, HiddenGroupMembershipEnabled=True), {'hidden_group_membership': False},
     "groups[0].hidden_group_membership: the membership of 'finance' is hidden, and Exchange cannot reveal it again"),
    (FINANCE, {'moderated_by': ['Chris Green']}, "groups[0].moderated_by: 'Chris Green' matches more than one recipient"),
    (FINANCE, {'grant_send_on_behalf_to': ['ghost']}, "groups[0].grant_send_on_behalf_to: 'ghost' was not found"),
    (FINANCE, {'members': ['ghost']}, "groups[0].members: 'ghost' was not found"),
])
def test_a_group_that_cannot_be_is_refused_naming_the_option_and_nothing_is_written(row, options, message):
    exo = applied({('Get-DistributionGroup', 'finance'): [row], ('Get-DistributionGroupMember', 'GF'): [],
                   ('Get-Recipient', 'Chris Green'): CmdletError('matches multiple entries', kind='ambiguous')})
    with pytest.raises(Stopped) as caught:
        exo.converge(groups.Group, [entry('finance', **options)], 'groups')
    assert caught.value.args[1]['results'][0]['msg'].startswith(message)
    assert sent(exo) == []


def test_delivery_restrictions_compare_by_recipient_and_an_empty_list_clears():
    row = dict(FINANCE, AcceptMessagesOnlyFromSendersOrMembers=['bob', 'carol'], RejectMessagesFromSendersOrMembers=['alice'])
    exo = applied({('Get-DistributionGroup', 'finance'): [row], ('Get-DistributionGroup', 'GF'): [row],
                   ('Get-Recipient', 'bob'): [BOB], ('Get-Recipient', 'carol'): [CAROL], ('Get-Recipient', 'alice'): [ALICE],
                   ('Set-DistributionGroup', 'GF'): []})
    same = exo.converge(groups.Group, [entry('finance', accept_messages_only_from_senders_or_members=['Carol@contoso.com', 'bob'],
                                             reject_messages_from_senders_or_members=['alice@contoso.com'])], 'groups')
    assert same['results'][0]['changed'] is False and sent(exo) == []
    cleared = exo.converge(groups.Group, [entry('finance', reject_messages_from_senders_or_members=[])], 'groups')
    assert cleared['results'][0]['changes'] == {
        'reject_messages_from_senders_or_members': {'before': ['alice@contoso.com'], 'after': []}}
    assert sent(exo) == [('Set-DistributionGroup', 'GF')]


def test_custom_attributes_are_compared_one_by_one_and_a_new_group_gets_them_from_its_set():
    row = dict(FINANCE, CustomAttribute3='cc-41', CustomAttribute5='keep')
    exo = applied({('Get-DistributionGroup', 'finance'): [row], ('Get-DistributionGroup', 'GF'): [row],
                   ('Set-DistributionGroup', 'GF'): []})
    result = exo.converge(groups.Group, [entry('finance', custom_attributes={'3': 'cc-42', '5': 'keep', '9': ''})], 'groups')
    assert result['results'][0]['changes'] == {'custom_attributes': {'before': {'3': 'cc-41', '5': 'keep'},
                                                                     'after': {'3': 'cc-42', '5': 'keep'}}}
    assert sent(exo) == [('Set-DistributionGroup', 'GF')]
    exo = FakeExo({})
    result = exo.converge(groups.Group, [entry('crew', custom_attributes={'1': 'ops'})], 'groups')
    assert result['results'][0]['group']['custom_attributes'] == {'1': 'ops'}


def test_a_group_to_remove_has_its_members_neither_read_nor_planned():
    exo = applied({('Get-DistributionGroup', 'finance'): [FINANCE], ('Remove-DistributionGroup', 'GF'): []})
    result = exo.converge(groups.Group, [entry('finance', state='absent', members=['ghost'], members_mode='exact')], 'groups')
    assert result['results'][0]['changed'] and result['results'][0]['group'] == {}
    assert [call[0] for call in exo.single] == ['Get-DistributionGroup', 'Remove-DistributionGroup']


def test_check_mode_predicts_the_onmicrosoft_address_the_service_adds_to_a_new_group():
    """As for a new mailbox: the real run's group has alias@<tenant>.onmicrosoft.com besides its primary."""
    exo = FakeExo({})
    exo.params['organization'] = 'Contoso.onmicrosoft.com'
    result = exo.converge(groups.Group, [entry('Project X', primary_smtp_address='projectx@contoso.com')], 'groups')
    assert result['results'][0]['group']['email_addresses'] == ['SMTP:projectx@contoso.com', 'smtp:ProjectX@contoso.onmicrosoft.com']
    exo = FakeExo({})
    exo.params['organization'] = 'contoso.onmicrosoft.com'
    result = exo.converge(groups.Group, [entry('team', primary_smtp_address='team@contoso.onmicrosoft.com')], 'groups')
    assert result['results'][0]['group']['email_addresses'] == ['SMTP:team@contoso.onmicrosoft.com']
