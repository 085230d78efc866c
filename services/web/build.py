"""Build the SPA when ``dist/`` is missing or older than its sources: ``python -m services.web.build``.

Run by ``make setup`` and before the stack starts the ``web`` component, so a fresh clone or
an edited source never serves a stale bundle. Needs ``npm ci`` to have run (setup does it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
DIST_INDEX = WEB_DIR / "dist" / "index.html"
SOURCES = (
    "src",
    "public",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
)


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in SOURCES:
        path = WEB_DIR / name
        files = path.rglob("*") if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                newest = max(newest, file.stat().st_mtime)
    return newest


def needs_build() -> bool:
    return not DIST_INDEX.exists() or DIST_INDEX.stat().st_mtime < _newest_source_mtime()


def build() -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not installed; run 'make setup' first")
    if not (WEB_DIR / "node_modules").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=WEB_DIR, check=True
        )
    subprocess.run([npm, "run", "build", "--silent"], cwd=WEB_DIR, check=True, stdout=sys.stderr)


def main() -> None:
    if needs_build():
        print("building the SPA (npm run build)", file=sys.stderr)
        build()


if __name__ == "__main__":
    main()
