"""API schemas (``Create``/``Update``/``Public``), kept apart from the ORM tables."""
