"""The Changes page's builds in plain words (buildwords); one-line values cut into text and figures (units.line);
many rebuilt sheets summed up in a line (rebuilt.html)."""

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from pipeline.workspace import buildwords, units, words
from pipeline.workspace.app import __file__ as APP

LABELS = {"data.unodc.laos_opium_ha": "Opium poppy cultivation in Laos"}


def test_reasons_say_what_was_rebuilt_and_why_without_code_or_paths():
    said = buildwords.reasons("record edited; template changed; shared figure changed (data.unodc.laos_opium_ha 2018)",
                              LABELS)
    assert said == ("rebuilt: its text was edited; the layout changed; "
                    "the shared figure “Opium poppy cultivation in Laos” (2018) changed")
    assert buildwords.reasons("output missing (laos-inl.pdf)", LABELS) == "rebuilt: its PDF file was missing"
    assert buildwords.reasons("picture changed (assets/seal.png)", LABELS) == "rebuilt: its picture (seal or flag) changed"
    assert "--" not in buildwords.reasons("forced (--force)", LABELS)


def test_a_figure_change_is_said_from_old_to_new_by_its_label():
    assert buildwords.detail("data.unodc.laos_opium_ha 2018: 5,700 → 5,800", LABELS) == \
        "figure “Opium poppy cultivation in Laos” (2018) changed from 5,700 to 5,800"
    assert buildwords.detail("opium_ha: (not printed) → 12", {}) == "figure “opium ha” is now printed: 12"
    assert buildwords.detail("source of data.unodc.laos_opium_ha: 'UNODC 2018' → 'UNODC 2024'", LABELS) == \
        "the source of “Opium poppy cultivation in Laos” changed from 'UNODC 2018' to 'UNODC 2024'"


def test_a_failed_build_names_the_sheet_not_its_file():
    shown = buildwords.runs([{"when": "w", "items": [
        {"sheet": "", "text": "failed, previous sheets kept: sources/laos-inl.yaml: a bad date", "details": []}]}], {})
    item = shown[0]["items"][0]
    assert item["sheet"] == "laos-inl" and ".yaml" not in item["text"] and "a bad date" in item["text"]


def test_a_one_line_value_is_its_text_and_its_figures_given_back_byte_for_byte():
    for text in ("FY **2005** {{ data.a.b[2005] | money }}", "{{ x }}", "a {{ b\n | number }} c {{ d }}", ""):
        cut = units.line(text)
        assert units.source(cut) == text
        assert all(kind in ("t", "f") for kind, *_ in cut)  # no marks: a title prints its stars as typed
    assert units.line("In {{ x }} ha") == [["t", "In "], ["f", "{{ x }}"], ["t", " ha"]]


def render_rebuilt(count: int) -> str:
    env = Environment(loader=FileSystemLoader(APP.rsplit("/", 1)[0] + "/templates"), autoescape=True)
    env.filters["plain"] = words.sentence
    env.filters["build_reasons"] = lambda said: buildwords.reasons("; ".join(said), LABELS).removeprefix("rebuilt: ")
    env.filters["figure_change"] = lambda line: buildwords.detail(line, LABELS)
    rebuilt = [type("R", (), {"id": f"s{n:03}", "reasons": ["record edited"], "changes": []})
               for n in range(count)]
    titles = {f"s{n:03}": f"Sheet {count - n:03}" for n in range(count)}
    return Markup(env.get_template("rebuilt.html").render(saved=type("S", (), {"rebuilt": rebuilt}), titles=titles))


def test_many_rebuilt_sheets_are_summed_up_and_listed_by_title_behind_a_disclosure():
    shown = render_rebuilt(120)
    assert "<summary>120 sheets rebuilt" in shown and shown.count("<li>") == 120
    assert shown.index("Sheet 001") < shown.index("Sheet 002") < shown.index("Sheet 120")  # by title
    assert "Rebuilt <a" in shown and ": its text was edited" in shown
    few = render_rebuilt(3)
    assert "<details" not in few and few.count("<li>") == 3
