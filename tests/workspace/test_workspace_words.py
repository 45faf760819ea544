"""The workspace's plain words: places as the form names them, messages without options, paths or code names."""

import re

from conftest import RECORDS

from pipeline.workspace import words


def _headed(record):
    """Return the record's text and the index and heading of its first section with a heading, or None."""
    text = record.file.read_text(encoding="utf-8")
    found = re.findall(r"(?m)^  - heading: (.+)$|^  - (?!heading)", text)
    return text, next(((i, h.strip('"').rstrip(":")) for i, h in enumerate(found) if h), None)


def test_a_field_path_is_named_as_the_form_shows_it_numbered_from_one():
    text, (index, heading) = next((t, h) for t, h in map(_headed, RECORDS) if h)
    assert words.place(f"sections[{index}].text", text) == f"Section {index + 1} ({heading}), text"
    assert words.place(f"sections[{index}].bullets[2]", text).endswith(", bullet 3")
    assert words.place("notes[0]", "") == "Note 1"
    assert words.place("title", "") == "Title"
    assert words.place("figures.laos_ha.as_of", "") == "Figure “laos ha”, as of"
    assert words.place(None, "") == ""


def test_messages_lose_options_paths_and_code_names():
    said = words.sentence("shared figure 'data.unodc.laos_ha' is as of 2000-01-31; printed by sources/a.yaml",
                          titles={"sources/a.yaml": "Laos INL"}, figures={"data.unodc.laos_ha": "Opium in Laos"})
    assert said == "figure “Opium in Laos” is as of 2000-01-31; printed by the sheet “Laos INL”"
    hint = words.sentence("update the figure and its as_of date, or allow older figures with --stale-months")
    assert "--" not in hint and "as_of" not in hint and hint.endswith("or ask whoever runs the workspace")
    assert words.sentence("record:1:9: error: unclosed list\n  hint: close it") == "unclosed list — what to do: close it"
    assert words.sentence("'sections[0].bullets' is written in braces; change it in the YAML tab") \
        == "Section 1, Bullets is written in braces; change it in the Advanced view"
    assert words.layout_name("inl-country-program") == "INL country program"
