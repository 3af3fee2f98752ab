"""Running the service.

backup         a consistent copy of an SQLite CRM while it runs, and a checked restore
private_files  files and folders that hold personal data or secrets, readable by their owner only
commands       `tasteget serve` (development), `tasteget db upgrade`, `backup`, `restore`
"""
