# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""onprem_exchange_distribution_group(_member)'s declarations without a server: exo_distribution_group's
table with the on-premises differences (an OU and a pre-Windows 2000 name for a new group, no hidden
membership), and recipients looked up without organisation-wide pages, which remoting does not have."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine import groups
from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import argument_spec

from test_exo_distribution_group import CAROL, FINANCE, FakeExo, entry as online_entry


def entry(name, **options):
    values = online_entry(name, **options)
    values.update((prop.option, options.get(prop.option)) for prop in groups.OnPremGroup.properties)
    values.pop('hidden_group_membership', None)
    return values


def remoting(exo):
    """``exo`` with a runner as RemotingRunner is: exact reads only, no ``pages``."""
    exo.runner = SimpleNamespace(invoke=exo.invoke, invoke_all=exo.runner.invoke_all)
    return exo


@pytest.mark.parametrize('value', ['', ' . ', 'x@y', "x'; Get-Process; '", 'a' * 257])
def test_a_sam_account_name_active_directory_refuses_fails_naming_option_and_value(value):
    with pytest.raises(ValueError) as caught:
        groups.check_sam_account_name(value)
    assert str(caught.value).startswith("sam_account_name: '%s' must be" % value)


def test_the_on_premises_table_is_the_online_one_with_ou_and_sam_account_name_and_no_hidden_membership():
    online = [prop.option for prop in groups.Group.properties]
    onprem = [prop.option for prop in groups.OnPremGroup.properties]
    assert onprem == [o for o in online if o != 'hidden_group_membership'] + ['organizational_unit', 'sam_account_name']
    spec = argument_spec(groups.OnPremGroup)
    assert 'hidden_group_membership' not in spec['argument_spec']
    assert ('groups', 'sam_account_name') in spec['mutually_exclusive']


def test_a_new_group_is_predicted_in_its_ou_with_its_name_and_an_existing_one_is_never_moved():
    exo = remoting(FakeExo({('Get-DistributionGroup', 'finance'): [dict(FINANCE, OrganizationalUnit='contoso.local/Users',
                                                                        SamAccountName='finance')],
                            ('Get-OrganizationalUnit', 'contoso.local/Staff'): [{'Identity': 'contoso.local/Staff'}]}))
    result = exo.converge(groups.OnPremGroup, [
        entry('crew', organizational_unit='contoso.local/Staff', sam_account_name='crew-sam'),
        entry('finance', organizational_unit='contoso.local/Staff', sam_account_name='other')], 'groups')
    crew, finance = result['results']
    assert crew['changed'] and crew['group']['organizational_unit'] == 'contoso.local/Staff'
    assert crew['group']['sam_account_name'] == 'crew-sam'
    assert 'hidden_group_membership' not in crew['group']
    assert not finance['changed'], finance
    assert (finance['group']['organizational_unit'], finance['group']['sam_account_name']) == ('contoso.local/Users', 'finance')


@pytest.mark.parametrize('resource', [groups.OnPremGroup, groups.OnPremMembers])
def test_many_unknown_recipients_are_read_exactly_over_remoting(resource):
    names = ['user%d' % n for n in range(12)]
    answers = dict((('Get-Recipient', name), [{'Guid': 'G%s' % name, 'Name': name, 'PrimarySmtpAddress': name + '@contoso.com'}])
                   for name in names)
    answers[('Get-DistributionGroup', 'finance')] = [FINANCE]
    answers[('Get-Recipient', 'carol')] = [CAROL]
    answers[('Get-DistributionGroupMember', 'GF')] = answers[('Get-DistributionGroupMember', 'gf')] = []
    exo = remoting(FakeExo(answers))
    exo.params.update(bypass_security_group_manager_check=True)
    if resource is groups.OnPremGroup:
        entries = [entry('finance', members=names)]
    else:
        entries = [{'group': 'finance', 'members': names, 'state': 'present', 'exclusive': False}]
    result = exo.converge(resource, entries, 'groups')
    assert result['results'][0]['changes']['members']['added'] == sorted(name + '@contoso.com' for name in names)
