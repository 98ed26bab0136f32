"""On-premises cmdlets of the sandbox: AD users, mailbox creation, the address policy, removal."""

import socket
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from psrpcore.types import PSSecureString

from sandbox import cmdlets_onprem, errors, psrp_soap, wsman
from sandbox.model import Organization


@pytest.fixture(name="org")
def org_fixture():
    return Organization(users=2, shared=1)


def run(org, name, **params):
    return cmdlets_onprem.lookup(name).run(org, params, caller="CONTOSO\\exadmin")


def test_enable_gives_the_policy_primary_and_disable_keeps_the_user(org):
    row = run(org, "Enable-Mailbox", Identity="erin").rows[0]
    assert row["PrimarySmtpAddress"] == "erin.evans@contoso.com"
    assert row["EmailAddressPolicyEnabled"] is True and row["Database"] == "DB01"
    assert run(org, "Get-User", Identity="erin").rows[0]["RecipientTypeDetails"] == "UserMailbox"
    run(org, "Disable-Mailbox", Identity="erin@contoso.com")
    assert run(org, "Get-User", Identity="erin").rows[0]["RecipientTypeDetails"] == "User"


def test_new_remote_mailbox_needs_a_secure_string_and_gets_a_routing_address(org):
    with pytest.raises(errors.CmdletFailure):
        run(org, "New-RemoteMailbox", Name="Nora", UserPrincipalName="nora@contoso.com", Password="plain")
    row = run(org, "New-RemoteMailbox", Name="Nora", UserPrincipalName="nora@contoso.com",
              Password=PSSecureString("S3cret!"), PrimarySmtpAddress="nora@contoso.com").rows[0]
    assert row["RemoteRoutingAddress"] == "nora@contoso.mail.onmicrosoft.com"
    assert "smtp:nora@contoso.mail.onmicrosoft.com" in row["EmailAddresses"]
    assert row["EmailAddressPolicyEnabled"] is False, "giving PrimarySmtpAddress turns the policy off"
    run(org, "Remove-RemoteMailbox", Identity="nora@contoso.com")
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Get-User", Identity="nora@contoso.com")
    assert caught.value.exception_type == errors.NOT_FOUND


def test_primary_cannot_move_while_the_policy_applies(org):
    run(org, "Enable-Mailbox", Identity="frank")
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Set-Mailbox", Identity="frank", EmailAddresses=["SMTP:f@contoso.com"])
    assert "EmailAddressPolicyEnabled" in caught.value.message
    run(org, "Set-Mailbox", Identity="frank", EmailAddressPolicyEnabled=False,
        EmailAddresses=["SMTP:f@contoso.com", "X500:/o=Legacy/cn=frank"])
    row = run(org, "Get-Mailbox", Identity="frank").rows[0]
    assert row["EmailAddresses"] == ["SMTP:f@contoso.com", "X500:/o=Legacy/cn=frank"]


def test_duplicates_and_missing_objects_fail_like_exchange(org):
    run(org, "Enable-Mailbox", Identity="grace")
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Enable-Mailbox", Identity="grace")
    assert "already mail-enabled" in caught.value.message
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "New-Mailbox", Name="Grace Green", UserPrincipalName="g2@contoso.com",
            Password=PSSecureString("x"))
    assert caught.value.exception_type.endswith("ADObjectAlreadyExistsException")
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Get-RemoteMailbox", Identity="grace")
    assert caught.value.category == "NotFound", "an on-premises mailbox is not a remote one"


def test_a_hashtable_add_of_an_smtp_primary_makes_it_the_primary_as_online(org):
    run(org, "Enable-Mailbox", Identity="frank")
    run(org, "Set-Mailbox", Identity="frank", EmailAddressPolicyEnabled=False,
        EmailAddresses={"Add": ["smtp:f@contoso.com"]})
    run(org, "Set-Mailbox", Identity="frank", EmailAddresses={"Add": ["SMTP:f@contoso.com"]})
    row = run(org, "Get-Mailbox", Identity="frank").rows[0]
    assert row["PrimarySmtpAddress"] == "f@contoso.com"
    assert [a for a in row["EmailAddresses"] if a.startswith("SMTP:")] == ["SMTP:f@contoso.com"]
    old = [a for a in row["EmailAddresses"] if a.startswith("smtp:")][0]
    run(org, "Set-Mailbox", Identity="frank", EmailAddresses={"Add": ["SMTP:new@contoso.com"], "Remove": [old]})
    row = run(org, "Get-Mailbox", Identity="frank").rows[0]
    assert row["PrimarySmtpAddress"] == "new@contoso.com" and old not in row["EmailAddresses"]
    assert "smtp:f@contoso.com" in row["EmailAddresses"], "the old primary stays as a secondary address"


def test_shared_room_and_equipment_mailboxes_need_no_password_and_convert_with_type(org):
    row = run(org, "New-Mailbox", Name="Front Desk", Shared=True).rows[0]
    assert row["RecipientTypeDetails"] == "SharedMailbox" and row["UserPrincipalName"] == "FrontDesk@contoso.com"
    assert run(org, "Get-Mailbox", Identity="Front Desk").rows[0]["Guid"] == row["Guid"]
    remote = run(org, "New-RemoteMailbox", Name="Room 1", Room=True).rows[0]
    assert remote["RecipientTypeDetails"] == "RemoteRoomMailbox"
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "New-Mailbox", Name="Nobody")
    assert "UserPrincipalName Password" in caught.value.message
    with pytest.raises(errors.CmdletFailure):
        run(org, "New-Mailbox", Name="Both", Shared=True, Room=True)
    run(org, "Set-RemoteMailbox", Identity="Room 1", Type="Equipment")
    assert run(org, "Get-RemoteMailbox", Identity="Room 1").rows[0]["RecipientTypeDetails"] == "RemoteEquipmentMailbox"
    run(org, "Set-Mailbox", Identity="Front Desk", Type="Regular")
    assert run(org, "Get-User", Identity="Front Desk").rows[0]["RecipientTypeDetails"] == "UserMailbox"


def test_archive_on_and_off_on_premises_and_remote(org):
    run(org, "Enable-Mailbox", Identity="erin")
    run(org, "Enable-Mailbox", Identity="erin", Archive=True)
    row = run(org, "Get-Mailbox", Identity="erin").rows[0]
    assert (row["ArchiveState"], row["ArchiveStatus"], row["ArchiveDatabase"]) == ("Local", "None", "DB01")
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Enable-Mailbox", Identity="erin", Archive=True)
    assert "already has an archive" in caught.value.message
    run(org, "Disable-Mailbox", Identity="erin", Archive=True, Confirm=False)
    row = run(org, "Get-Mailbox", Identity="erin").rows[0]
    assert row["ArchiveState"] == "None" and row["ArchiveDatabase"] is None
    run(org, "Enable-RemoteMailbox", Identity="frank")
    run(org, "Enable-RemoteMailbox", Identity="frank", Archive=True)
    assert run(org, "Get-RemoteMailbox", Identity="frank").rows[0]["ArchiveState"] == "HostedProvisioned"
    run(org, "Disable-RemoteMailbox", Identity="frank", Archive=True)
    assert run(org, "Get-RemoteMailbox", Identity="frank").rows[0]["ArchiveState"] == "None"


def test_full_access_send_as_and_send_on_behalf_on_premises(org):
    from sandbox import onprem_catalog  # noqa: F401 - loads the permission cmdlets
    run(org, "Enable-Mailbox", Identity="erin")
    run(org, "Enable-RemoteMailbox", Identity="frank")
    run(org, "Add-MailboxPermission", Identity="erin", User="grace", AccessRights=["FullAccess"], AutoMapping=False)
    rows = run(org, "Get-MailboxPermission", Identity="erin").rows
    assert [(r["User"], r["AccessRights"]) for r in rows][1:] == [("CONTOSO\\grace", ["FullAccess"])]
    assert rows[0]["User"] == "NT AUTHORITY\\SELF"
    # A remote mailbox's Full Access is in Exchange Online: not found on premises.
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Add-MailboxPermission", Identity="frank", User="grace", AccessRights=["FullAccess"])
    assert caught.value.exception_type == errors.NOT_FOUND
    run(org, "Add-ADPermission", Identity="frank", User="grace", ExtendedRights=["Send As"])
    assert run(org, "Add-ADPermission", Identity="frank", User="grace", ExtendedRights="Send-As").warnings
    rows = run(org, "Get-ADPermission", Identity="frank").rows
    assert [r["User"] for r in rows if not r["IsInherited"]] == ["CONTOSO\\grace"]
    with pytest.raises(errors.CmdletFailure) as caught:
        run(org, "Add-ADPermission", Identity="frank", User="nobody", ExtendedRights="Send-As")
    assert caught.value.exception_type.endswith("ADOperationException")
    run(org, "Remove-ADPermission", Identity="frank", User="CONTOSO\\grace", ExtendedRights="Send-As", Confirm=False)
    assert [r for r in run(org, "Get-ADPermission", Identity="frank").rows if not r["IsInherited"]] == []
    run(org, "Set-RemoteMailbox", Identity="frank", GrantSendOnBehalfTo={"Add": ["grace", "erin@contoso.com"]})
    assert run(org, "Get-RemoteMailbox", Identity="frank").rows[0]["GrantSendOnBehalfTo"] == [
        "contoso.local/Users/Grace Green", "contoso.local/Users/Erin Evans"]
    run(org, "Set-RemoteMailbox", Identity="frank", GrantSendOnBehalfTo={"Remove": ["contoso.local/Users/Grace Green"]})
    assert len(run(org, "Get-RemoteMailbox", Identity="frank").rows[0]["GrantSendOnBehalfTo"]) == 1


def test_an_ad_user_is_found_by_each_of_its_names_in_any_case(org):
    user = next(u for u in org.ad_users.values() if u.sam_account_name == "erin")
    names = [user.name, "erin", "CONTOSO\\Erin", user.user_principal_name.upper(), user.guid, "{%s}" % user.guid.upper(),
             org.ad_distinguished_name(user).lower(), f"{user.organizational_unit}/{user.name}"]
    for name in names:
        assert cmdlets_onprem.resolve_user(org, name) is user, name
    for name in ("CONTOSO\\Erin Evans", "erin=", "contoso.local/Users/erin", "OTHER\\erin"):
        with pytest.raises(errors.CmdletFailure):
            cmdlets_onprem.resolve_user(org, name)


def test_the_wsman_listener_sends_each_reply_without_waiting_for_the_previous_segment_to_be_acknowledged():
    """TCP_NODELAY on every WSMan connection: a reply's body is written after its headers, and
    with Nagle's algorithm it waited for the client's delayed ACK (40 ms a request)."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.create_connection(listener.getsockname()) as client:
            connection, _address = listener.accept()
            with connection:
                handler = wsman._Handler.__new__(wsman._Handler)  # pylint: disable=protected-access
                handler.request = connection
                handler.setup()
                assert connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
                assert client


def test_the_state_view_names_an_ad_user_without_a_mailbox_among_the_delegates(org):
    from sandbox import control, onprem_catalog  # noqa: F401 - loads the permission cmdlets
    run(org, "Enable-RemoteMailbox", Identity="frank")
    run(org, "Set-RemoteMailbox", Identity="frank", GrantSendOnBehalfTo={"Add": ["grace"]})
    frank = next(r for r in org.all() if r.alias == "frank")
    assert control.mailbox_state(org, frank)["grant_send_on_behalf_to"] == ["grace@contoso.com"]


def test_a_receive_whose_latency_runs_out_while_it_is_checked_answers_without_waiting(monkeypatch):
    """The injected latency is waited out with one reading of the clock: the time left passing
    between two readings made time.sleep(<0) fail the Receive (a 500 the client saw as an error page)."""
    clock = iter([100.0, 100.2, 100.4])
    monkeypatch.setattr(wsman.time, "monotonic", lambda: next(clock))
    slept = []
    monkeypatch.setattr(wsman.time, "sleep", slept.append)
    host = SimpleNamespace(in_flight={"C1": 100.1}, knows=lambda command_id: True, take=lambda command_id: ([b"x"], True))
    request = SimpleNamespace(body=ET.fromstring('<rsp:Receive xmlns:rsp="%s"><rsp:DesiredStream CommandId="C1">stdout'
                                                 '</rsp:DesiredStream></rsp:Receive>' % psrp_soap.NS["rsp"]), message_id="uuid:1")
    monkeypatch.setattr(wsman.psrp_soap, "receive_response", lambda *args: ("answered", args[2], args[3]))
    endpoint = wsman.Endpoint.__new__(wsman.Endpoint)
    assert endpoint._receive(request, host) == ("answered", "C1", True)  # pylint: disable=protected-access
    assert all(seconds >= 0 for seconds in slept) and "C1" not in host.in_flight
