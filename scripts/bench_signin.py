"""Measure the sign-in's last leg: browser hits the callback -> credentials saved -> command exited.

Runs the real `openclaw models auth login --provider openai-codex --no-browser` against the local
OAuth test server N times (port 1455 must be free) and prints the medians in milliseconds.
Not one of scripts/bench's figures (it has no floor to be a ratio of); run it by hand.

    .venv/bin/python scripts/bench_signin.py [-n 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.oauth_server import OAuthTestServer  # noqa: E402

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def openclaw() -> list[str]:
    script = Path(sys.executable).with_name("openclaw")
    return [str(script)] if script.exists() else [sys.executable, "-m", "wizard"]


def one_run(server: OAuthTestServer, state: Path) -> tuple[float, float]:
    """(callback -> page received, i.e. credentials saved; callback -> process exited), in seconds."""
    env = {**os.environ, "OPENCLAW_STATE_DIR": str(state)}
    env.pop("DISPLAY", None)
    proc = subprocess.Popen([*openclaw(), "models", "auth", "login", "--provider", "openai-codex", "--no-browser"],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=env)
    url = next(line.strip() for line in proc.stderr if line.startswith("http"))
    for line in proc.stderr:  # the wait has started once this line is out
        if line.startswith("Waiting for sign-in"):
            break
    location = server.authorize(url)
    started = time.perf_counter()
    with OPENER.open(location, timeout=10) as response:
        response.read()
    saved = time.perf_counter() - started
    proc.wait(timeout=10)
    exited = time.perf_counter() - started
    proc.stderr.close()
    proc.stdin.close()
    if proc.returncode != 0 or not (state / "credentials" / "openai-codex.json").exists():
        raise SystemExit(f"login failed (exit {proc.returncode})")
    return saved, exited


def sample(runs: int) -> list[tuple[float, float]]:
    with OAuthTestServer(device_interval=0) as server, tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "state"
        state.mkdir(mode=0o700)
        (state / "providers.toml").write_text(f'[providers.openai-codex]\nissuer = "{server.issuer}"\n')
        one_run(server, state)  # warm-up
        return [one_run(server, state) for _ in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=15)
    args = parser.parse_args()
    runs = sample(args.runs)
    saved = statistics.median(r[0] for r in runs) * 1000
    exited = statistics.median(r[1] for r in runs) * 1000
    print(f"callback -> credentials saved (page received): median {saved:.1f} ms over {args.runs} runs")
    print(f"callback -> command exited:                    median {exited:.1f} ms over {args.runs} runs")


if __name__ == "__main__":
    main()
