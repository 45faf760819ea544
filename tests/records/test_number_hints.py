"""A figure written as it is printed ($12,500,000, 12.5%) gets a hint whose suggestion is itself accepted.

On the old code `value: $12,500,000` was told "write it without thousands separators: $12500000",
which is refused in its turn.
"""

import re

import pytest

RECORD = """layout: inl-country-program
title: Laos
issuer: Bureau of INL
date: 2026-11-22
figures:
  aid:
    value: {value}
"""


@pytest.mark.parametrize("written, number", [("$12,500,000", "12500000"), ("12,500,000", "12500000"),
                                             ("12.5%", "12.5"), ("$1.5", "1.5"), ("€ 2,000", "2000")])
def test_the_suggested_number_is_accepted(run_cli, tmp_path, written, number):
    path = tmp_path / "r.yaml"
    path.write_text(RECORD.format(value=written), encoding="utf-8")
    result = run_cli("check", path)
    assert result.code == 1
    suggested = re.search(r"hint: write (?:the bare number|it without thousands separators): ([^;\s]+)", result.err)
    assert suggested and suggested[1] == number, result.err
    path.write_text(RECORD.format(value=suggested[1]), encoding="utf-8")
    assert run_cli("check", path).code == 0


def test_a_value_that_is_no_number_even_bare_gets_no_suggestion(run_cli, tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(RECORD.format(value="$1,2x"), encoding="utf-8")
    result = run_cli("check", path)
    assert "hint: for example: 5700 or 12.5" in result.err
