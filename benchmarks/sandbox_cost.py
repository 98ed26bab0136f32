"""The sandbox's own cost per request at several sizes (issue 23 item 5): does it grow with N?

In-process, without HTTP or latency: an organisation of N users and N shared mailboxes seeded
with the moonshot state (benchmarks/moonshot.py), then the reads the converged audit and the
export make, each timed over several runs:

- an organisation-wide ``Get-Mailbox`` and ``Get-RecipientPermission`` (per row, all of them
  at once; through the wire, ``--wire``, they are paged 1,000 rows at a time and a page views only
  its own rows, sandbox/lazy_rows.py);
- ``Get-MailboxPermission -Identity``, ``Get-DistributionGroup -Identity`` and
  ``Get-DistributionGroupMember -Identity`` (per request: a ``$batch`` entry each);
- seeding the state (per mailbox).

    python benchmarks/sandbox_cost.py --sizes 2000,20000
"""

import argparse
import email.message
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sandbox import catalog, certs, entra, seeding, server  # noqa: E402  (needs the repository on the path)
from sandbox.model import Organization  # noqa: E402
from sandbox.web import Request  # noqa: E402

import moonshot  # noqa: E402


def _timed(run, repeat):
    best = None
    for unused in range(repeat):
        start = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def measure(n, repeat=5):
    """Microseconds per row or per request of each read at size N."""
    org = Organization(users=n, shared=n)
    start = time.perf_counter()
    seeding.apply(org, moonshot.state(n))
    seed_s = time.perf_counter() - start

    def cmdlet(name, **params):
        return lambda: catalog.lookup(name).run(org, params, caller="bench").rows

    figures = {"n": n, "seed_us_per_mailbox": seed_s / n * 1e6}
    for name in ("Get-Mailbox", "Get-RecipientPermission"):
        elapsed, rows = _timed(cmdlet(name, ResultSize="Unlimited"), 2)
        figures[name + " (all), us/row"] = elapsed / len(rows) * 1e6
    picks = ["shared%04d" % (1 + i * (n // repeat)) for i in range(repeat)]
    for name, identity in (("Get-MailboxPermission", picks), ("Get-Mailbox", picks),
                           ("Get-DistributionGroup", ["bench%04d" % (1 + i) for i in range(repeat)]),
                           ("Get-DistributionGroupMember", ["bench%04d" % (1 + i) for i in range(repeat)])):
        total = sum(_timed(cmdlet(name, Identity=one), 3)[0] for one in identity)
        figures[name + " -Identity, us"] = total / len(identity) * 1e6
    return figures


class Wire:
    """Requests through the sandbox's whole request path (Sandbox.dispatch: token check, budget,
    cmdlet, paging, JSON), in process, without HTTP or latency."""

    def __init__(self, org):
        directory = entra.Directory(org, "https://127.0.0.1:4443", certs.make_signing_key())
        main, norole, unused = server._register_apps(directory, tempfile.mkdtemp(prefix="sandbox-cost-"))
        self.sandbox = server.Sandbox(org, directory, main, norole)
        self.token = directory.mint(main, directory.exchange_url, 3600)
        self.base = "/adminapi/beta/%s/" % org.tenant_id

    def _post(self, path, payload, query=""):
        headers = email.message.Message()
        headers["Authorization"] = "Bearer " + self.token
        headers["Content-Type"] = "application/json"
        response = self.sandbox.dispatch(Request("POST", self.base + path, query, headers, json.dumps(payload).encode()))
        assert response.status == 200, response.body[:300]
        return json.loads(response.body)

    def invoke(self, cmdlet, query="", **params):
        """One InvokeCommand; its answer."""
        return self._post("InvokeCommand", {"CmdletInput": {"CmdletName": cmdlet, "Parameters": params}}, query)

    def batch(self, calls):
        """One $batch of ``(cmdlet, parameters)``; the entries' statuses."""
        answer = self._post("$batch", {"requests": [
            {"id": str(i), "method": "POST", "url": self.base + "InvokeCommand",
             "headers": {"Content-Type": "application/json", "X-CmdletName": cmdlet},
             "body": {"CmdletInput": {"CmdletName": cmdlet, "Parameters": params}}} for i, (cmdlet, params) in enumerate(calls)]})
        statuses = [r["status"] for r in answer["responses"]]
        assert statuses == [200] * len(calls), answer["responses"][0]
        return statuses


# What the audit's organisation-wide reads ask for (plugins/module_utils/recipients/identities.py).
AUDIT_SELECT = ("Guid", "ExchangeObjectId", "ExternalDirectoryObjectId", "ExchangeGuid", "Identity", "Id", "Name", "Alias",
                "UserPrincipalName", "PrimarySmtpAddress", "WindowsEmailAddress", "WindowsLiveID", "MicrosoftOnlineServicesID",
                "DistinguishedName", "EmailAddresses", "GrantSendOnBehalfTo", "RecipientTypeDetails", "DisplayName")


def measure_wire(n, org=None, repeat=5):
    """Milliseconds of CPU per request of the audit's and the converge's main requests at size N,
    through the whole request path (a $batch of ten counts as one request)."""
    if org is None:
        org = Organization(users=n, shared=n)
        seeding.apply(org, moonshot.state(n))
    wire = Wire(org)
    shared = ["shared%04d" % (1 + i * (n // (10 * repeat))) for i in range(10 * repeat)]
    groups = ["bench%04d" % (1 + i * (n // (100 * repeat))) for i in range(10 * repeat)]
    chunks = [shared[i:i + 10] for i in range(0, len(shared), 10)]
    gchunks = [groups[i:i + 10] for i in range(0, len(groups), 10)]
    users = ["user%04d" % (n - i) for i in range(10 * repeat)]
    figures = {}

    def per_request(name, runs):
        start = time.process_time()
        for run in runs:
            run()
        figures[name] = (time.process_time() - start) / len(runs) * 1e3

    first = wire.invoke("Get-Mailbox", ResultSize="Unlimited")
    nxt = first["@odata.nextLink"].split("?", 1)[1]
    per_request("Get-Mailbox (all), first page of 1,000", [lambda: wire.invoke("Get-Mailbox", ResultSize="Unlimited")] * 3)
    per_request("Get-Mailbox (all), next page of 1,000",
                [lambda: wire.invoke("Get-Mailbox", nxt, ResultSize="Unlimited")] * 3)
    select = "$select=" + ",".join(AUDIT_SELECT)
    first = wire.invoke("Get-Mailbox", select, ResultSize="Unlimited")
    nxt = first["@odata.nextLink"].split("?", 1)[1]
    per_request("Get-Mailbox (all) $select of 18, first page of 1,000",
                [lambda: wire.invoke("Get-Mailbox", select, ResultSize="Unlimited")] * 3)
    per_request("Get-Mailbox (all) $select of 18, next page of 1,000",
                [lambda: wire.invoke("Get-Mailbox", nxt, ResultSize="Unlimited")] * 3)
    per_request("Get-Recipient -Filter on a Name range, a page", [lambda: wire.invoke(
        "Get-Recipient", Filter="Name -ge 'user5' -and Name -lt 'user6'", ResultSize="Unlimited")] * 3)
    per_request("Get-Mailbox -Filter on a Guid range (1/16), first page", [lambda: wire.invoke(
        "Get-Mailbox", Filter="Guid -ge '80000000-0000-0000-0000-000000000000' -and Guid -lt "
        "'90000000-0000-0000-0000-000000000000'", ResultSize="Unlimited")] * 3)
    per_request("$batch of 10 Get-MailboxPermission", [lambda c=c: wire.batch(
        [("Get-MailboxPermission", {"Identity": m}) for m in c]) for c in chunks])
    per_request("$batch of 10 Get-DistributionGroupMember", [lambda c=c: wire.batch(
        [("Get-DistributionGroupMember", {"Identity": g}) for g in c]) for c in gchunks])
    per_request("$batch of 10 Add-MailboxPermission", [lambda c=c, u=u: wire.batch(
        [("Add-MailboxPermission", {"Identity": m, "User": u, "AccessRights": ["FullAccess"]}) for m in c])
        for c, u in zip(chunks, users)])
    per_request("$batch of 10 Add-RecipientPermission", [lambda c=c, u=u: wire.batch(
        [("Add-RecipientPermission", {"Identity": m, "Trustee": u, "AccessRights": ["SendAs"], "Confirm": False})
         for m in c]) for c, u in zip(chunks, users)])
    per_request("$batch of 10 Set-Mailbox -GrantSendOnBehalfTo", [lambda c=c, u=u: wire.batch(
        [("Set-Mailbox", {"Identity": m, "GrantSendOnBehalfTo": {"add": [u]}}) for m in c])
        for c, u in zip(chunks, users)])
    per_request("$batch of 10 Add-DistributionGroupMember", [lambda c=c, u=u: wire.batch(
        [("Add-DistributionGroupMember", {"Identity": g, "Member": u}) for g in c]) for c, u in zip(gchunks, users)])
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--wire", action="store_true", help="also each main request through the whole request path, ms of CPU")
    args = parser.parse_args()
    results = [measure(int(n)) for n in args.sizes.split(",")]
    keys = [k for k in results[0] if k != "n"]
    print("| read | " + " | ".join("N=%d" % r["n"] for r in results) + " |")
    print("|---|" + "---:|" * len(results))
    for key in keys:
        print("| %s | %s |" % (key, " | ".join("%.0f" % r[key] for r in results)))
    if args.wire:
        wire = [measure_wire(int(n)) for n in args.sizes.split(",")]
        print("\n| request, ms of CPU | " + " | ".join("N=%d" % r["n"] for r in results) + " |")
        print("|---|" + "---:|" * len(results))
        for key in wire[0]:
            print("| %s | %s |" % (key, " | ".join("%.2f" % r[key] for r in wire)))


if __name__ == "__main__":
    main()
