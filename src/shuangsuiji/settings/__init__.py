"""Settings modules: ``base`` (embedded default, SQLite under var/), ``production`` and ``test``."""
