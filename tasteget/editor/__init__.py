"""The content editor at /redigera/: Decap CMS, vendored, with a configuration generated from the schema,
and its local backend for the preview."""
