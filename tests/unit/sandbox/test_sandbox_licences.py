"""Entra users, groups, subscribed SKUs and assignLicense in the sandbox's Graph, and the mailboxes
an Exchange licence makes (through Sandbox.dispatch, no network)."""

import time

import pytest

from sandbox import certs
from sandbox.graph_users import SKUS
from sandbox.server import Sandbox

from test_sandbox_graph import Client, make_directory

EXCHANGE = SKUS[0][1]
E3 = SKUS[1][1]
POWER_BI = SKUS[2][1]
EXCHANGE_E3_PLAN = "efb87545-963c-4e0d-99df-69c6916d9eb0"
NINA = "nina.novak@contoso.com"


@pytest.fixture(scope="module")
def signing_key():
    return certs.make_signing_key()


@pytest.fixture
def sandbox(signing_key):
    directory, main, norole = make_directory(signing_key)
    main.graph_roles += ["User.ReadWrite.All", "LicenseAssignment.Read.All", "GroupMember.ReadWrite.All"]
    return Sandbox(directory.org, directory, main, norole)


@pytest.fixture
def graph(sandbox):
    return Client(sandbox)


def mailbox_of(sandbox, alias):
    return [r for r in sandbox.org.mailboxes() if r.alias == alias]


def assign(graph, user, add=(), remove=()):
    return graph("POST", f"users/{user}/assignLicense",
                 {"addLicenses": [dict(skuId=s, disabledPlans=list(p)) for s, p in add], "removeLicenses": list(remove)})


def group_id(graph, alias):
    return [g["id"] for g in graph("GET", "groups")[1]["value"] if g["mailNickname"] == alias][0]


def test_a_user_shows_usage_location_and_licences_only_when_selected(graph):
    status, plain, unused = graph("GET", "users/alice@contoso.com")
    assert status == 200 and "usageLocation" not in plain and "assignedLicenses" not in plain
    user = graph("GET", "users/alice@contoso.com", query="$select=usageLocation,assignedLicenses")[1]
    assert user["usageLocation"] == "US"
    assert user["assignedLicenses"] == [{"skuId": EXCHANGE, "disabledPlans": []}]


def test_subscribed_skus_count_every_licensed_user(graph, sandbox):
    skus = {s["skuPartNumber"]: s for s in graph("GET", "subscribedSkus")[1]["value"]}
    assert set(skus) == {"EXCHANGESTANDARD", "SPE_E3", "POWER_BI_PRO"}
    licensed = len([r for r in sandbox.org.mailboxes() if r.recipient_type_details == "UserMailbox"])
    assert skus["EXCHANGESTANDARD"]["consumedUnits"] == licensed
    assert skus["EXCHANGESTANDARD"]["prepaidUnits"]["enabled"] == licensed + 10
    assert skus["POWER_BI_PRO"]["consumedUnits"] == skus["POWER_BI_PRO"]["prepaidUnits"]["enabled"] == 1
    assert "EXCHANGE_S_ENTERPRISE" in [p["servicePlanName"] for p in skus["SPE_E3"]["servicePlans"]]


def test_a_licence_needs_a_usage_location_and_then_makes_the_mailbox(graph, sandbox):
    status, body, unused = assign(graph, NINA, add=[(EXCHANGE, ())])
    assert status == 400 and "invalid usage location" in body["error"]["message"]
    assert graph("PATCH", f"users/{NINA}", {"usageLocation": "gb"})[0] == 204
    assert assign(graph, NINA, add=[(EXCHANGE, ())])[0] == 200
    mailbox = mailbox_of(sandbox, "nina.novak")
    assert mailbox and mailbox[0].recipient_type_details == "UserMailbox"
    assert mailbox[0].primary_smtp_address == NINA
    assert graph("GET", f"users/{NINA}", query="$select=usageLocation")[1]["usageLocation"] == "GB"


def test_removing_the_exchange_licence_disconnects_and_giving_it_back_reconnects(graph, sandbox):
    graph("PATCH", f"users/{NINA}", {"usageLocation": "DE"})
    assign(graph, NINA, add=[(EXCHANGE, ())])
    guid = mailbox_of(sandbox, "nina.novak")[0].guid
    assert assign(graph, NINA, remove=[EXCHANGE])[0] == 200
    assert not mailbox_of(sandbox, "nina.novak") and guid in sandbox.org.soft_deleted
    assign(graph, NINA, add=[(EXCHANGE, ())])
    assert mailbox_of(sandbox, "nina.novak")[0].guid == guid, "the same mailbox comes back"


def test_exchange_disabled_in_the_licence_makes_no_mailbox(graph, sandbox):
    graph("PATCH", f"users/{NINA}", {"usageLocation": "DE"})
    assert assign(graph, NINA, add=[(E3, (EXCHANGE_E3_PLAN,))])[0] == 200
    assert not mailbox_of(sandbox, "nina.novak")


def test_no_free_seat_unknown_sku_and_missing_lists_are_refused(graph):
    status, body, unused = assign(graph, "alice@contoso.com", add=[(POWER_BI, ())])
    assert status == 400 and "does not have any available licenses" in body["error"]["message"]
    status, body, unused = assign(graph, "alice@contoso.com", add=[("00000000-0000-0000-0000-000000000000", ())])
    assert status == 400 and "does not correspond to a valid company License" in body["error"]["message"]
    status, body, unused = graph("POST", "users/alice@contoso.com/assignLicense", {"addLicenses": []})
    assert status == 400 and "The missing parameters are: removeLicenses" in body["error"]["message"]


def test_a_licence_group_licenses_its_members_and_membership_is_idempotent_in_graph_terms(graph, sandbox):
    graph("PATCH", f"users/{NINA}", {"usageLocation": "DE"})
    nina = graph("GET", f"users/{NINA}")[1]["id"]
    group = group_id(graph, "lic-exchange")
    reference = {"@odata.id": f"{sandbox.directory.graph_url}/v1.0/directoryObjects/{nina}"}
    assert graph("POST", f"groups/{group}/members/$ref", reference)[0] == 204
    status, body, unused = graph("POST", f"groups/{group}/members/$ref", reference)
    assert status == 400 and "already exist" in body["error"]["message"]
    states = graph("GET", f"users/{nina}", query="$select=licenseAssignmentStates")[1]["licenseAssignmentStates"]
    assert states == [{"skuId": EXCHANGE, "disabledPlans": [], "assignedByGroup": group, "state": "Active",
                       "error": "None"}]
    assert mailbox_of(sandbox, "nina.novak")
    members = graph("GET", f"groups/{group}/members")[1]["value"]
    assert [m["userPrincipalName"] for m in members] == [NINA]
    assert graph("DELETE", f"groups/{group}/members/{nina}/$ref")[0] == 204
    assert graph("DELETE", f"groups/{group}/members/{nina}/$ref")[0] == 404
    assert not mailbox_of(sandbox, "nina.novak")


def test_the_mailbox_comes_after_the_provisioning_delay(graph, sandbox):
    sandbox.faults.configure({"provisioning_delay_s": 0.3})
    graph("PATCH", f"users/{NINA}", {"usageLocation": "DE"})
    assign(graph, NINA, add=[(EXCHANGE, ())])
    assert not mailbox_of(sandbox, "nina.novak")
    deadline = time.time() + 5
    while not mailbox_of(sandbox, "nina.novak") and time.time() < deadline:
        time.sleep(0.05)
    assert mailbox_of(sandbox, "nina.novak")


def test_licence_operations_need_their_permissions(sandbox):
    nobody = Client(sandbox, sandbox.norole_app)
    assert nobody("GET", "subscribedSkus")[0] == 403
    assert nobody("POST", f"users/{NINA}/assignLicense", {"addLicenses": [], "removeLicenses": []})[0] == 403
    sandbox.norole_app.graph_roles = ["LicenseAssignment.ReadWrite.All", "User.Read.All"]
    licensing = Client(sandbox, sandbox.norole_app)
    assert licensing("GET", "subscribedSkus")[0] == 403, "the Graph reference lists no write permission for it"
    assert licensing("PATCH", f"users/{NINA}", {"usageLocation": "GB"})[0] == 403
    assert licensing("GET", f"users/{NINA}")[0] == 200
