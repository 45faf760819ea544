"""Build step: ship the default layouts (templates/) inside the wheel, for `factsheets init`.

Everything else is declared in pyproject.toml. The layouts stay in templates/ at the top of the
checkout, where staff edit them; the wheel gets a copy at pipeline/shipped/templates.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithLayouts(build_py):
    """The usual build, plus a copy of templates/ inside the package."""

    def run(self):
        """Build the package, then copy the layouts into it."""
        super().run()
        target = Path(self.build_lib) / "pipeline" / "shipped" / "templates"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(Path(__file__).parent / "templates", target,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))


setup(cmdclass={"build_py": BuildWithLayouts})
