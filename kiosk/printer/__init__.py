"""Receipt layout, ESC/POS rendering, printer connections and the print spool."""
