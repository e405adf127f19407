"""The rnnprep app: owns the bank and the store, and switches between screens."""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from quiz.bank import Bank, is_cached, load_bank
from quiz.i18n import LANGS, Lang
from quiz.l10n import LANGUAGE_NAMES, N_, _, remember_language, set_language
from quiz.locations import data_dir, db_path
from quiz.settings import Study, load_study
from quiz.store import Store, StoreError, StoreLocked
from quiz.tui import STYLES
from quiz.tui.failures import FailureReportingApp
from quiz.tui.messages import BankLoaded, OpenScreen, StartQuiz
from quiz.tui.screens.registry import ENTRIES, QUIZ_MODES, entry

if TYPE_CHECKING:
    from quiz.tui.grader import WarmGrader

log = logging.getLogger(__name__)

STORE_WAIT = 0.5  # seconds a write waits for another program's lock before we say so and retry


@dataclass(frozen=True)
class StartRequest:
    """What the command line asked the app to open straight into.

    `mode` is a name registered in quiz.tui.screens.registry (a quiz mode or a screen);
    `options` are passed to that screen's constructor.
    """

    mode: str
    topic: str | None = None
    count: int = 10
    difficulty: list[int] | None = None
    tags: list[str] | None = None
    options: dict[str, Any] = field(default_factory=dict)


__all__ = ["QUIZ_MODES", "STYLES", "RnnPrepApp", "StartRequest"]


class RnnPrepApp(FailureReportingApp):
    """Home, quiz, summary; later screens plug in through `push_screen`."""

    TITLE = "rnnprep"
    SUB_TITLE = N_("RNN · LSTM · GRU interview prep")
    # home.tcss too: Textual reads a screen's CSS_PATH when the screen is pushed, and the first
    # screen is installed without that (its rules are scoped to HomeScreen).
    CSS_PATH = [STYLES / "app.tcss", STYLES / "home.tcss"]
    BINDINGS = [
        Binding(
            "ctrl+t",
            "toggle_dark",
            N_("Theme"),
            id="app.theme",
            tooltip=N_("Switch between the light and dark theme"),
        ),
        Binding(
            "ctrl+q", "quit", N_("Quit"), id="app.quit", tooltip=N_("Leave rnnprep"), priority=True
        ),
        Binding(
            "f2",
            "next_language",
            N_("Language"),
            id="app.language",
            tooltip=N_("English, Traditional or Simplified Chinese"),
            show=False,
        ),
    ]

    def __init__(
        self,
        *,
        lang: Lang = "en",
        start: StartRequest | None = None,
        store: Store | None = None,
        bank_dir: Path | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        self.rng = random.Random(seed)
        self.lang: Lang = lang
        set_language(lang)  # the interface follows the questions' language
        self.sub_title = _(self.SUB_TITLE)
        self.start = start
        self.bank_dir = bank_dir
        self.bank: Bank | None = None
        self._store: Store | None = store
        self.store_locked: StoreLocked | None = None
        if store is None:
            try:
                self._store = Store(db_path(), busy_timeout=STORE_WAIT)
            except StoreLocked as exc:  # wait for it on screen (see on_mount); never move it
                self.store_locked = exc
        self._grader: WarmGrader | None = None
        self.study: Study = load_study(data_dir())  # the plan screen replaces it when saved

    @property
    def store(self) -> Store:
        """The progress store; screens open only once it is (see StoreWaitScreen)."""
        if self._store is None:
            raise RuntimeError("the progress file is not open yet")
        return self._store

    @property
    def loaded_bank(self) -> Bank:
        """The question bank, for screens that open only once it has loaded (open_screen and
        begin wait for it); an error saying so rather than a None deep inside a screen."""
        if self.bank is None:
            raise RuntimeError("the questions are not loaded yet: open screens after BankLoaded")
        return self.bank

    @property
    def grader(self) -> WarmGrader:
        """The exercises' grading process, started on first use and kept until the app exits.

        The app keeps it, not the exercises screen, so leaving that screen (to drill the
        questions a diagnosis queued, say) does not cost torch's import again on return.
        """
        if self._grader is None:
            from quiz.tui.grader import WarmGrader

            self._grader = WarmGrader(self.store)
        return self._grader

    def on_unmount(self) -> None:
        """End the grading process with the app: it lives in a session of its own, so nothing
        else would stop it."""
        if self._grader is not None:
            self._grader.close()

    def get_default_screen(self) -> Screen[Any]:
        from quiz.tui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        if self._store is None:
            from quiz.tui.screens.store_wait import StoreWaitScreen

            self.push_screen(StoreWaitScreen(str(self.store_locked)), self._store_opened)
            return
        self._store_opened(self._store)

    def _store_opened(self, store: Store | None) -> None:
        """Tell what happened to the progress file, then load the questions."""
        if store is None:  # the learner gave up waiting
            self.exit()
            return
        self._store = store
        if store.read_only:
            log.warning("progress file %s is read-only: answers are not saved", store.path)
            self.sub_title = _("read-only: answers are not saved")
            self.notify(
                _(
                    "{path} can't be written (read-only). You can use rnnprep, but answers"
                    " given now will not be kept; use --data-dir to keep them elsewhere."
                ).format(path=store.path),
                title=_("Answers are not saved"),
                severity="warning",
                timeout=30,
            )
        if store.recovered_from:
            log.warning(
                "progress file unreadable; kept as %s, fresh one started", store.recovered_from
            )
            self.notify(
                _(
                    "The progress file could not be read. It was kept as {path}"
                    " and a fresh one was started."
                ).format(path=self.store.recovered_from),
                title=_("Progress file moved aside"),
                severity="warning",
                timeout=30,
            )
        if is_cached(self.bank_dir):
            # Decoding the parsed copies takes ~15 ms. In a thread it takes 10x longer: each
            # file read hands the GIL to start-up's layout work and waits to get it back.
            self.post_message(BankLoaded(load_bank(self.bank_dir)))
        else:
            self.load_bank()

    @work(thread=True, exclusive=True, group="bank", exit_on_error=False)
    def load_bank(self) -> None:
        """YAML parsing and validation (the first start, or after a bank changed) stay off the
        UI thread."""
        self.post_message(BankLoaded(load_bank(self.bank_dir)))

    @on(BankLoaded)
    def _bank_loaded(self, message: BankLoaded) -> None:
        self.bank = message.bank
        files = sorted({p.file.name for p in message.bank.problems})
        for problem in message.bank.problems:
            log.warning(
                "bank: %s:%s [%s]: %s",
                problem.file,
                problem.line,
                problem.question_id,
                problem.message,
            )
        if files:
            self.notify(
                _(
                    "Some questions were left out; fix {files}"
                    " (run `rnnprep bank check` for lines)."
                ).format(files=", ".join(files)),
                title=_("Question bank problems"),
                severity="warning",
                timeout=15,
            )
        from quiz.tui.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen) and screen.is_mounted:
                screen.refresh_progress()  # else its on_mount will
        if self.start is not None:
            request, self.start = self.start, None
            if request.mode in QUIZ_MODES:
                self.begin(
                    request.mode, request.topic, request.count, request.difficulty, request.tags
                )
            else:
                self.open_screen(request.mode, **request.options)

    @on(OpenScreen)
    def _open_screen(self, message: OpenScreen) -> None:
        self.open_screen(message.name)

    def open_screen(self, name: str, **options: Any) -> None:
        """Open what the registry calls `name`: push its screen, built with `options`, or start
        a sitting in that quiz mode (`options` as for `begin`)."""
        if self.bank is None:
            self.notify(_("Questions are still loading…"))
            return
        wanted = entry(name)
        if wanted.is_quiz_mode:
            self.begin(name, **options)
        else:
            self.push_screen(wanted.build(**options))

    @on(StartQuiz)
    def _start_quiz(self, message: StartQuiz) -> None:
        self.begin(message.mode, message.topic)

    def begin(
        self,
        mode: str,
        topic: str | None = None,
        count: int = 10,
        difficulty: list[int] | None = None,
        tags: list[str] | None = None,
        question_ids: list[str] | None = None,
    ) -> None:
        """Plan a sitting and open the quiz screen, or say why there is nothing to ask.

        `question_ids` limits the sitting to those questions (see quiz.session.plan).
        """
        from quiz.session import Mode, QuizSession, plan
        from quiz.tui.screens.quiz import QuizScreen

        if mode not in QUIZ_MODES:
            raise ValueError(f"{mode!r} is not a quiz mode (one of {', '.join(QUIZ_MODES)})")
        sitting = cast(Mode, mode)

        if self.bank is None:
            self.notify(_("Questions are still loading…"))
            return
        limit = 50 if mode == "review" else count
        questions = plan(
            self.bank,
            self.store,
            sitting,
            topic=topic,
            count=limit,
            difficulty=difficulty,
            tags=tags,
            rng=self.rng,
            question_ids=question_ids,
            study=self.study,
        )
        if not questions:
            if mode == "review":
                text = _("No questions match. Nothing is due now; press p to practise anyway.")
            else:
                text = _("No questions match.")
            self.notify(text, severity="warning")
            return
        session = QuizSession(
            self.bank,
            self.store,
            questions,
            mode=sitting,
            lang=self.lang,
            topic=topic,
            rng=self.rng,
            study=self.study,
        )
        self.push_screen(QuizScreen(session))

    def _handle_exception(self, error: Exception) -> None:
        """A store condition met by a handler (a lock held past the wait, say) is told to the
        learner and survived; the app keeps running and nothing already saved is lost.
        Anything else is a bug and ends the app as Textual does."""
        if isinstance(error, StoreError):
            log.warning("progress file: %s", error)
            self.notify(str(error), title=_("Progress file"), severity="error", timeout=15)
            return
        super()._handle_exception(error)

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_next_language(self) -> None:
        """Cycle English -> Traditional -> Simplified Chinese (f2)."""
        self.switch_language(LANGS[(LANGS.index(self.lang) + 1) % len(LANGS)])

    def switch_language(self, lang: Lang) -> None:
        """Show the interface (and questions asked from now on) in `lang`; remember it.

        Screens with a `language_changed` method redraw themselves; on others the footer changes
        at once and the rest when the screen is opened again (a quiz keeps its language).
        """
        if lang == self.lang:
            return
        self.lang = lang
        set_language(lang)
        with contextlib.suppress(OSError):  # if it cannot be kept, it still holds for this run
            remember_language(data_dir(), lang)
        self.sub_title = _(self.SUB_TITLE)
        for screen in self.screen_stack:
            redraw = getattr(screen, "language_changed", None)
            if redraw is not None:
                redraw()
            screen.refresh_bindings()
        note = _("Language: {name}").format(name=LANGUAGE_NAMES[lang])
        if not hasattr(self.screen, "language_changed"):
            note += _(" (open this screen again to see all of it in this language)")
        self.notify(note, timeout=4)

    def action_command_palette(self) -> None:
        """Textual's palette, with its prompt in the interface language."""
        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=_("Search for commands…"))
            )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):  # Textual's own, translated
            yield command._replace(title=_(command.title), help=_(command.help))
        for way in ENTRIES:
            yield SystemCommand(
                _(way.palette), _(way.palette_help), lambda name=way.name: self.open_screen(name)
            )
        yield SystemCommand(_("Toggle light/dark theme"), "", self.action_toggle_dark)
        for lang in LANGS:
            if lang != self.lang:
                yield SystemCommand(
                    _("Language: {name}").format(name=LANGUAGE_NAMES[lang]),
                    _("Show the interface and questions in {name}; remembered").format(
                        name=LANGUAGE_NAMES[lang]
                    ),
                    lambda lang=lang: self.switch_language(lang),
                )


# Textual's own words shown in the footer and the command palette, for the catalogue.
TEXTUAL_STRINGS = (
    N_("palette"),
    N_("Open the command palette"),
    N_("Change the current theme"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)
