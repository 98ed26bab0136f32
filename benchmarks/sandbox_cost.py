"""The sandbox's own cost per request at several sizes (issue 23 item 5): does it grow with N?

In-process, without HTTP or latency: an organisation of N users and N shared mailboxes seeded
with the moonshot state (benchmarks/moonshot.py), then the reads the converged audit and the
export make, each timed over several runs:

- an organisation-wide ``Get-Mailbox`` and ``Get-RecipientPermission`` (per row: they are paged
  1,000 rows at a time, and the sandbox builds the rows once per read, sandbox/paging.py);
- ``Get-MailboxPermission -Identity``, ``Get-DistributionGroup -Identity`` and
  ``Get-DistributionGroupMember -Identity`` (per request: a ``$batch`` entry each);
- seeding the state (per mailbox).

    python benchmarks/sandbox_cost.py --sizes 2000,20000
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sandbox import catalog, seeding  # noqa: E402  (needs the repository on the path)
from sandbox.model import Organization  # noqa: E402

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default="2000,20000")
    args = parser.parse_args()
    results = [measure(int(n)) for n in args.sizes.split(",")]
    keys = [k for k in results[0] if k != "n"]
    print("| read | " + " | ".join("N=%d" % r["n"] for r in results) + " |")
    print("|---|" + "---:|" * len(results))
    for key in keys:
        print("| %s | %s |" % (key, " | ".join("%.0f" % r[key] for r in results)))


if __name__ == "__main__":
    main()
