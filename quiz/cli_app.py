"""Opening the full-screen app from the command line: what must hold first (a known topic, a
terminal on stdin and stdout), and the start request the app opens with."""

from __future__ import annotations

import argparse
import os
import sys

from quiz.l10n import _, ngettext


def start_problem(args: argparse.Namespace) -> str | None:
    """Why the app can't open for `args` (a one-line message), else None; an unknown topic as
    typed is resolved to its id in place."""
    topic = getattr(args, "topic", None)
    if topic is not None:
        found, problem = resolve_topic(topic)
        if problem is not None:
            return problem
        args.topic = found

    if os.environ.get("TEXTUAL_DRIVER"):  # a driver of Textual's own (`rnnprep serve`'s tabs)
        return None
    not_a_terminal = [
        name for name, stream in (("stdin", sys.stdin), ("stdout", sys.stdout)) if not _tty(stream)
    ]
    if not_a_terminal:  # a script or a pipe: the full-screen app would wait forever
        command = f"rnnprep {args.command}" if args.command else "rnnprep"
        message = ngettext(
            "{command} opens the full-screen app, but {streams} is not a terminal.",
            "{command} opens the full-screen app, but {streams} are not terminals.",
            len(not_a_terminal),
        ).format(command=command, streams=_(" and ").join(not_a_terminal))
        advice = {
            "stats": _("For scripts, use `rnnprep stats --json`."),
            "mock": "",
        }.get(args.command, _("For scripts, use `rnnprep bank check --json` or `grade --json`."))
        if advice:  # a space between sentences in English, none in Chinese
            message = _("{problem} {advice}").format(problem=message, advice=advice)
        return message
    return None


def open_app(args: argparse.Namespace) -> int:
    """Run the TUI, straight into a quiz, a mock interview or the stats when one was asked for."""
    from quiz.tui.app import RnnPrepApp, StartRequest

    start = None
    if args.command == "mock":
        options = {"minutes": args.minutes, "level": args.level, "script": args.script}
        start = StartRequest("mock", options={**options, "report_path": args.report})
    elif args.command == "stats":
        start = StartRequest("stats")
    elif args.command in ("quiz", "review", "practice"):
        start = StartRequest(
            mode=args.command,
            topic=getattr(args, "topic", None),
            count=args.count,
            difficulty=getattr(args, "difficulty", None),
            tags=getattr(args, "tag", None),
        )
    app = RnnPrepApp(lang=args.lang, start=start)
    app.run()
    return app.return_code or 0


def _tty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def resolve_topic(name: str) -> tuple[str | None, str | None]:
    """A topic id as typed (any case), or a one-line problem naming the closest ids and all."""
    import difflib

    from quiz.bank import load_bank

    topics = list(load_bank().topics)
    by_case = {t.casefold(): t for t in topics}
    if name.casefold() in by_case:
        return by_case[name.casefold()], None
    close = difflib.get_close_matches(name.casefold(), topics, n=2, cutoff=0.5)
    hint = _(" Did you mean {names}?").format(names=_(" or ").join(close)) if close else ""
    problem = _("unknown topic {name!r}.{hint} Topics: {topics}").format(
        name=name, hint=hint, topics=", ".join(topics)
    )
    return None, problem
