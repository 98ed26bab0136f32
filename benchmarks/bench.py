"""The benchmark harness behind ``make bench`` (issue 7): bulk against loop, at tenant scale.

For each size N it starts a sandbox (``SandboxProcess``, a separate process) seeded with N shared
mailboxes and N users, with an injected latency per Exchange request, and times four
``ansible-playbook`` runs of ``exo_mailbox_permission`` and ``exo_distribution_group_member``
(each shared mailbox: 2 FullAccess, 1 SendAs, 1 SendOnBehalf, and membership of one of N/10
groups the harness creates before timing):

1. ``converge``  - bulk mode from scratch,
2. ``rerun``     - the identical bulk run again (converged),
3. ``audit``     - the bulk run in check mode over the converged state,
4. ``loop``      - the same converge as a per-item ``loop`` of single-mailbox tasks, from scratch
                   (N <= 1000 only).

For each run it records the wall time, the sandbox's counters (HTTP requests, reads, writes,
tokens, per cmdlet), the module process's peak resident memory, the CPU time of
ansible-playbook (with its modules), of the modules alone and of the sandbox, and the floor
(Exchange requests x latency / concurrency). Before timing, it measures the sandbox's own
throughput without latency, to show the sandbox is not the bottleneck.

    python benchmarks/bench.py run --sizes 100,1000 [--latency-ms 100] [--output FILE]
    python benchmarks/bench.py leaver --sizes 1000,10000      # exo_trustee_access, one leaver everywhere
    python benchmarks/bench.py export --sizes 1000,10000      # exo_tenant_export, a whole tenant into a file
    python benchmarks/bench.py report FILE [FILE ...] [--plot PNG]

``run`` writes one JSON file; ``report`` prints the table of one or more of them and draws the
plot.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sandbox.testing import SandboxProcess  # noqa: E402  (needs the repository on the path)

from proctree import ProcessTree, cpu_seconds  # noqa: E402  (benchmarks/, the script's directory)

PLAYBOOKS = Path(__file__).resolve().parent / "playbooks"
RESULTS = Path(__file__).resolve().parent / "results"
COLLECTIONS = REPO / ".build" / "collections"
# The module processes whose memory is measured: the permission and group-member modules.
MODULES = ("exo_mailbox_permission", "exo_distribution_group_member", "exo_trustee_access", "exo_tenant_export")
PARALLEL = 4  # the module's default, so the figures are what a user gets without tuning
LOOP_MAX_N = 1000
# Per-mailbox trustees; users are picked round-robin so every user is somebody's delegate.
SCENARIOS = ("converge", "rerun", "audit", "loop", "leaver_check", "leaver", "leaver_rerun", "export", "export_again")
# What the leaver holds in the leaver rows (the profile of issue 17): kind -> how many.
LEAVER = "user0001"
LEAVER_HOLDS = {"full_access": 20, "send_as": 10, "send_on_behalf": 5, "member_of": 8, "folder_permissions": 3}
TRUSTEES = (("full_access", 2), ("send_as", 1), ("send_on_behalf", 1))
# Shared mailboxes per group: every shared mailbox is a member of exactly one group.
GROUP_SIZE = 10


def desired_state(n):
    """The delegates of shared0001..shared{n}, as the bulk task's ``mailboxes`` list."""
    users = max(n, 4)
    entries = []
    for i in range(n):
        entry = {"mailbox": "shared%04d" % (i + 1)}
        offset = 0
        for option, count in TRUSTEES:
            entry[option] = ["user%04d" % ((i + offset + k) % users + 1) for k in range(count)]
            offset += count
        entries.append(entry)
    return entries


def group_name(i):
    """The group the i-th shared mailbox (from 0) belongs to."""
    return "bench%04d" % (i // GROUP_SIZE + 1)


def memberships(n):
    """Each shared mailbox and its group, as the loop's items."""
    return [{"mailbox": "shared%04d" % (i + 1), "group": group_name(i)} for i in range(n)]


def group_members(n):
    """The bulk group-member task's ``groups`` list: each group and its shared mailboxes."""
    groups = {}
    for item in memberships(n):
        groups.setdefault(item["group"], []).append(item["mailbox"])
    return [{"group": group, "members": members} for group, members in groups.items()]


def create_groups(sandbox, n):
    """Create the (empty) groups before timing, without latency; not part of any measurement."""
    names = [entry["group"] for entry in group_members(n)]
    sandbox.faults(latency_ms=0)
    try:
        with ThreadPoolExecutor(8) as pool:
            for response in pool.map(lambda name: sandbox.invoke("New-DistributionGroup", {"Name": name}),
                                     names):
                response.raise_for_status()
    finally:
        sandbox.faults()


def expected_writes(n):
    """Writes a converge from scratch needs: one per FullAccess/SendAs trustee, one Set-Mailbox,
    one Add-DistributionGroupMember."""
    return n * (2 + 1 + 1 + 1)


# How the module processes' memory is measured (benchmarks/proctree.py), as the result files say it.
MEMORY_METHOD = "The highest ``VmHWM`` (peak RSS, kernel-kept) of any module process under one playbook run."


def module_process(cmdline):
    """Whether a command line is a module process of the bench (``AnsiballZ_<module>.py``)."""
    return any(b"AnsiballZ_" + module.encode() in cmdline for module in MODULES)


def sandbox_throughput(sandbox, seconds=3.0, workers=8):
    """Get-Mailbox requests per second the sandbox serves with no injected latency."""
    token = sandbox.mint_token()
    url = "%s/adminapi/beta/%s/InvokeCommand" % (sandbox.url, sandbox.tenant_id)
    headers = {"Authorization": "Bearer " + token, "X-ResponseFormat": "json",
               "X-CmdletName": "Get-Mailbox"}
    body = {"CmdletInput": {"CmdletName": "Get-Mailbox",
                            "Parameters": {"Identity": "shared0001"}}}
    deadline = time.monotonic() + seconds

    def worker(unused):
        done = 0
        # verify= on each call: a REQUESTS_CA_BUNDLE in the environment overrides a session's.
        with requests.Session() as session:
            while time.monotonic() < deadline:
                session.post(url, json=body, headers=headers, timeout=30,
                             verify=sandbox.ca_path).raise_for_status()
                done += 1
        return done

    sandbox.faults(latency_ms=0)
    try:
        start = time.monotonic()
        with ThreadPoolExecutor(workers) as pool:
            total = sum(pool.map(worker, range(workers)))
        return total / (time.monotonic() - start)
    finally:
        sandbox.faults()


def run_playbook(sandbox, name, variables, work, check=False):
    """One ``ansible-playbook`` run with a fresh token cache; returns its measurements."""
    run_dir = Path(tempfile.mkdtemp(prefix=name + "-", dir=work))
    vars_file = run_dir / "vars.json"
    vars_file.write_text(json.dumps(variables))
    env = dict(os.environ)
    env.update(sandbox.module_env())
    env.update(ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_LOCALHOST_WARNING="False",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="False", ANSIBLE_NOCOLOR="1",
               ANSIBLE_HOST_KEY_CHECKING="False", XDG_CACHE_HOME=str(run_dir / "cache"),
               PYTHONPATH=str(COLLECTIONS))
    command = [str(Path(sys.executable).with_name("ansible-playbook")),
               str(PLAYBOOKS / name), "-e", "@" + str(vars_file)]
    if check:
        command.append("--check")
    sandbox.reset()
    log = run_dir / "ansible.log"
    sandbox_cpu = cpu_seconds(sandbox.process.pid)
    with open(log, "w") as out:
        start = time.monotonic()
        process = subprocess.Popen(command, env=env, cwd=str(REPO), stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        with ProcessTree({process.pid}, interval=0.02, match=module_process, totals=False) as memory:
            # wait4: the resource usage of ansible-playbook and every process it waited for.
            unused, status, usage = os.wait4(process.pid, 0)
        process.returncode = returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - start
    cpu = {"ansible_s": round(usage.ru_utime + usage.ru_stime, 2),
           "modules_s": round(memory.matched_cpu_s, 2),
           "sandbox_s": round(cpu_seconds(sandbox.process.pid) - sandbox_cpu, 2)}
    if returncode != 0:
        raise RuntimeError("%s failed (rc=%d); see %s:\n%s"
                           % (name, returncode, log, log.read_text()[-3000:]))
    stats = sandbox.stats()
    recap = [line for line in log.read_text().splitlines() if line.startswith("localhost")]
    return {"wall_s": round(wall, 2), "stats": stats, "log": str(log), "started_monotonic": start,
            "exchange_requests": stats["requests"] - stats["tokens"],
            "module_peak_rss_mb": round(memory.peak_matched_kb / 1024.0, 1),
            "controller_peak_rss_mb": round(memory.roots_peak_kb / 1024.0, 1),
            "module_processes_seen": len(memory.matched), "cpu": cpu,
            "recap": recap[-1].split(":", 1)[1].split() if recap else []}


def measure_size(n, latency_ms, work, with_loop, loop_sample=None):
    """Every scenario at size N on a sandbox of its own.

    With ``loop_sample`` K < N the loop converges only the first K mailboxes and its wall time,
    requests and floor are scaled by N/K: loop items are independent and cost the same, and the
    result says so (``sampled_items``) so nobody mistakes it for a full run.
    """
    print("== N=%d, latency %d ms per Exchange request" % (n, latency_ms), flush=True)
    state_dir = Path(tempfile.mkdtemp(prefix="sandbox-%d-" % n, dir=work))
    result = {"n": n, "latency_ms": latency_ms, "parallel": PARALLEL,
              "expected_converge_writes": expected_writes(n), "scenarios": {}}
    variables = {"delegates": desired_state(n), "bench_groups": group_members(n),
                 "memberships": memberships(n), "parallel": PARALLEL}
    with SandboxProcess(state_dir, users=n, shared=n, latency_ms=latency_ms) as sandbox:
        rate = sandbox_throughput(sandbox)
        create_groups(sandbox, n)
        demand = PARALLEL * 1000.0 / latency_ms if latency_ms else None
        result["sandbox_throughput_rps"] = round(rate, 1)
        result["bulk_demand_rps"] = round(demand, 1) if demand else None
        print("   sandbox alone: %.0f Get-Mailbox/s without latency; bulk needs at most %s/s"
              % (rate, "%.0f" % demand if demand else "n/a"), flush=True)
        plan = [("converge", "bulk.yml", False, PARALLEL), ("rerun", "bulk.yml", False, PARALLEL),
                ("audit", "bulk.yml", True, PARALLEL)]
        if with_loop:
            plan.append(("loop", "loop.yml", False, 1))
        for scenario, book, check, concurrency in plan:
            run_vars, items = variables, n
            if scenario == "loop":
                sandbox.reset(state=True)  # from scratch again
                create_groups(sandbox, n)
                if loop_sample and loop_sample < n:
                    items = loop_sample
                    run_vars = dict(variables, delegates=variables["delegates"][:items],
                                    memberships=variables["memberships"][:items])
            measured = run_playbook(sandbox, book, run_vars, work, check=check)
            if items != n:
                scale = float(n) / items
                measured["sampled_items"] = items
                measured["measured_wall_s"] = measured["wall_s"]
                measured["measured_exchange_requests"] = measured["exchange_requests"]
                measured["wall_s"] = round(measured["wall_s"] * scale, 2)
                measured["exchange_requests"] = int(round(measured["exchange_requests"] * scale))
            measured["concurrency"] = concurrency
            measured["floor_s"] = round(measured["exchange_requests"] * latency_ms / 1000.0
                                        / concurrency, 2)
            measured["requests_per_mailbox"] = round(measured["exchange_requests"] / n, 3)
            result["scenarios"][scenario] = measured
            print("   %-8s %8.1f s  requests=%d writes=%d tokens=%d floor=%.1f s  peak %.0f MB"
                  % (scenario, measured["wall_s"], measured["exchange_requests"],
                     measured["stats"]["writes"], measured["stats"]["tokens"],
                     measured["floor_s"], measured["module_peak_rss_mb"]), flush=True)
    return result


def seed_leaver(sandbox):
    """The leaver's access (LEAVER_HOLDS), granted before timing without latency: Full Access on
    user0002.., Send As and Send on Behalf on the next users, 8 new groups, 3 calendars."""
    holders = ["user%04d" % n for n in range(2, 40)]
    calls = [("Add-MailboxPermission", {"Identity": m, "User": LEAVER, "AccessRights": ["FullAccess"]}) for m in holders[:20]]
    calls += [("Add-RecipientPermission", {"Identity": m, "Trustee": LEAVER, "AccessRights": ["SendAs"]}) for m in holders[20:30]]
    calls += [("Set-Mailbox", {"Identity": m, "GrantSendOnBehalfTo": [LEAVER]}) for m in holders[30:35]]
    calls += [("New-DistributionGroup", {"Name": "leaver%02d" % n, "Members": [LEAVER]}) for n in range(1, 9)]
    calls += [("Add-MailboxFolderPermission", {"Identity": "%s:\\Calendar" % m, "User": LEAVER, "AccessRights": ["Editor"]})
              for m in holders[35:38]]
    sandbox.faults(latency_ms=0)
    try:
        token = sandbox.mint_token()
        for cmdlet, parameters in calls:
            sandbox.invoke(cmdlet, parameters, token=token).raise_for_status()
    finally:
        sandbox.faults()
    return holders[35:38]


def measure_leaver(n, latency_ms, work):
    """The leaver rows at a tenant of about N mailboxes (N - 10 users and the named ones): one
    trustee removed everywhere with exo_trustee_access, in check mode, for real, and again."""
    print("== leaver, tenant of about %d mailboxes, latency %d ms" % (n, latency_ms), flush=True)
    state_dir = Path(tempfile.mkdtemp(prefix="sandbox-leaver-%d-" % n, dir=work))
    result = {"n": n, "latency_ms": latency_ms, "parallel": PARALLEL, "scenarios": {}, "leaver_holds": LEAVER_HOLDS}
    with SandboxProcess(state_dir, users=n - 10, shared=0, latency_ms=latency_ms) as sandbox:
        rate = sandbox_throughput(sandbox)
        result["sandbox_throughput_rps"] = round(rate, 1)
        result["bulk_demand_rps"] = round(PARALLEL * 1000.0 / latency_ms, 1) if latency_ms else None
        mailboxes = len(sandbox._control("GET", "state/mailboxes")["mailboxes"])
        result["tenant_mailboxes"] = mailboxes
        variables = {"trustee": LEAVER, "folder_mailboxes": seed_leaver(sandbox), "parallel": PARALLEL}
        for scenario, check in (("leaver_check", True), ("leaver", False), ("leaver_rerun", False)):
            measured = run_playbook(sandbox, "leaver.yml", variables, work, check=check)
            measured["concurrency"] = PARALLEL
            measured["floor_s"] = round(measured["exchange_requests"] * latency_ms / 1000.0 / PARALLEL, 2)
            measured["requests_per_mailbox"] = round(measured["exchange_requests"] / float(mailboxes), 3)
            result["scenarios"][scenario] = measured
            print("   %-12s %8.1f s  requests=%d (%.3f per mailbox of %d) writes=%d floor=%.1f s  peak %.0f MB"
                  % (scenario, measured["wall_s"], measured["exchange_requests"], measured["requests_per_mailbox"],
                     mailboxes, measured["stats"]["writes"], measured["floor_s"], measured["module_peak_rss_mb"]), flush=True)
    return result


def measure_export(n, latency_ms, work):
    """The export rows at a tenant of about N mailboxes (N - 10 users and the named ones, the
    leaver's delegations and groups among them): the whole tenant exported with exo_tenant_export
    into a new file, then again into the same file (unchanged)."""
    print("== export, tenant of about %d mailboxes, latency %d ms" % (n, latency_ms), flush=True)
    state_dir = Path(tempfile.mkdtemp(prefix="sandbox-export-%d-" % n, dir=work))
    result = {"n": n, "latency_ms": latency_ms, "parallel": PARALLEL, "scenarios": {}}
    with SandboxProcess(state_dir, users=n - 10, shared=0, latency_ms=latency_ms) as sandbox:
        rate = sandbox_throughput(sandbox)
        result["sandbox_throughput_rps"] = round(rate, 1)
        result["bulk_demand_rps"] = round(PARALLEL * 1000.0 / latency_ms, 1) if latency_ms else None
        mailboxes = len(sandbox._control("GET", "state/mailboxes")["mailboxes"])
        result["tenant_mailboxes"] = mailboxes
        seed_leaver(sandbox)
        dest = Path(tempfile.mkdtemp(prefix="export-%d-" % n, dir=work)) / "tenant.yml"
        variables = {"export_dest": str(dest), "expected_mailboxes": mailboxes}
        for scenario in ("export", "export_again"):
            measured = run_playbook(sandbox, "export.yml", variables, work)
            measured["concurrency"] = PARALLEL
            measured["floor_s"] = round(measured["exchange_requests"] * latency_ms / 1000.0 / PARALLEL, 2)
            measured["requests_per_mailbox"] = round(measured["exchange_requests"] / float(mailboxes), 3)
            measured["file_bytes"] = dest.stat().st_size
            measured["file_lines"] = len(dest.read_text().splitlines())
            result["scenarios"][scenario] = measured
            print("   %-12s %8.1f s  requests=%d (%.3f per mailbox of %d) writes=%d floor=%.1f s  peak %.0f MB  file %d bytes"
                  % (scenario, measured["wall_s"], measured["exchange_requests"], measured["requests_per_mailbox"],
                     mailboxes, measured["stats"]["writes"], measured["floor_s"], measured["module_peak_rss_mb"],
                     measured["file_bytes"]), flush=True)
    return result


def table(runs):
    """The results as a fixed-width text table (also pasted into docs/performance.md)."""
    head = ("N", "latency", "scenario", "wall s", "floor s", "wall/floor", "HTTP req", "req/mbx",
            "reads", "writes", "tokens", "peak MB", "CPU s ansible/module/sandbox")
    rows = [head]
    for run in runs:
        for name in [name for name in SCENARIOS if name in run["scenarios"]]:
            s = run["scenarios"][name]
            if s.get("sampled_items"):
                name += " (%d of %d, scaled)" % (s["sampled_items"], run["n"])
            rows.append((str(run["n"]), "%d ms" % run["latency_ms"], name, "%.1f" % s["wall_s"],
                         "%.1f" % s["floor_s"],
                         "%.2f" % (s["wall_s"] / s["floor_s"]) if s["floor_s"] else "-",
                         str(s["exchange_requests"]), "%.2f" % s["requests_per_mailbox"],
                         str(s["stats"]["reads"]), str(s["stats"]["writes"]),
                         str(s["stats"]["tokens"]), "%.0f" % s["module_peak_rss_mb"],
                         "%(ansible_s).0f / %(modules_s).0f / %(sandbox_s).0f" % s["cpu"]
                         if "cpu" in s else "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["| " + " | ".join(c.rjust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|")
    notes = []
    for run in runs:
        scen = run["scenarios"]
        if "loop" in scen:
            notes.append("N=%d, %d ms: bulk converge is %.1fx faster than the loop%s"
                         % (run["n"], run["latency_ms"],
                            scen["loop"]["wall_s"] / scen["converge"]["wall_s"],
                            " (loop scaled from its first %d items; reads/writes/tokens are "
                            "the sample's)" % scen["loop"]["sampled_items"]
                            if scen["loop"].get("sampled_items") else ""))
        notes.append("N=%d, %d ms: sandbox alone serves %.0f req/s without latency; bulk asks at "
                     "most %s req/s" % (run["n"], run["latency_ms"], run["sandbox_throughput_rps"],
                                        run["bulk_demand_rps"]))
    for run in [r for r in runs if "leaver" in r["scenarios"]]:
        notes.append("N=%d, %d ms: one person removed everywhere in a tenant of %d mailboxes (%s) costs %d requests, "
                     "%.3f per mailbox; the re-run %d" % (
                         run["n"], run["latency_ms"], run["tenant_mailboxes"],
                         ", ".join("%s %d" % item for item in sorted(run["leaver_holds"].items())),
                         run["scenarios"]["leaver"]["exchange_requests"], run["scenarios"]["leaver"]["requests_per_mailbox"],
                         run["scenarios"]["leaver_rerun"]["exchange_requests"]))
    for run in [r for r in runs if "export" in r["scenarios"]]:
        first = run["scenarios"]["export"]
        notes.append("N=%d, %d ms: the export of a tenant of %d mailboxes costs %d requests, %.3f per mailbox, and "
                     "writes a file of %d bytes (%d lines); the second export leaves it as it is (%s)" % (
                         run["n"], run["latency_ms"], run["tenant_mailboxes"], first["exchange_requests"],
                         first["requests_per_mailbox"], first["file_bytes"], first["file_lines"],
                         " ".join(run["scenarios"]["export_again"]["recap"])))
    bulk_runs = [r for r in runs if "converge" in r["scenarios"]]
    for latency in sorted({r["latency_ms"] for r in bulk_runs}):
        group = sorted((r for r in bulk_runs if r["latency_ms"] == latency), key=lambda r: r["n"])
        if len(group) > 1:
            small, large = group[0], group[-1]
            for name in ("converge", "rerun", "audit"):
                per = [r["scenarios"][name]["wall_s"] / r["n"] * 1000 for r in (small, large)]
                notes.append("%d ms: %s costs %.1f ms per mailbox at N=%d and %.1f at N=%d "
                             "(%+.0f%%)" % (latency, name, per[0], small["n"], per[1], large["n"],
                                            (per[1] / per[0] - 1) * 100))
    if bulk_runs:
        notes.append("Each mailbox: 2 Full Access, 1 Send As, 1 Send on Behalf (exo_mailbox_permission) "
                     "and 1 group membership (exo_distribution_group_member, groups of %d)" % GROUP_SIZE)
    return "\n".join(lines + [""] + ["- " + note for note in notes])


def plot(runs, path, moonshots=()):
    """Wall time against N: bulk converge, audit, loop, and the bulk floor, log-log; the moonshot
    audits (benchmarks/moonshot.py) as points of their own."""
    import matplotlib
    import matplotlib.ticker
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = sorted((r for r in runs if "converge" in r["scenarios"]), key=lambda r: r["n"])
    latencies = sorted({r["latency_ms"] for r in runs}, reverse=True)
    fig, ax = plt.subplots(figsize=(7.5, 5))
    # One line per latency: a size measured at two latencies must not zig-zag one line.
    for colour, latency in zip(("tab:blue", "tab:red", "tab:green"), latencies):
        group = [r for r in runs if r["latency_ms"] == latency]
        suffix = " (%d ms)" % latency if len(latencies) > 1 else ""
        for scenario, label, style in (("converge", "bulk converge", "o-"),
                                       ("audit", "bulk check-mode audit", "s-."),
                                       ("loop", "per-item loop converge", "^-")):
            points = [(r["n"], r["scenarios"][scenario]["wall_s"]) for r in group
                      if scenario in r["scenarios"]]
            if points:
                ax.plot(*zip(*points), style, color=colour, label=label + suffix)
        floor = [(r["n"], r["scenarios"]["converge"]["floor_s"]) for r in group]
        ax.plot(*zip(*floor), "--", color=colour, alpha=0.6,
                label="bulk converge floor (requests x latency / %d)%s" % (PARALLEL, suffix))
        loop_floor = [(r["n"], r["scenarios"]["loop"]["floor_s"]) for r in group
                      if "loop" in r["scenarios"]]
        if loop_floor:
            ax.plot(*zip(*loop_floor), ":", color=colour, alpha=0.6,
                    label="loop floor (requests x latency)%s" % suffix)
    if moonshots:
        import moonshot  # pylint: disable=import-outside-toplevel
        moonshot.plot_points(ax, moonshots)
    for r in runs:
        loop = r["scenarios"].get("loop", {})
        if loop.get("sampled_items"):
            ax.annotate("scaled from %d items" % loop["sampled_items"], (r["n"], loop["wall_s"]),
                        textcoords="offset points", xytext=(-110, 4), fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.set_xlabel("shared mailboxes (N)")
    ax.set_ylabel("wall time (s)")
    ax.set_title("permissions + group membership, sandbox latency %s ms per request"
                 % "/".join(str(x) for x in latencies))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print("plot: %s" % path)


def main():
    parser = argparse.ArgumentParser(prog="bench.py", description=__doc__.split("\n", maxsplit=1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="measure and write a JSON result file")
    run.add_argument("--sizes", default="100,1000",
                     help="comma-separated N; 10000 is allowed (no loop above %d)" % LOOP_MAX_N)
    run.add_argument("--latency-ms", type=int, default=100,
                     help="injected latency per Exchange request (default 100)")
    run.add_argument("--large-latency-ms", type=int, default=None,
                     help="latency for N > %d instead (to finish in minutes); the output says so"
                     % LOOP_MAX_N)
    run.add_argument("--loop-sample", type=int, default=None,
                     help="time the loop over only the first K mailboxes and scale by N/K "
                     "(default: the whole loop)")
    run.add_argument("--output", type=Path, default=None, help="JSON file to write")
    run.add_argument("--work", type=Path, default=REPO / ".build" / "bench",
                     help="scratch directory (sandbox state, playbook logs)")
    leaver = sub.add_parser("leaver", help="measure one person removed everywhere (exo_trustee_access)")
    leaver.add_argument("--sizes", default="1000,10000", help="comma-separated mailboxes in the tenant")
    leaver.add_argument("--latency-ms", type=int, default=100, help="injected latency per Exchange request")
    leaver.add_argument("--output", type=Path, default=RESULTS / "bench-leaver.json", help="JSON file to write")
    leaver.add_argument("--work", type=Path, default=REPO / ".build" / "bench", help="scratch directory")
    export = sub.add_parser("export", help="measure the whole tenant exported into a data file (exo_tenant_export)")
    export.add_argument("--sizes", default="1000,10000", help="comma-separated mailboxes in the tenant")
    export.add_argument("--latency-ms", type=int, default=100, help="injected latency per Exchange request")
    export.add_argument("--output", type=Path, default=RESULTS / "bench-export.json", help="JSON file to write")
    export.add_argument("--work", type=Path, default=REPO / ".build" / "bench", help="scratch directory")
    onprem = sub.add_parser("onprem", help="measure on-premises bulk over one runspace pool (benchmarks/onprem.py)")
    onprem.add_argument("--sizes", default="1000", help="comma-separated on-premises mailboxes")
    onprem.add_argument("--latency-ms", type=int, default=50, help="server time per pipeline (remoting_latency_ms)")
    onprem.add_argument("--parallel", type=int, default=PARALLEL, help="pipelines in flight")
    onprem.add_argument("--loop-sample", type=int, default=20, help="mailboxes the loop is timed over, scaled to N")
    onprem.add_argument("--objects", default="cas,permissions",
                        help="comma-separated rows: cas (onprem_exchange_cas_mailbox), permissions (onprem_exchange_mailbox_permission)")
    onprem.add_argument("--output", type=Path, default=RESULTS / "bench-onprem.json", help="JSON file to write")
    onprem.add_argument("--work", type=Path, default=REPO / ".build" / "bench", help="scratch directory")
    moonshot = sub.add_parser("moonshot", help="audit and export of N seeded shared mailboxes at 750 ms under the "
                              "default budget, under both $batch models (benchmarks/moonshot.py)")
    moonshot.add_argument("--sizes", default="10000", help="comma-separated shared mailboxes")
    moonshot.add_argument("--latency-ms", type=int, default=750, help="mean latency per request")
    moonshot.add_argument("--parallel", default="auto", help="the modules' parallel option (default auto)")
    moonshot.add_argument("--runs", default="audit:parallel,export:parallel,audit:sequential,export:sequential",
                          help="scenario:batch model[@latency ms] in order (the JSON is written after each); scenarios "
                          "audit, export, and converge (first only: the mailboxes are then seeded without delegates)")
    moonshot.add_argument("--max-floor-s", type=float, default=900.0,
                          help="a run whose floor alone (known from the same scenario under the other $batch model) is "
                          "longer is recorded with that floor and not run (default 900)")
    moonshot.add_argument("--output", type=Path, default=RESULTS / "bench-moonshot.json", help="JSON file to write")
    moonshot.add_argument("--work", type=Path, default=REPO / ".build" / "bench", help="scratch directory")
    report = sub.add_parser("report", help="print the table of result files and draw the plot")
    report.add_argument("files", nargs="+", type=Path)
    report.add_argument("--plot", type=Path, default=RESULTS / "bench.png")
    args = parser.parse_args()

    if args.command == "report":
        runs = []
        for path in args.files:
            runs.extend(json.loads(path.read_text())["runs"])
        import moonshot  # pylint: disable=import-outside-toplevel
        shots = [r for r in runs if r.get("kind") == "moonshot"]
        runs = [r for r in runs if r.get("kind") != "moonshot"]
        print(table(runs))
        if shots:
            print("\n" + moonshot.table(shots))
        plot(runs, args.plot, shots)
        if shots:
            moonshot.plot_timeline(shots, args.plot.with_name(args.plot.stem + "-moonshot-timeline.png"))
        return

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.work.mkdir(parents=True, exist_ok=True)
    runs = []
    if args.command == "onprem":
        import onprem  # pylint: disable=import-outside-toplevel
        rows = {"cas": onprem.measure, "permissions": onprem.measure_permissions}
        objects = [o.strip() for o in args.objects.split(",") if o.strip()]
        unknown = sorted(set(objects) - set(rows))
        if unknown:
            parser.error("--objects: %s not among %s" % (", ".join(unknown), ", ".join(sorted(rows))))
        args.output.parent.mkdir(parents=True, exist_ok=True)

        def save(done):
            args.output.write_text(json.dumps({"date": datetime.datetime.now(datetime.timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%SZ"), "machine": {"cpus": os.cpu_count()}, "runs": done}, indent=2, sort_keys=True) + "\n")

        for o in objects:
            for n in sizes:
                if o == "permissions":
                    # Saved after each scenario: a failure late in a long row keeps the figures before it.
                    runs.append(onprem.measure_permissions(n, args.latency_ms, args.work, args.parallel, args.loop_sample,
                                                           save=lambda current: save(runs + [current])))
                else:
                    runs.append(rows[o](n, args.latency_ms, args.work, args.parallel, args.loop_sample))
                save(runs)
        print("results: %s" % args.output)
        return
    if args.command == "moonshot":
        import moonshot  # pylint: disable=import-outside-toplevel
        pairs = [moonshot.parse_run(pair, args.latency_ms) for pair in args.runs.split(",")]
        args.output.parent.mkdir(parents=True, exist_ok=True)
        runs = []

        def save(current):
            done = runs + [current]
            args.output.write_text(json.dumps({"date": datetime.datetime.now(datetime.timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%SZ"), "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "runs": done}, indent=2, sort_keys=True) + "\n")

        for n in sizes:
            runs.append(moonshot.measure(n, args.latency_ms, args.work, args.parallel, pairs, save, args.max_floor_s))
        print("results: %s\n\n%s" % (args.output, moonshot.table(runs)))
        return
    if args.command == "leaver":
        runs = [measure_leaver(n, args.latency_ms, args.work) for n in sizes]
        write_results(args.output, runs)
        return
    if args.command == "export":
        runs = [measure_export(n, args.latency_ms, args.work) for n in sizes]
        write_results(args.output, runs)
        return
    for n in sizes:
        latency = args.latency_ms
        if n > LOOP_MAX_N and args.large_latency_ms is not None:
            latency = args.large_latency_ms
            print("NOTE: N=%d runs with %d ms latency, not %d ms" % (n, latency, args.latency_ms))
        runs.append(measure_size(n, latency, args.work, with_loop=n <= LOOP_MAX_N,
                                 loop_sample=args.loop_sample))
    write_results(args.output or RESULTS / ("bench-%s.json" % "-".join(str(n) for n in sizes)), runs)


def write_results(output, runs):
    """The runs as one JSON result file, and their table."""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "memory_method": MEMORY_METHOD,
        "runs": runs}, indent=2, sort_keys=True) + "\n")
    print("results: %s\n" % output)
    print(table(runs))


if __name__ == "__main__":
    main()
