"""A scroll that keeps one widget in view while what is around it settles.

Scrolling to a widget right after showing it often lands short: the layout is not done (a panel
that was hidden has no height yet, Markdown above it renders a moment later, a scrollbar appears
and rewraps the text). PinnedScroll scrolls to its pinned widget after each refresh that changes
its content's size or its own, until something else is pinned, the pin is dropped, or the learner
scrolls.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.containers import VerticalScroll
from textual.widget import Widget


class PinnedScroll(VerticalScroll):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pinned: tuple[Widget, bool] | None = None

    def pin(self, widget: Widget, *, top: bool = False) -> None:
        """Bring `widget` into view (to the top with `top`), now and as the content settles."""
        self._pinned = (widget, top)
        self.call_after_refresh(self._follow)

    def unpin(self) -> None:
        self._pinned = None

    def on_resize(self, event: events.Resize) -> None:
        if self._pinned is not None:  # narrower or wider: the text above may rewrap
            self.call_after_refresh(self._follow)

    def watch_virtual_size(self) -> None:
        if self._pinned is not None:  # the content grew or shrank: the pinned widget moved
            self.call_after_refresh(self._follow)

    def on_mouse_scroll_up(self) -> None:
        self.unpin()  # the learner scrolls: leave the view where they put it

    def on_mouse_scroll_down(self) -> None:
        self.unpin()

    def _follow(self) -> None:
        if self._pinned is None:
            return
        widget, top = self._pinned
        if widget.is_attached and widget.display:
            self.scroll_to_widget(widget, animate=False, top=top)
