"""Use cases, one function per operator action; the only code that writes."""
