"""`tasteget user …`: staff accounts made, refused and changed from the command line."""

from __future__ import annotations

import pytest

from tests.support.helpers import tasteget
from tests.support.intake_helpers import (
    STAFF_PASSWORD,
    staff_login,
)

PASSWORD = STAFF_PASSWORD
login = staff_login


def test_user_commands(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'crm.db'}", "SECRET_KEY": "x", "TASTEGET_PASSWORD": PASSWORD}
    assert tasteget("db", "upgrade", env=env).returncode == 0
    added = tasteget("user", "add", "--email", "Guide@Are.example", "--role", "guide", "--municipality", "are", env=env)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "Created guide guide@are.example for are."
    listed = tasteget("user", "list", env=env).stdout
    assert "guide@are.example" in listed and "active" in listed
    weak = tasteget(
        "user", "set-password", "--email", "guide@are.example", env={**env, "TASTEGET_PASSWORD": "password1234"}
    )
    assert weak.returncode == 1
    assert (
        weak.stderr.strip()
        == "Error: password refused: this password is too common or too easy to guess; try a few unrelated words"
    )
    bad = tasteget("user", "add", "--email", "x@y.example", "--role", "guide", "--municipality", "atlantis", env=env)
    assert bad.returncode == 1 and "unknown municipality 'atlantis'" in bad.stderr
    assert tasteget("user", "deactivate", "--email", "guide@are.example", env=env).returncode == 0
    assert "deactivated" in tasteget("user", "list", env=env).stdout


@pytest.mark.parametrize("refused", ["short", "password1234"], ids=["too short", "too common"])
def test_a_refused_user_add_changes_nothing(tmp_path, refused):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'crm.db'}", "SECRET_KEY": "x"}
    assert tasteget("db", "upgrade", env=env).returncode == 0
    command = ("user", "add", "--email", "ny@are.example", "--role", "guide", "--municipality", "are")
    weak = tasteget(*command, env={**env, "TASTEGET_PASSWORD": refused})
    assert weak.returncode == 1 and weak.stderr.startswith("Error: password refused: ")
    assert len(weak.stderr.strip().splitlines()) == 1
    assert "ny@are.example" not in tasteget("user", "list", env=env).stdout  # no account was left behind
    again = tasteget(*command, env={**env, "TASTEGET_PASSWORD": PASSWORD})
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "Created guide ny@are.example for are."


@pytest.mark.parametrize(
    ("option", "value", "error"),
    [
        ("--email", "=?utf-8?q?x=0D=0ABcc:_y?=@example.com", "is not an e-mail address"),
        ("--email", "ny\x1b[31m@are.example", "is not an e-mail address"),
        ("--name", "=?utf-8?q?Kund=0D=0ASubject:_x?=", "the name may not hold"),
    ],
)
def test_user_add_refuses_what_mail_would_decode(tmp_path, option, value, error):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'crm.db'}", "SECRET_KEY": "x", "TASTEGET_PASSWORD": PASSWORD}
    assert tasteget("db", "upgrade", env=env).returncode == 0
    given = {"--email": "ny@are.example", "--name": "Ny Guide", option: value}
    added = tasteget(
        "user", "add", *[part for pair in given.items() for part in pair], "--role", "coordinator", env=env
    )
    assert added.returncode == 1 and error in added.stderr and len(added.stderr.strip().splitlines()) == 1
    assert tasteget("user", "list", env=env).stdout.startswith("No accounts yet.")
