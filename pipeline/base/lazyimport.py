"""A one-shot command's start-up, trimmed: what ReportLab imports but a sheet may never use is loaded on use.

ReportLab imports Pillow's Image module (for bitmaps) and HarfBuzz (for complex scripts) when it is
imported, and its paragraph module compiles a long URL pattern and hyphenation patterns at import;
a sheet without pictures, Lao, Khmer or Thai, or URLs to hyphenate uses none of them. Installed
before ReportLab is imported (after hardening.preflight), they are loaded or compiled at their first
use instead: the same code runs on the same input, so the sheets' bytes are unchanged. A module
already imported is left as it is (the build daemon imports everything up front).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import re
import sys
import types

ON_USE = ("uharfbuzz", "PIL.Image")  # modules ReportLab imports whether or not a sheet needs them
PATTERNS_ON_USE = ("reportlab.platypus.paragraph",)  # modules whose long patterns compile on first use
LONG_PATTERN = 200  # characters: the short patterns (most of them, used at once) compile as usual
_real_compile = re.compile


def install() -> None:
    """Load ON_USE modules on first use and compile the long patterns of PATTERNS_ON_USE on first use."""
    for name in ON_USE:
        if name not in sys.modules:
            _load_on_use(name)
    if not any(isinstance(finder, _PatternsOnUse) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PatternsOnUse())


def _load_on_use(name: str) -> None:
    """Put a stand-in for a module in sys.modules that imports the module at its first attribute use."""
    parent, _, child = name.rpartition(".")
    try:
        spec = importlib.util.find_spec(name)  # imports the parent package (Pillow's is small)
    except (ImportError, ValueError):
        return
    if spec is None:
        return
    stand_in = _OnUse(name)
    stand_in.__spec__ = spec  # `import name` reads it (importlib's LazyLoader would load right there)
    sys.modules[name] = stand_in
    if parent:
        setattr(sys.modules[parent], child, stand_in)


class _OnUse(types.ModuleType):
    """Stands for a module not yet imported: the first attribute asked of it imports the module."""

    def __getattr__(self, attribute: str):
        """Import the real module (once) and answer from it; it replaces this stand-in where it stood."""
        return getattr(self._real(), attribute)

    def __setattr__(self, attribute: str, value) -> None:
        """Set the real module's attribute (a setting such as Pillow's pixel limit must reach it)."""
        if attribute.startswith("__"):
            super().__setattr__(attribute, value)
        else:
            setattr(self._real(), attribute, value)

    def _real(self) -> types.ModuleType:
        """Return the real module, importing it the first time."""
        name = self.__name__
        real = sys.modules.get(name)
        if real is self or real is None:
            sys.modules.pop(name, None)
            real = importlib.import_module(name)  # sets it on its parent package too
        return real


class _PatternsOnUse(importlib.abc.MetaPathFinder):
    """Finds PATTERNS_ON_USE modules as usual and runs them with long patterns compiled on first use."""

    def find_spec(self, name, path, target=None):
        """Return the module's own spec with its loader wrapped; None for every other module."""
        if name not in PATTERNS_ON_USE or name in sys.modules:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _PatternsLoader(spec.loader)
        return spec


class _PatternsLoader(importlib.abc.Loader):
    """Runs a module's code while re.compile defers long patterns (only during that import)."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        """Create the module as its own loader would."""
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        """Run the module with re.compile deferring long patterns, then put re.compile back."""
        re.compile = _compile_long_on_use
        try:
            self.loader.exec_module(module)
        finally:
            re.compile = _real_compile

    def __getattr__(self, name):
        """Answer the rest (get_source for tracebacks, …) as the module's own loader."""
        return getattr(self.loader, name)


def _compile_long_on_use(pattern, flags=0):
    """re.compile, except that a long text pattern is compiled when it is first used."""
    if isinstance(pattern, str) and len(pattern) > LONG_PATTERN:
        return _PatternOnUse(pattern, flags)
    return _real_compile(pattern, flags)


class _PatternOnUse:
    """A compiled pattern in all but time: compiled at the first use of any of its methods."""

    __slots__ = ("_pattern", "_flags", "_compiled")

    def __init__(self, pattern: str, flags):
        self._pattern, self._flags, self._compiled = pattern, flags, None

    def __getattr__(self, name):
        """Compile (once) and answer as the compiled pattern."""
        if self._compiled is None:
            self._compiled = _real_compile(self._pattern, self._flags)
        return getattr(self._compiled, name)
