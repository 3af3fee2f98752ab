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
    assert pinned == {"accessible-autocomplete": locked_version("accessible-autocomplete")}


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
