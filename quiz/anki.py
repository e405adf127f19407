"""The question banks as an Anki deck (`rnnprep export anki`): one note per question.

Ids are fixed so that importing a newer export into Anki updates the notes instead of adding
copies: the note type and the deck have constant ids (MODEL_ID, DECK_ID, chosen once at random
as genanki suggests; never change them), and each note's guid is derived from its question id
alone, so a deck exported in another language replaces the text of the same notes.

Each question is drawn once with a seed made from its id (quiz.engine.replay), so the card is the
same in every export: choices in a fixed shuffled order, and a generated numeric question with
one fixed set of numbers (the app draws fresh ones every time; the card says so). The answer is
what the app shows as the right answer (the question type's own `mark` of a right response).

Formulas: the banks write math as plain text (h_{t-1}, W_hh, v_a^T, 2^(L-1), alpha_ij); each such
token becomes MathJax `\\(...\\)`, which Anki renders; everything else is HTML-escaped.
"""

from __future__ import annotations

import hashlib
import html
import re
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable
from itertools import count
from pathlib import Path
from typing import Any

import genanki

from quiz.bank import Bank
from quiz.engine import check, replay
from quiz.i18n import Lang
from quiz.l10n import N_, gettext_for
from quiz.posing import FreeAnswer, Posed
from quiz.questions import Question, Text
from quiz.sources import load_sources, source_ids

MODEL_ID = 1_281_609_297  # the note type "rnnprep question"; fixed forever
DECK_ID = 1_201_150_432  # the deck "rnnprep"; fixed forever
DECK_NAME = "rnnprep"
FIELDS = ("Id", "Topic", "Prompt", "Answer", "Explanation", "Source")
SEED_BYTES = 4

# The templates carry no words, so one note type serves every language.
FRONT = '<div class="prompt">{{Prompt}}</div>'
BACK = (
    "{{FrontSide}}<hr id=answer>"
    '<div class="answer">{{Answer}}</div>'
    '<div class="explanation">{{Explanation}}</div>'
    '<div class="source">{{Source}}</div>'
    '<div class="meta">{{Topic}} · {{Id}}</div>'
)
CSS = """\
.card { font-family: sans-serif; font-size: 18px; text-align: left; line-height: 1.45; }
.answer { font-weight: bold; margin-bottom: 0.8em; }
.source, .meta, .note { color: #777; font-size: 0.8em; margin-top: 0.6em; }
"""

MODEL = genanki.Model(
    MODEL_ID,
    "rnnprep question",
    fields=[{"name": name} for name in FIELDS],
    templates=[{"name": "Question", "qfmt": FRONT, "afmt": BACK}],
    css=CSS,
)

# What each question type lists under its prompt (a list of texts, shown as the app shows it),
# and a right response to it (marked by the type itself to give the answer the app shows).
LISTS = {"single": "choices", "multi": "choices", "order": "items", "spot_error": "lines"}
RIGHT: dict[str, Callable[[Any, Posed], Any]] = {
    "single": lambda q, p: q.answer,
    "multi": lambda q, p: q.answer,
    "truefalse": lambda q, p: q.answer,
    "numeric": lambda q, p: p.answer,
    "order": lambda q, p: list(range(len(q.items))),
    "spot_error": lambda q, p: q.answer,
    "free": lambda q, p: FreeAnswer("", frozenset(range(len(q.key_points)))),
}
# What the prompt may leave unsaid (order and spot_error prompts ask for what they want).
HINTS = {"multi": N_("Select all that apply."), "truefalse": N_("True or false?")}
GENERATED = N_("The numbers are drawn once for this card; the app draws fresh ones every time.")
KEY_POINTS = N_("Key points:")
SOURCE = N_("Source: ")


# formulas ---------------------------------------------------------------------------------------

# Greek letters and big operators the banks spell out, as TeX commands.
_GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "lambda", "mu", "sigma")
_NAMED = {name: "\\" + name for name in (*_GREEK, "tau", "phi", "omega", "sum", "prod")}
_NAMED["eps"] = "\\epsilon"
_NAMES = "|".join(sorted(_NAMED, key=len, reverse=True))
_BRACED = r"\{(?:[^{}<>&\n]|\{[^{}<>&\n]*\})+\}"
_SUB = rf"_(?:{_BRACED}|[A-Za-z0-9]+)"
_SUP = rf"\^(?:{_BRACED}|\([^()<>&\n]{{1,20}}\)|-?\d+(?:\.\d+)?|[A-Za-z0-9]+)"
_BASE = rf"(?:(?:{_NAMES})|d?[A-Za-z]'?|[\u0391-\u03a9\u03b1-\u03c9])"
_MATH = re.compile(
    # not inside a word or after a single dot (`obj.x_t` is code; `x_1..x_T` is math)
    r"(?<![A-Za-z0-9_'\\])(?<!(?<!\.)\.)"
    rf"(?:{_BASE}(?:{_SUB}(?:{_SUP})?|{_SUP}(?:{_SUB})?)|\d+(?:\.\d+)?{_SUP})"
    r"(?![A-Za-z0-9_])"
    # (W_hh^T)^k, |lambda|^k, ||W||_2: a script on what came before
    rf"|(?<=[)|])(?:{_SUP}|{_SUB})(?![A-Za-z0-9_])"
)


def _tex(token: str) -> str:
    """One plain-text math token as TeX: scripts braced, Greek letters as commands."""
    token = re.sub(rf"^({_NAMES})(?=[_^])", lambda m: _NAMED[m.group(1)], token)
    token = re.sub(r"\^\(([^()]*)\)", r"^{\1}", token)
    return re.sub(r"([_^])(-?\d+(?:\.\d+)?|[A-Za-z0-9]+)", r"\1{\2}", token)


def to_html(text: str) -> str:
    """Bank text as Anki field HTML: math tokens as MathJax `\\(...\\)`, the rest escaped."""
    out, last = [], 0
    for found in _MATH.finditer(text):
        out.append(html.escape(text[last : found.start()], quote=False))
        out.append(r"\(" + html.escape(_tex(found.group()), quote=False) + r"\)")
        last = found.end()
    out.append(html.escape(text[last:], quote=False))
    return "".join(out).replace("\n", "<br>")


# notes ------------------------------------------------------------------------------------------


def seed_for(question_id: str) -> int:
    """The showing a card is drawn from: the same for a question in every export."""
    return int.from_bytes(hashlib.sha256(question_id.encode()).digest()[:SEED_BYTES], "big")


def guid(question_id: str) -> str:
    """The note's identity in Anki: the question id alone, so a re-import updates the note."""
    return str(genanki.guid_for("rnnprep", question_id))


def fields(question: Question, topic: str, lang: Lang) -> list[str]:
    """The note's fields (FIELDS) for `question` in `lang`."""
    posed = replay(question, seed_for(question.id))
    prompt = [f"<p>{to_html(posed.prompt(lang))}</p>"]
    listed: list[Text] | None = getattr(question, LISTS.get(question.type, ""), None)
    if listed is not None:
        order = posed.shown_order or tuple(range(len(listed)))
        items = "".join(f"<li>{to_html(listed[i].get(lang))}</li>" for i in order)
        prompt.append(f"<ol>{items}</ol>")
    if question.type in HINTS:
        prompt.append(f"<p><i>{html.escape(gettext_for(lang, HINTS[question.type]))}</i></p>")
    if posed.params:
        prompt.append(f'<p class="note">{html.escape(gettext_for(lang, GENERATED))}</p>')
    outcome = check(posed, RIGHT[question.type](question, posed), lang)
    answer = to_html(outcome.expected)
    key_points: list[Text] | None = getattr(question, "key_points", None)
    if key_points:
        points = "".join(f"<li>{to_html(p.get(lang))}</li>" for p in key_points)
        answer += f"<p>{html.escape(gettext_for(lang, KEY_POINTS))}</p><ul>{points}</ul>"
    return [
        html.escape(question.id),
        html.escape(topic),
        "".join(prompt),
        answer,
        to_html(question.explanation.get(lang)),
        html.escape(gettext_for(lang, SOURCE)) + _sources(question),
    ]


def _sources(question: Question) -> str:
    """Each cited work as a line, linked where it is public."""
    table = load_sources()
    cited = []
    for sid in source_ids(question.source):
        work = table.get(sid)
        text = html.escape(work.cite() if work else sid)
        if work is not None and work.url:
            text = f'<a href="{html.escape(work.url)}">{text}</a>'
        cited.append(text)
    return "; ".join(cited)


def _tag(text: str) -> str:
    return re.sub(r"\s+", "_", text.strip())


def build_deck(bank: Bank, lang: Lang, topic: str | None = None) -> genanki.Deck:
    """One note per question of `bank` (or of one topic), in bank order."""
    deck = genanki.Deck(DECK_ID, DECK_NAME)
    for question in bank.select(topic=topic):
        title = bank.topics[question.topic].title.get(lang)
        tags = [
            "rnnprep",
            f"rnnprep::{_tag(question.topic)}",
            f"difficulty::{question.difficulty}",
            *(_tag(t) for t in question.tags),
        ]
        deck.add_note(
            genanki.Note(
                model=MODEL,
                fields=fields(question, title, lang),
                guid=guid(question.id),
                tags=tags,
            )
        )
    return deck


def write_apkg(deck: genanki.Deck, path: Path) -> int:
    """Write `deck` as an .apkg at `path`; the number of notes. genanki's own write_to_file
    leaves its temporary database behind, so the collection is built in a folder removed after."""
    timestamp = time.time()  # newer than the last export: Anki takes the notes as updates
    with tempfile.TemporaryDirectory(prefix="rnnprep-anki-") as folder:
        collection = Path(folder) / "collection.anki2"
        conn = sqlite3.connect(collection)
        try:
            genanki.Package(deck).write_to_db(
                conn.cursor(), timestamp, count(int(timestamp * 1000))
            )
            conn.commit()
        finally:
            conn.close()
        partial = path.with_name(f".{path.name}.partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as package:
            package.write(collection, "collection.anki2")
            package.writestr("media", "{}")
        partial.replace(path)
    return len(deck.notes)
