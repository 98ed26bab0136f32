"""Get/New/Set/Remove-MailUser and Set-User over the model."""

import pytest
from cmdlet_testing import failure, new_org, run

PASSWORD = "N3w-User!Pass#42"


@pytest.fixture
def org():
    return new_org()


def new(org, name="Ed Meadows", upn="ed@contoso.com", address="ed@tailspintoys.com", **params):
    return run(org, "New-MailUser", Name=name, MicrosoftOnlineServicesID=upn, Password=PASSWORD,
               ExternalEmailAddress=address, **params).rows[0]


def test_new_mail_user_has_the_service_shape_and_no_password(org):
    row = new(org, FirstName="Ed", LastName="Meadows")
    assert row["RecipientTypeDetails"] == row["RecipientType"] == "MailUser"
    assert row["ExternalEmailAddress"] == "SMTP:ed@tailspintoys.com"
    assert row["UserPrincipalName"] == row["MicrosoftOnlineServicesID"] == row["WindowsLiveID"] == "ed@contoso.com"
    assert row["EmailAddresses"] == ["SMTP:ed@tailspintoys.com"], "the external address is the primary, as documented"
    assert (row["Alias"], row["DisplayName"]) == ("ed", "Ed Meadows"), "the alias is the account's left side"
    assert PASSWORD not in repr(row) and PASSWORD not in repr(org.get(row["Guid"]).__dict__)
    person = run(org, "Get-Recipient", Identity="ed@contoso.com", RecipientTypeDetails="MailUser").rows[0]
    assert (person["FirstName"], person["LastName"], person["WindowsLiveID"]) == ("Ed", "Meadows", "ed@contoso.com")
    assert run(org, "Get-MailUser", Identity="ed@tailspintoys.com").rows[0]["Guid"] == row["Guid"]


@pytest.mark.parametrize("password", ["short1A", "alllowercase1", "ALLUPPER!!", "x" * 257])
def test_a_password_outside_the_policy_is_refused_without_showing_it(org, password):
    before = len(org.all())
    refused = failure(org, "New-MailUser", Name="Ed", MicrosoftOnlineServicesID="ed@contoso.com", Password=password,
                      ExternalEmailAddress="ed@tailspintoys.com")
    assert "password policy" in refused.message and password not in refused.message
    assert len(org.all()) == before


def test_the_parameter_set_needs_the_account_its_password_and_the_external_address(org):
    refused = failure(org, "New-MailUser", Name="Ed", ExternalEmailAddress="ed@tailspintoys.com")
    assert "MicrosoftOnlineServicesID" in refused.message and "Password" in refused.message
    assert "not a valid value for WindowsLiveId" in failure(
        org, "New-MailUser", Name="Ed", MicrosoftOnlineServicesID="ed at contoso", Password=PASSWORD,
        ExternalEmailAddress="ed@tailspintoys.com").message


def test_names_accounts_and_addresses_are_unique(org):
    new(org)
    refused = failure(org, "New-MailUser", Name="Ed Meadows", MicrosoftOnlineServicesID="ed2@contoso.com",
                      Password=PASSWORD, ExternalEmailAddress="ed2@tailspintoys.com")
    assert "is already being used" in refused.message
    taken = failure(org, "New-MailUser", Name="Ed Two", MicrosoftOnlineServicesID="ED@contoso.com", Password=PASSWORD,
                    ExternalEmailAddress="ed2@tailspintoys.com")
    assert "WindowsLiveID ED@contoso.com is already used" in taken.message
    assert "alice@contoso.com" in failure(org, "New-MailUser", Name="Ed Three", MicrosoftOnlineServicesID="ed3@contoso.com",
                                          Password=PASSWORD, ExternalEmailAddress="alice@contoso.com").message


def test_set_mail_user_changes_the_account_external_address_and_attributes(org):
    new(org)
    run(org, "Set-MailUser", Identity="ed@contoso.com", MicrosoftOnlineServicesID="edm@contoso.com",
        ExternalEmailAddress="ed@fabrikam.com", HiddenFromAddressListsEnabled=True, CustomAttribute2="eu")
    row = run(org, "Get-MailUser", Identity="edm@contoso.com").rows[0]
    assert (row["UserPrincipalName"], row["ExternalEmailAddress"], row["PrimarySmtpAddress"]) == (
        "edm@contoso.com", "SMTP:ed@fabrikam.com", "ed@fabrikam.com")
    assert row["HiddenFromAddressListsEnabled"] and row["CustomAttribute2"] == "eu"
    assert "smtp:ed@tailspintoys.com" in row["EmailAddresses"]
    assert failure(org, "Get-MailUser", Identity="ed@contoso.com").exception_type.endswith("ManagementObjectNotFoundException")
    unchanged = run(org, "Set-MailUser", Identity="edm@contoso.com", CustomAttribute2="eu")
    assert unchanged.warnings and "no settings" in unchanged.warnings[0]


def test_set_user_writes_the_person_and_refuses_what_is_not_a_user(org):
    new(org)
    run(org, "Set-User", Identity="ed@contoso.com", FirstName="Edward", LastName="")
    row = run(org, "Get-Recipient", Identity="ed@contoso.com").rows[0]
    assert (row["FirstName"], row["LastName"]) == ("Edward", "")
    assert failure(org, "Set-User", Identity="all-staff", FirstName="x").exception_type.endswith("ManagementObjectNotFoundException")


def test_remove_mail_user_frees_its_names(org):
    guid = new(org)["Guid"]
    run(org, "Remove-MailUser", Identity=guid, Confirm=False)
    assert failure(org, "Remove-MailUser", Identity=guid).exception_type.endswith("ManagementObjectNotFoundException")
    assert new(org)["Name"] == "Ed Meadows"


def test_mail_user_cmdlets_see_no_other_recipient(org):
    assert failure(org, "Set-MailUser", Identity="alice", CustomAttribute1="x").exception_type.endswith(
        "ManagementObjectNotFoundException")
    assert run(org, "Get-MailUser").rows == []
