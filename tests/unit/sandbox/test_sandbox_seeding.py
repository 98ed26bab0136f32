"""A described converged state put straight into the organisation (sandbox.seeding)."""

import json

import pytest

from psrpcore.types import PSSecureString

from sandbox import catalog, cmdlets_onprem, control, seeding
from sandbox.model import Organization

STATE = {
    "mailboxes": [{"mailbox": "shared0001", "full_access": ["user0001", "user0002"], "send_as": ["user0003"],
                   "send_on_behalf": ["user0004"]},
                  {"mailbox": "shared0002", "full_access": ["user0002"]}],
    "groups": [{"group": "bench0001", "members": ["shared0001", "shared0002"]},
               {"group": "finance", "members": ["shared0001"]}],
}


def _run(org, cmdlet, **params):
    return catalog.lookup(cmdlet).run(org, params, caller="test").rows


def test_the_state_reads_back_through_the_cmdlets_as_if_it_had_been_converged():
    org = Organization(users=5, shared=3)
    counts = seeding.apply(org, STATE)
    assert counts == {"full_access": 3, "send_as": 1, "send_on_behalf": 1, "groups": 1, "members": 3}
    full = [r["User"] for r in _run(org, "Get-MailboxPermission", Identity="shared0001") if "FullAccess" in r["AccessRights"]]
    assert any("user0001" in u.lower() for u in full) and any("user0002" in u.lower() for u in full)
    send_as = _run(org, "Get-RecipientPermission", Trustee="user0003")
    assert [r["Identity"] for r in send_as] == ["shared0001"]
    assert _run(org, "Get-Mailbox", Identity="shared0001")[0]["GrantSendOnBehalfTo"]
    members = _run(org, "Get-DistributionGroupMember", Identity="bench0001")
    assert sorted(m["Name"] for m in members) == ["shared0001", "shared0002"]
    assert "shared0001" in control.trustee_state(org, org.index.lookup("user0004")[0])["send_on_behalf"]


def test_applying_it_again_changes_nothing():
    org = Organization(users=5, shared=3)
    seeding.apply(org, STATE)
    shared = org.index.lookup("shared0001")[0]
    before = (len(shared.mailbox_permissions), len(shared.recipient_permissions), list(shared.grant_send_on_behalf_to))
    assert seeding.apply(org, STATE) == dict.fromkeys(("full_access", "send_as", "send_on_behalf", "groups", "members"), 0)
    assert (len(shared.mailbox_permissions), len(shared.recipient_permissions), list(shared.grant_send_on_behalf_to)) == before


def test_an_unknown_name_is_refused_before_anything_changes():
    org = Organization(users=5, shared=3)
    state = {"mailboxes": [{"mailbox": "shared0001", "full_access": ["user0001"]},
                           {"mailbox": "shared0002", "send_as": ["nobody"]}]}
    with pytest.raises(ValueError, match=r"mailboxes\[1\].send_as: .*nobody"):
        seeding.apply(org, state)
    assert not control.trustee_state(org, org.index.lookup("user0001")[0])["full_access"]


@pytest.mark.parametrize("state, message", [
    ([], "must be an object"),
    ({"mailboxes": {}}, "'mailboxes' must be a list"),
    ({"mailboxes": [{"identity": "x"}]}, r"mailboxes\[0\] must be an object with 'mailbox'"),
    ({"groups": [{"group": "g", "members": "shared0001"}]}, r"groups\[0\].members must be a list of names"),
])
def test_a_malformed_description_names_the_entry(state, message):
    with pytest.raises(ValueError, match=message):
        seeding.apply(Organization(users=1, shared=1), state)


def test_a_state_file_is_read_as_json(tmp_path):
    path = tmp_path / "state.json"
    path.write_text(json.dumps(STATE))
    assert seeding.load(str(path)) == STATE
    path.write_text("{")
    with pytest.raises(ValueError, match="cannot be read as JSON"):
        seeding.load(str(path))


def test_onprem_mailboxes_are_made_as_new_mailbox_makes_them_and_only_once():
    org = Organization(users=2, shared=1)
    state = {"onprem_mailboxes": [{"mailbox": "onprem0000"}, {"mailbox": "onprem0001"}],
             "groups": [{"group": "bench0001", "members": ["onprem0000"]}]}
    assert seeding.apply(org, state)["onprem_mailboxes"] == 2
    rows = cmdlets_onprem.lookup("Get-Mailbox").run(org, {"Identity": "onprem0000"}, caller="test").rows
    assert rows[0]["RecipientTypeDetails"] == "UserMailbox" and rows[0]["UserPrincipalName"] == "onprem0000@contoso.com"
    assert rows[0]["Database"] == "DB01"
    assert cmdlets_onprem.lookup("Get-User").run(org, {"Identity": "CONTOSO\\onprem0001"}, caller="test").rows
    assert seeding.apply(org, state)["onprem_mailboxes"] == 0
    assert len([u for u in org.ad_users.values() if u.name.startswith("onprem")]) == 2


def test_an_onprem_mailbox_whose_user_principal_name_is_taken_is_refused_naming_the_entry():
    org = Organization(users=2, shared=1)
    cmdlets_onprem.lookup("New-Mailbox").run(org, {"Name": "Someone", "UserPrincipalName": "taken@contoso.com",
                                                   "Password": PSSecureString("x-Y-1234")}, caller="test")
    with pytest.raises(ValueError, match=r"onprem_mailboxes\[1\]: .*taken"):
        seeding.apply(org, {"onprem_mailboxes": [{"mailbox": "fresh"}, {"mailbox": "taken"}]})
