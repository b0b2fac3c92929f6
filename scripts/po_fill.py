"""Fill Indonesian translations into locale/id/LC_MESSAGES/django.po.

    python scripts/po_fill.py --missing            # print untranslated msgids as JSON
    python scripts/po_fill.py translations.json    # {"English msgid": "Indonesian", ...}
    python scripts/po_fill.py locale/id/src/*.json  # what `make messages` does

Translations live in locale/id/src/<area>.json (one file per feature area, so parallel work
merges cleanly); the .po and .mo are generated from them by `make messages`.

Then `make messages` (or compilemessages) compiles the .mo. Plural entries take a list.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib  # type: ignore[import-untyped]

PO = Path(__file__).resolve().parent.parent / "locale" / "id" / "LC_MESSAGES" / "django.po"


def main(argv: list[str]) -> int:
    po = polib.pofile(str(PO))
    if len(argv) > 1 and argv[1] == "--missing":
        missing = [e.msgid for e in po if not e.translated() and not e.obsolete]
        print(json.dumps({m: "" for m in missing}, ensure_ascii=False, indent=1))
        return 0
    mapping: dict[str, str | list[str]] = {}
    for name in argv[1:]:
        mapping.update(json.loads(Path(name).read_text(encoding="utf-8")))
    filled = 0
    for entry in po:
        if entry.msgid in mapping and mapping[entry.msgid]:
            value = mapping[entry.msgid]
            if entry.msgid_plural:
                values = value if isinstance(value, list) else [value]
                entry.msgstr_plural = {i: v for i, v in enumerate(values)}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
    po.save()
    po.save_as_mofile(str(PO.with_suffix(".mo")))
    left = len([e for e in po if not e.translated() and not e.obsolete])
    print(f"filled {filled}; {left} untranslated left")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
