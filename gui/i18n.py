"""UI language: QTranslator over resources/translations/*.qm; `_()` marks and translates.

Strings are marked `_("…")` in gui/ and `N_("…")` in engine/ (engine stays Qt-free: N_ only
marks). tools/update_translations.py collects them into the Qt Linguist .ts file and
compiles the .qm with pyside6-lrelease.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QTranslator

from stridescope import resources

CONTEXT = "Stridescope"
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
_translator: QTranslator | None = None
_current = "en"


def current_language() -> str:
    return _current


def _(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def N_(text: str) -> str:  # noqa: N802 — marks a string translated later, where it is shown
    return text


def install_language(code: str) -> bool:
    """Switch the UI language at runtime; 'en' removes the translator."""
    global _translator, _current
    app = QCoreApplication.instance()
    if app is None:
        return False
    if _translator is not None:
        app.removeTranslator(_translator)
        _translator = None
    if code == "en":
        _current = "en"
        return True
    translator = QTranslator(app)
    if not translator.load(str(resources.real_path(
            resources.translations() / f"stridescope_{code}.qm"))):
        return False
    app.installTranslator(translator)
    _translator = translator
    _current = code
    return True


def settle_language_change() -> None:
    """Deliver the LanguageChange events Qt posted for a translator switch now, so every widget
    has retranslated itself (its changeEvent) when this returns."""
    for _round in range(3):  # the application's event posts one to each top-level window
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
