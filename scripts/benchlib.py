"""Shared helpers for the benchmark scripts: run a command N times, report median/min/max and peak RSS."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass, field


@dataclass
class Result:
    name: str
    budget_s: float
    budget_mib: float | None
    samples_s: list[float] = field(default_factory=list)
    peaks_mib: list[float] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        return statistics.median(self.samples_s)

    @property
    def peak_mib(self) -> float | None:
        return max(self.peaks_mib) if self.peaks_mib else None

    def row(self) -> str:
        wall = (f"{self.median_s * 1000:7.1f} ms  (min {min(self.samples_s) * 1000:.1f}, "
                f"max {max(self.samples_s) * 1000:.1f}, n={len(self.samples_s)})")
        ok = self.median_s <= self.budget_s
        mem = ""
        if self.budget_mib is not None and self.peak_mib is not None:
            ok = ok and self.peak_mib <= self.budget_mib
            mem = f"  peak {self.peak_mib:5.1f} MiB / budget {self.budget_mib:.0f} MiB"
        verdict = "ok" if ok else "OVER BUDGET"
        ratio = self.median_s / self.budget_s
        return f"{self.name:<42} {wall}  budget {self.budget_s * 1000:.0f} ms ({ratio:.2f}x){mem}  {verdict}"


def run_once(argv: list[str], env: dict, stdin: bytes = b"", cwd: str | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run of argv; raises if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, cwd=cwd)
    proc.stdin.write(stdin)
    proc.stdin.close()
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {stderr.decode(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024
