"""How long a fresh interpreter takes to import a module or start a command (issue 14's layout).

Each case runs in a new process, alternating between the checkouts compared, so a busy moment of
this shared machine falls on both alike; the median of the runs is reported with its spread.

    .venv/bin/python bench/import_time.py                       # this checkout
    .venv/bin/python bench/import_time.py --compare ../before   # and another checkout (its code on PYTHONPATH)

The other checkout runs with this virtualenv's packages and its own code first on the path.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "import intake.models": ["-c", "import intake.models"],
    "import intake (create_app)": ["-c", "from intake import create_app"],
    "tasteget check": None,  # filled per checkout: its own command line
    "create_app()": ["-c", "from intake import create_app; create_app({'TESTING': True, 'SECRET_KEY': 'x'})"],
}


def _check_args(checkout: Path) -> list[str]:
    module = "intake" if (checkout / "intake" / "__main__.py").is_file() else "tasteget"
    return ["-m", module, "check", "--quiet", "--content", str(ROOT / "content"), "--docs", str(ROOT / "docs")]


def _time(checkout: Path, args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=checkout, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed in {checkout}: {done.stderr.strip().splitlines()[-1:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", type=Path, help="another checkout to measure alongside this one")
    parser.add_argument("--runs", type=int, default=15, help="runs per case and checkout (default 15)")
    args = parser.parse_args()
    checkouts = {"this": ROOT} | ({"other": args.compare.resolve()} if args.compare else {})
    print(f"{args.runs} runs each, median (min–max) in seconds; Python {sys.version.split()[0]}")
    for name, case in CASES.items():
        times: dict[str, list[float]] = {label: [] for label in checkouts}
        for _ in range(args.runs):
            for label, checkout in checkouts.items():
                times[label].append(_time(checkout, case or _check_args(checkout)))
        cells = [f"{label}: {statistics.median(t):.2f} ({min(t):.2f}–{max(t):.2f})" for label, t in times.items()]
        ratio = ""
        if "other" in times:
            ratio = f"  ratio this/other {statistics.median(times['this']) / statistics.median(times['other']):.2f}"
        print(f"{name:28} {'   '.join(cells)}{ratio}")


if __name__ == "__main__":
    main()
