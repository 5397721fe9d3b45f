"""Benchmark `openclaw models auth status`: wall-clock median and peak RSS over N runs.

Not part of the test suite. Runs the installed console script against a
temporary state dir holding one OAuth credential, a Codex CLI auth.json and a
config (the usual after-onboarding state), and compares with the budget:
median under 60 ms wall, peak RSS under 30 MiB.

    .venv/bin/python scripts/bench_status.py [-n 30] [--json] [-- extra args]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_MS = 60.0
BUDGET_MIB = 30.0


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _jwt(exp: int) -> str:
    claims = {"exp": exp, "scp": ["openid", "profile", "email", "offline_access"],
              "https://api.openai.com/auth": {"chatgpt_account_id": "acct_bench", "chatgpt_plan_type": "plus"},
              "https://api.openai.com/profile": {"email": "bench@example.com"}}
    return f"{_b64({'alg': 'none'})}.{_b64(claims)}.sig"


def prepare(root: Path) -> dict:
    """A state dir as onboarding leaves it; returns the environment to run in."""
    state, codex = root / "state", root / "codex"
    (state / "credentials").mkdir(parents=True, mode=0o700)
    codex.mkdir()
    exp = int(time.time()) + 9 * 86400
    credential = {"provider": "openai-codex", "type": "oauth", "access_token": _jwt(exp),
                  "refresh_token": "rt_bench", "expires_at": exp * 1000, "scope": "openid profile email offline_access"}
    path = state / "credentials" / "openai-codex.json"
    path.write_text(json.dumps(credential))
    path.chmod(0o600)
    (codex / "auth.json").write_text(json.dumps({"OPENAI_API_KEY": None, "last_refresh": "2026-01-01T00:00:00Z",
                                                 "tokens": {"access_token": _jwt(exp - 86400), "id_token": _jwt(exp),
                                                            "refresh_token": "rt_cli", "account_id": "acct_bench"}}))
    (state / "openclaw.toml").write_text('[models]\ndefault = "openai-codex/gpt-5.2"\nauth_choice = "openai-codex"\n'
                                         'auth_order = ["openai-codex:default", "openai-codex:codex-cli"]\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENCLAW_", "CODEX_"))}
    env.update({"OPENCLAW_STATE_DIR": str(state), "CODEX_HOME": str(codex), "NO_COLOR": "1"})
    # Measure what an installed package does: bytecode cached (pip compiles at install time).
    # A dev shell's PYTHONDONTWRITEBYTECODE=1 would recompile every module on every run (~15 ms);
    # the cache goes to a temp dir so the checkout stays untouched.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    return env


def command() -> list[str]:
    script = Path(sys.executable).with_name("openclaw")
    return [str(script)] if script.exists() else [sys.executable, "-m", "wizard"]


def run_once(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall ms, peak RSS MiB) of one run; RSS from wait4's rusage of that child alone."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.read().decode()}")
    proc.stderr.close()
    # ru_maxrss is KiB on Linux, bytes on macOS.
    rss_mib = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return wall, rss_mib


def measure(argv: list[str], env: dict, runs: int, warmup: int) -> list[tuple[float, float]]:
    for _ in range(warmup):
        run_once(argv, env)
    return [run_once(argv, env) for _ in range(runs)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--baseline", action="store_true",
                        help="also time `python -c pass` and `openclaw --version` to show where the time goes")
    parser.add_argument("extra", nargs="*", help="extra arguments after `models auth status`")
    args = parser.parse_args()
    argv = [*command(), "models", "auth", "status", *args.extra]
    baselines = {}
    with tempfile.TemporaryDirectory(prefix="bench-status-") as root:
        env = prepare(Path(root))
        samples = measure(argv, env, args.runs, args.warmup)
        if args.baseline:
            for name, base_argv in (("python -c pass", [sys.executable, "-c", "pass"]),
                                    ("openclaw --version", [*command(), "--version"])):
                walls = [w for w, _ in measure(base_argv, env, args.runs, args.warmup)]
                baselines[name] = round(statistics.median(walls), 1)
    walls = [w for w, _ in samples]
    peak = max(r for _, r in samples)
    result = {"runs": args.runs, "median_ms": round(statistics.median(walls), 1), "min_ms": round(min(walls), 1),
              "max_ms": round(max(walls), 1), "peak_rss_mib": round(peak, 1),
              "budget_ms": BUDGET_MS, "budget_rss_mib": BUDGET_MIB,
              "within_budget": statistics.median(walls) < BUDGET_MS and peak < BUDGET_MIB,
              "baseline_median_ms": baselines}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"openclaw models auth status, {args.runs} runs ({' '.join(argv)})")
        print(f"  wall  median {result['median_ms']} ms  min {result['min_ms']}  max {result['max_ms']}"
              f"   budget {BUDGET_MS:g} ms  {'OK' if result['median_ms'] < BUDGET_MS else 'OVER'}")
        print(f"  peak RSS {result['peak_rss_mib']} MiB   budget {BUDGET_MIB:g} MiB  "
              f"{'OK' if peak < BUDGET_MIB else 'OVER'}")
        for name, median in baselines.items():
            print(f"  baseline: {name:<20} median {median} ms")
    return 0 if result["within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
