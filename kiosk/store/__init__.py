"""The counter's SQLite database: schema, migrations, queries.

Import the modules themselves (``kiosk.store.db``, ``kiosk.store.consumers``): the package
imports nothing, so opening the database does not load the consumer models.
"""
