"""Mock interview screens: pick a script, sit it against the clock, read the report.

MockScreen lists the scripts of a level and the past interviews; starting one pushes
InterviewScreen, which asks each step with the quiz's own answer widgets, grades the coding step
in a worker thread while the clock keeps running, and switches to MockReportScreen at the end.
Popping the report comes back to MockScreen, where the new score is listed. Every id here starts
with `mock-`: screen stylesheets are global once loaded, and the quiz's own ids must not match.
"""

from quiz.tui.screens.mock_interview import CodingPanel, InterviewScreen, Verdict
from quiz.tui.screens.mock_pause import PauseScreen
from quiz.tui.screens.mock_report import MockReportScreen
from quiz.tui.screens.mock_start import MockScreen, level_name

__all__ = [
    "CodingPanel",
    "InterviewScreen",
    "MockReportScreen",
    "MockScreen",
    "PauseScreen",
    "Verdict",
    "level_name",
]
