"""Collect `_("…")` (gui/), `N_("…")` and `tr("…")` (engine/) strings into the Qt Linguist
.ts files, keep existing translations, add new ones from tools/zh_CN.json, and compile the
.qm files.

    .venv/bin/python tools/update_translations.py
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "stridescope_zh_CN.ts"
CATALOG = ROOT / "tools" / "zh_CN.json"
CONTEXT = "Stridescope"


def marked_strings() -> list[str]:
    found: dict[str, None] = {}
    for folder in ("gui", "engine"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in ("_", "N_", "tr") and node.args
                        and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str)):
                    found.setdefault(node.args[0].value)
    return list(found)


def main() -> int:
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    ts = ET.Element("TS", version="2.1", language="zh_CN")
    context = ET.SubElement(ts, "context")
    ET.SubElement(context, "name").text = CONTEXT
    missing = []
    for text in marked_strings():
        message = ET.SubElement(context, "message")
        ET.SubElement(message, "source").text = text
        translation = ET.SubElement(message, "translation")
        if catalog.get(text):
            translation.text = catalog[text]
        else:
            translation.set("type", "unfinished")
            missing.append(text)
    ET.indent(ts)
    TS.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
                  + ET.tostring(ts, encoding="unicode") + "\n", encoding="utf-8")
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    subprocess.run([str(lrelease), str(TS), "-qm", str(TS.with_suffix(".qm"))], check=True)
    for text in missing:
        print(f"untranslated: {text!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
