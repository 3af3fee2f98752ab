"""The content editor at /redigera/: Decap CMS over the content schema, and its local backend for the preview."""
