"""The Lighthouse benchmark's pins and its report reading, without Node or Lighthouse: bench/lighthouse/
pins the latest Lighthouse 12 exactly (13 needs a newer Node than the machine's 20), its node_modules
is never committed, and bench/lighthouse.py names each failing audit with its nodes and says in one
line what is missing."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from tests.support.helpers import ROOT

BENCH = ROOT / "bench" / "lighthouse"


def bench_module():
    spec = importlib.util.spec_from_file_location("lighthouse_bench", ROOT / "bench" / "lighthouse.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_lighthouse_12_is_pinned_exactly_and_the_lock_holds_that_version():
    pinned = json.loads((BENCH / "package.json").read_text(encoding="utf-8"))["dependencies"]
    lock = json.loads((BENCH / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/lighthouse"]["version"]
    assert pinned == {"lighthouse": version}
    assert version.split(".")[0] == "12"
    assert lock["packages"][""]["dependencies"] == pinned


def test_every_dependency_asked_for_at_latest_is_overridden_to_its_locked_version():
    # @paulirish/trace_engine asks for "latest": without an override `npm ci` refuses the lock as soon
    # as a newer version is published.
    overrides = json.loads((BENCH / "package.json").read_text(encoding="utf-8"))["overrides"]
    packages = json.loads((BENCH / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    latest = {
        name
        for package in packages.values()
        for name, spec in package.get("dependencies", {}).items()
        if spec == "latest"
    }
    assert latest and latest <= set(overrides)
    assert all(overrides[name] == packages[f"node_modules/{name}"]["version"] for name in latest)


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a Git checkout")
def test_node_modules_is_never_committed():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "bench/lighthouse/node_modules/lighthouse/package.json"], cwd=ROOT
    )
    assert ignored.returncode == 0
    tracked = subprocess.run(["git", "ls-files", "bench/lighthouse"], cwd=ROOT, capture_output=True, text=True)
    assert "node_modules" not in tracked.stdout


def test_pages_by_name_group_or_path():
    bench = bench_module()
    assert bench.parse_pages("home,register") == ["/", "/registrera/"]
    assert bench.parse_pages("sv") == ["/", "/kommuner/are/", "/registrera/", "/bestall-magasinet/"]
    assert bench.parse_pages("en-order, /coworking/,en-order") == ["/en/order-magazine/", "/coworking/"]
    with pytest.raises(Exception, match="unknown page 'hem'"):
        bench.parse_pages("hem")


def report(dialog_score: int) -> dict:
    """A Lighthouse report cut down to what the benchmark reads."""
    node = {
        "selector": "body > header.md-header > nav.md-header__inner > div.md-search",
        "snippet": '<div class="md-search" role="dialog">',
        "explanation": "Fix any of the following:\n  aria-label attribute does not exist or is empty",
    }
    return {
        "categories": {
            "accessibility": {
                "score": 0.96 if dialog_score == 0 else 1,
                "auditRefs": [
                    {"id": "aria-dialog-name", "weight": 7},
                    {"id": "image-alt", "weight": 10},
                    {"id": "logical-tab-order", "weight": 0},
                ],
            },
            "performance": {"score": 0.95},
        },
        "audits": {
            "aria-dialog-name": {
                "title": "Dialogs do not have accessible names.",
                "score": dialog_score,
                "scoreDisplayMode": "binary",
                "details": {"items": [{"node": node}] if dialog_score == 0 else []},
            },
            "image-alt": {"title": "Images have alt", "score": None, "scoreDisplayMode": "notApplicable"},
            "logical-tab-order": {"title": "Tab order", "score": None, "scoreDisplayMode": "manual"},
            "total-byte-weight": {"numericValue": 303466},
            "network-requests": {
                "details": {"items": [{"url": "http://127.0.0.1:8000/"}, {"url": "data:image/svg+xml,<svg/>"}]}
            },
            "first-contentful-paint": {"numericValue": 2000.0},
            "largest-contentful-paint": {"numericValue": 2700.0},
            "total-blocking-time": {"numericValue": 0.0},
            "cumulative-layout-shift": {"numericValue": 0.001},
        },
    }


def test_failing_audits_are_named_with_their_nodes_and_counted_over_runs():
    bench = bench_module()
    page = bench.PageResult("/")
    for dialog_score in (0, 0, 1):
        bench.record(page, report(dialog_score))
    assert page.accessibility == [96, 96, 100]
    [failure] = page.failures.values()
    assert (failure.audit, failure.runs, failure.weight) == ("aria-dialog-name", 2, 7)
    facts = dict.fromkeys(
        ["date", "revision", "lighthouse", "axe", "node", "chromium", "machine", "benchmark_index", "load"], "x"
    )
    text = bench.markdown([page], 3, facts, "python bench/lighthouse.py --runs 3")
    assert "| `/` | 96 (96–100) | 95 | 296 | ? | 1 | 2.0 | 2.7 | 0 | 0.001 |" in text
    assert "- **`aria-dialog-name`** (weight 7): Dialogs do not have accessible names." in text
    assert "  - on `/` (2 of 3 runs)" in text
    assert "`body > header.md-header > nav.md-header__inner > div.md-search`" in text
    assert "aria-label attribute does not exist or is empty" in text


def test_a_required_accessibility_score_names_the_pages_below_it(capsys):
    bench = bench_module()
    home, form = bench.PageResult("/"), bench.PageResult("/registrera/")
    bench.record(home, report(dialog_score=0))
    bench.record(form, report(dialog_score=1))
    assert bench.below_required([home, form], None) == 0
    assert bench.below_required([form], 100) == 0
    assert bench.below_required([home, form], 100) == 3
    assert capsys.readouterr().err == "lighthouse: accessibility below 100: / 96\n"


def test_without_lighthouse_installed_it_says_the_npm_command_in_one_line(tmp_path, monkeypatch, capsys):
    bench = bench_module()
    monkeypatch.setattr(bench, "NODE_DIR", tmp_path)
    monkeypatch.setattr(bench, "LIGHTHOUSE", tmp_path / "node_modules" / ".bin" / "lighthouse")
    assert bench.main(["--runs", "1"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("lighthouse: Lighthouse is not installed: run `npm ci --prefix bench/lighthouse`")
