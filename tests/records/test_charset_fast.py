"""The character check's short cut (characters already seen to pass) gives what the full check gives."""

import string

import pytest

from pipeline.records import charset

TEXTS = ["", "Plain text, 12% more (2024).", "a{#b", "{# hidden #}", "{{ data.x }}", " ", "~`|\\^",
         *string.printable, "tab\there", "line\nbreak", "caf\u00e9 {#", "caf\u00e9", "\x7f", "\x00",
         "ສະບາຍດີ", "ສະບາຍດີ {#", "ສະ\u200bບາຍ", "שלום", "a\u202eb", "中文", "\ufdd0", "\ud800", "\ue000"]


@pytest.mark.parametrize("written", [True, False])
def test_the_short_cut_answers_as_the_full_check(written):
    """Every text, seen once or twice (then by the short cut), gets the full check's answer."""
    full = [charset.full_check(text, written) for text in TEXTS]
    assert [charset.refused(text, written) for text in TEXTS] == full
    assert [charset.refused(text, written) for text in TEXTS] == full


def test_a_refused_character_never_becomes_clear():
    """Text refused for one character does not clear its other characters, nor itself."""
    assert charset.refused("ok \x00")[0] == "\x00"
    assert "\x00" not in charset._CLEAR
    assert charset.refused("\x00")[0] == "\x00"


def test_a_comment_is_refused_after_its_characters_are_clear():
    """'{#' in text a record writes is refused; in text a figure printed it is not."""
    assert charset.refused("{ #") is None  # both characters are now clear
    assert charset.refused("see {# this")[0] == "{#"
    assert charset.refused("see {# this", written=False) is None
