"""The package as `pip install .` installs it: the wheel holds every file the code reads, and the
installed commands build the site, serve it, take a registration, write its e-mails and open the
back office from a folder outside the checkout, against a copy of the content (the wheel ships code,
not content)."""

from __future__ import annotations

import zipfile

import installed


def test_the_wheel_holds_every_file_of_the_packages(wheel):
    shipped = set(zipfile.ZipFile(wheel).namelist())
    package_files = [name for name in installed.checkout_files() if name.startswith(("intake/", "tasteget/"))]
    assert [name for name in package_files if name not in shipped] == []
