"""On-premises client access settings in the sandbox: the remoting front end's own table."""

import pytest

from sandbox import catalog, errors, onprem_catalog
from sandbox.model import Organization


@pytest.fixture(name="org")
def org_fixture():
    return Organization(users=2, shared=1)


def run(org, name, **params):
    return onprem_catalog.lookup(name).run(org, params, caller="CONTOSO\\exadmin")


def test_settings_of_an_onprem_mailbox_start_on_and_change(org):
    run(org, "Enable-Mailbox", Identity="erin")
    row = run(org, "Get-CASMailbox", Identity="erin@contoso.com").rows[0]
    assert row["OWAEnabled"] is True and row["PopEnabled"] is True and row["OwaMailboxPolicy"] is None
    assert row["Identity"].endswith("/Erin Evans")
    result = run(org, "Set-CASMailbox", Identity="erin", PopEnabled=False, OwaMailboxPolicy="frontline web")
    assert not result.warnings
    row = run(org, "Get-CASMailbox", Identity="erin").rows[0]
    assert row["PopEnabled"] is False and row["OwaMailboxPolicy"] == "Frontline Web"
    assert run(org, "Set-CASMailbox", Identity="erin", PopEnabled=False).warnings, "no change warns"


def test_cloud_only_switches_and_remote_mailboxes_are_refused(org):
    run(org, "Enable-Mailbox", Identity="erin")
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Set-CASMailbox", Identity="erin", OutlookMobileEnabled=False)
    assert caught.value.stage != errors.EXECUTION, "an unknown parameter fails at binding"
    run(org, "Enable-RemoteMailbox", Identity="frank")
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Get-CASMailbox", Identity="frank")
    assert caught.value.exception_type == errors.NOT_FOUND and "DC01." in caught.value.message
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Set-CASMailbox", Identity="erin", ActiveSyncMailboxPolicy="Nope")
    assert caught.value.exception_type == errors.NOT_FOUND


def test_onprem_families_stay_out_of_exchange_online():
    assert catalog.lookup("Set-CASMailbox").parameters != onprem_catalog.lookup("Set-CASMailbox").parameters
    assert "OutlookMobileEnabled" in catalog.lookup("Set-CASMailbox").parameters
