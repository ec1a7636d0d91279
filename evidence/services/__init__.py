"""Writes to the evidence store. Views and tasks call these; the logic lives here."""
