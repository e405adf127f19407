"""The Textual front end. It only calls the core (bank, session, store); no logic lives here."""
