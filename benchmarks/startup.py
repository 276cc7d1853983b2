"""How long `tessera` takes to start, beside the interpreter's own start.

Run: .venv/bin/python benchmarks/startup.py [--runs 15] [--beside CHECKOUT]

Prints, for `python -c pass`, `tessera --version`, `tessera --help` and a read of a SQLite shop
(`catalog list`), the median wall time and the median CPU time (user + system) of the process,
over --runs runs each. With --beside, the same commands are run with another checkout's
environment (its .venv), in the same run, one after the other, so that both are measured on
the same machine at the same time.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measured(command: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Median wall and CPU seconds of `command`, run `runs` times."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=env)  # fmt: skip
        walls.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def commands(checkout: Path, shop: Path) -> dict[str, list[str]]:
    python = str(checkout / ".venv" / "bin" / "python")
    tessera = str(checkout / ".venv" / "bin" / "tessera")
    return {
        "python -c pass": [python, "-c", "pass"],
        "tessera --version": [tessera, "--version"],
        "tessera --help": [tessera, "--help"],
        "tessera catalog list (SQLite)": [tessera, "--data-dir", str(shop), "catalog", "list"],
    }


def shop_for(checkout: Path, where: Path, env: dict[str, str]) -> Path:
    tessera = str(checkout / ".venv" / "bin" / "tessera")
    subprocess.run([tessera, "--data-dir", str(where), "db", "setup"], check=True, env=env,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    subprocess.run(
        [tessera, "--data-dir", str(where), "catalog", "add", "MUG-1", "--name", "Mug",
         "--price", "3"], check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return where


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--beside", type=Path, help="another checkout with its own .venv")
    options = parser.parse_args()
    env = {key: value for key, value in os.environ.items() if not key.startswith("TESSERA_")}
    checkouts = {"this checkout": ROOT}
    if options.beside is not None:
        checkouts["beside"] = options.beside.resolve()
    with tempfile.TemporaryDirectory() as scratch:
        print(f"{'':32}{'wall ms':>10}{'CPU ms':>10}   (median of {options.runs})")
        for label, checkout in checkouts.items():
            shop = shop_for(checkout, Path(scratch) / label.replace(" ", "-"), env)
            print(f"{label}: {checkout}")
            for name, command in commands(checkout, shop).items():
                wall, cpu = measured(command, options.runs, env)
                print(f"  {name:30}{wall * 1000:>10.0f}{cpu * 1000:>10.0f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
