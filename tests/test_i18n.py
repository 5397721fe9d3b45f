"""The Japanese catalog is complete and in step with the sources; English costs nothing; the language
is chosen as gettext would, and never changes what scripts read."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import re
from pathlib import Path

import pytest

from wizard import i18n
from wizard.i18n import M, localize

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    loader = importlib.machinery.SourceFileLoader("i18n_tool", str(ROOT / "scripts" / "i18n"))
    spec = importlib.util.spec_from_loader("i18n_tool", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_every_message_has_japanese_with_the_same_placeholders_and_the_mo_is_compiled_from_the_po():
    tool = _tool()
    catalog = tool.read_catalog()
    problems = tool.problems(catalog, tool.extracted())
    assert problems == [], "\n".join(problems[:40])
    assert tool.MO.read_bytes() == tool.compiled(catalog), "run `scripts/i18n compile`"


def test_no_message_is_an_f_string():
    """M(f"...") would show the filled-in text as its id: it could never be found in the catalog."""
    offenders = [f"{path.relative_to(ROOT)}:{n}" for package in ("wizard", "screens")
                 for path in (ROOT / package).rglob("*.py")
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"\bM\(\s*f[\"']", line)]
    assert offenders == []


@pytest.mark.parametrize(("flag", "environ", "expected"), [
    (None, {}, "en"),
    (None, {"LANG": "ja_JP.UTF-8"}, "ja"),
    (None, {"LANG": "ja_JP.UTF-8", "LC_MESSAGES": "C.UTF-8"}, "en"),  # LC_MESSAGES comes before LANG
    (None, {"LC_MESSAGES": "ja_JP.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),  # LC_ALL before LC_MESSAGES
    (None, {"LC_ALL": "ja", "OPENCLAW_LANG": "en"}, "en"),  # OPENCLAW_LANG first
    (None, {"OPENCLAW_LANG": "ja", "LANG": "C"}, "ja"),
    (None, {"LANG": "", "LC_ALL": "", "LC_MESSAGES": "ja_JP"}, "ja"),  # empty values are skipped
    ("ja", {"LANG": "C.UTF-8"}, "ja"),  # --lang wins
    ("en", {"OPENCLAW_LANG": "ja"}, "en"),
    (None, {"LANG": "jv_ID.UTF-8"}, "en"),  # Javanese is not Japanese
    (None, {"LANG": "fr_FR.UTF-8"}, "en"),
])
def test_the_language_comes_from_the_flag_then_the_environment_in_gettext_order(flag, environ, expected):
    assert i18n.choose(flag, environ) == expected


def test_a_message_is_english_text_until_it_is_shown():
    message = M("unknown provider {provider!r}", provider="x")
    assert message == "unknown provider 'x'" and isinstance(message, str)
    assert localize(message) == "unknown provider 'x'" and type(localize(message)) is str
    assert localize("plain text") == "plain text"


def test_japanese_translates_the_message_and_its_message_values(monkeypatch):
    class Catalog:
        def gettext(self, msgid: str) -> str:
            return {"outer {inner}": "外 {inner}", "inner": "内"}.get(msgid, msgid)

    monkeypatch.setattr(i18n, "_catalog", Catalog())
    message = M("outer {inner}", inner=M("inner"))
    assert message == "outer inner"  # what JSON and scripts get
    assert localize(message) == "外 内"
    assert localize(M("not in the catalog")) == "not in the catalog"


def test_a_context_keeps_two_meanings_of_one_english_word_apart():
    """The sidebar's "now" (the current step) and a usage reset's "now" read differently in Japanese; the
    English stays the same word, and a message with a context survives pickling with it."""
    import pickle

    from wizard.i18n import MC

    reset, current = MC("usage reset", "now"), M("now")
    assert reset == current == "now"
    try:
        i18n.use("ja")
        assert localize(reset) == "まもなく"
        assert localize(current) == "現在"
        assert localize(pickle.loads(pickle.dumps(reset))) == "まもなく"
    finally:
        i18n.use("en")


def test_the_catalog_check_names_a_message_that_reads_two_ways_in_two_parts(tmp_path, monkeypatch):
    tool = _tool()
    for part, text in (("core", "維持"), ("tui", "既存の値のまま")):
        (tmp_path / f"{part}.po").write_text(f'msgid "kept"\nmsgstr "{text}"\n', encoding="utf-8")
    monkeypatch.setattr(tool, "LOCALE", tmp_path)
    assert tool.disagreements() == [
        "'kept' reads differently in tui.po and core.po (the same meaning: make them read alike; another "
        "meaning: MC(context, ...))"]


def test_the_catalog_reads_every_message_as_the_standard_librarys_gettext_does():
    """wizard.i18n.Catalog reads the shipped .mo without importing gettext (its start-up cost): for every
    message, with or without a context, it answers what gettext.GNUTranslations answers."""
    import gettext

    from wizard.i18n import Catalog, catalog_path

    with open(catalog_path("ja"), "rb") as fh:
        data = fh.read()
    ours = Catalog(data)
    with open(catalog_path("ja"), "rb") as fh:
        stdlib = gettext.GNUTranslations(fh)
    messages = list(_tool().read_catalog())
    assert len(messages) > 900
    for message in messages:
        if not message.id:
            continue
        if message.context:
            assert ours.pgettext(message.context, message.id) == stdlib.pgettext(message.context, message.id)
        else:
            assert ours.gettext(message.id) == stdlib.gettext(message.id) == message.string, message.id
    assert ours.gettext("a message the catalog does not hold") == "a message the catalog does not hold"


def test_a_damaged_catalog_shows_english_rather_than_failing(tmp_path, monkeypatch):
    from wizard.i18n import Catalog

    with pytest.raises(ValueError, match="not a GNU gettext catalog"):
        Catalog(b"\x00" * 28)
    broken = tmp_path / "openclaw.mo"
    broken.write_bytes(b"not a catalog at all")
    monkeypatch.setattr(i18n, "catalog_path", lambda lang: str(broken))
    try:
        i18n.use("ja")
        assert localize(M("Next")) == "Next"
    finally:
        i18n.use("en")


def _mo(entries: dict[str, str], order: str) -> bytes:
    """A GNU .mo in the given byte order, laid out as msgfmt lays it out (sorted keys, tables, then strings)."""
    keys = sorted(entries)
    ids = [k.encode() for k in keys]
    strs = [entries[k].encode() for k in keys]
    count = len(keys)
    start = 28 + 16 * count
    def word(value: int) -> bytes:
        return value.to_bytes(4, order)
    table_o, table_t, blob = b"", b"", b""
    for text in ids:
        table_o += word(len(text)) + word(start + len(blob))
        blob += text + b"\0"
    for text in strs:
        table_t += word(len(text)) + word(start + len(blob))
        blob += text + b"\0"
    header = word(0x950412DE) + word(0) + word(count) + word(28) + word(28 + 8 * count) + word(0) + word(0)
    return header + table_o + table_t + blob


@pytest.mark.parametrize("order", ["little", "big"])
def test_a_catalog_in_either_byte_order_reads_as_gettext_reads_it(order):
    import gettext
    import io

    from wizard.i18n import Catalog

    data = _mo({"": "Content-Type: text/plain; charset=UTF-8\n", "Next": "次へ",
                "usage reset\x04now": "まもなく", "now": "現在", "{n} file\x00{n} files": "{n} 個のファイル"}, order)
    ours, stdlib = Catalog(data), gettext.GNUTranslations(io.BytesIO(data))
    for message in ("Next", "now", "missing"):
        assert ours.gettext(message) == stdlib.gettext(message)
    assert ours.pgettext("usage reset", "now") == stdlib.pgettext("usage reset", "now") == "まもなく"
    assert ours.gettext("{n} file") == stdlib.ngettext("{n} file", "{n} files", 1) == "{n} 個のファイル"
