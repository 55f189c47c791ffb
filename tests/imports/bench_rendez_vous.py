"""Rows per second of the appointment import: now bench/import_rendez_vous.py (SQLite and
PostgreSQL, 10 000 rows by default); kept so that the old command still works.

    DATABASE_URL=sqlite:////tmp/bench_imports.sqlite3 \\
        .venv/bin/python -m tests.imports.bench_rendez_vous
"""

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.argv = [sys.argv[0], "--lignes", "2000", *sys.argv[1:]]
    runpy.run_path(
        str(Path(__file__).resolve().parents[2] / "bench" / "import_rendez_vous.py"),
        run_name="__main__",
    )
