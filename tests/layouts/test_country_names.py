"""Country names of every shape in the bilateral-relations headings and pointer paragraph.

The expected forms are written out by hand (the Department's usage), not derived by the code under
test. On the old code the layout's headings were "{country}'s …" and "U.S. Assistance to {country}"
with `country: Philippines`, so no record could print "the Philippines" or "The Philippines'".
"""

import pytest
from sheets import document

from pipeline.document.tree import Paragraph, inline_text

# country as written in the record → (U.S.-X Relations, U.S. Assistance to X, X's Membership …)
COUNTRIES = {
    "Laos": ("U.S.-Laos Relations", "U.S. Assistance to Laos", "Laos's"),
    "the Philippines": ("U.S.-Philippines Relations", "U.S. Assistance to the Philippines", "The Philippines'"),
    "the Bahamas": ("U.S.-Bahamas Relations", "U.S. Assistance to the Bahamas", "The Bahamas'"),
    "Côte d'Ivoire": ("U.S.-Côte d'Ivoire Relations", "U.S. Assistance to Côte d'Ivoire", "Côte d'Ivoire's"),
    "Belarus": ("U.S.-Belarus Relations", "U.S. Assistance to Belarus", "Belarus's"),
    "Timor-Leste": ("U.S.-Timor-Leste Relations", "U.S. Assistance to Timor-Leste", "Timor-Leste's"),
    "the United Kingdom": ("U.S.-United Kingdom Relations", "U.S. Assistance to the United Kingdom",
                           "The United Kingdom's"),
    "Bosnia and Herzegovina": ("U.S.-Bosnia and Herzegovina Relations",
                               "U.S. Assistance to Bosnia and Herzegovina", "Bosnia and Herzegovina's"),
    "The Gambia": ("U.S.-Gambia Relations", "U.S. Assistance to The Gambia", "The Gambia's"),
    "the Marshall Islands": ("U.S.-Marshall Islands Relations", "U.S. Assistance to the Marshall Islands",
                             "The Marshall Islands'"),
}

RECORD = """layout: bilateral-relations
title: "U.S. Relations With {country}"
country: "{country}"
issuer: Bureau of East Asian and Pacific Affairs
date: 2026-11-22
{extra}sections:
{sections}
"""


def _headings(forms: tuple[str, str, str]) -> list[str]:
    relations, assistance, owner = forms
    return [relations, assistance, "Bilateral Economic Relations", f"{owner} Membership in International Organizations",
            "Bilateral Representation", f"{owner} Representation in the United States"]


def _write(tmp_path, country: str, headings: list[str], extra: str = "") -> object:
    sections = "\n".join(f'  - heading: "{h}"\n    text: Text.' for h in headings)
    path = tmp_path / "case.yaml"
    path.write_text(RECORD.format(country=country, sections=sections, extra=extra), encoding="utf-8")
    return path


def _body(doc) -> list[tuple[str, str]]:
    return [(getattr(b, "style", b.__class__.__name__), inline_text(b.inlines, 1, 1)) for b in doc.body
            if hasattr(b, "inlines")]


def test_the_list_holds_ten_shapes_of_name():
    assert len(COUNTRIES) >= 10
    assert any(c.startswith("the ") for c in COUNTRIES) and any("'" in c for c in COUNTRIES)


@pytest.mark.parametrize("country", COUNTRIES)
def test_the_six_headings_read_as_the_department_writes_them(country, tmp_path):
    headings = _headings(COUNTRIES[country])
    doc = document(_write(tmp_path, country, headings))
    printed = [text for style, text in _body(doc) if style not in ("Identity", "Title", "Bureau", "Doc Type",
                                                                   "Date Line", "Lead", "Normal", "Sources")]
    assert printed == headings


@pytest.mark.parametrize("country", COUNTRIES)
def test_the_pointer_names_the_country_in_running_text(country, tmp_path):
    doc = document(_write(tmp_path, country, _headings(COUNTRIES[country])[:1]))
    lead = next(p for p in doc.body if isinstance(p, Paragraph) and p.style == "Lead")
    assert inline_text(lead.inlines, 1, 1).startswith(f"More information about {country} is available")


def test_a_possessive_after_a_final_s_may_take_either_form(tmp_path):
    """The record's heading is printed as written: "Laos' Membership" and "the Philippines's" are accepted."""
    for country, owner in (("Laos", "Laos'"), ("the Philippines", "The Philippines's")):
        heading = f"{owner} Membership in International Organizations"
        doc = document(_write(tmp_path, country, [heading]))
        assert heading in [text for _, text in _body(doc)]


def test_a_heading_without_the_article_is_refused_with_the_right_one(run_cli, tmp_path):
    path = _write(tmp_path, "the Philippines", ["U.S. Assistance to Philippines"])
    result = run_cli("check", path)
    assert result.code == 1
    assert "did you mean 'U.S. Assistance to the Philippines'?" in result.err


def test_the_pointer_promises_a_list_only_when_the_sheet_prints_one(tmp_path):
    """No "Laos Page" (the sheet has none); "sources listed at the end" only above a Sources note."""
    figure = "figures:\n  aid: {value: 5, source: INL}\n"
    for extra, text, listed in ((figure, "{{ aid }} units.", True), (figure + "sources: false\n", "{{ aid }} units.",
                                                                    False), ("", "Text.", False)):
        path = _write(tmp_path, "Laos", ["U.S. Assistance to Laos"], extra)
        path.write_text(path.read_text(encoding="utf-8").replace("text: Text.", f'text: "{text}"'), encoding="utf-8")
        doc = document(path)
        lead = next(inline_text(p.inlines, 1, 1) for p in doc.body if isinstance(p, Paragraph) and p.style == "Lead")
        assert "Page" not in lead
        assert ("sources listed at the end of this fact sheet" in lead) == listed, extra
        assert any(isinstance(p, Paragraph) and p.style == "Sources" for p in doc.body) == listed
