"""Every user-facing string has an Indonesian translation, compiled and committed."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["manage.py", "psm", "cases", "volunteers", "reports", "templates", "locale"]
PO = ROOT / "locale/id/LC_MESSAGES/django.po"


def test_every_message_is_translated_and_compiled(tmp_path):
    # Extract afresh from a copy of the sources, merging into a copy of the committed .po:
    # a new gettext string without its translation shows up as untranslated here.
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id", "--no-obsolete"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        check=True,
        capture_output=True,
        timeout=300,
    )
    extracted = polib.pofile(str(tmp_path / "locale/id/LC_MESSAGES/django.po"))
    missing = [e.msgid for e in extracted if not e.translated() and not e.obsolete]
    assert not missing, f"{len(missing)} strings lack an Indonesian translation: {missing[:20]}"

    committed = polib.pofile(str(PO))
    with PO.with_suffix(".mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [
        e.msgid
        for e in committed
        if e.translated()
        and not e.msgctxt
        and not e.msgid_plural
        and compiled.gettext(e.msgid) != e.msgstr
    ]
    assert not stale, f".mo is older than .po for: {stale[:10]} (run `make messages`)"
