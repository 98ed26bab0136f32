# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired_state role's choice of infrastructure and its refusal of what no on-premises module
converges (roles/desired_state/tasks/check.yml), evaluated with Jinja as Ansible would, without a
server: the integration test test_desired_state_onprem.py runs them against the sandbox."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
import yaml

ROLE = Path(__file__).resolve().parents[3] / 'roles' / 'desired_state'
TASKS = {task['name']: task for task in yaml.safe_load((ROLE / 'tasks' / 'check.yml').read_text()) if 'name' in task}
DEFAULTS = yaml.safe_load((ROLE / 'defaults' / 'main.yml').read_text())
VARS = yaml.safe_load((ROLE / 'vars' / 'main.yml').read_text())


def chosen(environment, **variables):
    expression = TASKS['Choose the infrastructure']['ansible.builtin.set_fact']['desired_state_infrastructure_chosen']
    values = dict(DEFAULTS, **variables)
    values['lookup'] = lambda plugin, name: environment.get(name, '')
    return jinja2.Environment().from_string(expression).render(**values).strip()


@pytest.mark.parametrize('environment, variables, expected', [
    ({}, {}, 'exchange_online'),
    ({'EXO_ORGANIZATION': 'contoso.onmicrosoft.com'}, {}, 'exchange_online'),
    ({'EXCHANGE_SERVER': 'exch01.contoso.local'}, {}, 'onpremises'),
    # Both credentials in the environment (an AWX job with both): Exchange Online, unless named.
    ({'EXCHANGE_SERVER': 'exch01', 'EXO_ORGANIZATION': 'contoso.onmicrosoft.com'}, {}, 'exchange_online'),
    ({'EXCHANGE_SERVER': 'exch01', 'EXO_ORGANIZATION': 'contoso.onmicrosoft.com'},
     {'desired_state_exchange_server': 'exch01'}, 'onpremises'),
    ({'EXCHANGE_SERVER': 'exch01'}, {'desired_state_infrastructure': 'exchange_online'}, 'exchange_online'),
    ({}, {'desired_state_infrastructure': 'hybrid'}, 'hybrid'),
])
def test_the_infrastructure_follows_the_connection_options(environment, variables, expected):
    assert chosen(environment, **variables) == expected


def problems(data, infrastructure='onpremises'):
    task = TASKS['An on-premises run describes only what on-premises modules converge']
    values = dict(DEFAULTS, **VARS)
    values.update(desired_state=data, desired_state_infrastructure_chosen=infrastructure)
    rendered = jinja2.Environment().from_string(task['vars']['desired_state_onprem_problems']).render(**values)
    return yaml.safe_load(rendered)


def test_what_no_onprem_module_converges_is_named_by_entry_and_key():
    data = {
        'mailboxes': [{'identity': 'sales@contoso.com', 'type': 'shared', 'full_access': ['erin']},
                      {'identity': 'oslo@contoso.com', 'type': 'room', 'resource_capacity': 12, 'alias': 'oslo'}],
        'groups': [{'name': 'all-staff', 'hidden_group_membership': True}],
        'cas_mailboxes': [{'mailbox': 'sales@contoso.com', 'pop_enabled': False, 'outlook_mobile_enabled': False}],
        'unified_groups': [{'group': 'team'}],
        'mail_users': [],
    }
    assert problems(data) == [
        'unified_groups: Microsoft 365 groups exist in Exchange Online only; remove the section or run it against Exchange Online',
        'mailboxes[1] (oslo@contoso.com).alias: not managed on premises (the on-premises module has no such option)',
        'mailboxes[1] (oslo@contoso.com).resource_capacity: not managed on premises (the on-premises module has no such option)',
        'cas_mailboxes[0] (sales@contoso.com).outlook_mobile_enabled: not managed on premises (the on-premises module has no such option)',
        'groups[0] (all-staff).hidden_group_membership: not managed on premises (the on-premises module has no such option)',
    ]
    # In hybrid, Full Access, client access settings and Microsoft 365 groups go to Exchange Online.
    assert problems(data, 'hybrid') == [
        'mailboxes[1] (oslo@contoso.com).alias: not managed on premises (the on-premises module has no such option)',
        'mailboxes[1] (oslo@contoso.com).resource_capacity: not managed on premises (the on-premises module has no such option)',
        'groups[0] (all-staff).hidden_group_membership: not managed on premises (the on-premises module has no such option)',
    ]
    assert problems({'mailboxes': data['mailboxes'][:1], 'contacts': [{'contact': 'ann@fabrikam.com'}]}) == []
