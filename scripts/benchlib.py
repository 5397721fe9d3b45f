"""Measuring whole processes side by side: each figure against its floor (and peers) in the same run.

A figure is a subject (the product's command) and references (the floor, peers). Each round runs
every side once, interleaved (A B, then B A, ...: the order flips every round so neither side is
always the one that runs on a warmer cache); a ratio is taken per round, and the figure reports the
median of those ratios with their min and max, so load on a shared machine that comes and goes
hits both sides of a ratio alike.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import bench_venv

MIB = 1024 * 1024


@dataclass(frozen=True)
class Sample:
    wall_s: float
    peak_mib: float | None  # ru_maxrss of the child (or its VmHWM when it is measured from outside)
    cpu_s: float | None = None  # user + system CPU time: hardly moved by other programs' load


class CommandFailed(RuntimeError):
    pass


# wait4's ru_maxrss of a child started by this (25 MiB) Python process would report at least the
# bench's own size: the child's high-water mark starts as a copy of its parent's, and Linux keeps it
# across exec (vfork or posix_spawn too: exec folds the old mm's high-water mark in). So every timed
# command is started by this tiny C program, which forks, execs, reaps with wait4 and reports the
# wall time and ru_maxrss of that child alone; its own start-up is outside the timed span.
SPAWN_C = r"""
#define _GNU_SOURCE
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
int main(int argc, char **argv) {
    struct timespec t0, t1;
    struct rusage ru;
    int status;
    if (argc < 3) return 125;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid == 0) { execvp(argv[2], argv + 2); _exit(127); }
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) return 126;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    FILE *out = fopen(argv[1], "w");
    if (!out) return 126;
    fprintf(out, "%lld %ld %d %lld\n",
            (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec),
            ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
            (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL
                + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    return fclose(out) == 0 ? 0 : 126;
}
"""


@functools.cache
def spawner() -> Path:
    """The spawn helper, compiled once into the cache (a C compiler is needed: apt-get install gcc)."""
    cache = bench_venv.cache_dir()
    digest = hashlib.sha256(SPAWN_C.encode()).hexdigest()[:12]
    binary = cache / f"spawn-{digest}"
    if not binary.exists():
        compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
        if compiler is None:
            raise RuntimeError("a C compiler (cc) is needed to build the bench's spawn helper: apt-get install gcc")
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            source = Path(tmp) / "spawn.c"
            source.write_text(SPAWN_C)
            subprocess.run([compiler, "-O2", "-o", str(Path(tmp) / "spawn"), str(source)], check=True)
            os.replace(Path(tmp) / "spawn", binary)
    return binary


def run_timed(argv: Sequence[str], env: dict[str, str], *, ok_codes: Sequence[int] = (0,),
              cwd: str | None = None, timeout: float = 120.0) -> Sample:
    """Wall time from fork to reaped exit and the child's peak RSS (wait4), taken by the spawn helper."""
    with tempfile.NamedTemporaryFile("r", prefix="bench-", suffix=".out") as result, \
            tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen([str(spawner()), result.name, *argv], env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
        try:
            helper = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the helper's own group: it and the command it started
            proc.wait()
            raise CommandFailed(f"{' '.join(argv)} did not finish within {timeout:g} s") from None
        fields = result.read().split()
        if helper != 0 or len(fields) != 4:
            raise CommandFailed(f"the spawn helper failed ({helper}) running {' '.join(argv)}")
        wall_ns, maxrss_kib, code, cpu_us = (int(x) for x in fields)
        if code not in ok_codes:
            stderr.seek(0)
            tail = stderr.read().decode(errors="replace")[-2000:]
            raise CommandFailed(f"{' '.join(argv)} exited {code} (expected {'/'.join(map(str, ok_codes))}):\n{tail}")
    # ru_maxrss is KiB on Linux, bytes on macOS.
    peak = maxrss_kib / MIB if sys.platform == "darwin" else maxrss_kib / 1024
    return Sample(wall_ns / 1e9, peak, cpu_us / 1e6)


def run_captured(argv: Sequence[str], env: dict[str, str], timeout: float = 120.0,
                 cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    """One untimed run whose output matters (checks, versions)."""
    return subprocess.run(list(argv), env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, check=False)


@dataclass
class Side:
    """One command of a comparison: `run` prepares (untimed) and runs it once, returning the timed sample."""

    label: str  # short, for the table
    run: Callable[[], Sample]
    command: str = ""  # the full command, when the label abbreviates it
    samples: list[Sample] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        return statistics.median(s.wall_s for s in self.samples)

    @property
    def peak_mib(self) -> float | None:
        peaks = [s.peak_mib for s in self.samples if s.peak_mib is not None]
        return max(peaks) if peaks else None


@dataclass(frozen=True)
class Goal:
    """`ratio <= limit` against a reference, or `seconds <= limit` for the subject alone; None: shown only."""

    limit: float
    unit: str = "x"  # "x" (a ratio) or "s" (absolute seconds)

    def text(self) -> str:
        return f"<= {self.limit:g}x" if self.unit == "x" else f"<= {self.limit:g} s"


@dataclass
class Comparison:
    """The subject against one reference: per-round ratios."""

    reference: Side
    goal: Goal | None
    ratios: list[float] = field(default_factory=list)
    cpu_ratios: list[float] = field(default_factory=list)


@dataclass
class Figure:
    name: str
    title: str
    subject: Side
    comparisons: list[Comparison]
    peak_goal_mib: float | None = None
    note: str = ""
    skipped: str = ""  # why the figure was not measured (then nothing else is set)

    def sides(self) -> list[Side]:
        return [self.subject, *(c.reference for c in self.comparisons)]


@dataclass(frozen=True)
class Row:
    figure: str
    title: str
    reference: str
    ratio_median: float | None
    ratio_min: float | None
    ratio_max: float | None
    goal: str
    verdict: str  # "pass", "FAIL", "-" (no goal), "skipped"
    subject_peak_mib: float | None
    reference_peak_mib: float | None
    subject_median_ms: float | None
    reference_median_ms: float | None
    cpu_ratio_median: float | None = None  # the same ratio in CPU time (not judged; a check on the noise)
    subject: str = ""  # the subject's full command
    reference_command: str = ""
    note: str = ""


def measure(figure: Figure, runs: int, warmup: int = 1, progress: Callable[[str], None] | None = None) -> None:
    """Warm-up rounds (page cache, the first compile of nothing: bytecode is installed), then `runs`
    interleaved rounds; the order of the sides flips every round."""
    sides = figure.sides()
    for _ in range(warmup):
        for side in sides:
            side.run()
    for n in range(runs):
        order = sides if n % 2 == 0 else list(reversed(sides))
        round_samples = {id(side): side.run() for side in order}
        for side in sides:
            side.samples.append(round_samples[id(side)])
        subject = round_samples[id(figure.subject)]
        for comparison in figure.comparisons:
            reference = round_samples[id(comparison.reference)]
            comparison.ratios.append(subject.wall_s / reference.wall_s)
            if subject.cpu_s and reference.cpu_s:
                comparison.cpu_ratios.append(subject.cpu_s / reference.cpu_s)
        if progress:
            progress(f"{figure.name}: round {n + 1}/{runs}")


def rows(figure: Figure) -> list[Row]:
    if figure.skipped:
        return [Row(figure.name, figure.title, "-", None, None, None, "-", "skipped", None, None, None, None,
                    note=figure.skipped)]
    subject = figure.subject
    peak_ok = figure.peak_goal_mib is None or (subject.peak_mib or 0) <= figure.peak_goal_mib
    out = []
    for comparison in figure.comparisons:
        ratios = comparison.ratios
        median_ratio = statistics.median(ratios)
        goal_text, verdict = "-", "-"
        if comparison.goal is not None:
            goal = comparison.goal
            value = median_ratio if goal.unit == "x" else subject.median_s
            goal_text = goal.text()
            ok = value <= goal.limit
            if figure.peak_goal_mib is not None and comparison is figure.comparisons[0]:
                goal_text += f", peak <= {figure.peak_goal_mib:g} MiB"
                ok = ok and peak_ok
            verdict = "pass" if ok else "FAIL"
        ref = comparison.reference
        out.append(Row(figure.name, figure.title, ref.label, median_ratio, min(ratios), max(ratios), goal_text,
                       verdict, subject.peak_mib, ref.peak_mib, subject.median_s * 1000, ref.median_s * 1000,
                       statistics.median(comparison.cpu_ratios) if comparison.cpu_ratios else None,
                       subject.command or subject.label, ref.command or ref.label,
                       figure.note if comparison is figure.comparisons[0] else ""))
    return out


def format_table(all_rows: Sequence[Row]) -> str:
    header = ("figure", "against", "ratio: median (min-max)", "goal", "result", "cpu ratio", "peak MiB (against)",
              "on this machine: median ms (against)")
    lines = [header]
    previous = ""
    for r in all_rows:
        title = r.title if r.title != previous else ""
        previous = r.title
        if r.verdict == "skipped":
            lines.append((title, "-", "-", "-", "skipped", "-", "-", "-"))
            continue
        assert r.ratio_median is not None and r.ratio_min is not None and r.ratio_max is not None
        lines.append((title, r.reference, f"{_ratio(r.ratio_median)} ({_ratio(r.ratio_min)}-{_ratio(r.ratio_max)})",
                      r.goal, r.verdict, "-" if r.cpu_ratio_median is None else _ratio(r.cpu_ratio_median),
                      f"{_mib(r.subject_peak_mib)} ({_mib(r.reference_peak_mib)})",
                      f"{r.subject_median_ms:.0f} ({r.reference_median_ms:.0f})"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in lines]
    text.insert(1, "  ".join("-" * w for w in widths))
    commands: dict[str, str] = {}
    for r in all_rows:
        if r.verdict != "skipped":
            commands.setdefault(r.title, r.subject)
            commands.setdefault(r.reference, r.reference_command)
    legend = [f"- {label}: {command}" for label, command in commands.items() if command and command != label]
    notes = [f"- {r.title}: {r.note}" for r in all_rows if r.note]
    return "\n".join(text + (["", "commands:", *legend] if legend else []) + (["", "notes:", *notes] if notes else []))


def _ratio(value: float) -> str:
    return f"{value:.3f}x" if value < 0.1 else f"{value:.2f}x"


def _mib(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def machine(python: str) -> dict[str, object]:
    """Where the figures were measured: CPU model, cores, the measured Python, the load."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    version = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                             capture_output=True, text=True, check=False).stdout.strip()
    return {"cpu": model, "cores": os.cpu_count(), "python": version, "system": platform.platform(terse=True),
            "load_at_start": load()}


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"
