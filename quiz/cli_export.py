"""`rnnprep export progress|anki` and `rnnprep import progress`: your data out to files and back.

The parsers and their handlers; the work is done by quiz.progress_io (progress as JSON or CSV)
and quiz.anki (the question banks as an Anki deck), both imported only when asked for.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from quiz.i18n import LANGS, Lang
from quiz.l10n import _, ngettext


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    export = sub.add_parser(
        "export", help=_("write your progress, or the question banks as an Anki deck, to a file")
    )
    what = export.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    progress = what.add_parser(
        "progress",
        help=_("your progress as JSON (everything) or CSV (the review log)"),
        description=_(
            "JSON holds everything the progress file keeps: scheduled cards, every review,"
            " sessions, flags, exercise attempts, mock interviews and released leeches;"
            " `rnnprep import progress` reads it back. CSV holds the review log only (one row"
            " per answer, with a header), for spreadsheets and other tools; importing a CSV adds"
            " its reviews and re-creates nothing else (no schedule)."
        ),
    )
    progress.add_argument(
        "--format", choices=("json", "csv"), default="json", help=_("json (default) or csv")
    )
    progress.add_argument(
        "--output", type=Path, metavar="PATH", help=_("write it to PATH instead of printing it")
    )
    anki = what.add_parser(
        "anki",
        help=_("the question banks as an Anki deck (.apkg)"),
        description=_(
            "One note per question: the prompt (with its choices, steps or lines) on the front;"
            " the answer, the explanation and the source on the back; formulas in MathJax."
            " Choices are in one fixed shuffled order, and a question with generated numbers"
            " gets one fixed set of them. The deck and note ids never change, so importing a"
            " newer export into Anki updates the notes instead of adding copies."
        ),
    )
    anki.add_argument(
        "--lang",
        dest="deck_lang",
        choices=LANGS,
        help=_("language of the cards (default: the interface language)"),
    )
    anki.add_argument(
        "--topic", help=_("only the questions of this topic id (see `rnnprep bank check`)")
    )
    anki.add_argument(
        "--output",
        type=Path,
        metavar="PATH",
        help=_("where to write the deck (default: rnnprep-LANG.apkg here)"),
    )

    imports = sub.add_parser("import", help=_("merge progress exported from rnnprep"))
    what = imports.add_subparsers(dest="import_command", metavar="WHAT", required=True)
    merge = what.add_parser(
        "progress",
        help=_("merge a JSON or CSV progress export into this data folder"),
        description=_(
            "Reads a file written by `rnnprep export progress` (JSON or CSV, told apart by its"
            " content) and merges it into the progress file in one transaction: rows already"
            " there (a review of the same question at the same time, and so on) are skipped,"
            " and of two schedules for one question the one reviewed later is kept. A copy of"
            " the progress file is saved beside it first. A CSV adds reviews only."
        ),
    )
    merge.add_argument("path", type=Path, metavar="PATH", help=_("the file to import"))


def export_main(args: argparse.Namespace, lang: Lang) -> int:
    if args.export_command == "anki":
        return export_anki(args.deck_lang or lang, args.topic, args.output)
    return export_progress(args.format, args.output)


def _error(message: str, code: int = 1) -> int:
    print(_("rnnprep: error: {message}").format(message=message), file=sys.stderr)
    return code


def _write(path: Path, text: str) -> str | None:
    """Write `text` to `path`; why it failed, or None."""
    try:
        with path.expanduser().open("w", encoding="utf-8", newline="") as out:
            out.write(text)
    except OSError as exc:
        return _("Could not write {path}: {reason}").format(path=path, reason=exc.strerror or exc)
    return None


def export_progress(fmt: str, output: Path | None) -> int:
    from quiz import progress_io
    from quiz.locations import db_path

    progress = progress_io.read_progress(db_path())
    text = progress_io.to_csv(progress) if fmt == "csv" else progress_io.to_json(progress)
    if output is None:
        sys.stdout.write(text)
        return 0
    problem = _write(output, text)
    if problem is not None:
        return _error(problem)
    reviews = len(progress["reviews"])
    print(
        ngettext(
            "Exported your progress ({format}, {reviews} review) to {path}.",
            "Exported your progress ({format}, {reviews} reviews) to {path}.",
            reviews,
        ).format(format=fmt.upper(), reviews=reviews, path=output)
    )
    return 0


def import_main(args: argparse.Namespace) -> int:
    from quiz import progress_io
    from quiz.locations import db_path

    try:
        incoming = progress_io.load_file(args.path)
    except progress_io.ProgressFileError as exc:
        return _error(str(exc))
    done = progress_io.import_progress(db_path(), incoming)
    print(_("Saved a copy of your progress as {path} before importing.").format(path=done.backup))
    for table, label in progress_io.TABLES.items():
        if done.added[table] or done.skipped[table]:
            print(
                _("{table}: {added} imported, {skipped} skipped (already there)").format(
                    table=_(label), added=done.added[table], skipped=done.skipped[table]
                )
            )
    if not any(done.added.values()) and not any(done.skipped.values()):
        print(_("The file holds no progress; nothing was imported."))
    return 0


def export_anki(lang: Lang, topic: str | None, output: Path | None) -> int:
    from quiz import anki
    from quiz.bank import load_bank

    bank = load_bank()
    if topic is not None:
        by_case = {t.casefold(): t for t in bank.topics}
        if topic.casefold() not in by_case:
            return _error(
                _("unknown topic {name!r}.{hint} Topics: {topics}").format(
                    name=topic, hint="", topics=", ".join(bank.topics)
                ),
                code=2,
            )
        topic = by_case[topic.casefold()]
    path = (output or Path(f"rnnprep-{lang}.apkg")).expanduser()
    try:
        notes = anki.write_apkg(anki.build_deck(bank, lang, topic), path)
    except OSError as exc:
        return _error(
            _("Could not write {path}: {reason}").format(path=path, reason=exc.strerror or exc)
        )
    print(
        _(
            "Wrote {notes} notes to {path}. In Anki: File > Import; importing a newer export"
            " updates these notes instead of adding copies."
        ).format(notes=notes, path=path)
    )
    return 0
