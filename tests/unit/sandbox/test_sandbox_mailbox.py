"""New-Mailbox, Set-Mailbox (addresses, type, resources) and Remove-Mailbox over the model."""

import pytest
from cmdlet_testing import failure, new_org, run

from sandbox import errors
from sandbox.model import LEGACY_DOMAIN


@pytest.fixture
def org():
    return new_org()


def mailbox(org, identity):
    return run(org, "Get-Mailbox", Identity=identity).rows[0]


# -- seed -----------------------------------------------------------------------------------


def test_seed_has_a_user_with_sip_x500_and_an_excluded_domain_address(org):
    addresses = mailbox(org, "paula")["EmailAddresses"]
    assert addresses[0] == "SMTP:paula@contoso.com"
    assert f"smtp:paula@{LEGACY_DOMAIN}" in addresses
    assert any(a.startswith("SIP:") for a in addresses)
    assert any(a.startswith("X500:") for a in addresses)


# -- New-Mailbox ----------------------------------------------------------------------------


@pytest.mark.parametrize("switch, details, resource", [
    ("Shared", "SharedMailbox", None), ("Room", "RoomMailbox", "Room"),
    ("Equipment", "EquipmentMailbox", "Equipment")])
def test_new_mailbox_of_each_type(org, switch, details, resource):
    row = run(org, "New-Mailbox", Name="Sales EU", DisplayName="Sales Europe",
              PrimarySmtpAddress="sales-eu@contoso.com", **{switch: True}).rows[0]
    assert row["RecipientTypeDetails"] == details
    assert row["ResourceType"] == resource
    assert row["Alias"] == "SalesEU", "the alias is the name without the characters it can't have"
    assert row["EmailAddresses"] == ["SMTP:sales-eu@contoso.com", "smtp:SalesEU@contoso.onmicrosoft.com"]
    assert row["LegacyExchangeDN"].startswith("/o=ExchangeLabs/")
    assert mailbox(org, "sales-eu@contoso.com")["Guid"] == row["Guid"]
    permissions = run(org, "Get-MailboxPermission", Identity=row["Guid"]).rows
    assert any(p["User"] == "NT AUTHORITY\\SELF" for p in permissions)


def test_new_mailbox_primary_defaults_to_alias_at_the_default_domain(org):
    row = run(org, "New-Mailbox", Name="Projects", Alias="proj", Shared=True).rows[0]
    assert row["EmailAddresses"] == ["SMTP:proj@contoso.com", "smtp:proj@contoso.onmicrosoft.com"]
    assert row["DisplayName"] == "Projects"


def test_new_mailbox_refuses_taken_names_and_addresses_and_creates_nothing(org):
    before = len(org.all())
    taken = failure(org, "New-Mailbox", Name="sales", Shared=True)
    assert taken.message == 'The name "sales" is already being used. Please try another name.'
    assert taken.exception_type.endswith("ADObjectAlreadyExistsException")
    clash = failure(org, "New-Mailbox", Name="Other", PrimarySmtpAddress="ALICE@contoso.com", Shared=True)
    assert clash.exception_type.endswith("ProxyAddressExistsException")
    assert 'The proxy address "SMTP:ALICE@contoso.com" is already being used' in clash.message
    assert 'LegacyExchangeDN of "alice"' in clash.message
    alias = failure(org, "New-Mailbox", Name="Other", Alias="bob",
                    PrimarySmtpAddress="other@contoso.com", Shared=True)
    assert '"smtp:bob@contoso.onmicrosoft.com"' in alias.message
    assert len(org.all()) == before


def test_new_mailbox_needs_exactly_one_type_switch(org):
    assert "Password" in failure(org, "New-Mailbox", Name="Someone").message
    both = failure(org, "New-Mailbox", Name="Both", Shared=True, Room=True)
    assert both.message.startswith("Parameter set cannot be resolved")
    assert "room mailboxes" in failure(org, "New-Mailbox", Name="Cap", Shared=True,
                                       ResourceCapacity=4).message


# -- Set-Mailbox -EmailAddresses ------------------------------------------------------------


def test_replace_keeps_one_primary_and_frees_removed_addresses(org):
    result = run(org, "Set-Mailbox", Identity="alice", EmailAddresses=[
        "SMTP:Alice.Adams@contoso.com", "alice@contoso.com", "X500:/o=x/cn=alice"])
    assert result.warnings == []
    row = mailbox(org, "alice")
    assert row["EmailAddresses"] == ["SMTP:Alice.Adams@contoso.com", "smtp:alice@contoso.com",
                                     "X500:/o=x/cn=alice"]
    assert row["PrimarySmtpAddress"] == row["WindowsEmailAddress"] == "Alice.Adams@contoso.com"
    run(org, "New-Mailbox", Name="Old", PrimarySmtpAddress="alice@contoso.onmicrosoft.com", Shared=True)


def test_replace_without_a_primary_promotes_the_first_smtp_address(org):
    run(org, "Set-Mailbox", Identity="bob", EmailAddresses=["smtp:b@contoso.com", "bob@contoso.com"])
    assert mailbox(org, "bob")["EmailAddresses"] == ["SMTP:b@contoso.com", "smtp:bob@contoso.com"]


def test_two_primaries_and_no_smtp_at_all_are_refused(org):
    before = mailbox(org, "alice")["EmailAddresses"]
    two = failure(org, "Set-Mailbox", Identity="alice", EmailAddresses=["SMTP:a@contoso.com",
                                                                        "SMTP:b@contoso.com"])
    assert "multiple primary SMTP addresses" in two.message
    assert two.exception_type.endswith("DataValidationException")
    none = failure(org, "Set-Mailbox", Identity="alice", EmailAddresses=["X500:/o=x/cn=a"])
    assert "primary SMTP address" in none.message
    assert mailbox(org, "alice")["EmailAddresses"] == before


def test_hashtable_adds_removes_and_changes_the_primary(org):
    run(org, "Set-Mailbox", Identity="bob", EmailAddresses={
        "@odata.type": "#Exchange.GenericHashTable", "Add": ["SMTP:robert@contoso.com", "rob@contoso.com"],
        "Remove": "smtp:bob@contoso.onmicrosoft.com"})
    addresses = mailbox(org, "bob")["EmailAddresses"]
    assert addresses[:2] == ["SMTP:robert@contoso.com", "smtp:bob@contoso.com"]
    assert addresses[-1] == "smtp:rob@contoso.com"
    assert "smtp:bob@contoso.onmicrosoft.com" not in addresses
    assert any(a.startswith("SIP:") for a in addresses) and any(a.startswith("X500:") for a in addresses)
    removed_primary = failure(org, "Set-Mailbox", Identity="bob",
                              EmailAddresses={"Remove": ["ROBERT@contoso.com"]})
    assert "can't be removed" in removed_primary.message


def test_address_of_another_recipient_is_refused_and_nothing_changes(org):
    before = mailbox(org, "bob")
    clash = failure(org, "Set-Mailbox", Identity="bob", DisplayName="Robert",
                    EmailAddresses={"Add": ["Carol@contoso.com"]})
    assert clash.message.startswith('The proxy address "smtp:Carol@contoso.com" is already being used')
    assert '"carol"' in clash.message
    after = mailbox(org, "bob")
    assert after["EmailAddresses"] == before["EmailAddresses"]
    assert after["DisplayName"] == "Bob Brown"


def test_invalid_address_is_a_transformation_error(org):
    bad = failure(org, "Set-Mailbox", Identity="bob", EmailAddresses=["not-an-address"])
    assert bad.stage == errors.TRANSFORMATION_STAGE
    assert "not a valid SMTP address" in bad.message


def test_windows_email_address_sets_the_primary(org):
    run(org, "Set-Mailbox", Identity="carol", WindowsEmailAddress="c.clark@contoso.com")
    row = mailbox(org, "carol")
    assert row["EmailAddresses"][:2] == ["SMTP:c.clark@contoso.com", "smtp:carol@contoso.com"]
    assert row["PrimarySmtpAddress"] == "c.clark@contoso.com"


def test_same_addresses_in_other_case_are_no_change(org):
    addresses = mailbox(org, "dave")["EmailAddresses"]
    result = run(org, "Set-Mailbox", Identity="dave", EmailAddresses=list(addresses))
    assert "have been modified" in result.warnings[0]


# -- Set-Mailbox: type, alias, resources, hold ----------------------------------------------


def test_type_conversion_round_trip(org):
    run(org, "Set-Mailbox", Identity="dave", Type="Shared")
    assert mailbox(org, "dave")["RecipientTypeDetails"] == "SharedMailbox"
    run(org, "Set-Mailbox", Identity="dave", Type="Room", ResourceCapacity=8)
    row = mailbox(org, "dave")
    assert (row["RecipientTypeDetails"], row["IsResource"], row["ResourceCapacity"]) == ("RoomMailbox", True, 8)
    run(org, "Set-Mailbox", Identity="dave", Type="regular")
    assert mailbox(org, "dave")["RecipientTypeDetails"] == "UserMailbox"
    assert "Regular, Shared, Room, Equipment" in failure(org, "Set-Mailbox", Identity="dave",
                                                         Type="Kiosk").message


def test_resource_capacity_only_on_rooms(org):
    refused = failure(org, "Set-Mailbox", Identity="sales", ResourceCapacity=3)
    assert "room mailboxes" in refused.message
    assert mailbox(org, "sales")["ResourceCapacity"] is None


def test_alias_is_checked_and_set(org):
    run(org, "Set-Mailbox", Identity="carol", Alias="carol.clark")
    assert mailbox(org, "carol.clark")["Alias"] == "carol.clark"
    assert "characters" in failure(org, "Set-Mailbox", Identity="carol", Alias="carol clark").message


def test_litigation_hold_owner_defaults_to_the_caller_once(org):
    run(org, "Set-Mailbox", Identity="bob", LitigationHoldEnabled=True, LitigationHoldDuration="Unlimited")
    row = mailbox(org, "bob")
    assert (row["LitigationHoldOwner"], row["LitigationHoldDuration"]) == ("tester", "Unlimited")
    run(org, "Set-Mailbox", Identity="bob", LitigationHoldOwner="Legal", LitigationHoldDuration=30)
    row = mailbox(org, "bob")
    assert (row["LitigationHoldOwner"], row["LitigationHoldDuration"]) == ("Legal", "30.00:00:00")


def test_clearing_forwarding_and_custom_attributes_with_null(org):
    run(org, "Set-Mailbox", Identity="bob", ForwardingSmtpAddress="x@example.com", CustomAttribute3="a",
        CustomAttribute4="b")
    # An empty address is refused, as PowerShell cannot make a ProxyAddress of it; nothing changes.
    refused = failure(org, "Set-Mailbox", Identity="bob", ForwardingSmtpAddress="", CustomAttribute3=None)
    assert refused.exception_type.endswith("ParameterTransformationException") and "$null" in refused.message
    assert mailbox(org, "bob")["CustomAttribute3"] == "a"
    # $null clears either; an empty string still clears a text property.
    run(org, "Set-Mailbox", Identity="bob", ForwardingSmtpAddress=None, CustomAttribute3=None, CustomAttribute4="")
    row = mailbox(org, "bob")
    assert row["ForwardingSmtpAddress"] is None and row["CustomAttribute3"] == row["CustomAttribute4"] == ""


# -- Remove-Mailbox -------------------------------------------------------------------------


def test_remove_mailbox_soft_deletes_it_keeping_its_name_and_addresses_taken(org):
    run(org, "Add-MailboxPermission", Identity="sales", User="support", AccessRights=["FullAccess"])
    run(org, "Set-Mailbox", Identity="sales", GrantSendOnBehalfTo=["support"])
    run(org, "Remove-Mailbox", Identity="support@contoso.com", Confirm=False)
    assert failure(org, "Get-Mailbox", Identity="support").category == "NotFound"
    assert failure(org, "Get-Recipient", Identity="support@contoso.com").category == "NotFound"
    users = [p["User"] for p in run(org, "Get-MailboxPermission", Identity="sales").rows]
    assert not any("support" in u.lower() for u in users)
    assert mailbox(org, "sales")["GrantSendOnBehalfTo"] == []
    # Recoverable for 30 days: listed as soft-deleted, its name and addresses still taken.
    deleted = run(org, "Get-Mailbox", SoftDeletedMailbox=True).rows
    assert [(r["Name"], r["IsSoftDeletedByRemove"]) for r in deleted] == [("support", True)]
    assert deleted[0]["WhenSoftDeleted"]
    assert run(org, "Get-Mailbox", SoftDeletedMailbox=True, Identity="support@contoso.com").rows[0]["Name"] == "support"
    taken = failure(org, "New-Mailbox", Name="support", PrimarySmtpAddress="support@contoso.com", Shared=True)
    assert taken.exception_type.endswith("ADObjectAlreadyExistsException")
    taken = failure(org, "New-Mailbox", Name="help desk", PrimarySmtpAddress="support@contoso.com", Shared=True)
    assert taken.exception_type.endswith("ProxyAddressExistsException") and '"support"' in taken.message
    # Purged, they are free again.
    run(org, "Remove-Mailbox", Identity="support@contoso.com", PermanentlyDelete=True, Confirm=False)
    assert run(org, "Get-Mailbox", SoftDeletedMailbox=True).rows == []
    row = run(org, "New-Mailbox", Name="support", PrimarySmtpAddress="support@contoso.com",
              Shared=True).rows[0]
    assert row["Name"] == "support"
    run(org, "Remove-Mailbox", Identity="support", Permanent=True, Confirm=False)
    assert run(org, "Get-Mailbox", SoftDeletedMailbox=True).rows == []
    assert failure(org, "Remove-Mailbox", Identity="nobody").category == "NotFound"
