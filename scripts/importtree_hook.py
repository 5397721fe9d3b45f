"""Run a console script, recording every import: who imported it (module and line), and how long it took.

    <venv>/bin/python importtree_hook.py OUT.json MARKER SCRIPT [ARGS...]

`-X importtime` misses modules imported with `from package import submodule` or importlib (they go
through importlib's Python code, which it does not time) and then files their imports under the
wrong parent; this hook sees them all. Every module's loader is timed around exec_module, so
`cumulative` includes what it imported. With a MARKER (not "-"), the record is written when
Textual's driver first writes a frame containing it (the first paint); otherwise at exit.
Started as a file, it imports nothing beyond the interpreter's own start-up.
"""

import sys
import time

OUT, MARKER, SCRIPT = sys.argv[1], sys.argv[2], sys.argv[3]
sys.argv = sys.argv[3:]
T0 = time.perf_counter()
AT_START = sorted(sys.modules)
records: dict = {}
running: list = []
done = [False]


def _site() -> str:
    """The line that imported: the first frame outside importlib (and the one before it when that is a
    function, e.g. a package's __getattr__ doing the import for `from package import name`)."""
    frame, found = sys._getframe(2), []
    while frame is not None and len(found) < 2:
        name = frame.f_code.co_filename
        if not (name.startswith("<frozen") or name == __file__ or name.endswith("importlib/__init__.py")):
            found.append(f"{name}:{frame.f_lineno} ({frame.f_code.co_name})")
            if frame.f_code.co_name == "<module>":
                break
        frame = frame.f_back
    return " via ".join(found) or "?"


def _timed(name: str, exec_module):  # noqa: ANN001, ANN202 (kept import-free)
    def run(module):  # noqa: ANN001, ANN202
        start = time.perf_counter()
        running.append(name)
        try:
            exec_module(module)
        finally:
            running.pop()
            records[name]["cumulative_ms"] = (time.perf_counter() - start) * 1000
            if name == "textual.drivers.linux_driver" and MARKER != "-":
                _watch_driver(module)
    return run


class Recorder:
    @classmethod
    def find_spec(cls, name, path=None, target=None):  # noqa: ANN001, ANN206
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is cls or find is None:
                continue
            spec = find(name, path, target)
            if spec is not None:
                break
        else:
            return None
        records[name] = {"parent": running[-1] if running else None, "site": _site(),
                         "at_ms": (time.perf_counter() - T0) * 1000, "cumulative_ms": None}
        loader = spec.loader
        if loader is not None and not isinstance(loader, type) and hasattr(loader, "exec_module"):
            loader.exec_module = _timed(name, loader.exec_module)  # this module's own loader instance
        return spec


def _watch_driver(module) -> None:  # noqa: ANN001
    write = module.LinuxDriver.write

    def watched(self, data: str) -> None:  # noqa: ANN001
        if not done[0] and MARKER in data:
            dump(first_paint_ms=(time.perf_counter() - T0) * 1000)
        write(self, data)
    module.LinuxDriver.write = watched


def dump(**extra: float) -> None:
    done[0] = True
    loaded = set(sys.modules)
    snapshot = {k: dict(v) for k, v in records.items() if k in loaded}  # before json joins them
    import json

    with open(OUT, "w") as out:
        json.dump({"at_start": AT_START, "records": snapshot, **extra}, out)


sys.meta_path.insert(0, Recorder)
with open(SCRIPT) as source:
    code = compile(source.read(), SCRIPT, "exec")
try:
    exec(code, {"__name__": "__main__", "__file__": SCRIPT})
finally:
    if not done[0]:
        dump(exit_ms=(time.perf_counter() - T0) * 1000)
