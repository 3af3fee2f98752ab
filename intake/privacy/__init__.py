"""Data protection, one module per thing it owns: `consent` (the consent record's vocabulary, the
withdrawal link and withdrawing), `erasure` (erasing a household or an order, deleting a robot),
`retention` (when records are erased, the purge), `export` (one household's data as JSON), `audit`
(the log each of them writes to), and `commands` (`tasteget export`, `tasteget purge`)."""
