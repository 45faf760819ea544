"""The character check's short cut for plain ASCII text gives what the full check gives."""

import string

import pytest

from pipeline.records import charset

TEXTS = ["", "Plain text, 12% more (2024).", "a{#b", "{# hidden #}", "{{ data.x }}", " ", "~`|\\^",
         *string.printable, "tab\there", "line\nbreak", "caf\u00e9 {#", "\x7f", "\x00"]


@pytest.mark.parametrize("written", [True, False])
def test_plain_ascii_short_cut_matches_the_full_check(monkeypatch, written):
    """Every text gets the same answer with the short cut as through every check."""
    fast = [charset.refused(text, written) for text in TEXTS]
    monkeypatch.setattr(charset, "_printable_ascii_allowed", lambda: False)
    assert fast == [charset.refused(text, written) for text in TEXTS]


def test_a_comment_in_plain_text_is_still_refused():
    """'{#' in text a record writes is refused; in text a figure printed it is not."""
    assert charset.refused("see {# this")[0] == "{#"
    assert charset.refused("see {# this", written=False) is None
