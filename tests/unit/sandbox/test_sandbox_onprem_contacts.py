"""Mail contacts over the sandbox's remoting front end: the shared contacts, on-premises errors, OUs."""

import pytest

from sandbox import errors, onprem_catalog
from sandbox.model import Organization


@pytest.fixture(name="org")
def org_fixture():
    return Organization(users=2, shared=1)


def run(org, name, **params):
    return onprem_catalog.lookup(name).run(org, params, caller="CONTOSO\\exadmin")


def test_a_contact_is_made_in_an_ou_and_shows_it(org):
    row = run(org, "New-MailContact", Name="Chris", ExternalEmailAddress="chris@tailspintoys.com",
              OrganizationalUnit="contoso.local/staff").rows[0]
    assert row["OrganizationalUnit"] == "contoso.local/Staff"
    assert run(org, "Get-Recipient", Identity="chris@tailspintoys.com").rows[0]["OrganizationalUnit"] == "contoso.local/Staff"
    other = run(org, "New-MailContact", Name="Dana", ExternalEmailAddress="dana@tailspintoys.com").rows[0]
    assert other["OrganizationalUnit"] == "contoso.local/Users", "the default container"


def test_on_premises_error_shapes(org):
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Get-MailContact", Identity="nobody")
    assert caught.value.exception_type == errors.NOT_FOUND and "DC01.contoso.local" in caught.value.message
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "New-MailContact", Name="X", ExternalEmailAddress="x@fabrikam.com", OrganizationalUnit="contoso.local/No")
    assert caught.value.exception_type == errors.NOT_FOUND and "contoso.local/No" in caught.value.message
    assert not run(org, "Get-Recipient", ResultSize="Unlimited", Filter="Name -eq 'X'").rows, "nothing was made"
    run(org, "New-MailContact", Name="Chris", ExternalEmailAddress="chris@tailspintoys.com")
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "New-MailContact", Name="Chris", ExternalEmailAddress="other@tailspintoys.com")
    assert caught.value.exception_type.endswith("ADObjectAlreadyExistsException")


def test_organizational_units_are_listed_and_looked_up(org):
    assert [u["Identity"] for u in run(org, "Get-OrganizationalUnit").rows] == ["contoso.local/Users", "contoso.local/Staff"]
    with pytest.raises(errors.CmdletFailure):
        run(org, "Get-OrganizationalUnit", Identity="contoso.local/Nowhere")
