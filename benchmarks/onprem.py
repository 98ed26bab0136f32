"""The on-premises row of ``make bench`` (issue 19): bulk over one runspace pool against a loop.

A sandbox gets N on-premises mailboxes (seeded straight into its organisation, not timed), then every
pipeline is given ``latency_ms`` of server time (the sandbox's ``remoting_latency_ms``: a
cmdlet's answer is ready that long after its Command) and ``onprem_exchange_cas_mailbox`` runs:

1. ``converge``  - one bulk task over the N mailboxes, ``parallel`` pipelines in flight,
2. ``rerun``     - the same task again (converged: reads only),
3. ``audit``     - the same task in check mode,
4. ``serial``    - the converge from scratch with one pipeline at a time (``parallel: 1``),
5. ``loop``      - the converge from scratch as a per-item ``loop`` (one module run each),
                   timed over ``loop_sample`` mailboxes and scaled to N.

The floor of a run is its pipelines x latency / pipelines in flight.

:func:`measure_permissions` is the row the issue names: ``onprem_exchange_mailbox_permission``
giving each of N mailboxes issue 7's shape (2 Full Access, 1 Send As as the AD extended right,
1 Send on Behalf, Active Directory users as trustees) - ``converge``, ``rerun``, ``audit`` and a
per-item ``loop`` over ``loop_sample`` more mailboxes that the bulk runs never touch, scaled to N.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ansible_collections.mailops.exchange.plugins.module_utils.engine.onprem_module import runner_settings  # noqa: E402
from ansible_collections.mailops.exchange.plugins.module_utils.runners.remoting_runner import RemotingRunner  # noqa: E402
from sandbox.testing import SandboxProcess  # noqa: E402

PLAYBOOKS = Path(__file__).resolve().parent / "playbooks"
COLLECTIONS = REPO / ".build" / "collections"


def remoting_params(env):
    return dict(server=env["EXCHANGE_SERVER"], port=int(env["EXCHANGE_PORT"]), use_ssl=False, path="PowerShell",
                configuration_name="Microsoft.Exchange", auth=env["EXCHANGE_AUTH"],
                username=env["EXCHANGE_USERNAME"], password=env["EXCHANGE_PASSWORD"], validate_certs=True,
                ca_path=None, encryption="auto", connection_timeout=30, operation_timeout=60)


def seed(sandbox, n):
    """N on-premises mailboxes (``onprem0000``...) put straight into the sandbox's organisation
    (``POST /_sandbox/seed``, sandbox/seeding.py: made by New-Mailbox's own code, no pipelines);
    the seconds it took (not timed in any scenario)."""
    started = time.monotonic()
    response = sandbox.request("POST", "/_sandbox/seed", timeout=600,
                               json={"onprem_mailboxes": [{"mailbox": "onprem%04d" % i} for i in range(n)]})
    response.raise_for_status()
    made = response.json()["seeded"]["onprem_mailboxes"]
    if made != n:
        raise RuntimeError("seeding made %d on-premises mailboxes, not %d" % (made, n))
    seconds = round(time.monotonic() - started, 1)
    print("   %d on-premises mailboxes seeded in %.1f s (not timed)" % (n, seconds), flush=True)
    return seconds


def run(sandbox, book, mailboxes, parallel, work, check=False):
    """One ansible-playbook run; wall time and the sandbox's counters."""
    run_dir = Path(tempfile.mkdtemp(prefix="onprem-", dir=work))
    env = dict(os.environ, **{k: v for k, v in sandbox.env.items() if k.startswith("EXCHANGE_")})
    env.update(ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_LOCALHOST_WARNING="False",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="False", ANSIBLE_NOCOLOR="1", PYTHONPATH=str(COLLECTIONS))
    vars_file = run_dir / "vars.json"
    entries = [m if isinstance(m, dict) else {"mailbox": m} for m in mailboxes]
    vars_file.write_text(json.dumps({"mailboxes": entries, "parallel": parallel}))
    command = [str(Path(sys.executable).with_name("ansible-playbook")), str(PLAYBOOKS / book), "-e", "@%s" % vars_file]
    if check:
        command.append("--check")
    sandbox.reset()
    log = run_dir / "ansible.log"
    with open(log, "w") as out:
        client_cpu, sandbox_cpu = _children_cpu(), _process_cpu(sandbox.process.pid)
        load_before = os.getloadavg()[0]
        start = time.monotonic()
        returncode = subprocess.call(command, env=env, cwd=str(REPO), stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        wall = time.monotonic() - start
        client_cpu, sandbox_cpu = _children_cpu() - client_cpu, _process_cpu(sandbox.process.pid) - sandbox_cpu
    if returncode != 0:
        raise RuntimeError("%s failed; see %s:\n%s" % (book, log, log.read_text()[-3000:]))
    stats = sandbox.stats()
    cmdlets = stats["cmdlets"]
    return {"wall_s": round(wall, 2), "pipelines": sum(cmdlets.values()), "cmdlets": cmdlets,
            "writes": stats["writes"], "cpu_s": {"client": round(client_cpu, 2), "sandbox": round(sandbox_cpu, 2)},
            "load_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


def _children_cpu():
    """CPU seconds (user + system) of the ansible-playbook runs so far, their module processes included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _process_cpu(pid):
    """CPU seconds (user + system) the sandbox process has used (/proc/<pid>/stat)."""
    fields = Path("/proc/%d/stat" % pid).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / float(os.sysconf("SC_CLK_TCK"))


def timed(sandbox, scenario, step, n, latency_ms, work, scaled=("wall_s", "pipelines")):
    """One scenario's figures: ``step`` is (playbook, mailboxes, in flight, check mode). A run over
    a sample of the N mailboxes has its ``scaled`` figures scaled to N (the measured wall time
    kept); the floor is the pipelines' server time over the pipelines in flight."""
    book, mailboxes, width, check = step
    measured = run(sandbox, book, mailboxes, width, work, check=check)
    scale = float(n) / len(mailboxes)
    if scale != 1:
        measured.update(sampled_items=len(mailboxes), measured_wall_s=measured["wall_s"])
        measured.update((name, round(measured[name] * scale, 2) if name == "wall_s" else int(measured[name] * scale))
                        for name in scaled)
    measured["in_flight"] = width
    measured["floor_s"] = round(measured["pipelines"] * latency_ms / 1000.0 / width, 2)
    print("   %-8s %8.1f s  pipelines=%d writes=%d in flight=%d floor=%.1f s cpu client %.1f s sandbox %.1f s%s"
          % (scenario, measured["wall_s"], measured["pipelines"], measured["writes"], width,
             measured["floor_s"], measured["cpu_s"]["client"], measured["cpu_s"]["sandbox"],
             " (sampled %d, scaled)" % len(mailboxes) if scale != 1 else ""), flush=True)
    return measured


def measure(n, latency_ms, work, parallel=4, loop_sample=20):
    """Every on-premises scenario at size N; the result dict of the ``onprem`` row."""
    print("== on premises: N=%d mailboxes, %d ms server time per pipeline" % (n, latency_ms), flush=True)
    state_dir = Path(tempfile.mkdtemp(prefix="sandbox-onprem-%d-" % n, dir=work))
    names = ["onprem%04d" % i for i in range(n)]
    result = {"n": n, "latency_ms": latency_ms, "parallel": parallel, "scenarios": {}}
    with SandboxProcess(state_dir, users=2, shared=1) as sandbox:
        result["seed_s"] = seed(sandbox, n)
        sandbox.faults(remoting_latency_ms=latency_ms)
        plan = [("converge", "onprem_cas.yml", names, parallel, False),
                ("rerun", "onprem_cas.yml", names, parallel, False),
                ("audit", "onprem_cas.yml", names, parallel, True),
                ("serial", "onprem_cas.yml", names, 1, False),
                ("loop", "onprem_cas_loop.yml", names[:loop_sample], 1, False)]
        for scenario, book, mailboxes, width, check in plan:
            if scenario in ("serial", "loop"):
                # From scratch again: POP and IMAP back on, without latency, not timed.
                sandbox.faults(remoting_latency_ms=0)
                runner = RemotingRunner(runner_settings(remoting_params(sandbox.env)), max_pipelines=8)
                runner.invoke_all([("Set-CASMailbox", {"Identity": m, "PopEnabled": True, "ImapEnabled": True})
                                   for m in names], idempotent=True, parallel=8)
                runner.close()
                sandbox.faults(remoting_latency_ms=latency_ms)
            result["scenarios"][scenario] = timed(sandbox, scenario, (book, mailboxes, width, check), n, latency_ms, work)
    return result


# Issue 7's shape on premises: trustees are the sandbox's Active Directory users.
TRUSTEES = {"full_access": ["CONTOSO\\erin", "CONTOSO\\frank"], "send_as": ["CONTOSO\\grace"],
            "send_on_behalf": ["CONTOSO\\henry"]}


def measure_permissions(n, latency_ms, work, parallel=4, loop_sample=20, save=None):
    """The permissions scenarios at size N; the result dict of the ``onprem_permissions`` row.
    ``save(result)`` is called after each scenario, so that the figures of those measured are kept
    if a later one fails (its error is then in the result as ``failed``)."""
    print("== on premises, mailbox permissions: N=%d mailboxes, %d ms server time per pipeline" % (n, latency_ms),
          flush=True)
    state_dir = Path(tempfile.mkdtemp(prefix="sandbox-onprem-perm-%d-" % n, dir=work))
    entries = [dict(TRUSTEES, mailbox="onprem%04d" % i) for i in range(n + loop_sample)]
    result = {"object": "mailbox_permission", "n": n, "latency_ms": latency_ms, "parallel": parallel,
              "trustees": TRUSTEES, "scenarios": {}}
    with SandboxProcess(state_dir, users=2, shared=1) as sandbox:
        result["seed_s"] = seed(sandbox, n + loop_sample)
        sandbox.faults(remoting_latency_ms=latency_ms)
        plan = [("converge", "onprem_permissions.yml", entries[:n], parallel, False),
                ("rerun", "onprem_permissions.yml", entries[:n], parallel, False),
                ("audit", "onprem_permissions.yml", entries[:n], parallel, True),
                ("loop", "onprem_permissions_loop.yml", entries[n:], 1, False)]
        for scenario, book, mailboxes, width, check in plan:
            try:
                result["scenarios"][scenario] = timed(sandbox, scenario, (book, mailboxes, width, check), n, latency_ms,
                                                      work, scaled=("wall_s", "pipelines", "writes"))
            except RuntimeError as exc:
                result["failed"] = {"scenario": scenario, "error": str(exc)[-2000:]}
                raise
            finally:
                if save is not None:
                    save(result)
    return result
