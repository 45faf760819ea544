"""Every package of the code is declared for the wheel, so an installed program imports all of itself."""

import tomllib

from conftest import ROOT


def test_every_code_package_is_in_the_wheel():
    declared = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
                   ["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "pipeline").rglob("__init__.py")}
    assert found <= declared, sorted(found - declared)
