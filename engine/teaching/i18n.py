"""Qt-free translation lookup for engine text (`--json --lang`), from the window's own catalogue.

The strings are marked N_ in engine/ and collected with the GUI's by
tools/update_translations.py into resources/translations/stridescope_<lang>.ts (from
tools/zh_CN.json), which is compiled to the .qm the window loads. The engine reads the same .ts
file, so the window, the exports and the trace say the same words; there is one catalogue.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import lru_cache

from stridescope import resources

LANGUAGES = ("en", "zh_CN")


@lru_cache(maxsize=4)
def catalogue(lang: str) -> dict[str, str]:
    """source text → finished translation; empty for English or a missing file."""
    if lang == "en":
        return {}
    path = resources.translations() / f"stridescope_{lang}.ts"
    if lang not in LANGUAGES or not path.is_file():
        return {}
    out = {}
    for message in ET.fromstring(path.read_bytes()).iter("message"):
        source, translation = message.findtext("source"), message.find("translation")
        if (source and translation is not None and translation.text
                and translation.get("type") not in ("unfinished", "obsolete", "vanished")):
            out[source] = translation.text
    return out


def translator(lang: str | None) -> Callable[[str], str]:
    """A `translate(text)` for `lang` (text unchanged where there is no translation)."""
    table = catalogue(lang or "en")
    return lambda text: table.get(text, text)
