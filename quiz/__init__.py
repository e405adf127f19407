"""rnnprep: interview prep for recurrent neural networks (quiz engine, store, TUI)."""

import logging

__version__ = "0.1.0"

# A library's records go nowhere until the CLI sets up the log file (quiz.logs); without this,
# Python's last-resort handler would print warnings on stderr beside our own one-line errors.
logging.getLogger("quiz").addHandler(logging.NullHandler())
logging.getLogger("exercises").addHandler(logging.NullHandler())
