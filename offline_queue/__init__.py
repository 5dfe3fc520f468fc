"""A generic durable outbox and sync engine. Knows nothing of kiosk; could be published alone."""
