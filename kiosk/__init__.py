"""kiosk: counter software for electricity bill payment in Uttar Pradesh."""

__version__ = "0.1.0"
