"""Contracts recorded before the code moves (issue 14): every route with its endpoint name and
methods, every command with its options, and every webhook payload's keys. The magazine prints the
URLs, e-mails already sent carry them, scripts call the commands and another CRM parses the
payloads: a change here must be deliberate.

A deliberate change is recorded with `TASTEGET_RECORD_CONTRACTS=1 .venv/bin/pytest tests/test_contracts.py`,
and its diff under tests/contracts/ is what a reviewer reads.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
import pytest

from intake.cli import main

RECORDED = Path(__file__).parent / "contracts"


def _compare(name: str, lines: list[str]) -> None:
    path = RECORDED / name
    text = "\n".join(lines) + "\n"
    if os.environ.get("TASTEGET_RECORD_CONTRACTS"):
        path.write_text(text, encoding="utf-8")
        pytest.skip(f"recorded {path.name}")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed: record it again only if the change is meant"


def test_every_route_keeps_its_path_endpoint_and_methods(intake_app):
    lines = sorted(
        f"{rule.rule} {rule.endpoint} {','.join(sorted(rule.methods - {'HEAD', 'OPTIONS'}))}"
        for rule in intake_app.url_map.iter_rules()
    )
    _compare("routes.txt", lines)


def _commands(group: click.Group, ctx: click.Context, path: str) -> list[str]:
    """Each command's path, then its parameters: name, option strings, whether required or repeated."""
    lines = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        here = f"{path} {name}"
        lines.append(here)
        for param in command.params:
            kind = "option" if isinstance(param, click.Option) else "argument"
            flags = " ".join(sorted(getattr(param, "opts", []) + getattr(param, "secondary_opts", [])))
            extra = [word for word, on in (("required", param.required), ("multiple", param.multiple)) if on]
            lines.append(f"  {kind} {param.name}: {flags} {' '.join(extra)}".rstrip())
        if isinstance(command, click.Group):
            lines += _commands(command, click.Context(command, parent=ctx, info_name=name), here)
    return lines


def test_every_command_keeps_its_name_and_options():
    _compare("commands.txt", _commands(main, click.Context(main, info_name="tasteget"), "tasteget"))


def _paths(value, prefix: str = "") -> list[str]:
    """Every key path of a JSON document, e.g. `data.contact.email`."""
    if not isinstance(value, dict):
        return [prefix]
    return [path for key, inner in value.items() for path in _paths(inner, f"{prefix}.{key}" if prefix else key)]


def test_every_webhook_payload_keeps_its_shape():
    """The receiving CRM parses these (WEBHOOKS.md): each event type with every key path it sends."""
    from datetime import UTC, date, datetime

    from intake.models import Household, MagazineOrder
    from intake.notify import handoff

    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    household = Household(reference="H-AAAA-AAAA", created_at=now, consented_at=now, status="moved")
    household.moved_to, household.moved_on, household.withdrawn_at = "are", date(2026, 11, 30), now
    order = MagazineOrder(reference="M-AAAA-AAAA", created_at=now, consented_at=now)
    deliveries = [
        handoff.household_registered(household),
        handoff.order_placed(order),
        handoff.status_changed(household, "decided", "moved", now),
        handoff.withdrawn(household, now),
        handoff.erased(household, now),
    ]
    lines = []
    for delivery in deliveries:
        payload = json.loads(delivery.body_text)
        lines += [payload["type"], *(f"  {path}" for path in sorted(_paths(payload)))]
    _compare("webhooks.txt", lines)
