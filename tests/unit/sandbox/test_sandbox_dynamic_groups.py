"""Get/New/Set/Remove-DynamicDistributionGroup and Get-Recipient -RecipientPreviewFilter over the model."""

import pytest
from cmdlet_testing import failure, new_org, run

SERVICE = ("(-not(Name -like 'SystemMailbox{*')) -and (-not(Name -like 'CAS_{*')) -and "
           "(-not(RecipientTypeDetailsValue -eq 'MailboxPlan'))")


@pytest.fixture
def org():
    return new_org(users=3, shared=2)


def new(org, name="Shared boxes", **params):
    if "IncludedRecipients" not in params:
        params.setdefault("RecipientFilter", "RecipientTypeDetails -eq 'SharedMailbox'")
    return run(org, "New-DynamicDistributionGroup", Name=name, **params).rows[0]


def test_a_stored_filter_is_rewritten_with_the_service_clauses(org):
    row = new(org, RecipientFilter="recipienttype -eq 'UserMailbox' -and (customattribute4 -eq Plano)")
    assert row["RecipientFilter"].startswith(
        "((((RecipientType -eq 'UserMailbox') -and (CustomAttribute4 -eq 'Plano'))) -and " + SERVICE)
    assert row["RecipientFilterType"] == "Custom" and row["IncludedRecipients"] is None
    assert row["LdapRecipientFilter"].startswith("(&(recipientType=UserMailbox)(extensionAttribute4=Plano)(!(name=SystemMailbox{*))")
    assert row["RecipientTypeDetails"] == "DynamicDistributionGroup"
    assert row["PrimarySmtpAddress"] == "Sharedboxes@contoso.onmicrosoft.com"


def test_recipient_type_details_is_stored_as_its_value_property(org):
    assert "(RecipientTypeDetailsValue -eq 'SharedMailbox')" in new(org)["RecipientFilter"]


def test_precanned_conditions_generate_the_filter(org):
    row = new(org, IncludedRecipients="MailboxUsers, MailContacts",
              ConditionalDepartment=["Sales", "Marketing"])
    assert row["RecipientFilterType"] == "Precanned"
    assert row["IncludedRecipients"] == "MailboxUsers, MailContacts"
    assert row["RecipientFilter"].startswith(
        "(((((RecipientType -eq 'UserMailbox') -or (RecipientType -eq 'MailContact')) -and "
        "((Department -eq 'Sales') -or (Department -eq 'Marketing')))) -and (-not(Name")


@pytest.mark.parametrize("params, text", [
    ({"RecipientFilter": "Department -eq"}, "Invalid filter syntax"),
    ({"RecipientFilter": "Colour -eq 'red'"}, "'Colour' is not a recognized filterable property"),
])
def test_a_bad_filter_is_refused_before_the_group_exists(org, params, text):
    refused = failure(org, "New-DynamicDistributionGroup", Name="Bad", **params)
    assert "Cannot bind parameter 'RecipientFilter'" in refused.message and text in refused.message
    assert run(org, "Get-DynamicDistributionGroup").rows == []


def test_a_filter_and_precanned_conditions_are_two_parameter_sets(org):
    refused = failure(org, "New-DynamicDistributionGroup", Name="Both", RecipientFilter="Name -like 'a*'",
                      IncludedRecipients="MailboxUsers")
    assert "Parameter set cannot be resolved" in refused.message
    assert "Parameter set" in failure(org, "New-DynamicDistributionGroup", Name="Neither").message


def test_set_changes_the_filter_and_says_when_nothing_changed(org):
    new(org)
    run(org, "Set-DynamicDistributionGroup", Identity="Shared boxes", RecipientFilter="Name -like 'a*'",
        Notes="n", HiddenFromAddressListsEnabled=True, ManagedBy="alice")
    row = run(org, "Get-DynamicDistributionGroup", Identity="Shared boxes").rows[0]
    assert row["RecipientFilter"].startswith("(((Name -like 'a*')) -and ")
    assert (row["Notes"], row["HiddenFromAddressListsEnabled"], row["ManagedBy"]) == ("n", True, "alice")
    again = run(org, "Set-DynamicDistributionGroup", Identity="Shared boxes", Notes="n")
    assert "no settings of 'Shared boxes' have been modified" in again.warnings[0]


def test_precanned_conditions_on_a_custom_filter_need_included_recipients(org):
    new(org)
    refused = failure(org, "Set-DynamicDistributionGroup", Identity="Shared boxes", ConditionalCompany=["X"])
    assert "custom RecipientFilter" in refused.message
    run(org, "Set-DynamicDistributionGroup", Identity="Shared boxes", ConditionalCompany=["X"],
        IncludedRecipients="AllRecipients")
    row = run(org, "Get-DynamicDistributionGroup", Identity="Shared boxes").rows[0]
    assert row["RecipientFilter"].startswith("(((Company -eq 'X')) -and ")


def test_preview_selects_what_the_stored_filter_selects(org):
    row = new(org)
    preview = run(org, "Get-Recipient", RecipientPreviewFilter=row["RecipientFilter"]).rows
    assert sorted(r["RecipientTypeDetails"] for r in preview) == ["SharedMailbox"] * len(preview)
    assert len(preview) == len([r for r in org.mailboxes() if r.recipient_type_details == "SharedMailbox"]) > 0
    assert "Cannot bind parameter 'RecipientPreviewFilter'" in failure(
        org, "Get-Recipient", RecipientPreviewFilter="(Name -eq").message


def test_remove_frees_the_name(org):
    new(org)
    run(org, "Remove-DynamicDistributionGroup", Identity="Shared boxes")
    assert run(org, "Get-DynamicDistributionGroup").rows == []
    assert failure(org, "Remove-DynamicDistributionGroup", Identity="Shared boxes").category == "NotFound"
    new(org)


def test_dynamic_groups_are_not_distribution_groups(org):
    new(org)
    assert all(r["Name"] != "Shared boxes" for r in run(org, "Get-DistributionGroup").rows)
    assert run(org, "Get-Recipient", Identity="Shared boxes").rows[0]["RecipientType"] == "DynamicDistributionGroup"
