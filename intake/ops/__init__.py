"""Running the service: backups and restore of an SQLite CRM, files only their owner may read."""
