"""The moonshot row of the benchmark (issue 23 item 6, ``make bench-moonshot``).

N shared mailboxes, each with 2 Full Access, 1 Send As, 1 Send on Behalf and membership of one
group of ten, seeded straight into the sandbox (``--state-file``, sandbox/seeding.py: not timed),
then, at a mean latency of 750 ms with a spread, under the sandbox's default budget (16 requests
in flight per app, docs/sandbox.md "The cost model"), under each ``$batch`` model in turn:

1. ``audit``    - the converged audit: benchmarks/playbooks/bulk.yml in check mode (the
                  desired state of every mailbox's delegates and every group's members);
2. ``export``   - the whole tenant exported into a data file (exo_tenant_export);
3. ``converge`` - bulk.yml for real, first only: the tenant is then seeded with its groups empty
                  and no delegates (4 grants per mailbox and one membership to write).

A run is ``scenario:model[@latency ms]`` (``audit:parallel@0`` for the linearity rows at 0 ms).
Each run also reads the sandbox's request timeline (``GET /_sandbox/timeline``, sandbox/timeline.py):
when the first request went, how long nothing was in flight, how long the budget was full, the
mean in flight, each cmdlet's phase and the requests in flight second by second.

For each run: wall time, wall time net of Ansible's start-up (measured alone, an empty play),
HTTP requests and cmdlets, requests per mailbox, the floor (what the requests cost at the
latency, side by side as far as the budget allows: HTTP requests x latency / budget for the
parallel model, cmdlets x latency / budget for the sequential one, rows' extra cost not
counted), the concurrency the sandbox saw (``peak_in_flight``) and the one each bulk task reported, tokens, module and controller
peak memory, and, for comparison, what a sequential per-mailbox tool would take (3 reads per
mailbox and one per group, one after another, at the same latency).

    python benchmarks/bench.py moonshot --sizes 10000 [--latency-ms 750] [--runs audit:parallel,...] [--output FILE]
"""

import json
import os
import tempfile
import time
from pathlib import Path

import bench

from sandbox import timeline
from sandbox.testing import SandboxProcess

BATCH_MODELS = ("parallel", "sequential")
# The sandbox's default concurrency budget (sandbox/__main__.py), which the modules are run at.
BUDGET = 16
SPREAD = 0.5
SEED = 23


def state(n, converged=True):
    """The converged state of N shared mailboxes, as sandbox/seeding.py reads it; not converged:
    the groups exist with no members and the mailboxes have no delegates (for ``converge``)."""
    if not converged:
        return {"groups": [{"group": g["group"], "members": []} for g in bench.group_members(n)]}
    return {"mailboxes": bench.desired_state(n), "groups": bench.group_members(n)}


SCENARIOS = ("audit", "export", "converge")


def parse_run(text, latency_ms):
    """``scenario:model[@latency ms]`` as ``(scenario, model, latency ms)``; ValueError naming it."""
    pair, unused, latency = text.strip().partition("@")
    scenario, unused, model = pair.partition(":")
    if scenario not in SCENARIOS or model not in BATCH_MODELS or (latency and not latency.isdigit()):
        raise ValueError("--runs: %r is not scenario:model[@ms] with a scenario of %s and a model of %s"
                         % (text, ", ".join(SCENARIOS), ", ".join(BATCH_MODELS)))
    return scenario, model, int(latency) if latency else latency_ms


def sequential_tool_s(n, latency_ms):
    """A per-mailbox tool reading, one call after another, each mailbox's Full Access, Send As and
    mailbox (Send on Behalf), and each group's members."""
    return (3 * n + n // bench.GROUP_SIZE) * latency_ms / 1000.0


def startup_s(sandbox, work):
    """Wall time of ansible-playbook running one task that asks nothing of the service."""
    return bench.run_playbook(sandbox, "startup.yml", {}, work)["wall_s"]


RUNS = tuple((scenario, model, 750) for model in BATCH_MODELS for scenario in ("audit", "export"))
# A run whose floor alone is longer than this is not run (``--max-floor-s``): under the sequential
# $batch model each entry costs a latency, so at 60,000 the audit's floor is about 57 minutes and the
# export's longer; the row then records that floor and why, from the cmdlets of the same scenario's
# run under the other model at the same size (both models send the same cmdlets).
MAX_FLOOR_S = 900.0


def floor_s(model, requests, cmdlets, latency_ms):
    """What the run's requests cost at the mean latency, side by side as far as the budget allows:
    each HTTP request one latency under the parallel ``$batch`` model, each cmdlet under the
    sequential one."""
    return round((requests if model == "parallel" else cmdlets) * latency_ms / 1000.0 / BUDGET, 2)


def bound_by_floor(scenario, model, latency_ms, done, max_floor_s):
    """The row of a run not run because its floor alone exceeds ``max_floor_s``, or None to run it.
    The floor comes from a run of the same scenario at the same latency already ``done`` (the
    same cmdlets and requests whatever the model); with none, the run goes ahead."""
    for other in done.values():
        if "skipped" in other or other["scenario"] != scenario or other["latency_ms"] != latency_ms:
            continue
        floor = floor_s(model, other["exchange_requests"], other["cmdlets"], latency_ms)
        if floor > max_floor_s:
            return {"scenario": scenario, "batch_model": model, "latency_ms": latency_ms, "floor_s": floor,
                    "cmdlets": other["cmdlets"], "exchange_requests": other["exchange_requests"],
                    "skipped": "its floor alone, %d %s x %d ms / %d in flight = %.0f s, is over --max-floor-s %.0f s"
                               % (other["cmdlets"] if model == "sequential" else other["exchange_requests"],
                                  "cmdlets" if model == "sequential" else "requests", latency_ms, BUDGET, floor, max_floor_s)}
    return None


def measure(n, latency_ms, work, parallel="auto", runs=RUNS, save=None, max_floor_s=MAX_FLOOR_S):
    """Each ``(scenario, batch model, latency)`` of ``runs`` at size N, on one seeded sandbox;
    ``save(result)`` after each, so a run cut short keeps what it measured. A ``converge`` can
    only come first: the mailboxes are then seeded without their delegates. A run whose floor is
    known to exceed ``max_floor_s`` (:func:`bound_by_floor`) is recorded, not run."""
    converging = [i for i, run in enumerate(runs) if run[0] == "converge"]
    if converging not in ([], [0]):
        raise ValueError("--runs: a converge can only be the first run")
    print("== moonshot N=%d, %d ms mean latency (spread %.1f), budget %d in flight" % (n, latency_ms, SPREAD, BUDGET),
          flush=True)
    state_dir = Path(tempfile.mkdtemp(prefix="sandbox-moonshot-%d-" % n, dir=work))
    state_file = state_dir / "state.json"
    state_file.write_text(json.dumps(state(n, converged=not converging)))
    result = {"kind": "moonshot", "n": n, "latency_ms": latency_ms, "latency_spread": SPREAD, "parallel": parallel,
              "concurrency_budget": BUDGET, "scenarios": {},
              "sequential_tool_s": sequential_tool_s(n, latency_ms)}
    started = time.monotonic()
    sandbox = SandboxProcess().start(state_dir, timeout=3600, users=n, shared=n, state_file=state_file,
                                     latency_spread=SPREAD, seed=SEED)
    with sandbox:
        result["seed_s"] = round(time.monotonic() - started, 1)
        print("   sandbox seeded in %.0f s (not timed)" % result["seed_s"], flush=True)
        result["ansible_startup_s"] = startup_s(sandbox, work)
        variables = {"delegates": bench.desired_state(n), "bench_groups": bench.group_members(n), "parallel": parallel}
        dest = state_dir / "tenant.yml"
        export_vars = {"export_dest": str(dest), "expected_mailboxes": 2 * n}
        for scenario, model, latency in runs:
            name = "%s_%s" % (scenario, model) + ("" if latency == latency_ms else "_%dms" % latency)
            bound = bound_by_floor(scenario, model, latency, result["scenarios"], max_floor_s)
            if bound:
                print("   %s: not run, %s" % (name, bound["skipped"]), flush=True)
                result["scenarios"][name] = bound
                if save:
                    save(result)
                continue
            load = os.getloadavg()
            sandbox.faults(latency_ms=latency, batch_model=model)
            try:
                book, run_vars, check = {"audit": ("bulk.yml", variables, True), "converge": ("bulk.yml", variables, False),
                                         "export": ("export.yml", export_vars, False)}[scenario]
                measured = bench.run_playbook(sandbox, book, run_vars, work, check=check)
                measured["timeline"] = timeline.summary(sandbox.timeline()["events"], BUDGET, measured["started_monotonic"])
            finally:
                sandbox.faults()
            measured.update(scenario=scenario, latency_ms=latency, load_before=[round(v, 2) for v in load],
                            load_after=[round(v, 2) for v in os.getloadavg()])
            measured["module_concurrency"] = _module_concurrency(measured)
            result["scenarios"][name] = _figures(name, measured, n, latency, model, result["ansible_startup_s"])
            if save:
                save(result)
    return result


def _module_concurrency(measured):
    """The concurrency each bulk task reported (``parallel: auto`` settles on one), from the
    playbook's log (bulk.yml prints it), or None."""
    log = Path(measured["log"])
    for line in reversed(log.read_text().splitlines()):
        if "concurrency=" in line:
            return line.split("concurrency=", 1)[1].strip().strip('"')
    return None


def _figures(name, measured, n, latency_ms, model, startup):
    stats = measured["stats"]
    cmdlets = stats["reads"] + stats["writes"]
    measured.update(
        batch_model=model, cmdlets=cmdlets, concurrency=BUDGET, concurrency_reached=stats.get("peak_in_flight"),
        floor_s=floor_s(model, measured["exchange_requests"], cmdlets, latency_ms),
        requests_per_mailbox=round(measured["exchange_requests"] / float(n), 3),
        net_wall_s=round(measured["wall_s"] - startup, 2))
    measured["ms_per_mailbox"] = round(measured["net_wall_s"] * 1000.0 / n, 2)
    line = measured.get("timeline") or {}
    print("   %s: %.2f ms per mailbox net; timeline: first request at %.1f s, %.1f s with nothing in flight, %.1f s at "
          "the budget, %.1f in flight on average; load %s -> %s"
          % (name, measured["ms_per_mailbox"], line.get("first_request_s", 0), line.get("idle_s", 0), line.get("full_s", 0),
             line.get("mean_in_flight", 0), measured.get("load_before"), measured.get("load_after")), flush=True)
    print("   %-19s %7.1f s (net %.1f)  floor %.1f s  requests=%d cmdlets=%d (%.3f per mailbox) writes=%d "
          "tokens=%d 429s=%d in flight<=%s (module: %s)  module %.0f MB controller %.0f MB"
          % (name, measured["wall_s"], measured["net_wall_s"], measured["floor_s"],
             measured["exchange_requests"], cmdlets, measured["requests_per_mailbox"], stats["writes"],
             stats["tokens"], stats.get("over_budget", 0), measured["concurrency_reached"], measured["module_concurrency"],
             measured["module_peak_rss_mb"], measured["controller_peak_rss_mb"]), flush=True)
    return measured


def table(runs):
    """The moonshot rows as a fixed-width text table (pasted into docs/performance.md)."""
    head = ("N", "run", "batch", "latency", "wall s", "net s", "ms/mbx", "floor s", "net/floor", "HTTP req", "cmdlets",
            "req/mbx", "writes", "tokens", "429s", "in flight", "module conc.", "mean in flight", "idle s", "module MB",
            "ctrl MB", "load")
    rows = [head]
    notes = []
    for run in runs:
        for name, s in sorted(run["scenarios"].items()):
            if "skipped" in s:
                notes.append("N=%d: %s under the %s $batch model not run: %s"
                             % (run["n"], s["scenario"], s["batch_model"], s["skipped"]))
                continue
            st = s["stats"]
            line = s.get("timeline") or {}
            rows.append((str(run["n"]), name.split("_")[0], s["batch_model"], "%d ms" % s.get("latency_ms", run["latency_ms"]),
                         "%.1f" % s["wall_s"], "%.1f" % s["net_wall_s"], "%.2f" % (s["net_wall_s"] * 1000.0 / run["n"]),
                         "%.1f" % s["floor_s"], "%.2f" % (s["net_wall_s"] / s["floor_s"]) if s["floor_s"] else "-",
                         str(s["exchange_requests"]), str(s["cmdlets"]), "%.3f" % s["requests_per_mailbox"],
                         str(st["writes"]), str(st["tokens"]), str(st.get("over_budget", 0)),
                         str(s["concurrency_reached"]), str(s.get("module_concurrency") or "-"),
                         "%.1f" % line["mean_in_flight"] if line else "-", "%.0f" % line["idle_s"] if line else "-",
                         "%.0f" % s["module_peak_rss_mb"], "%.0f" % s["controller_peak_rss_mb"],
                         "%.1f/%.1f" % (s["load_before"][0], s["load_after"][0]) if "load_before" in s else "-"))
        notes.append("N=%d: %d ms mean latency (log-normal spread %.1f), budget %d in flight, modules at parallel %s; "
                     "Ansible start-up %.1f s (subtracted in 'net'); seeding %.0f s (not timed); a sequential "
                     "per-mailbox tool would take %.1f h" % (
                         run["n"], run["latency_ms"], run["latency_spread"], run["concurrency_budget"], run["parallel"],
                         run["ansible_startup_s"], run["seed_s"], run["sequential_tool_s"] / 3600.0))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["| " + " | ".join(c.rjust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|")
    return "\n".join(lines + [""] + ["- " + note for note in notes])


def plot_points(ax, runs):
    """The moonshot rows on the benchmark's plot: each audit's net wall time and its floor."""
    for model, marker in zip(BATCH_MODELS, ("*", "P")):
        points = [(r["n"], r["scenarios"]["audit_" + model]) for r in runs
                  if "net_wall_s" in r["scenarios"].get("audit_" + model, {})]
        if not points:
            continue
        latency = runs[0]["latency_ms"]
        ax.plot([n for n, s in points], [s["net_wall_s"] for n, s in points], marker, markersize=11, linestyle="none",
                color="black" if model == "parallel" else "tab:purple",
                label="moonshot audit, %d ms, %s $batch (net of start-up)" % (latency, model))
        ax.plot([n for n, s in points], [s["floor_s"] for n, s in points], "_", markersize=14, linestyle="none",
                color="black" if model == "parallel" else "tab:purple", label="its floor (budget %d)" % BUDGET)


def plot_timeline(runs, path):
    """Requests in flight second by second (the sandbox's timeline) of each run that recorded one,
    one panel per N, against the budget: where the wall time goes."""
    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    runs = [r for r in runs if any("timeline" in s for s in r["scenarios"].values())]
    if not runs:
        return
    fig, axes = plt.subplots(len(runs), 1, figsize=(9, 3.2 * len(runs)), squeeze=False)
    for ax, run in zip(axes[:, 0], sorted(runs, key=lambda r: r["n"])):
        for name, s in sorted(run["scenarios"].items()):
            series = (s.get("timeline") or {}).get("in_flight")
            if series:
                ax.plot(range(len(series)), series, linewidth=0.9,
                        label="%s (%.0f s, floor %.0f s)" % (name, s["wall_s"], s["floor_s"]))
        ax.axhline(BUDGET, color="grey", linestyle="--", linewidth=0.8, label="budget (%d)" % BUDGET)
        ax.set_title("N = %d: admin API requests in flight (1 s means, from the playbook's start)" % run["n"], fontsize=9)
        ax.set_xlabel("seconds")
        ax.set_ylabel("in flight")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print("timeline plot: %s" % path)
