"""Test helpers shared by test packages (a live central server on loopback, ...)."""
