"""The saved mock report shows what the learner typed and what the grader said, as it was: a free
answer keeps its line breaks, and HTML or Markdown in it (or in a diagnosis) is not rendered.
Checked by rendering the report with markdown-it, the parser the app's Markdown widget uses."""

from __future__ import annotations

import html
import random
import re

import pytest
from markdown_it import MarkdownIt

from exercises.results import Check, Diagnosis, GradeResult
from quiz.bank import Bank
from quiz.engine import FreeAnswer
from quiz.interview.report import _escaped, build_report, to_markdown
from quiz.interview.run import InterviewRun
from quiz.interview.scripts import Script
from quiz.store import Store

TYPED = (
    "The cell state is *additive*: <b>c_t = f * c + i * g</b>\n"
    "# not a heading\n"
    "1. not a list\n"
    "    not code, just indented\n"
    "\n"
    "[a link](http://x) `code` | pipe ~~gone~~ $x$ __init__ a\\b &lt;"
)
GRADER_SAID = "<script>alert(1)</script> **bold** `x` _y_ lstm.gate_order [z](w)"


def rendered(markdown: str) -> str:
    return MarkdownIt("gfm-like").render(markdown)


def text_of(fragment: str) -> str:
    """The text a reader sees in rendered HTML: tags dropped, line breaks kept."""
    fragment = re.sub(r"<br />\n?", "\n", fragment)
    fragment = re.sub(r"</p>\s*<p>", "\n\n", fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).replace("\u00a0", " ").strip()


def test_free_answer_and_grader_output_render_as_typed(
    bank: Bank, script: Script, store: Store
) -> None:
    run = InterviewRun(script, bank, store, minutes=30, rng=random.Random(0), clock=lambda: 0.0)
    run.submit(run.current.posed.question.answer)  # right: on to the free question
    run.next()
    run.submit(FreeAnswer(TYPED, frozenset({0})))  # one key point of three: a mistake
    run.next()
    found = Diagnosis("crash", GRADER_SAID)
    run.submit(GradeResult("lstm_cell", False, "cpu", 7, [Check("loads", False, "x")], found))
    run.next()
    page = rendered(to_markdown(build_report(run)))

    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", page, re.S)
    assert len(quotes) == 1
    assert text_of(quotes[0]) == TYPED
    for tag in ("<b>", "<em>", "<strong>", "<h1>", "<ol>", "<pre>", "<code>", "<del>"):
        assert tag not in quotes[0], tag
    # The Markdown link is not one; a bare URL may be linkified, its text still as typed.
    assert re.findall(r"<a [^>]*>([^<]*)</a>", quotes[0]) in ([], ["http://x"])
    assert "<script>" not in page
    said = next(li for li in re.findall(r"<li>((?:(?!<li>).)*?)</li>", page, re.S) if "alert" in li)
    assert text_of(said) == f"crash: {GRADER_SAID}"
    assert "lstm.gate_order" in to_markdown(build_report(run))  # an id still reads as itself


@pytest.mark.parametrize(
    "line",
    ["- item", "+ item", "= = =", "---", "***", "___", "2) two", "> quote", "\tcode", "#tag", ""],
)
def test_no_line_opens_a_block(line: str) -> None:
    page = rendered(f"- {_escaped(line)}")
    assert page.count("<li>") == 1
    for tag in ("<ul>\n<li>\n<ul>", "<ol", "<blockquote>", "<pre>", "<hr", "<h"):
        assert tag not in page.replace("<ul>\n<li>", "", 1), (line, page)
    assert text_of(page) == line.replace("\t", "    ").strip()
