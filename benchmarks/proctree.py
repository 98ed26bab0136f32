"""The one sampler of process trees over /proc that the benchmarks share (bench.py, tenants.py).

A thread scans /proc every ``interval`` seconds while a run lasts. The tree is every process that
descends from one of ``roots`` (a set of pids, or a callable giving them at each sample, for runs
whose roots come and go) and not from one of ``exclude`` (the sandbox, for instance). Each sample
keeps:

- ``peak_sum_kb``: the largest sum of the resident sets (``VmRSS``) of the tree's processes at one
  moment - the memory a run holds at once (tenants.py);
- ``peak_matched_kb``: the largest ``VmHWM`` (peak RSS, kernel-kept) of any process of the tree
  whose command line ``match`` accepts, with ``matched`` the pids seen and ``matched_cpu_s``
  their CPU time as last sampled - the module processes of a playbook run (bench.py). Sampling
  every 20 ms finds the true peak of every such process alive for at least one sample;
- ``roots_peak_kb``: the largest ``VmHWM`` of a root (the controller, ansible-playbook);

``totals=False`` skips the sum: each sample then reads only the command lines, and the status of the
matched processes and their ancestors, so that a sample stays short at a 20 ms interval;
- ``cpu_s``: the sampler's own CPU time, which is not the run's.
"""

import os
import threading
import time

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User plus system CPU time of a live process, from ``/proc/PID/stat``."""
    with open("/proc/%d/stat" % pid) as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / float(_CLOCK_TICKS)


def _status(pid):
    """(parent pid, VmRSS kB, VmHWM kB) of a live process; None when it is gone."""
    try:
        with open("/proc/%s/status" % pid) as handle:
            fields = dict(line.split(":", 1) for line in handle if ":" in line)
    except OSError:
        return None
    rss, hwm = (int(fields[name].split()[0]) if name in fields else 0 for name in ("VmRSS", "VmHWM"))
    return int(fields.get("PPid", "0").strip() or 0), rss, hwm


class ProcessTree(object):
    """Samples the processes under ``roots`` (minus the subtrees of ``exclude``); see the module."""

    def __init__(self, roots, exclude=(), interval=0.1, match=None, totals=True):
        self.roots = roots if callable(roots) else (lambda fixed=frozenset(roots): fixed)
        self.exclude = frozenset(exclude)
        self.interval = interval
        self.match = match
        self.totals = totals
        self.peak_sum_kb = 0
        self.peak_matched_kb = 0
        self.roots_peak_kb = 0
        self.matched = set()
        self._cpu = {}
        self.cpu_s = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()

    @property
    def matched_cpu_s(self):
        """CPU time of the matched processes, as last sampled (up to one interval short)."""
        return sum(self._cpu.values())

    def _watch(self):
        while not self._stop.is_set():
            started = time.thread_time()
            self._sample()
            self.cpu_s += time.thread_time() - started
            self._stop.wait(self.interval)

    def _in_tree(self, pid, parent_of, roots):
        ancestor, steps = pid, 0
        while ancestor and ancestor not in roots and ancestor not in self.exclude and steps < 64:
            ancestor, steps = parent_of(ancestor), steps + 1
        return bool(ancestor) and ancestor in roots

    def _sample(self):
        roots = self.roots()
        for root in roots:
            status = _status(root)
            if status is not None:
                self.roots_peak_kb = max(self.roots_peak_kb, status[2])
        if self.totals:
            self._sample_tree(roots)
        else:
            self._sample_matched(roots)

    def _sample_tree(self, roots):
        """Every process's status, once: the tree's sum, and its matched processes."""
        statuses = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                status = _status(entry)
                if status is not None:
                    statuses[int(entry)] = status
        parents = dict((pid, status[0]) for pid, status in statuses.items())
        total = 0
        for pid, (unused, rss, hwm) in statuses.items():
            if self._in_tree(pid, lambda p: parents.get(p, 0), roots):
                total += rss
                if self.match is not None and self._matches(pid):
                    self._keep(pid, hwm)
        self.peak_sum_kb = max(self.peak_sum_kb, total)

    def _sample_matched(self, roots):
        """Without the sum: the command lines first, the status only of the processes matched and their
        ancestors (a short-lived module process is then seen at 20 ms with a full /proc)."""
        parents = {}

        def parent_of(pid):
            if pid not in parents:
                status = _status(pid)
                parents[pid] = status[0] if status else 0
            return parents[pid]

        for entry in os.listdir("/proc"):
            if not entry.isdigit() or not self._matches(int(entry)):
                continue
            status = _status(entry)
            if status is None:
                continue
            parents[int(entry)] = status[0]
            if self._in_tree(int(entry), parent_of, roots):
                self._keep(int(entry), status[2])

    def _keep(self, pid, hwm):
        self.matched.add(pid)
        self.peak_matched_kb = max(self.peak_matched_kb, hwm)
        try:
            self._cpu[pid] = cpu_seconds(pid)
        except OSError:
            pass

    def _matches(self, pid):
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as handle:
                return self.match(handle.read())
        except OSError:
            return False
