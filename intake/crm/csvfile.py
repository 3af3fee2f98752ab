"""CSV downloads from the back office, in the form spreadsheet programs open without asking."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from flask import Response

from intake import spreadsheet


def download(filename: str, header: Sequence, rows: Iterable[Sequence]) -> Response:
    out = io.StringIO()
    spreadsheet.write(out, header, rows)
    return Response(
        "\ufeff" + out.getvalue(),  # a BOM, so spreadsheet programs read the Swedish letters right
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
