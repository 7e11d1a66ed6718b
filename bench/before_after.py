"""Benchmarks of this code and of an earlier commit, in one run, side by side.

`python -m bench.before_after [--before REV] [--benches exchange,exchange_nodes]
[--backends sqlite,postgresql] [--residents N] [--seconds S]`

Checks `--before` out into a temporary git worktree and runs each benchmark module there (its
own bench code against its own `nara`: `PYTHONPATH` puts the worktree first) and here, one
backend at a time, the earlier code first, on the same machine in the same run. A benchmark
module added since `--before` is copied into its worktree (it must speak both versions' API,
as `bench.exchange_cpu` does). Prints each benchmark's table once, with the rows of both,
the first column naming the code.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _rows(root: Path, bench: str, backend: str, residents: int, seconds: float) -> list[str]:
    """The table rows (header first) `python -m bench.<bench>` prints for one backend."""
    env = {**os.environ, "PYTHONPATH": f"{root / 'src'}{os.pathsep}{root}"}
    command = [
        sys.executable,
        "-m",
        f"bench.{bench}",
        "--backends",
        backend,
        "--residents",
        str(residents),
        "--seconds",
        str(seconds),
    ]
    done = subprocess.run(  # noqa: S603  (our own interpreter and module)
        command, cwd=root, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"bench.{bench} at {root} failed:\n{done.stderr[-4000:]}")
    return [line for line in done.stdout.splitlines() if line.startswith("|")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", default="fd331ca")
    parser.add_argument("--benches", default="exchange,exchange_nodes")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    here = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as folder:
        before = Path(folder) / "before"
        subprocess.run(  # noqa: S603
            ["git", "worktree", "add", "--detach", str(before), args.before],  # noqa: S607
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            for bench in args.benches.split(","):
                module = Path("bench") / f"{bench}.py"
                if not (before / module).exists():
                    shutil.copy(ROOT / module, before / module)
                header: list[str] = []
                rows: list[str] = []
                for backend in args.backends.split(","):
                    for label, root in ((args.before, before), (here, ROOT)):
                        found = _rows(root, bench, backend, args.residents, args.seconds)
                        header = found[:2]
                        rows += [f"| {label} {line}" for line in found[2:]]
                        print(f"bench.{bench} {backend} at {label}: done", file=sys.stderr)
                print(f"\nbench.{bench}\n")
                print(f"| code {header[0]}")
                print(f"|---{header[1]}")
                print("\n".join(rows), flush=True)
        finally:
            subprocess.run(  # noqa: S603
                ["git", "worktree", "remove", "--force", str(before)],  # noqa: S607
                cwd=ROOT,
                check=False,
            )


if __name__ == "__main__":
    main()
