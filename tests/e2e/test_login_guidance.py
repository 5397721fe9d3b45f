"""`openclaw models auth login` where no browser opens: it says at once how the sign-in can still finish,
keeps waiting, and finishes; a browser command that fails is reported as failed.

The real command against the real OAuth test server, with a custom provider on a callback port of its own
(no fixed well-known port). Whether this is a container is made true or false for the command alone, in a
private mount namespace (root and `unshare` needed; this machine's own files are never touched).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import openclaw_argv
from tests.e2e.test_signin import Login, browser_get
from wizard.auth.browser import CONTAINER_CGROUP_HINTS

CONTAINER_ENV = ("container", "KUBERNETES_SERVICE_HOST")
# For the command alone: hide the container markers (a bind-mounted /dev/null is not a regular file) ...
OUTSIDE = 'for f in /.dockerenv /run/.containerenv; do [ -e "$f" ] && mount --bind /dev/null "$f"; done; exec "$@"'
# ... or show one, as Podman does, on a private /run.
INSIDE = 'mount -t tmpfs openclaw-test /run && : > /run/.containerenv && exec "$@"'


def can_unshare() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


def host_cgroup_says_container() -> bool:
    try:
        text = Path("/proc/1/cgroup").read_text().lower()
    except OSError:
        return False
    return any(hint in text for hint in CONTAINER_CGROUP_HINTS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def start_login(cli_env, tmp_path, oauth, point_codex_at):
    """Start the real login for `localidp` on its own callback port, optionally inside a namespace."""
    point_codex_at(oauth)
    procs: list[subprocess.Popen] = []

    def start(*args: str, wrap: str | None = None, env: dict | None = None, stdin=subprocess.PIPE):
        port = free_port()
        oauth.add_redirect_uri(f"http://127.0.0.1:{port}/auth/callback")
        full_env = {k: v for k, v in cli_env.items() if k not in CONTAINER_ENV}
        full_env.update(env or {})
        argv = openclaw_argv("models", "auth", "login", "--provider", "localidp", "--callback-port", str(port),
                             "--timeout", "60", *args)
        if wrap is not None:
            argv = ["unshare", "-m", "sh", "-c", wrap, "sh", *argv]
        proc = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=full_env, cwd=tmp_path, bufsize=1)
        procs.append(proc)
        return Login(proc), port

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream:
                stream.close()


needs_namespace = pytest.mark.skipif(not can_unshare(), reason="needs root and unshare for a private mount namespace")


def guidance_before_waiting(run: Login) -> str:
    """The lines from the launch outcome up to "Waiting for sign-in", which must come at once."""
    started = time.monotonic()
    run.wait_for(r"^Waiting for sign-in", timeout=15)
    assert time.monotonic() - started < 10
    text = "".join(run.stderr_lines)
    return text.split("Waiting for sign-in")[0]


def printed_url(run: Login) -> str:
    return next(line.strip() for line in run.stderr_lines if "/oauth/authorize?" in line)


def finish_in_the_browser(run: Login, oauth) -> tuple[int, str]:
    status, _ = browser_get(oauth.authorize(printed_url(run)))
    code, _, stderr = run.finish(timeout=20)
    assert status == 200
    return code, stderr


@needs_namespace
@pytest.mark.skipif(host_cgroup_says_container(), reason="PID 1's cgroup names a container runtime here")
def test_no_display_and_no_terminal_says_how_to_finish_and_keeps_waiting(start_login, oauth, state_dir):
    run, port = start_login(wrap=OUTSIDE)
    text = guidance_before_waiting(run)
    assert "Not opening a browser: there is no display here" in text
    assert "This command keeps waiting" in text
    assert f"ssh -L {port}:127.0.0.1:{port} <this host>" in text
    assert "--method device" in text and "--method paste" in text
    assert "write the address the browser lands on to this command's stdin" in text
    assert "container" not in text
    assert "Opened your browser" not in text
    time.sleep(1.5)
    assert run.proc.poll() is None  # still waiting
    code, stderr = finish_in_the_browser(run, oauth)  # e.g. through the SSH tunnel
    assert code == 0, stderr
    assert (state_dir / "credentials" / "localidp.json").exists()


@needs_namespace
def test_in_a_container_it_says_a_published_port_cannot_work(start_login, oauth, state_dir):
    run, port = start_login(wrap=INSIDE)
    text = guidance_before_waiting(run)
    assert "This looks like a container" in text
    assert f"cannot arrive through a published port (-p {port}:{port})" in text
    assert f"127.0.0.1:{port}" in text
    assert "ssh -L" not in text  # a tunnel to the host does not reach the container's loopback
    assert "--method device" in text and "--method paste" in text
    location = oauth.authorize(printed_url(run))
    run.paste(location)  # the way that works here: the address, written to stdin
    code, _, stderr = run.finish(timeout=20)
    assert code == 0, stderr


def test_stdin_at_dev_null_is_not_offered_as_a_way(start_login, oauth):
    run, port = start_login(stdin=subprocess.DEVNULL)
    text = guidance_before_waiting(run)
    assert "This command keeps waiting" in text
    assert "stdin" not in text and "paste the address" not in text
    code, stderr = finish_in_the_browser(run, oauth)
    assert code == 0, stderr


def test_a_browser_command_that_exits_non_zero_is_reported(start_login, oauth):
    run, port = start_login("--browser", 'sh -c "exit 3"')
    text = guidance_before_waiting(run)
    assert "Could not open a browser: sh exited with status 3." in text
    assert "Opened your browser" not in text
    assert "This command keeps waiting" in text
    code, stderr = finish_in_the_browser(run, oauth)
    assert code == 0, stderr


def test_a_display_with_a_failing_xdg_open_is_reported(start_login, oauth, tmp_path):
    tools = tmp_path / "bin"
    tools.mkdir()
    xdg_open = tools / "xdg-open"  # what xdg-open does when gio cannot open anything: a message and status 4
    xdg_open.write_text("#!/bin/sh\necho 'gio: Operation not supported' >&2\nexit 4\n")
    xdg_open.chmod(0o755)
    run, port = start_login(env={"DISPLAY": ":99", "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}"})
    text = guidance_before_waiting(run)
    assert "Could not open a browser: xdg-open exited with status 4." in text
    assert "Opened your browser" not in text
    code, stderr = finish_in_the_browser(run, oauth)
    assert code == 0, stderr


def test_a_browser_command_that_succeeds_is_reported_as_opened(start_login, oauth, tmp_path):
    seen = tmp_path / "opened.txt"
    run, port = start_login("--browser", f"sh -c 'echo \"$1\" > {seen}' sh")
    text = guidance_before_waiting(run)
    assert "Opened your browser (sh)." in text
    assert "keeps waiting" not in text
    assert "paste the address it lands on" in text
    opened = seen.read_text().strip()  # the one-time loopback link, never the authorize URL itself
    assert opened.startswith("http://127.0.0.1:") and "/start/" in opened and "state=" not in opened
    code, stderr = finish_in_the_browser(run, oauth)
    assert code == 0, stderr


def test_a_browser_that_keeps_running_counts_as_opened_after_a_moment(start_login, oauth):
    run, port = start_login("--browser", "sh -c 'sleep 5' sh")  # the URL arrives as $1 and is ignored
    started = time.monotonic()
    run.wait_for(r"^Opened your browser \(sh\)\.", timeout=15)
    assert time.monotonic() - started < 5
    code, stderr = finish_in_the_browser(run, oauth)
    assert code == 0, stderr


@pytest.mark.parametrize(("files", "env", "expected"), [
    ({}, {}, False),
    ({".dockerenv": ""}, {}, True),
    ({"run/.containerenv": ""}, {}, True),
    ({"proc/1/cgroup": "0::/system.slice/docker-3f2a.scope\n"}, {}, True),
    ({"proc/1/cgroup": "12:pids:/kubepods/burstable/pod1\n"}, {}, True),
    ({"proc/1/cgroup": "0::/init.scope\n"}, {}, False),
    ({}, {"container": "podman"}, True),
    ({}, {"KUBERNETES_SERVICE_HOST": "10.0.0.1"}, True),
])
def test_container_detection(tmp_path, files, env, expected):
    from wizard.auth.browser import in_container

    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert in_container(env, root=tmp_path) is expected


def test_a_marker_that_is_not_a_regular_file_is_not_a_container(tmp_path):
    from wizard.auth.browser import in_container

    (tmp_path / ".dockerenv").mkdir()
    assert in_container({}, root=tmp_path) is False


def test_paste_with_stdin_at_dev_null_fails_at_once(cli_env, tmp_path, state_dir):
    started = time.monotonic()
    result = subprocess.run(openclaw_argv("models", "auth", "login", "--provider", "openai-codex", "--method", "paste"),
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, env=cli_env, cwd=tmp_path,
                            timeout=60)
    assert time.monotonic() - started < 30  # not the 600 s wait
    assert result.returncode == 2
    assert "--method paste reads the address the browser lands on from stdin, but stdin is /dev/null" in result.stderr
    assert "--method device" in result.stderr
    assert not (state_dir / "credentials").exists()
