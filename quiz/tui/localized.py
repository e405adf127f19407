"""Key bindings in the interface language.

Textual keeps each class's BINDINGS as built at import time, and the footer and the keys panel show
`Binding.description` / `tooltip` as they are. Bindings are therefore written with English msgids
(marked `N_`), and a screen that mixes in `Localized` hands out translated copies from
`active_bindings`, which is all the footer and the keys panel read. A language switch then needs
only `screen.refresh_bindings()`.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.screen import ActiveBinding  # type: ignore[attr-defined]  # not re-exported

from quiz.i18n import Lang
from quiz.l10n import _, current_language

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from quiz.tui.app import RnnPrepApp


@cache
def _translated(binding: Binding, lang: Lang) -> Binding:
    del lang  # part of the cache key: _() reads the current language
    return replace(
        binding,
        description=_(binding.description),
        tooltip=_(binding.tooltip) if binding.tooltip else binding.tooltip,
    )


def translate_binding(binding: Binding) -> Binding:
    lang = current_language()
    return binding if lang == "en" else _translated(binding, lang)


class Localized:
    """Mix into a Screen (before it): its footer shows binding descriptions translated, and its
    TITLE / SUB_TITLE (English msgids marked `N_`) are shown translated. `rnn` is the app,
    typed: screens reach the bank, store, grader and navigation through it."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("TITLE", "SUB_TITLE"):
            text = getattr(self, name, None)
            if text:
                setattr(self, name.lower(), _(text))

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        active: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        if current_language() == "en":
            return active
        return {
            key: item._replace(
                binding=translate_binding(item.binding),
                tooltip=_(item.tooltip) if item.tooltip else item.tooltip,
            )
            for key, item in active.items()
        }

    @property
    def rnn(self) -> RnnPrepApp:
        """The running app as what it is (Textual types `self.app` as any App)."""
        return cast("RnnPrepApp", cast("MessagePump", self).app)
