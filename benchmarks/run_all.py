"""Every figure of the suite, one script after another, on the generated database (`make bench`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/run_all.py [--small]

--small runs each script with a small sample (the suite's own test does, inside `make test`, so the
scripts never rot). Exit status 1 when any figure missed its target.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [  # (script, arguments at full size, arguments --small)
    ("login.py", [], ["100"]),
    ("admin_lists.py", [], ["2"]),
    ("remittance_import.py", [], ["500"]),
    ("payouts.py", [], ["200"]),
    ("interest.py", [], ["50"]),
    ("reconcile.py", [], ["1"]),
    ("pages.py", [], ["1", "1"]),
    ("app_api.py", [], ["1", "1"]),
    ("index_sizes.py", [], []),
]


def main() -> int:
    small = "--small" in sys.argv[1:]
    status = 0
    for script, args, small_args in SCRIPTS:
        print(f"\n## {script}", flush=True)
        done = subprocess.run([sys.executable, str(HERE / script), *(small_args if small else args)], check=False)
        if done.returncode > 1:
            print(f"{script} failed (exit {done.returncode})", flush=True)
        status = max(status, done.returncode)
    return status


if __name__ == "__main__":
    sys.exit(main())
