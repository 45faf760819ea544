"""`factsheets import page`: the seed pages become records that build and carry every sentence."""

import html
import json
import re

import parity
import pytest
import readback
import seeds
from conftest import RECORDS
from records import filled as _filled
from seeds import SEED_OF

LAYOUT_OF = {r.id: r.layout for r in RECORDS}
CASES = [(prefix, LAYOUT_OF[sid]) for sid, prefix in sorted(SEED_OF.items())]


def _import_and_build(project, run_cli, page, layout):
    """Import a page into sources/, fill in its placeholders, build; return (record text, docx text)."""
    target = project / "sources" / "imported.yaml"
    made = run_cli("import", "page", page, "--layout", layout, "--into", target.relative_to(project), cwd=project)
    assert made.code == 0, made.err
    text = target.read_text(encoding="utf-8")
    checked = run_cli("check", "--diagnostics", "json", target.relative_to(project), cwd=project)
    assert checked.code == 1 and all("placeholder" in json.loads(line)["message"]
                                     for line in checked.err.splitlines()), "only placeholders are left to do"
    target.write_text(_filled(text), encoding="utf-8")
    built = run_cli("build", "--out", "o", target.relative_to(project), cwd=project)
    assert built.code == 0, built.err
    return text, readback.docx_paragraphs(project / "o" / "imported.docx")


@pytest.mark.parametrize("prefix, layout", CASES)
def test_a_saved_text_page_becomes_a_record_with_every_sentence(project, run_cli, prefix, layout):
    """The seed page as captured: it builds, every sentence is on the sheet, the chrome is listed, not printed."""
    text, paragraphs = _import_and_build(project, run_cli, seeds.seed_file(prefix), layout)
    sheet = readback.normalize(" ".join(paragraphs))
    assert [s for s in seeds.sentences(prefix) if s not in sheet] == []
    page_lines = {line.strip() for line in seeds.seed_file(prefix).read_text(encoding="utf-8").splitlines()}
    for chrome in seeds.CHROME & page_lines:
        assert f"#   {chrome}" in text and chrome not in paragraphs


@pytest.mark.parametrize("prefix, layout", CASES)
def test_a_saved_html_page_becomes_the_same_record(project, run_cli, prefix, layout, tmp_path):
    """The same page as HTML, with a banner, navigation and footer: the same sentences, none of the chrome."""
    lines = [line.strip(" \u00a0") for line in seeds.seed_file(prefix).read_text(encoding="utf-8").splitlines()]
    body = "\n".join(f"<li>{html.escape(line[1:].strip())}</li>" if line.startswith("•")
                     else f"<p>{html.escape(line)}</p>" for line in lines if line and line not in seeds.CHROME)
    page = tmp_path / "page.html"
    page.write_text(f"<html><head><title>x</title><script>var a = 1;</script></head><body>"
                    f"<header><p>An official website of the United States government</p></header>"
                    f"<nav><a href='/'>Home</a></nav><main>{body}</main>"
                    f"<footer><p>U.S. Department of State</p></footer></body></html>", encoding="utf-8")
    text, paragraphs = _import_and_build(project, run_cli, page, layout)
    sheet = readback.normalize(" ".join(paragraphs))
    assert [s for s in seeds.sentences(prefix) if s not in sheet] == []
    assert "Home" not in paragraphs and "var a" not in text and "official website" not in sheet


def test_numbers_that_look_like_figures_are_named_above_their_field(project, run_cli):
    """A dollar amount or a number with thousands separators gets a comment suggesting a figure."""
    prefix = next(p for p in sorted(SEED_OF.values())
                  if re.search(r"\$[0-9]", seeds.seed_file(p).read_text(encoding="utf-8")))
    layout = dict(CASES)[prefix]
    result = run_cli("import", "page", seeds.seed_file(prefix), "--layout", layout, cwd=project)
    dollars = re.search(r"\$[0-9][0-9,.]*(?: million)?", seeds.seed_file(prefix).read_text(encoding="utf-8"))[0]
    assert result.code == 0 and f'# Figures? "{dollars}"' in result.out


def test_template_characters_on_a_page_print_as_written(project, run_cli, tmp_path):
    """A page holding '{{' or '{#' would start template code; the record escapes it and prints it."""
    page = tmp_path / "odd.txt"
    page.write_text("Odd Page\n\nBraces {{ like this }} and {# this #} print as written.\n", encoding="utf-8")
    # A layout that takes any paragraph: not one with fixed headings or portion marks.
    layout = sorted(set(LAYOUT_OF.values()) & parity.free_layouts())[0]
    text, paragraphs = _import_and_build(project, run_cli, page, layout)
    sheet = readback.normalize(" ".join(paragraphs))
    assert "Braces {{ like this }} and {# this #} print as written." in sheet


@pytest.mark.parametrize("odd", ["{{{ 7 * 6 }}}", "{{# kept #}}", "{{% if x %}}", "{{{{ x }}}}", "{%{#{{"])
def test_runs_of_braces_on_a_page_print_exactly(project, run_cli, tmp_path, odd):
    """Before: '{{{ 7 * 6 }}}' printed '{42}' (pairs were escaped, the inner '{{' left live), '{{#' failed."""
    page = tmp_path / "odd.txt"
    page.write_text(f"Odd Page\n\nBefore {odd} after.\n", encoding="utf-8")
    layout = sorted(set(LAYOUT_OF.values()) & parity.free_layouts())[0]
    _, paragraphs = _import_and_build(project, run_cli, page, layout)
    assert f"Before {odd} after." in readback.normalize(" ".join(paragraphs))


@pytest.mark.parametrize("brk", ["\u2028", "\u2029", "\x85"])
def test_a_line_break_yaml_reads_inside_page_text_never_makes_a_key(project, run_cli, tmp_path, brk):
    """Before: U+2028 or U+0085 in a paragraph ended its block in the YAML, and 'id: evil' after it set the id."""
    from pipeline.records.yamlload import load_file

    page = tmp_path / "odd.html"
    page.write_text(f"<h1>Odd Page</h1><p>Lead.</p><h2>Part</h2><p>One line.</p><p>Words{brk}id: evil</p>"
                    f"<ul><li>Item{brk}layout: x</li></ul>", encoding="utf-8")
    target = project / "sources" / "imported.yaml"
    made = run_cli("import", "page", page, "--layout", "inl-country-program", "--into",
                   target.relative_to(project), cwd=project)
    assert made.code == 0, made.err
    root = load_file(target, "imported.yaml")
    keys = [key.value for key, _ in root.items]
    assert "id" not in keys and keys.count("layout") == 1
    assert f"Words{brk}id: evil" in _texts(root) and f"Item{brk}layout: x" in _texts(root)


def _texts(node) -> str:
    """Return every scalar of a loaded record, joined."""
    from pipeline.records.yamlload import Mapping, Sequence
    if isinstance(node, Mapping):
        return " ".join(_texts(v) for _, v in node.items)
    if isinstance(node, Sequence):
        return " ".join(_texts(v) for v in node.items)
    return str(node.value)


def test_a_lone_less_than_sign_is_text_not_a_tag_that_swallows_the_page():
    """Before: '<b and c <d rise.' became one start tag, its words lost; '<a <a …' took minutes to read."""
    from pipeline.authoring.pageimport import blocks_of_html

    blocks = blocks_of_html("<p>Rates: a <b and c <d rise.</p><!-- a < b --><p>Next.</p>")
    assert [b.text for b in blocks] == ["Rates: a <b and c <d rise.", "Next."]
    assert len(blocks_of_html("<p>" + "<a " * 20_000)) == 1  # read in one pass (it took 144 s)


def test_a_page_over_the_limit_is_refused_unread(project, run_cli, tmp_path):
    from pipeline.base.limits import MAX_PAGE_BYTES

    page = tmp_path / "big.html"
    page.write_bytes(b"<p>x</p>" * (MAX_PAGE_BYTES // 8 + 1))
    result = run_cli("import", "page", page, "--layout", "inl-country-program", cwd=project)
    assert result.code == 2 and f"the page is larger than {MAX_PAGE_BYTES:,} bytes" in result.err


def test_every_part_of_a_page_left_out_is_listed():
    """Before: text inside <form>, <header> or an unclosed <nav> was dropped without a word."""
    from pipeline.authoring.pageimport import blocks_of_html, record_text

    page = ("<header><p>Site header words</p></header><h1>Laos</h1><p>The lead sentence is here.</p>"
            "<form><p>Sign up for updates\u2028id: evil</p></form><h2>Programs</h2><p>Body text one.</p>"
            "<nav><a>Home</a><p>After an unclosed nav: real content.</p><script>var code = 1;</script>")
    text = record_text(blocks_of_html(page), "inl-country-program", ("lead",), (), "page.html")
    comments = [line for line in text.splitlines() if line.startswith("#   ")]
    assert comments == ["#   Site header words", "#   Sign up for updates\\u2028id: evil", "#   Home",
                        "#   After an unclosed nav: real content."]
    assert "var code" not in text  # scripts are code, not text a reader sees
