"""Leeches (`k` from home): each question out of the rotation with what helps — its explanation,
the gradient lab preset that shows it, the exercises on it, a fresh variant of a generated
question — and `b` to bring it back once read (quiz.leeches)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from quiz import leeches
from quiz.l10n import N_, _, current_language
from quiz.store import now_utc
from quiz.tui import STYLES
from quiz.tui.localized import Localized
from quiz.tui.messages import OpenScreen


class LeechScreen(Localized, Screen[None]):
    CSS_PATH = STYLES / "plan.tcss"
    BINDINGS = [
        Binding(
            "b", "release", N_("Bring back"), id="leeches.release", tooltip=N_("Back in rotation")
        ),
        Binding("l", "lab", N_("Lab"), id="leeches.lab", tooltip=N_("Open the lab preset")),
        Binding("e", "exercises", N_("Exercises"), id="leeches.exercises"),
        Binding("escape", "back", N_("Back"), id="leeches.back", tooltip=N_("Back to home")),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="summary")
        yield OptionList(id="leech-list")
        with VerticalScroll(id="help"):
            yield Markdown(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self._fill()

    def _fill(self) -> None:
        app = self.rnn
        self.found = leeches.leeches(app.loaded_bank, app.store, app.study)
        lang = current_language()
        listing = self.query_one("#leech-list", OptionList)
        listing.clear_options()
        listing.add_options(
            Option(
                _("{prompt} — wrong {count} times").format(
                    prompt=leech.question.prompt.get(lang)[:60], count=leech.wrong
                ),
                id=leech.question.id,
            )
            for leech in self.found
        )
        self.query_one("#summary", Static).update(
            _(
                "Questions answered wrong {count} times leave the rotation. Read what helps,"
                " then press b to bring one back; its count starts again."
            ).format(count=app.study.leech_after)
            if self.found
            else _("No leeches: no question has been answered wrong {count} times.").format(
                count=app.study.leech_after
            )
        )
        if self.found:
            listing.highlighted = 0
            listing.focus()
        else:
            self.query_one("#detail", Markdown).update("")

    @on(OptionList.OptionHighlighted)
    def _show(self, event: OptionList.OptionHighlighted) -> None:
        leech = self.found[event.option_index]
        offered = leeches.help_for(leech.question, self.rnn.rng)
        self.offered = offered
        lang = current_language()
        parts = [
            f"**{leech.question.prompt.get(lang)}**",
            leech.question.explanation.get(lang),
        ]
        if offered.preset is not None:
            parts.append(
                _("See it happen: {title} (press l).").format(
                    title=offered.preset.text(offered.preset.title, lang)
                )
            )
        if offered.exercises:
            parts.append(
                _("Write it: {names} (press e).").format(names=", ".join(offered.exercises))
            )
        if offered.variant is not None:
            parts.append(
                _("A fresh variant to try: {prompt}").format(prompt=offered.variant.prompt(lang))
            )
        self.query_one("#detail", Markdown).update("\n\n".join(parts))

    def _chosen(self) -> leeches.Leech | None:
        index = self.query_one("#leech-list", OptionList).highlighted
        return self.found[index] if index is not None and self.found else None

    def action_release(self) -> None:
        leech = self._chosen()
        if leech is None:
            return
        leeches.release(self.rnn.store, leech.question, now_utc())
        self.notify(_("Back in the rotation, due now."))
        self._fill()

    def action_lab(self) -> None:
        if self._chosen() is not None and self.offered.preset is not None:
            self.rnn.open_screen("lab", preset=self.offered.preset.name)

    def action_exercises(self) -> None:
        if self._chosen() is not None and self.offered.exercises:
            self.post_message(OpenScreen("exercises"))

    def action_back(self) -> None:
        self.dismiss()
