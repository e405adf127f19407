"""The Textual front end. It only calls the core (bank, session, store); no logic lives here."""

from pathlib import Path

STYLES = Path(__file__).parent / "styles"  # every screen's stylesheet (shipped as package data)
