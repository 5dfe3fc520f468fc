"""Data files shipped with kiosk (tariffs, schemes, discoms); read by kiosk.datafiles."""
