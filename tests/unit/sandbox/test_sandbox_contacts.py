"""Get/New/Set/Remove-MailContact and Get/Set-Contact over the model."""

import pytest
from cmdlet_testing import failure, new_org, run


@pytest.fixture
def org():
    return new_org()


def new(org, name="Chris Ashton", address="chris@tailspintoys.com", **params):
    return run(org, "New-MailContact", Name=name, ExternalEmailAddress=address, **params).rows[0]


def test_new_mail_contact_has_the_service_shape(org):
    row = new(org, FirstName="Chris", LastName="Ashton")
    assert row["RecipientTypeDetails"] == row["RecipientType"] == "MailContact"
    assert row["ExternalEmailAddress"] == "SMTP:chris@tailspintoys.com"
    assert row["EmailAddresses"] == ["SMTP:chris@tailspintoys.com"]
    assert row["PrimarySmtpAddress"] == "chris@tailspintoys.com"
    assert (row["Alias"], row["DisplayName"]) == ("ChrisAshton", "Chris Ashton")
    assert "Company" not in row, "Get-MailContact shows mail settings, not the person"
    person = run(org, "Get-Contact", Identity=row["Guid"]).rows[0]
    assert (person["FirstName"], person["LastName"], person["Company"]) == ("Chris", "Ashton", "")
    assert "ExternalEmailAddress" not in person and "EmailAddresses" not in person


def test_get_recipient_shows_mail_and_person_properties(org):
    new(org)
    run(org, "Set-Contact", Identity="Chris Ashton", Company="Tailspin Toys", Phone="+1 555 0100")
    row = run(org, "Get-Recipient", Identity="chris@tailspintoys.com", RecipientTypeDetails="MailContact").rows[0]
    assert (row["Company"], row["Phone"], row["ExternalEmailAddress"]) == (
        "Tailspin Toys", "+1 555 0100", "SMTP:chris@tailspintoys.com")
    assert run(org, "Get-Recipient", Identity="alice").rows[0]["ExternalEmailAddress"] is None
    assert run(org, "Get-Recipient", Identity="alice", RecipientTypeDetails="MailContact").rows == []


@pytest.mark.parametrize("taken", ["alice@contoso.com", "all-staff@contoso.com", "ALICE@contoso.onmicrosoft.com"])
def test_an_external_address_another_recipient_has_is_refused(org, taken):
    before = len(org.all())
    refused = failure(org, "New-MailContact", Name="Someone", ExternalEmailAddress=taken)
    assert refused.exception_type.endswith("ProxyAddressExistsException")
    assert "is already being used by the proxy addresses" in refused.message
    assert len(org.all()) == before


def test_names_and_external_addresses_are_unique_among_contacts(org):
    new(org)
    assert failure(org, "New-MailContact", Name="Chris Ashton",
                   ExternalEmailAddress="c2@tailspintoys.com").exception_type.endswith("ADObjectAlreadyExistsException")
    assert failure(org, "New-MailContact", Name="Other", ExternalEmailAddress="CHRIS@tailspintoys.com").exception_type.endswith(
        "ProxyAddressExistsException")
    new(org, "Chris Ashton 2", "c2@tailspintoys.com")
    assert failure(org, "Set-MailContact", Identity="Chris Ashton 2",
                   ExternalEmailAddress="chris@tailspintoys.com").exception_type.endswith("ProxyAddressExistsException")
    assert failure(org, "Set-MailContact", Identity="Chris Ashton 2", Name="Chris Ashton").message.startswith(
        'The name "Chris Ashton" is already being used')


def test_contact_cmdlets_see_contacts_only_and_fail_like_exchange(org):
    new(org)
    new(org, "Chris Ashton 2", "c2@tailspintoys.com", DisplayName="Chris Ashton")
    assert failure(org, "Get-MailContact", Identity="alice").category == "NotFound"
    assert failure(org, "Set-Contact", Identity="alice", Company="x").category == "NotFound"
    assert failure(org, "Remove-MailContact", Identity="nobody@example.com").category == "NotFound"
    ambiguous = failure(org, "Get-Contact", Identity="Chris Ashton")
    assert "matches multiple entries" in ambiguous.message
    assert failure(org, "Get-Mailbox", Identity="c2@tailspintoys.com").category == "NotFound"
    assert [r["Name"] for r in run(org, "Get-MailContact").rows] == ["Chris Ashton", "Chris Ashton 2"]
    assert [r["Name"] for r in run(org, "Get-MailContact", Filter="Name -like '*2'").rows] == ["Chris Ashton 2"]


def test_set_mail_contact_changes_settings_and_keeps_the_old_external_address(org):
    new(org)
    run(org, "Set-MailContact", Identity="Chris Ashton", ExternalEmailAddress="chris@fabrikam.com",
        HiddenFromAddressListsEnabled=True, CustomAttribute3="partner", DisplayName="Chris A.")
    row = run(org, "Get-MailContact", Identity="chris@fabrikam.com").rows[0]
    assert row["ExternalEmailAddress"] == "SMTP:chris@fabrikam.com"
    assert row["EmailAddresses"] == ["SMTP:chris@fabrikam.com", "smtp:chris@tailspintoys.com"]
    assert (row["HiddenFromAddressListsEnabled"], row["CustomAttribute3"], row["DisplayName"]) == (
        True, "partner", "Chris A.")
    unchanged = run(org, "Set-MailContact", Identity="Chris Ashton", HiddenFromAddressListsEnabled=True)
    assert "no settings of 'Chris Ashton' have been modified" in unchanged.warnings[0]


def test_set_contact_writes_and_clears_person_properties(org):
    new(org)
    run(org, "Set-Contact", Identity="Chris Ashton", Company="Tailspin", Department="Sales", Title="Buyer")
    run(org, "Set-Contact", Identity="Chris Ashton", Department="", Title=None)
    person = run(org, "Get-Contact", Identity="Chris Ashton").rows[0]
    assert (person["Company"], person["Department"], person["Title"]) == ("Tailspin", "", "")
    assert "no settings" in run(org, "Set-Contact", Identity="Chris Ashton", Company="Tailspin").warnings[0]


def test_remove_mail_contact_frees_its_name_and_address_and_leaves_groups(org):
    row = new(org)
    run(org, "Add-DistributionGroupMember", Identity="all-staff", Member=row["Guid"])
    run(org, "Remove-MailContact", Identity="chris@tailspintoys.com", Confirm=False)
    members = [m["Name"] for m in run(org, "Get-DistributionGroupMember", Identity="all-staff").rows]
    assert "Chris Ashton" not in members
    assert new(org)["Guid"] != row["Guid"]
