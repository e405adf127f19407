"""Build the interface catalogues: `python -m quiz.l10n_build` (or `make catalogues`).

1. extract every `_()`, `N_()` and `ngettext()` string from quiz/ and exercises/ with Babel;
2. update quiz/locale/zh_Hant/LC_MESSAGES/rnnprep.po (new strings arrive untranslated, gone ones
   are dropped; translations are written by hand in that file);
3. generate zh_Hans/.../rnnprep.po from it with OpenCC (quiz.i18n.to_simplified);
4. compile both to .mo, which is all the app reads at run time.

`--check` changes nothing and exits 1 when a catalogue is behind the source or a string lacks its
Traditional translation. Needs Babel (the `dev` extra); the app itself does not.
"""

from __future__ import annotations

import argparse
import copy
import io
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from quiz.i18n import to_simplified
from quiz.l10n import DOMAIN, LOCALE_DIR
from quiz.locations import REPO_ROOT

ROOT = REPO_ROOT  # the source tree the strings are extracted from (a checkout, for developers)
SOURCES = ("quiz", "exercises")
# Babel's own keywords, plus the explicit-language forms in quiz.l10n.
KEYWORDS = {**DEFAULT_KEYWORDS, "gettext_for": (2,), "ngettext_for": (2, 3)}
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)  # fixed header dates: rebuilding changes nothing


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locale: str) -> Path:
    return po_path(locale).with_suffix(".mo")


def source_files() -> list[Path]:
    files: list[Path] = []
    for folder in SOURCES:
        files += sorted((ROOT / folder).rglob("*.py"))
    return [f for f in files if "__pycache__" not in f.parts]


def extract() -> Catalog:
    """Every marked string in the source, with where it is used."""
    template = Catalog(project="rnnprep", creation_date=EPOCH, fuzzy=False)
    for path in source_files():
        rel = path.relative_to(ROOT).as_posix()
        for lineno, message, comments, context in extract_from_file(
            "python", path, keywords=KEYWORDS, comment_tags=("Translators:",)
        ):
            template.add(message, None, [(rel, lineno)], auto_comments=comments, context=context)
    return template


def read(path: Path, locale: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=locale, project="rnnprep", creation_date=EPOCH, fuzzy=False)
    with path.open("rb") as fp:
        return read_po(fp, locale=locale)


def updated_traditional(template: Catalog) -> Catalog:
    catalog = read(po_path("zh_Hant"), "zh_Hant")
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    catalog.obsolete.clear()
    catalog.revision_date = EPOCH
    return catalog


def simplified(traditional: Catalog) -> Catalog:
    """The Simplified catalogue: every Traditional msgstr through OpenCC, nothing else changed."""
    out = Catalog(
        locale="zh_Hans",
        project="rnnprep",
        creation_date=EPOCH,
        revision_date=EPOCH,
        fuzzy=False,
    )
    for message in traditional:
        if not message.id:
            continue
        copied: Message = copy.copy(message)
        if isinstance(message.string, tuple | list):
            copied.string = tuple(to_simplified(s) if s else s for s in message.string)
        else:
            copied.string = to_simplified(message.string) if message.string else message.string
        out[message.id] = copied
    return out


def po_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, omit_header=False, include_previous=False)
    return buf.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def untranslated(catalog: Catalog) -> Iterable[str]:
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            yield message.id if isinstance(message.id, str) else message.id[0]


def build(check: bool = False) -> int:
    template = extract()
    hant = updated_traditional(template)
    hans = simplified(hant)
    outputs = {
        po_path("zh_Hant"): po_bytes(hant),
        po_path("zh_Hans"): po_bytes(hans),
        mo_path("zh_Hant"): mo_bytes(hant),
        mo_path("zh_Hans"): mo_bytes(hans),
    }
    stale = [p for p, data in outputs.items() if not p.exists() or p.read_bytes() != data]
    missing = list(untranslated(hant))
    if check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}", file=sys.stderr)
    else:
        for path in stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(outputs[path])
            print(f"wrote {path.relative_to(ROOT)}")
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    print(f"{len(template)} strings, {len(missing)} without a Traditional translation")
    return 1 if (check and stale) or missing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m quiz.l10n_build", description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    return build(check=parser.parse_args(argv).check)


if __name__ == "__main__":
    sys.exit(main())
