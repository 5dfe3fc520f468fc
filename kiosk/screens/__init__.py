"""Screens: one module per operator task (arrives with the TUI)."""
