"""Reusable Textual widgets (arrives with the TUI)."""
