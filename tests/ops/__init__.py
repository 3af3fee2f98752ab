"""Running the service: the app as a process, settings, migrations, backups, the installed package."""
