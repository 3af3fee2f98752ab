"""Occupations and the region's skill needs' data: Arbetsförmedlingen's occupation taxonomy (SSYK 2012
groups with SCB's English names, ISCO-08 codes, occupation names) and its Yrkesbarometer, vendored in
`data/` with their sources and licence (`data/SOURCES.md`). Plain Python: no Flask, no MkDocs, no
network on import.

- `taxonomy.py`: the taxonomy, loaded once: groups by code or concept id, fields (SSYK-1), "did you
  mean" suggestions and mapping typed text to an occupation or group.
- `barometer.py`: the Yrkesbarometer's rows (the country's and the region's län), by SSYK-4 group.
- `refresh.py`: rebuilding `data/` from the publishers' own files (downloaded or given), checked
  before anything is replaced; `tasteget occupations refresh` in `tasteget/commands.py` runs it.
"""
