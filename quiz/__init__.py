"""rnnprep: interview prep for recurrent neural networks (quiz engine, store, TUI)."""

__version__ = "0.1.0"
