"""The counter's SQLite database: schema, migrations, queries."""
