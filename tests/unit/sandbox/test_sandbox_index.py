"""The identity index against a linear scan, after every way the sandbox changes recipients."""

from cmdlet_testing import count_views, new_org
from psrpcore.types import PSSecureString

from sandbox import catalog, cmdlets_onprem, identity
from sandbox.model import Organization, identity_keys


def _scan(org, text, pool):
    # The sandbox's lookup before the index: every key of every recipient, compared in turn.
    wanted = identity._normalise(text)  # pylint: disable=protected-access
    return [r for r in pool if any(k and k.lower() == wanted for k in identity_keys(org, r))]


class _Oracle:
    """Remembers every key any recipient ever had, and compares index and scan on all of them."""

    def __init__(self, org):
        self.org = org
        self.probes = {"nobody", "", "  ALICE  ", "smtp:ALICE@contoso.com", "SIP:alice@contoso.com"}
        self.checked = 0
        self.check("the seeded organisation")

    def check(self, step):
        org = self.org
        for recipient in org.all():
            self.probes.update(k for k in identity_keys(org, recipient) if k)
            self.probes.add("{" + recipient.guid.upper() + "}")
        narrowed = org.all()
        del narrowed[::2]  # a changed list no longer vouches for its members
        for text in sorted(self.probes):
            for pool in (None, org.mailboxes(), org.groups(), list(org.mailboxes()), narrowed):
                expected = _scan(org, text, org.all() if pool is None else pool)
                found = identity.find(org, text, pool)
                assert [r.guid for r in found] == [r.guid for r in expected], (step, text)
                assert all(a is b for a, b in zip(found, expected)), (step, text)
        self.checked += 1


def _online(org, name, **params):
    return catalog.lookup(name).run(org, params, caller="tester")


def _onprem(org, name, **params):
    return cmdlets_onprem.lookup(name).run(org, params, caller="CONTOSO\\exadmin")


def test_index_matches_the_scan_through_every_online_cmdlet_that_changes_recipients():
    org = new_org(users=3, shared=2)
    oracle = _Oracle(org)
    steps = [
        ("New-Mailbox", {"Name": "Project X", "Alias": "projx", "DisplayName": "Alice Adams",
                         "PrimarySmtpAddress": "projx@contoso.com", "Shared": True}),
        ("Set-Mailbox", {"Identity": "projx", "Alias": "projy", "DisplayName": "Project Y"}),
        ("Set-Mailbox", {"Identity": "projy", "EmailAddresses": [
            "SMTP:y@contoso.com", "smtp:projx@contoso.com", "X500:/o=Old/cn=projx"]}),
        ("Set-Mailbox", {"Identity": "projy", "EmailAddresses": {"remove": ["projx@contoso.com"]}}),
        ("Set-Mailbox", {"Identity": "projy", "WindowsEmailAddress": "why@contoso.com"}),
        ("Set-Mailbox", {"Identity": "projy", "Type": "Regular"}),
        ("Set-Mailbox", {"Identity": "bob", "DisplayName": "Chris Green"}),
        ("Set-Mailbox", {"Identity": "alice", "GrantSendOnBehalfTo": ["bob"]}),
        ("New-DistributionGroup", {"Name": "auditors", "Alias": "audit", "DisplayName": "Bob Brown",
                                   "PrimarySmtpAddress": "audit@contoso.com"}),
        ("Set-DistributionGroup", {"Identity": "audit", "Alias": "audit2", "DisplayName": "Audit"}),
        ("Set-DistributionGroup", {"Identity": "audit2", "PrimarySmtpAddress": "a2@contoso.com"}),
        ("Remove-DistributionGroup", {"Identity": "finance"}),
        ("Remove-Mailbox", {"Identity": "y@contoso.com"}),
        ("Remove-Mailbox", {"Identity": "chris.green2"}),
    ]
    for name, params in steps:
        _online(org, name, **params)
        oracle.check(f"{name} {params}")
    assert identity.find(org, "projx@contoso.com") == []
    assert [r.alias for r in identity.find(org, "chris green")] == ["bob", "chris.green"]
    assert identity.resolve(org, "a2@contoso.com").alias == "audit2"


def test_index_matches_the_scan_through_every_onprem_cmdlet_that_changes_recipients():
    org = new_org(users=2, shared=1)
    oracle = _Oracle(org)
    secret = PSSecureString("S3cret!")
    steps = [
        ("Enable-Mailbox", {"Identity": "erin"}),
        ("Enable-RemoteMailbox", {"Identity": "frank", "Alias": "frankf",
                                  "DisplayName": "Frank F"}),
        ("New-Mailbox", {"Name": "Nora N", "UserPrincipalName": "nora@contoso.com",
                         "Password": secret}),
        ("New-RemoteMailbox", {"Name": "Otto O", "UserPrincipalName": "otto@contoso.com",
                               "Password": secret, "PrimarySmtpAddress": "otto@contoso.com"}),
        ("Set-Mailbox", {"Identity": "erin", "DisplayName": "Erin E"}),
        ("Set-Mailbox", {"Identity": "erin", "EmailAddressPolicyEnabled": False,
                         "EmailAddresses": ["SMTP:e@contoso.com", "X500:/o=Legacy/cn=erin"]}),
        ("Set-RemoteMailbox", {"Identity": "frankf", "EmailAddressPolicyEnabled": False,
                               "PrimarySmtpAddress": "ff@contoso.com"}),
        ("Disable-Mailbox", {"Identity": "e@contoso.com"}),
        ("Remove-RemoteMailbox", {"Identity": "otto@contoso.com"}),
        ("Disable-RemoteMailbox", {"Identity": "ff@contoso.com"}),
    ]
    for name, params in steps:
        _onprem(org, name, **params)
        oracle.check(f"{name} {params}")
    assert identity.find(org, "e@contoso.com") == []
    assert identity.resolve(org, "nora@contoso.com").name == "Nora N"


def test_index_follows_the_model_directly_and_a_reseed():
    org = new_org(users=2, shared=1)
    oracle = _Oracle(org)
    alice = identity.resolve(org, "alice")
    alice.email_addresses.append("smtp:ally@contoso.com")
    oracle.check("an address appended in place")
    alice.email_addresses[0] = "SMTP:adams@contoso.com"
    oracle.check("an address replaced in place")
    del alice.email_addresses[1:]
    oracle.check("addresses deleted in place")
    alice.email_addresses += ["X500:/o=Old/cn=alice"]
    oracle.check("addresses added in place")
    alice.name = "Alice A"
    alice.user_principal_name = "aa@contoso.com"
    alice.exchange_guid = "0e0e0e0e-0000-4000-8000-000000000000"
    oracle.check("renamed, new UPN and ExchangeGuid")
    assert identity.resolve(org, org.distinguished_name(alice)) is alice
    org.set_email_addresses(alice, ["SMTP:alice@contoso.com"])
    oracle.check("set_email_addresses")
    org.remove(alice)
    alice.alias = "ghost"
    oracle.check("a removed recipient changed afterwards")
    assert identity.find(org, "ghost") == []
    org.seed()
    oracle.check("reseeded")
    assert identity.resolve(org, "alice").name == "alice"


def test_mailbox_and_group_lists_follow_additions_removals_and_types():
    org = new_org(users=2, shared=1)
    oracle = _Oracle(org)
    before = org.mailboxes()
    bob = identity.resolve(org, "bob")
    bob.recipient_type = "MailUser"
    assert bob not in org.mailboxes() and bob in before, "handed-out lists are copies"
    oracle.check("bob is no longer a mailbox")
    assert identity.find(org, "bob", org.mailboxes()) == []
    bob.recipient_type = "MailUniversalDistributionGroup"
    assert [g.name for g in org.groups()] == ["bob", "all-staff", "sales-team", "finance"]
    oracle.check("bob is a group")
    _online(org, "New-DistributionGroup", Name="late")
    assert org.groups()[-1].name == "late"
    assert [r.name for r in org.all()] == [r.name for r in org.recipients.values()]


def test_a_view_of_the_mailboxes_narrows_a_lookup_without_copying_them():
    org = Organization(users=3, shared=1)
    view = org.mailboxes(view=True)
    assert list(view) == list(org.mailboxes()) and len(view) == len(org.mailboxes()) and view[0] is org.mailboxes()[0]
    # The listing is the organisation's cached list itself, not a copy of it.
    assert view._items is org.mailboxes(view=True)._items  # pylint: disable=protected-access
    assert identity.find(org, "all-staff", view) == []
    assert [r.name for r in identity.find(org, "user0001", view)] == ["user0001"]


def test_a_name_range_filter_views_only_the_recipients_in_its_range(monkeypatch):
    # A read split into Name ranges (issue 23) cost a view of every recipient per stream: its
    # sandbox CPU per request grew with the organisation (3.8 s a page at 60,000).
    org = new_org(users=40, shared=20)
    text = "Name -ge 'user0010' -and Name -lt 'user0020' -and RecipientTypeDetails -eq 'UserMailbox'"
    viewed = count_views(monkeypatch, "recipient_view")
    rows = catalog.lookup("Get-Recipient").run(org, {"Filter": text}, caller="t").rows
    assert [row["Name"] for row in rows] == ["user%04d" % n for n in range(10, 20)]
    # One view to check the filter's properties, then the ten in range.
    assert len(viewed) == 11
    either = "Name -lt 'user0002' -or Name -eq 'shared0001'"
    assert sorted(row["Name"] for row in catalog.lookup("Get-Recipient").run(org, {"Filter": either}, caller="t").rows) \
        == sorted(r.name for r in org.all() if r.name.lower() < "user0002" or r.name == "shared0001")
