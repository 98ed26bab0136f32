"""The sandbox's own cost per request (issue 23: it must not grow with N): a paged read views only
the rows of the page asked for, ``$select`` views only the selected properties, a range filter
tests only the recipients within its bounds, and a request at 0 ms does not sleep; the wire
result is the same as viewing every whole row and trimming."""

import email.message
import json
import tempfile

import pytest
from cmdlet_testing import count_views, new_org

from sandbox import catalog, certs, entra, opath, paging, server, views
from sandbox.lazy_rows import LazyRows, trim, wanted_names
from sandbox.web import Request


class Wire:
    """InvokeCommand requests through the sandbox's whole request path, in process."""

    def __init__(self, org):
        directory = entra.Directory(org, "https://127.0.0.1:4443", certs.make_signing_key())
        main, norole, unused = server._register_apps(directory, tempfile.mkdtemp(prefix="lazy-rows-"))  # pylint: disable=protected-access
        self.sandbox = server.Sandbox(org, directory, main, norole)
        self.token = directory.mint(main, directory.exchange_url, 3600)
        self.base = "/adminapi/beta/%s/" % org.tenant_id

    def invoke(self, cmdlet, query="", page_size=None, **params):
        headers = email.message.Message()
        headers["Authorization"] = "Bearer " + self.token
        headers["Content-Type"] = "application/json"
        if page_size:
            headers["Prefer"] = "odata.maxpagesize=%d" % page_size
        body = json.dumps({"CmdletInput": {"CmdletName": cmdlet, "Parameters": params}}).encode()
        response = self.sandbox.dispatch(Request("POST", self.base + "InvokeCommand", query, headers, body))
        assert response.status == 200, response.body[:300]
        return json.loads(response.body)

    def pages(self, cmdlet, select=None, page_size=3, **params):
        """Every page's answer of a read, following the next links."""
        answers = [self.invoke(cmdlet, "$select=" + select if select else "", page_size, **params)]
        while "@odata.nextLink" in answers[-1]:
            answers.append(self.invoke(cmdlet, answers[-1]["@odata.nextLink"].split("?", 1)[1], page_size, **params))
        return answers


@pytest.fixture(name="reader", scope="module")
def fixture_reader():
    """One sandbox for the tests that only read (making one costs an RSA key and certificate)."""
    return Wire(new_org(users=12, shared=5))


@pytest.fixture(name="ranger", scope="module")
def fixture_ranger():
    """A larger sandbox, only read, for the range filters."""
    return Wire(new_org(users=40, shared=20))


@pytest.fixture(name="counted")
def fixture_counted(monkeypatch):
    """The names of the mailboxes Get-Mailbox views, in order."""
    return count_views(monkeypatch, "mailbox_view")


READS = [
    {"ResultSize": "Unlimited"},
    {},
    {"ResultSize": 7},
    {"Filter": "Name -ge 'shared' -and Name -lt 'user0009'", "ResultSize": "Unlimited"},
    {"Filter": "RecipientTypeDetails -eq 'UserMailbox' -and Name -ne 'user0004'", "ResultSize": 8},
    {"Filter": "DisplayName -like '*0*'", "ResultSize": "Unlimited"},
]


@pytest.mark.parametrize("params", READS)
def test_the_pages_are_the_rows_the_whole_read_returns(params, reader):
    whole = catalog.lookup("Get-Mailbox").run(reader.sandbox.org, dict(params), caller="t")
    assert isinstance(whole.rows, list)
    answers = reader.pages("Get-Mailbox", **params)
    got = [row["Name"] for answer in answers for row in answer["value"]]
    assert got == [row["Name"] for row in whole.rows] and got
    assert all(answer["@adminapi.warnings"] == whole.warnings for answer in answers)
    assert [len(answer["value"]) for answer in answers[:-1]] == [3] * (len(answers) - 1)


@pytest.mark.parametrize("params", READS)
@pytest.mark.parametrize("select", ["Name,Guid", "name,GRANTSENDONBEHALFTO,PrimarySmtpAddress,Nonesuch",
                                    "WhenChanged,EmailAddresses,ExchangeGuid,CustomAttribute3"])
def test_select_pages_are_the_whole_rows_trimmed_with_the_same_links(params, select, reader):
    whole, chosen = reader.pages("Get-Mailbox", **params), reader.pages("Get-Mailbox", select, **params)
    wanted = wanted_names(select)
    annotations = {key for answer in whole for row in answer["value"] for key in row if "@" in key}
    for plain, selected in zip(whole, chosen, strict=True):
        expected = [{k: v for k, v in row.items() if k.split("@")[0].lower() in wanted} for row in plain["value"]]
        assert selected["value"] == expected
        assert list(json.dumps(selected["value"])) == list(json.dumps(expected)), "same keys in the same order"
        assert ("@odata.nextLink" in plain) == ("@odata.nextLink" in selected)
        if "@odata.nextLink" in selected:
            assert selected["@odata.nextLink"].endswith("&$select=" + select)
    assert annotations, "the whole rows carry type annotations"


def test_a_first_page_views_only_its_own_rows(counted):
    org = new_org(users=40, shared=20)
    wire = Wire(org)
    answers = wire.pages("Get-Mailbox", ResultSize="Unlimited")
    assert len(counted) == len(org.mailboxes()), "each row viewed once over all the pages"
    del counted[:]
    wire.invoke("Set-Mailbox", Identity="user0001", DisplayName="Changed")
    first = wire.invoke("Get-Mailbox", "", 3, ResultSize="Unlimited")
    assert [row["Name"] for row in first["value"]] == [row["Name"] for row in answers[0]["value"]]
    # Before, the first page viewed every mailbox (and kept the rows for the next pages).
    assert counted == [row["Name"] for row in first["value"]]


def test_a_filter_left_to_the_rows_views_only_as_far_as_the_page_needs(counted):
    org = new_org(users=40, shared=20)
    text = "RecipientTypeDetails -eq 'SharedMailbox'"
    first = Wire(org).invoke("Get-Mailbox", "", 3, Filter=text, ResultSize="Unlimited")
    shared = [r.name for r in org.mailboxes() if r.recipient_type_details == "SharedMailbox"]
    assert [row["Name"] for row in first["value"]] == shared[:3] and "@odata.nextLink" in first
    everyone = [r.name for r in org.mailboxes()]
    # One view to check the filter's properties, then the candidates up to the fourth match (is
    # there a next page?).
    assert counted[1:] == everyone[:everyone.index(shared[3]) + 1]


def test_a_range_filter_decided_by_name_views_no_row_it_does_not_return(counted):
    org = new_org(users=40, shared=20)
    first = Wire(org).invoke("Get-Mailbox", "", 3, Filter="Name -ge 'user0010' -and Name -lt 'user0020'",
                             ResultSize="Unlimited")
    assert [row["Name"] for row in first["value"]] == ["user0010", "user0011", "user0012"]
    assert counted[1:] == ["user0010", "user0011", "user0012"]


@pytest.mark.parametrize("view,kind", [(views.mailbox_view, "mailboxes"), (views.recipient_view, "all")])
def test_a_selective_view_is_the_whole_view_trimmed(view, kind):
    org = new_org(users=3, shared=2)
    recipients = list(getattr(org, kind)())
    names = list(view(org, recipients[0]))
    selections = [names, names[::7], [n.upper() for n in names[1::5]], ["Nonesuch"], [], ["guid", "Guid", "name"]]
    for recipient in recipients:
        whole = view(org, recipient)
        for chosen in selections:
            wanted = frozenset(n.lower() for n in chosen)
            assert list(view(org, recipient, wanted).items()) == list(trim(whole, wanted).items())


def test_lazy_rows_behave_as_a_list_for_other_callers():
    built = []
    rows = LazyRows(list(range(10)), lambda n: built.append(n) or {"N": n}, keep=lambda n, row: n % 2 == 0)
    assert rows.more_than(2) and built == [0, 1, 2, 3, 4]
    rows.limit(4)
    assert len(rows) == 4 and [r["N"] for r in rows] == [0, 2, 4, 6] and rows[-1] == {"N": 6}
    assert rows == [{"N": 0}, {"N": 2}, {"N": 4}, {"N": 6}] and not rows.more_than(4)
    plain = LazyRows(list(range(5)), lambda n: {"N": n, "M": -n})
    plain[1]["N"] = 100
    assert plain.page(0, 3, frozenset(["n"])) == [{"N": 0}, {"N": 100}, {"N": 2}], "a row changed in place stays changed"
    with pytest.raises(IndexError):
        plain[5]  # pylint: disable=pointless-statement


def test_paging_a_kept_lazy_read_resumes_where_it_stopped(counted):
    org, pager = new_org(users=6, shared=2), paging.Pager(b"k" * 32)
    body = {"CmdletName": "Get-Mailbox", "Parameters": {"ResultSize": "Unlimited"}}
    digest = paging.request_digest(body)

    def run():
        return catalog.lookup("Get-Mailbox").run(org, body["Parameters"], lazy=True)

    result, page, token = pager.read(org, digest, 0, 3, run)
    assert isinstance(result.rows, LazyRows) and len(counted) == 3 and token
    again, page2, unused = pager.read(org, digest, 3, 3, run)
    assert again is result and len(counted) == 6 and [r["Name"] for r in page + page2] == counted


RANGES = ["Name -ge 'user0010' -and Name -lt 'user0020'", "Name -gt 'USER0010' -and Name -le 'user0020'",
          "Name -ge 'shared0002'", "Name -lt 'shared0003' -and Name -like '*1'", "Name -ge 'z'", "Name -le 'a'",
          "Name -ge 'user0030' -and Name -lt 'user0010'", "Name -eq 'user0011'",
          "Guid -ge '80000000-0000-0000-0000-000000000000' -and Guid -lt 'c0000000-0000-0000-0000-000000000000'",
          "Guid -lt '40000000' -and Name -ge 'user'", "Name -ge 'user0010' -or Name -lt 'shared0003'"]


@pytest.mark.parametrize("cmdlet", ["Get-Mailbox", "Get-Recipient"])
@pytest.mark.parametrize("text", RANGES)
def test_a_range_filter_finds_its_recipients_without_testing_every_one(cmdlet, text, monkeypatch, ranger):
    org, wire = ranger.sandbox.org, ranger
    tree = opath.parse(text)
    expected = [r.name for r in (org.mailboxes() if cmdlet == "Get-Mailbox" else org.all())
                if opath.evaluate(tree, {"Name": r.name, "Guid": r.guid})]
    tested = []
    real = opath.satisfies
    monkeypatch.setattr(opath, "satisfies", lambda required, value: tested.append(value) or real(required, value))
    got = [row["Name"] for answer in wire.pages(cmdlet, "Name", 1000, Filter=text, ResultSize="Unlimited")
           for row in answer["value"]]
    assert got == expected
    low, high = opath.range_bounds(opath.conjuncts_on(tree, "Name"))
    if (low or high) and not opath.conjuncts_on(tree, "Guid"):
        # Only the recipients within the range's bounds are tested; before, every recipient was.
        listed = org.mailboxes() if cmdlet == "Get-Mailbox" else org.all()
        within = [r.name for r in listed if (low is None or r.name.lower() >= low) and (high is None or r.name.lower() <= high)]
        assert tested == within


def test_at_zero_latency_a_request_does_not_sleep(monkeypatch):
    # time.sleep(0) gave up the GIL once or twice per request and per $batch entry, to wait for it again.
    wire = Wire(new_org(users=3, shared=2))
    slept = []
    monkeypatch.setattr(server.time, "sleep", slept.append)
    wire.invoke("Get-Mailbox", "", None, Identity="user0001")
    for model in ("parallel", "sequential"):
        wire.sandbox.faults.configure({"batch_model": model})
        headers = email.message.Message()
        headers["Authorization"] = "Bearer " + wire.token
        headers["Content-Type"] = "application/json"
        body = {"requests": [{"id": str(i), "method": "POST", "url": wire.base + "InvokeCommand",
                              "headers": {"Content-Type": "application/json"},
                              "body": {"CmdletInput": {"CmdletName": "Get-Mailbox", "Parameters": {"Identity": "user0001"}}}}
                             for i in range(3)]}
        answer = wire.sandbox.dispatch(Request("POST", wire.base + "$batch", "", headers, json.dumps(body).encode()))
        assert answer.status == 200 and [r["status"] for r in json.loads(answer.body)["responses"]] == [200] * 3
    assert not slept
    wire.sandbox.faults.configure({"latency_ms": 5})
    wire.invoke("Get-Mailbox", "", None, Identity="user0001")
    assert slept and all(s > 0 for s in slept)
