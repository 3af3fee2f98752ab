"""The vendored front-end packages: what `make vendor` copied into intake/static/vendor/ is the
version package-lock.json pins, carries its licence, and ships in the wheel, so nothing but
`make vendor` needs Node."""

from __future__ import annotations

import json
import zipfile

from tests.support.helpers import ROOT

VENDOR = ROOT / "intake" / "static" / "vendor"
AUTOCOMPLETE_FILES = {"accessible-autocomplete.min.js", "accessible-autocomplete.min.css", "LICENSE.txt"}


def locked_version(package: str) -> str:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"][f"node_modules/{package}"]["version"]


def test_package_json_pins_the_exact_version_the_lock_holds():
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert pinned == {name: locked_version(name) for name in ("accessible-autocomplete", "decap-cms")}


def test_the_autocomplete_is_vendored_at_the_locked_version_only():
    folders = sorted(path.name for path in (VENDOR / "accessible-autocomplete").iterdir())
    assert folders == [locked_version("accessible-autocomplete")]  # a stale version is removed


def test_the_vendored_autocomplete_is_the_built_package_with_its_licence():
    folder = VENDOR / "accessible-autocomplete" / locked_version("accessible-autocomplete")
    assert {path.name for path in folder.iterdir()} == AUTOCOMPLETE_FILES
    script = (folder / "accessible-autocomplete.min.js").read_text(encoding="utf-8")
    assert "accessibleAutocomplete" in script and len(script.splitlines()) <= 2  # the minified UMD build
    assert ".autocomplete__input" in (folder / "accessible-autocomplete.min.css").read_text(encoding="utf-8")
    licence = (folder / "LICENSE.txt").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Government Digital Service" in licence


def test_the_vendored_files_ship_in_the_wheel(wheel):
    shipped = set(zipfile.ZipFile(wheel).namelist())
    folder = f"intake/static/vendor/accessible-autocomplete/{locked_version('accessible-autocomplete')}"
    assert {f"{folder}/{name}" for name in AUTOCOMPLETE_FILES} <= shipped


DECAP = ROOT / "tasteget" / "editor" / "vendor" / "decap-cms"


def test_decap_is_vendored_at_the_locked_version_only():
    assert sorted(path.name for path in DECAP.iterdir()) == [locked_version("decap-cms")]


def test_the_vendored_decap_is_its_browser_bundle_with_its_chunks_and_licences():
    folder = DECAP / locked_version("decap-cms")
    names = {path.name for path in folder.iterdir()}
    assert {"decap-cms.js", "decap-cms.js.LICENSE.txt", "LICENSE"} <= names
    chunks = {name for name in names if name.endswith(".decap-cms.js")}
    wasm = {name for name in names if name.endswith(".wasm")}
    assert chunks and wasm and names == {"decap-cms.js", "decap-cms.js.LICENSE.txt", "LICENSE"} | chunks | wasm
    assert not any(name.endswith(".map") or name.startswith("cms") for name in names)  # no maps, no cms.js copy
    bundle = (folder / "decap-cms.js").read_text(encoding="utf-8")
    # Every chunk the bundle can load lazily is here: webpack names them by number in its loader.
    assert "decap-cms.js" in bundle and len(chunks) > 50
    licence = (folder / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Netlify" in licence


def test_the_vendored_decap_ships_in_the_wheel(wheel):
    shipped = set(zipfile.ZipFile(wheel).namelist())
    folder = DECAP / locked_version("decap-cms")
    assert {f"tasteget/editor/vendor/decap-cms/{folder.name}/{path.name}" for path in folder.iterdir()} <= shipped
