"""`tasteget occupations refresh` from files in the publishers' official shapes (no test reaches the
network): what it keeps, and that a wrong file says so in one line and replaces nothing."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from intake.cli import main
from tasteget.occupations import barometer, refresh, taxonomy

HERE = Path(__file__).resolve().parent
DUMP = HERE / "the-ssyk-hierarchy-with-occupations_small.json"
OFFICIAL = HERE / "yrkesbarometer_small.json"


@pytest.fixture
def data_dir(tmp_path):
    """A copy of the shipped data to refresh, so the package's own files stay as they are."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in (taxonomy.FILE_NAME, barometer.FILE_NAME):
        shutil.copy(taxonomy.DATA_DIR / name, folder / name)
    return folder


def shipped() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(taxonomy.DATA_DIR.iterdir())}


def run(*args: str):
    return CliRunner().invoke(main, ["occupations", "refresh", *args])


def test_refresh_from_files_keeps_the_national_and_the_regions_rows(data_dir, tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "region.yml").write_text('name: Test\nlan: "23"\n', encoding="utf-8")
    before = shipped()
    result = run(
        "--taxonomy-file", str(DUMP), "--barometer-file", str(OFFICIAL),
        "--content", str(content), "--data-dir", str(data_dir),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Yrkesbarometer round 2025-2: 1 national rows, 1 for län 23" in result.output
    assert "Taxonomy: 10 groups (10 with an English name), 9 occupation names" in result.output

    yb = barometer.load(data_dir)
    assert yb.round == "2025-2" and yb.areas == ("00", "23")
    (national,) = yb.rows_for("4119")
    (jamtland,) = yb.rows_for("4119", area="23")
    assert (national.status, national.assessed_at, national.basis) == ("överskott", "nationellt", "helt")
    assert (jamtland.status, jamtland.job_chances, jamtland.outlook) == ("balans", "medelstora", "vara oförändrad")
    assert jamtland.assessed_at == "nuts2" and jamtland.partly_from_larger_area
    assert jamtland.concept_id == "PDNm_NZ2_WRh" and yb.area_for("23") == "23"
    assert "text_rekryteringssituation" not in (data_dir / barometer.FILE_NAME).read_text(encoding="utf-8")

    tx = taxonomy.load(data_dir)
    assert sorted(g.code for g in tx.units()) == ["2221", "2223", "5321", "5323"]
    assert tx.group("2221").name_en == "Professional nurses"  # carried over: the dump is Swedish only
    assert tx.group("5321").isco == ("5321", "5322")
    assert tx.match("sjuksköterska").concept_id == "bXNH_MNX_dUR"
    assert json.loads((data_dir / taxonomy.FILE_NAME).read_text(encoding="utf-8"))["retrieved"]["from"] == str(DUMP)
    assert shipped() == before and sorted(p.name for p in data_dir.iterdir()) == ["barometer.json", "taxonomy.json"]


def test_without_a_lan_only_the_national_rows_are_kept(data_dir, tmp_path):
    result = run(
        "--only", "barometer", "--barometer-file", str(OFFICIAL),
        "--content", str(tmp_path), "--data-dir", str(data_dir),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 national rows (no län: set `lan` in region.yml)" in result.output
    assert barometer.load(data_dir).areas == ("00",)


def _latin1(path: Path) -> Path:
    path.write_bytes(OFFICIAL.read_text(encoding="utf-8").encode("latin-1"))
    return path


BAD = {
    "latin-1": (lambda tmp: _latin1(tmp / "yb.json"), "not UTF-8 text (byte 0xd6 at position"),
    "not JSON": (lambda tmp: _write(tmp / "yb.json", "<html>Not found</html>"), "not JSON (Expecting value"),
    "an object": (lambda tmp: _write(tmp / "yb.json", '{"data": []}'), "not the Yrkesbarometer file"),
    "no national row": (
        lambda tmp: _write(tmp / "yb.json", json.dumps(json.loads(OFFICIAL.read_text(encoding="utf-8"))[3:])),
        'no national rows (lan "00")',
    ),
    "an unknown status": (
        lambda tmp: _write(tmp / "yb.json", OFFICIAL.read_text(encoding="utf-8").replace('"balans"', '"okänd"')),
        "row 3: rekryteringssituation 'okänd' is none of brist, balans, paradox, överskott",
    ),
    "a row without ssyk": (
        lambda tmp: _write(tmp / "yb.json", OFFICIAL.read_text(encoding="utf-8").replace('"ssyk":', '"x":')),
        "row 1 has no ssyk (not the Yrkesbarometer's shape)",
    ),
}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_wrong_barometer_file_says_so_in_one_line_and_replaces_nothing(case, data_dir, tmp_path):
    make, expected = BAD[case]
    before = {p.name: p.read_bytes() for p in data_dir.iterdir()}
    # the taxonomy file is right: it is not replaced either, since the barometer is wrong
    result = run(
        "--taxonomy-file", str(DUMP), "--barometer-file", str(make(tmp_path)),
        "--lan", "23", "--data-dir", str(data_dir),
    )  # fmt: skip
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and lines[0].endswith("nothing was replaced"), result.output
    assert {p.name: p.read_bytes() for p in data_dir.iterdir()} == before  # no temporary file left either


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"data": {"concepts": []}}', "not the taxonomy dump the-ssyk-hierarchy-with-occupations"),
        ("[]", "not the taxonomy dump"),
        (
            '{"data": {"concepts": [{"id": "x", "preferred_label": "A", "type": "ssyk-level-2", "ssyk_code_2012": "22"}]}}',
            "concept x: expected an ssyk-level-1 concept with a 1-digit ssyk_code_2012",
        ),
        (
            '{"data": {"concepts": [{"id": "x", "preferred_label": "A", "type": "ssyk-level-1", "ssyk_code_2012": "2"}]}}',
            "no SSYK-4 groups with occupation names",
        ),
    ],
)
def test_a_wrong_taxonomy_file_says_so_in_one_line_and_replaces_nothing(text, expected, tmp_path):
    before = shipped()
    path = _write(tmp_path / "dump.json", text)
    result = run("--only", "taxonomy", "--taxonomy-file", str(path))  # the package's own data folder
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and expected in result.output, result.output
    assert shipped() == before


def test_a_wrong_lan_is_refused(data_dir):
    result = run(
        "--only", "barometer", "--barometer-file", str(OFFICIAL), "--lan", "Jämtland", "--data-dir", str(data_dir)
    )
    assert result.exit_code == 1 and 'expected a two-digit county code like "23"' in result.output


def test_a_download_reports_progress_and_a_failure_in_one_line():
    """The download path, against a server on loopback (no test reaches the network)."""
    body = OFFICIAL.read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/yrkesbarometer.json":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        lines = []
        assert refresh.download(f"{base}/yrkesbarometer.json", lines.append) == body
        assert lines[-1] == f"Downloading {base}/yrkesbarometer.json: 0.0 of 0.0 MB"
        with pytest.raises(refresh.RefreshError, match=f"^cannot download {base}/missing.json: .*Not Found"):
            refresh.download(f"{base}/missing.json", lines.append)
    finally:
        server.shutdown()
        server.server_close()
