"""The content model: the schema, YAML 1.2 loading with line numbers, the check that reports every
problem with file, line and field, and the field reference generated from the schema. Plain Python:
no Flask, no MkDocs."""
