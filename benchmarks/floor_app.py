"""Started by bench_app.py: a bare Textual app with the home screen's widget kinds and no rnnprep
code, exiting after its first paint. It shows how much of start-up Textual itself costs."""

from textual.app import App, ComposeResult
from textual.widgets import Button, DataTable, Footer, Header, Static


class Floor(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("0 due now")
        yield DataTable()
        for label in ("Quiz", "Review", "Practice"):
            yield Button(label)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Topic", "Questions", "Seen", "Due", "Accuracy")
        for _ in range(19):
            table.add_row("A topic title", 12, 0, 0, "—")
        self.set_interval(0.002, self.exit)


Floor().run(headless=True)
