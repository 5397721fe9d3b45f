"""The core never pulls Textual (or the HTTP/OAuth stack) into paths that do not need it."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import json, sys
{body}
print(json.dumps(sorted(m for m, mod in sys.modules.items()
                       if mod is not None
                       and m.split('.')[0] in {{'textual', 'rich', 'httpx2', 'authlib', 'tomlkit'}})))
"""


def loaded_after(body: str, env: dict | None = None) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE.format(body=body)], capture_output=True, text=True,
                         cwd=ROOT, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_wizard_and_every_core_module_is_textual_free():
    body = ("import sys; sys.modules['textual'] = None; sys.modules['rich'] = None\n"
            "import wizard, wizard.machine, wizard.steps, wizard.answers, wizard.headless, wizard.plan, "
            "wizard.config, wizard.cli, wizard.context, wizard.auth.store, wizard.auth.providers")
    loaded = loaded_after(body)
    assert not [m for m in loaded if m.startswith(("textual", "rich"))], loaded


def test_headless_onboard_path_never_imports_textual(tmp_path):
    body = (
        "import io, os, sys\n"
        "sys.modules['textual'] = None  # as if Textual were not installed: importing it would raise\n"
        f"os.environ['OPENCLAW_STATE_DIR'] = {str(tmp_path / 'state')!r}\n"
        "sys.stdin = io.StringIO('')\n"
        "from wizard.cli import main\n"
        "rc = main(['onboard', '--accept-risk', '--accept-defaults', '--dry-run'])\n"
        "assert rc == 0, rc\n"
    )
    loaded = loaded_after(body)
    assert not [m for m in loaded if m.startswith(("textual", "rich"))], loaded
    assert "tomlkit" not in loaded  # a first config is written without it (wizard.tomlwrite)
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "openclaw.toml").write_text("# mine\n[gateway]\nport = 18789\n")
    loaded = loaded_after(body)
    assert not [m for m in loaded if m.startswith(("textual", "rich"))], loaded
    assert "tomlkit" in loaded  # the probe is real: an existing config is rendered with tomlkit, comments kept


def test_no_module_under_wizard_imports_textual():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "wizard").rglob("*.py")
                 if any(line.lstrip().startswith(("import textual", "from textual"))
                        for line in p.read_text().splitlines())]
    assert offenders == []
