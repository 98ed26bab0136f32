# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exo_dynamic_distribution_group's declaration without a server: the checks an entry meets before
anything is read, and what a stored (rewritten) filter compares as."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ansible_collections.mailops.exchange.plugins.modules import exo_dynamic_distribution_group as dynamic

OPTIONS = ('group', 'state', 'recipient_filter', 'included_recipients', 'conditional_company', 'conditional_department',
           'conditional_state_or_province', 'recipient_container', 'alias', 'display_name', 'primary_smtp_address',
           'managed_by', 'hidden_from_address_lists', 'notes', 'preview_members')
STORED = ("(((Department -eq 'Sales')) -and (-not(Name -like 'SystemMailbox{*')) -and (-not(Name -like 'CAS_{*')) -and "
          "(-not(RecipientTypeDetailsValue -eq 'MailboxPlan')))")


def entry(**given):
    return dict(dict.fromkeys(OPTIONS), state='present', **given)


def resource():
    return dynamic.DynamicGroup(SimpleNamespace(invoke=None, check_mode=False, warn=None))


@pytest.mark.parametrize('given, message', [
    (dict(recipient_filter="Department -eq 'Sales' -and"),
     "groups[0].recipient_filter: 'Department -eq 'Sales' -and' is not valid: expected a property name at position 28"),
    (dict(recipient_filter="Name -like 'a*'", conditional_company=['X']),
     'groups[0].recipient_filter: give a custom filter or precanned conditions (conditional_company), not both'),
    (dict(included_recipients=['MailboxUsers'], conditional_department=['Sales', ' ']),
     "groups[0].conditional_department: ['Sales', ' '] has an empty value"),
    (dict(recipient_filter="Name -like 'a*'", alias='bad alias'), "groups[0].alias: 'bad alias' is not valid"),
    (dict(group='x' * 65, recipient_filter="Name -like 'a*'"), 'groups[0].group: '),
])
def test_bad_input_is_refused_before_anything_is_read(given, message):
    with pytest.raises(ValueError) as caught:
        resource().check_input(entry(**dict(dict(group='Sales'), **given)), 'groups[0].')
    assert str(caught.value).startswith(message)


def test_a_filter_the_service_rewrote_is_the_filter_given_and_another_is_a_change():
    declared = resource()
    prop = dict((p.option, p) for p in declared.properties)['recipient_filter']
    shown = prop.view(STORED)
    assert shown == "(Department -eq 'Sales')"
    assert prop.same(shown, 'department -EQ sales')
    assert not prop.same(shown, "Department -eq 'Marketing'")
