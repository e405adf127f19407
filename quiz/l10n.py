"""The interface language: gettext catalogues for English, Traditional and Simplified Chinese.

English is the msgids themselves. The Chinese catalogues are compiled `.mo` files shipped in
`quiz/locale/<zh_Hant|zh_Hans>/LC_MESSAGES/rnnprep.mo`, read by the standard library's gettext on
the first translated string (no Babel at run time; `python -m quiz.l10n_build` makes them).

The language is chosen once per process with `set_language`, from (first wins) `--lang`,
`$RNNPREP_LANG`, the choice remembered in `settings.json` in the data folder, and English.
Strings defined at import time are marked with `N_` and translated where they are shown.
"""

from __future__ import annotations

import gettext as _gettext
from functools import cache
from pathlib import Path

from quiz.i18n import LANGS, Lang

DOMAIN = "rnnprep"
LOCALE_DIR = Path(__file__).parent / "locale"
ENV = "RNNPREP_LANG"
# How each language names itself (never translated: a learner must find their own).
LANGUAGE_NAMES: dict[Lang, str] = {"en": "English", "zh-Hant": "繁體中文", "zh-Hans": "简体中文"}

_current: Lang = "en"


def locale_name(lang: Lang) -> str:
    """The catalogue folder for `lang` (zh-Hant -> zh_Hant)."""
    return lang.replace("-", "_")


@cache
def translations(lang: Lang) -> _gettext.NullTranslations:
    """The compiled catalogue for `lang`, read once; English (or no file) translates nothing."""
    if lang == "en":
        return _gettext.NullTranslations()
    path = LOCALE_DIR / locale_name(lang) / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as fp:
            return _gettext.GNUTranslations(fp)
    except OSError:
        return _gettext.NullTranslations()


def set_language(lang: Lang) -> None:
    """Make `lang` the interface language of this process."""
    global _current
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose from {', '.join(LANGS)}")
    _current = lang


def current_language() -> Lang:
    return _current


def _(message: str) -> str:
    """`message` (an English msgid) in the interface language."""
    if _current == "en" or not message:
        return message
    return translations(_current).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the interface language."""
    if _current == "en":
        return singular if n == 1 else plural
    return translations(_current).ngettext(singular, plural, n)


def gettext_for(lang: Lang, message: str) -> str:
    """`message` in `lang`, whatever the interface language (for reports written in a run's own
    language)."""
    return message if lang == "en" or not message else translations(lang).gettext(message)


def ngettext_for(lang: Lang, singular: str, plural: str, n: int) -> str:
    if lang == "en":
        return singular if n == 1 else plural
    return translations(lang).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a string for the catalogue without translating it (it is translated where shown)."""
    return message


def parse_lang(value: str | None) -> Lang | None:
    """`value` if it names a language, else None (a stray $RNNPREP_LANG must not stop the app)."""
    return next((lang for lang in LANGS if lang == value), None)


def remembered_language(data_dir: Path) -> Lang | None:
    """The language last chosen with --lang or in the app, kept in `data_dir`/settings.json."""
    from quiz.settings import read_file

    return parse_lang(read_file(data_dir).get("lang"))


def remember_language(data_dir: Path, lang: Lang) -> None:
    """Keep `lang` for the next start; other settings in the file are left as they are."""
    from quiz.settings import update_file

    update_file(data_dir, "lang", lang)


def choose_language(flag: str | None, env: str | None, remembered: Lang | None) -> Lang:
    """`--lang` > $RNNPREP_LANG > the remembered choice > English."""
    return parse_lang(flag) or parse_lang(env) or remembered or "en"


def install_argparse() -> None:
    """Let argparse's own words (usage:, options, errors) follow the interface language.

    argparse calls the module-level names `_` and `ngettext` it imported from gettext; pointing
    them at ours is the one hook it offers besides the process-wide C locale.
    """
    import argparse

    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


# argparse's own strings (Python 3.11), so that the catalogue carries them.
ARGPARSE_STRINGS = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)
ARGPARSE_PLURALS = (ngettext("expected %s argument", "expected %s arguments", 1),)
