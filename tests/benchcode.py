"""The bench's own modules, for the tests that check them: imported by their paths, once each.

bench/ is not a package, and tests/ has modules of the same names (records.py), so a module of
bench/ is loaded from its file under the name bench_<name> (its dataclasses look their module up
in sys.modules there).
"""

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def load(name: str):
    """Return bench/<name>.py as a module, loaded on first use."""
    key = f"bench_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, BENCH / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]
