"""The many-tenants row of the benchmarks (issue 25, ``make bench-tenants``).

One sandbox process serves T tenants (``serve --tenants T``), each seeded with M user mailboxes,
with ``latency_ms`` added to every Exchange request. Each tenant's desired state names its M
mailboxes as they are, so the audit is converged: ``playbooks/tenants_audit.yml --check --diff``
over an inventory of one host per tenant finds nothing to change. Timed:

1. ``forks_F`` - one ``ansible-playbook`` run over every tenant with F forks, for each F given;
2. ``slices_S`` - the same inventory split into S slices the way AWX job slicing splits it (slice
   k gets hosts k, k+S, k+2S ...), each slice a separate ``ansible_runner`` run started at once
   (as on S execution nodes, here all on this machine), then ``tenants_report_join.yml`` joining
   the slices' reports; the wall time includes the join.

Each run records its wall time, the sandbox's requests and tokens (in all, and per tenant: one
each is the goal), the controller's CPU seconds (every process of the run: ansible-playbook, its
forks and the modules) and its peak memory (the largest sum of the resident sets of the run's
processes, sampled every 100 ms), and checks the report: every tenant in sync, none failed.

    python benchmarks/tenants.py run --tenants 20 --mailboxes 1000 --forks 1,5,10 --slices 4 --output FILE
    python benchmarks/tenants.py report FILE [--plot PNG]
"""

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

from proctree import ProcessTree

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
COLLECTIONS = REPO / ".build" / "collections"


def write_tenants(work, sandbox, mailboxes):
    """The inventory (one host per tenant) and each tenant's desired state; returns the host names."""
    ids = sandbox.env["SANDBOX_TENANT_IDS"].split(",")
    organizations = sandbox.env["SANDBOX_TENANT_ORGANIZATIONS"].split(",")
    hosts = {}
    for tid, organization in zip(ids, organizations):
        data = work / "desired" / ("%s.yml" % organization)
        data.parent.mkdir(parents=True, exist_ok=True)
        entries = ("  - identity: user%04d\n    hidden_from_address_lists: false\n" % (i + 1) for i in range(mailboxes))
        data.write_text("mailboxes:\n" + "".join(entries))
        hosts[organization] = {"exo_tenant_id": tid, "desired_state_file": str(data)}
    return hosts


def inventory(hosts, names):
    """A YAML (JSON) inventory of the named tenant hosts."""
    return json.dumps({"tenants": {"hosts": {name: hosts[name] for name in names},
                                   "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}}})


def environment(sandbox, cache):
    env = dict(os.environ)
    env.update(sandbox.env)
    env.update(ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), XDG_CACHE_HOME=str(cache), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_INVENTORY_UNPARSED_WARNING="False",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    return env


def _cpu():
    """CPU seconds of this process (ansible-runner's threads) and of its finished children."""
    return sum(usage.ru_utime + usage.ru_stime
               for usage in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


def _counted(sandbox, run):
    """Run ``run()`` (returns the processes' pids callable and a wait callable) and measure it."""
    sandbox.reset()
    cpu, started = _cpu(), time.monotonic()
    pids, wait = run()
    with ProcessTree(pids, exclude={sandbox.process.pid}) as memory:
        wait()
    wall = time.monotonic() - started
    stats = sandbox.stats()
    tokens = {tid: counts.get("tokens", 0) for tid, counts in stats.get("tenants", {}).items()}
    return {"wall_s": round(wall, 2), "cpu_s": round(_cpu() - cpu - memory.cpu_s, 2),
            "peak_rss_mb": round(memory.peak_sum_kb / 1024, 1), "requests": stats["requests"], "reads": stats["reads"],
            "writes": stats["writes"], "tokens": stats["tokens"], "tokens_per_tenant_max": max(tokens.values() or [0]),
            "tenants_with_a_token": sum(1 for count in tokens.values() if count)}


def _check(report_path, tenants):
    report = json.loads(Path(report_path).read_text())
    summary = report["summary"]
    if summary["tenants"] != {"failed": 0, "drifted": 0, "in_sync": tenants, "total": tenants}:
        raise SystemExit("the audit was not converged and complete: %s" % summary["tenants"])
    return {"objects": summary["total"], "in_sync": summary["in_sync"]}


def run_forks(sandbox, work, hosts, forks):
    """One ansible-playbook run over every tenant with ``forks`` forks."""
    path = work / "inventory.yml"
    path.write_text(inventory(hosts, sorted(hosts)))
    reports = work / ("forks_%d" % forks)
    command = [str(Path(sys.executable).with_name("ansible-playbook")), str(REPO / "playbooks" / "tenants_audit.yml"),
               "-i", str(path), "--check", "--diff", "--forks", str(forks), "-e", "report_dir=%s" % reports]
    log = open(work / ("forks_%d.log" % forks), "w")  # noqa: SIM115 - closed below

    def run():
        process = subprocess.Popen(command, env=environment(sandbox, work / ("cache_%d" % forks)), cwd=str(REPO),
                                   stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        return (lambda: {process.pid}), process.wait

    row = _counted(sandbox, run)
    log.close()
    row.update(_check(reports / "tenants.json", len(hosts)), forks=forks)
    return row


def run_slices(sandbox, work, hosts, slices, forks):
    """``slices`` ansible-runner runs at once, each over its AWX-style share, then the join."""
    import ansible_runner  # only this row needs it

    names = sorted(hosts)
    base = work / ("slices_%d" % slices)
    env = environment(sandbox, base / "cache")
    runners = []

    def run():
        for index in range(slices):
            data = base / ("slice%d" % (index + 1))
            (data / "inventory").mkdir(parents=True, exist_ok=True)
            (data / "inventory" / "hosts.yml").write_text(inventory(hosts, names[index::slices]))
            thread, runner = ansible_runner.run_async(
                private_data_dir=str(data), playbook=str(REPO / "playbooks" / "tenants_audit.yml"), envvars=env,
                cmdline="--check --diff --forks %d" % forks, quiet=True,
                extravars={"report_dir": str(base / "reports" / ("slice%d" % (index + 1)))})
            runners.append((thread, runner))

        def wait():
            for thread, unused in runners:
                thread.join()
            subprocess.run([str(Path(sys.executable).with_name("ansible-playbook")),
                            str(REPO / "playbooks" / "tenants_report_join.yml"), "-e", "slices_dir=%s" % (base / "reports"),
                            "-e", "report_dir=%s" % (base / "joined")], env=env, cwd=str(REPO), check=True,
                           capture_output=True)
        return (lambda: {os.getpid()}), wait

    row = _counted(sandbox, run)
    failed = [runner.rc for unused, runner in runners if runner.rc != 0]
    if failed:
        raise SystemExit("a slice failed: rc %s (%s)" % (failed, base))
    row.update(_check(base / "joined" / "tenants.json", len(hosts)), slices=slices, forks=forks)
    return row


def run(args):
    sys.path.insert(0, str(REPO))
    from sandbox.testing import SandboxProcess  # the report needs neither the repository nor requests

    work = args.work / datetime.datetime.now().strftime("tenants-%Y%m%d-%H%M%S")
    work.mkdir(parents=True)
    rows = []
    with SandboxProcess().start(work / "sandbox", tenants=args.tenants, users=args.mailboxes, shared=0,
                                latency_ms=args.latency_ms, timeout=1800) as sandbox:
        hosts = write_tenants(work, sandbox, args.mailboxes)
        for forks in args.forks:
            rows.append(dict(run_forks(sandbox, work, hosts, forks), scenario="forks_%d" % forks))
            print(json.dumps(rows[-1]), flush=True)
        for slices in args.slices:
            rows.append(dict(run_slices(sandbox, work, hosts, slices, args.slice_forks), scenario="slices_%d" % slices))
            print(json.dumps(rows[-1]), flush=True)
    result = {"tenants": args.tenants, "mailboxes": args.mailboxes, "latency_ms": args.latency_ms,
              "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg(), "python": platform.python_version()},
              "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "rows": rows}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    return 0


def report(args):
    result = json.loads(args.file.read_text())
    print("%d tenants x %d mailboxes, %d ms per Exchange request"
          % (result["tenants"], result["mailboxes"], result["latency_ms"]))
    print("%-10s %8s %8s %9s %7s %8s %8s" % ("run", "wall s", "CPU s", "peak MB", "tokens", "requests", "objects"))
    for row in result["rows"]:
        print("%-10s %8.1f %8.1f %9.1f %7d %8d %8d" % (row["scenario"], row["wall_s"], row["cpu_s"], row["peak_rss_mb"],
                                                       row["tokens"], row["requests"], row["objects"]))
    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        rows = result["rows"]
        figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
        names = [row["scenario"].replace("_", " ") for row in rows]
        left.bar(names, [row["wall_s"] for row in rows], color="#1f5fa8")
        left.set_ylabel("wall time (s)")
        left.set_title("Converged audit, %d tenants x %d mailboxes" % (result["tenants"], result["mailboxes"]))
        right.bar(names, [row["peak_rss_mb"] for row in rows], color="#a15c00", label="peak memory (MB)")
        right.set_ylabel("controller peak memory (MB)")
        twin = right.twinx()
        twin.plot(names, [row["cpu_s"] for row in rows], "o-", color="#1e7b34")
        twin.set_ylabel("controller CPU (s)", color="#1e7b34")
        right.set_title("Controller")
        for axis in (left, right):
            axis.tick_params(axis="x", rotation=30)
        figure.tight_layout()
        figure.savefig(args.plot, dpi=100)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="benchmarks/tenants.py", description=__doc__.split("\n", maxsplit=1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    measure = sub.add_parser("run", help="measure the converged audit of many tenants")
    measure.add_argument("--tenants", type=int, default=20)
    measure.add_argument("--mailboxes", type=int, default=1000, help="user mailboxes per tenant, all in the desired state")
    measure.add_argument("--latency-ms", type=int, default=0, help="added to every Exchange and Graph request")
    measure.add_argument("--forks", type=lambda text: [int(v) for v in text.split(",")], default=[1, 5, 10])
    measure.add_argument("--slices", type=lambda text: [int(v) for v in text.split(",") if v], default=[4])
    measure.add_argument("--slice-forks", type=int, default=5, help="forks of each slice's run")
    measure.add_argument("--output", type=Path, default=RESULTS / "bench-tenants.json")
    measure.add_argument("--work", type=Path, default=REPO / ".build" / "bench")
    show = sub.add_parser("report", help="print the table of a result file and draw its plot")
    show.add_argument("file", type=Path)
    show.add_argument("--plot", type=Path)
    args = parser.parse_args(argv)
    return run(args) if args.command == "run" else report(args)


if __name__ == "__main__":
    sys.exit(main())
