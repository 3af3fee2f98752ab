"""`tasteget check` with the occupation taxonomy: the real content, and the same content with every
municipality listing skill needs (so every code is checked against the taxonomy and the barometer's
round is dated), each in a fresh process as a communicator runs it.

    .venv/bin/python bench/check_time.py [--runs 9] [--needs 10]

Prints a Markdown table of the median (min–max) seconds, the two cases alternating so the machine's
noise falls on both alike. The content is copied to a temporary folder; `content/` is left alone.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TASTEGET = Path(sys.executable).with_name("tasteget")


def with_needs(content: Path, per_municipality: int) -> None:
    """Give every municipality `per_municipality` needs: shortage groups of the shipped barometer,
    every other one also naming an occupation of its group (checked by concept id)."""
    sys.path.insert(0, str(ROOT))
    from tasteget.occupations import barometer, taxonomy

    tx = taxonomy.load()
    codes = sorted({c for row in barometer.load().in_area("00", "brist") for c in row.ssyk if tx.group(c)})
    for i, path in enumerate(sorted((content / "municipalities").glob("*.yml"))):
        lines = []
        for j in range(per_municipality):
            code = codes[(i * per_municipality + j) % len(codes)]
            occupations = tx.group(code).occupations
            lines.append(f'    - ssyk: "{code}"')
            if j % 2 and occupations:
                lines.append(f"      occupation: {occupations[0].concept_id}")
        text = path.read_text(encoding="utf-8")
        block = "  in_demand:\n" + "\n".join(lines) + "\n"
        if "\nwork:\n" in text:
            text = text.replace("\nwork:\n", "\nwork:\n" + block, 1)
        else:
            text = text.rstrip("\n") + "\nwork:\n" + block
        path.write_text(text, encoding="utf-8")


def timed(content: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(TASTEGET), "check", "--content", str(content)], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"tasteget check failed on {content}:\n{done.stdout}{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per case (default 9)")
    parser.add_argument("--needs", type=int, default=10, help="needs listed per municipality (default 10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        real, listed = Path(tmp) / "real", Path(tmp) / "listed"
        shutil.copytree(ROOT / "content", real)
        shutil.copytree(ROOT / "content", listed)
        with_needs(listed, args.needs)
        times: dict[str, list[float]] = {"real": [], "listed": []}
        for run in range(args.runs):
            for name, folder in (("real", real), ("listed", listed)):
                times[name].append(timed(folder))
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr)
    print("| content | median (min–max) s |\n|---|---|")
    labels = {"real": "the real content (no needs listed)", "listed": f"every municipality listing {args.needs} needs"}
    for name, values in times.items():
        print(f"| {labels[name]} | {statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f}) |")


if __name__ == "__main__":
    main()
