# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Recipient filters compared by meaning: the service's rewriting is no change, a real edit is."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.filters import (
    filter_key,
    included_names,
    parse,
    precanned_filter,
    previews,
    same_filter,
    shown,
    with_filter,
)
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import CmdletError

SERVICE = ("-and (-not(Name -like 'SystemMailbox{*')) -and (-not(Name -like 'CAS_{*')) -and "
           "(-not(RecipientTypeDetailsValue -eq 'MailboxPlan')) -and (-not(RecipientTypeDetailsValue -eq 'DiscoveryMailbox')) -and "
           "(-not(RecipientTypeDetailsValue -eq 'PublicFolderMailbox')) -and (-not(RecipientTypeDetailsValue -eq 'ArbitrationMailbox'))")
# As a public thread shows Exchange storing "(RecipientType -eq 'UserMailbox') -and (CustomAttribute4 -eq 'Plano')".
STORED = "((((RecipientType -eq 'UserMailbox') -and (CustomAttribute4 -eq 'Plano'))) %s)" % SERVICE


@pytest.mark.parametrize('given', [
    "(RecipientType -eq 'UserMailbox') -and (CustomAttribute4 -eq 'Plano')",
    "RecipientType -eq 'UserMailbox' -and CustomAttribute4 -eq 'Plano'",
    "customattribute4 -EQ plano -and recipienttype -eq 'usermailbox'",
    "((RecipientType -eq \"UserMailbox\")) -and ((CustomAttribute4 -eq 'Plano'))",
    # A user who copied the stored text back into the task.
    STORED,
])
def test_the_services_rewriting_is_no_change(given):
    assert same_filter(STORED, given)
    assert same_filter(shown(STORED), given)


@pytest.mark.parametrize('given', [
    "RecipientType -eq 'UserMailbox' -and CustomAttribute4 -eq 'Dallas'",
    "RecipientType -eq 'UserMailbox' -or CustomAttribute4 -eq 'Plano'",
    "RecipientType -eq 'UserMailbox' -and CustomAttribute4 -ne 'Plano'",
    "RecipientType -eq 'UserMailbox' -and CustomAttribute5 -eq 'Plano'",
    "RecipientType -eq 'UserMailbox'",
    "RecipientType -eq 'UserMailbox' -and CustomAttribute4 -eq 'Plano' -and Department -eq 'Sales'",
    "RecipientType -eq 'UserMailbox' -and -not(CustomAttribute4 -eq 'Plano')",
    # A clause only the service adds, kept out of a filter that has it: still a change.
    "(RecipientType -eq 'UserMailbox') -and (-not(Name -like 'SystemMailbox{*'))",
])
def test_a_genuine_change_is_detected(given):
    assert not same_filter(STORED, given)


def test_recipient_type_details_is_compared_as_the_property_exchange_stores():
    assert same_filter("((RecipientTypeDetailsValue -eq 'SharedMailbox')) " + SERVICE, "RecipientTypeDetails -eq 'SharedMailbox'")


def test_the_result_shows_the_users_part_as_exchange_writes_it():
    assert shown(STORED) == "((RecipientType -eq 'UserMailbox') -and (CustomAttribute4 -eq 'Plano'))"
    assert shown("Department -eq Sales") == "(Department -eq 'Sales')"
    assert shown("Name -like 'O''Brien*' -and Department -ne $null") == "((Name -like 'O''Brien*') -and (Department -ne $null))"
    assert shown("(" + SERVICE[5:] + ")") == ''
    assert shown('not a filter (') == 'not a filter ('


@pytest.mark.parametrize('text, message', [
    ('', 'an empty filter'),
    ("Department -eq 'Sales' -and", 'expected a property name at position 28'),
    ("(Department -eq 'Sales'", "expected ')' at position 24"),
    ("Department -eq 'Sales", 'an unclosed quote at position 16'),
    ("Department -contains 'Sales'", 'expected one of -eq'),
    ("Department 'Sales'", 'expected an operator such as -eq at position 12'),
    ("Department -eq $nothing", "'$nothing' at position 16"),
    ("Department -eq 'a' 'b'", 'expected -and, -or or the end at position 20'),
])
def test_what_is_not_opath_is_refused_with_its_position(text, message):
    with pytest.raises(ValueError) as caught:
        parse(text)
    assert message in str(caught.value)


def test_precanned_conditions_generate_the_filter_exchange_shows():
    assert precanned_filter(['MailContacts', 'MailboxUsers'], {'ConditionalCompany': ['Contoso', 'Fabrikam']}) == (
        "(((RecipientType -eq 'UserMailbox') -or (RecipientType -eq 'MailContact')) -and "
        "((Company -eq 'Contoso') -or (Company -eq 'Fabrikam')))")
    assert precanned_filter(['AllRecipients'], {'ConditionalDepartment': ['Sales']}) == "(Department -eq 'Sales')"
    assert precanned_filter(['AllRecipients'], {}) == ''


def test_unparsable_stored_text_is_compared_as_text():
    assert filter_key('Some  NEW -syntax') == filter_key('some new -SYNTAX')
    assert filter_key('') == '' and filter_key(None) == ''


def test_previews_read_every_filter_together_and_sort_the_members_by_name():
    sent = []

    def invoke_all(calls):
        sent.append(calls)
        return [[{'Name': 'bob', 'PrimarySmtpAddress': 'b@x', 'RecipientTypeDetails': 'UserMailbox'}, {'Name': 'Alice'}], []]
    found = previews(invoke_all, ["Name -like 'a*'", ''])
    assert [m['name'] for m in found[0]] == ['Alice', 'bob'] and found[1] == []
    assert found[0][0] == {'name': 'Alice', 'primary_smtp_address': '', 'recipient_type_details': ''}
    assert sent == [[('Get-Recipient', {'RecipientPreviewFilter': "Name -like 'a*'", 'ResultSize': 'Unlimited'}),
                     ('Get-Recipient', {'RecipientPreviewFilter': "Name -like '*'", 'ResultSize': 'Unlimited'})]]


def test_a_refused_preview_is_raised():
    refusal = CmdletError('bad filter', kind='invalid_argument')
    with pytest.raises(CmdletError):
        previews(lambda calls: [refusal], ['x'])


@pytest.mark.parametrize('row, given, expected', [
    ({'IncludedRecipients': 'MailboxUsers', 'ConditionalCompany': ['A'], 'RecipientFilter': 'old'}, {'recipient_filter': 'Name -eq 1'},
     {'IncludedRecipients': None, 'ConditionalCompany': [], 'ConditionalDepartment': [], 'ConditionalStateOrProvince': [],
      'RecipientFilter': 'old'}),
    ({'IncludedRecipients': 'MailboxUsers', 'ConditionalCompany': ['A'], 'RecipientFilter': 'old'}, {'conditional_company': ['A']},
     {'IncludedRecipients': 'MailboxUsers', 'ConditionalCompany': ['A'],
      'RecipientFilter': "((RecipientType -eq 'UserMailbox') -and (Company -eq 'A'))"}),
    ({'RecipientFilter': 'old'}, {'notes': 'x'}, {'RecipientFilter': 'old'}),
])
def test_a_written_filter_or_precanned_condition_predicts_the_row(row, given, expected):
    assert with_filter(dict(row), given) == expected


def test_included_recipients_read_as_a_sorted_list():
    assert included_names('MailboxUsers, MailContacts') == ['MailContacts', 'MailboxUsers']
    assert included_names(None) == [] and included_names(['Resources']) == ['Resources']
