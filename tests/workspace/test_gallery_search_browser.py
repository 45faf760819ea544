"""The gallery's search answered in place (static/search.js and /cards), in headless Chromium: the same cards
as the whole page for the same query, the address bar and Back in step, the focus kept in the search box,
the count said by the status line, the no-match message in plain words; without JavaScript the form still
submits and the page answers; axe-core finds nothing and the page fits at 200% zoom.

Each test that expects the answer in place fails on the code before (the form loaded a new page)."""

import re
import shutil
import subprocess
import sys

import axe
import pytest
import served
from conftest import RECORDS, ROOT

pytestmark = pytest.mark.slow

MISSING = served.browser_missing()
if MISSING:
    pytest.skip(MISSING, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

WAIT_MS = 180_000  # a guard against a hang, never a measure: each wait ends when the page shows it
STOPS = 60  # Tab stops tried from the search box before the first card counts as unreachable
NOTHING = "zqxjnothingmatches"
# The fewest cards the page showed in any animation frame from now on: no frame may show an empty list.
FEWEST = """() => {
    window.fewest = Infinity;
    const look = () => {
        window.fewest = Math.min(window.fewest, document.querySelectorAll('ul.cards li.card').length);
        requestAnimationFrame(look);
    };
    look();
}"""


def _words(record) -> set[str]:
    return set(re.findall(r"[a-z]{5,}", record.file.read_text(encoding="utf-8").casefold()))


def _some(exclude: str = "") -> str:
    """Return a word of the samples' text that some records hold and some do not (found in sources/)."""
    counts: dict[str, int] = {}
    for record in RECORDS:
        for word in _words(record):
            counts[word] = counts.get(word, 0) + 1
    return sorted(w for w, n in counts.items() if 0 < n < len(RECORDS) and w != exclude)[0]


FIRST_WORD = _some()
SECOND_WORD = _some(exclude=FIRST_WORD)


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    """Serve a built copy of the samples for the module; yield its address."""
    project = tmp_path_factory.mktemp("gallery-search")
    shutil.copytree(ROOT / "sources", project / "sources")
    shutil.copytree(ROOT / "templates", project / "templates")
    subprocess.run([sys.executable, "-m", "pipeline", "build", "-q"], cwd=project, check=True)
    with served.served(project) as address:
        yield address


def whole_page(page) -> str:
    """Return the gallery page the server sends for the page's address (what a reload or no JavaScript
    shows), fetched by the browser: this process refuses the network once a test ran the guard."""
    answer = page.context.request.get(page.url)
    assert answer.ok, answer.status
    return answer.text()


def cards_of(html: str) -> list[str]:
    return re.findall(r'<li class="card" data-sheet="([^"]+)"', html)


def count_of(html: str) -> str:
    return re.search(r'<span class="count" role="status">([^<]*)</span>', html).group(1)


def shown(page) -> list[str]:
    return page.eval_on_selector_all("ul.cards li.card", "cards => cards.map(c => c.dataset.sheet)")


def search(page, words: str) -> None:
    """Type the words in the search box and press Enter; wait for the address bar to say them and the list
    to be in place."""
    page.locator("#q").fill(words)
    page.locator("#q").press("Enter")
    page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q"
                           " && !document.querySelector('#results[aria-busy]')", arg=words, timeout=WAIT_MS)


def _gallery(url: str, chromium):
    """Open the gallery in a new page, marked so that a test sees whether an answer loaded a new page."""
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    served.open_when_up(page, url + "/")
    page.evaluate("window.samePage = true")  # gone if a new page is loaded
    return page


def test_the_answer_comes_in_place_with_the_cards_of_the_whole_page(url, chromium):
    page = _gallery(url, chromium)
    everything = shown(page)
    page.evaluate(FEWEST)
    search(page, FIRST_WORD)
    assert page.evaluate("window.samePage === true"), "the search loaded a new page"
    assert page.evaluate("window.fewest") > 0, "the list was empty while the answer came"
    full = whole_page(page)
    assert shown(page) == cards_of(full) and 0 < len(shown(page)) < len(everything)
    status = page.get_by_role("status")
    expect(status).to_have_text(count_of(full))  # the count, said by the status line
    assert page.evaluate("document.activeElement.id") == "q"  # the focus stays in the search box
    for _ in range(STOPS):  # and Tab reaches the first card from there
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('#results li.card:first-child h2 a')"):
            break
    else:
        raise AssertionError("the first card is not reachable by Tab from the search box")
    page.close()


def test_back_forward_and_reload_give_the_same_results(url, chromium):
    page = _gallery(url, chromium)
    search(page, FIRST_WORD)
    first = shown(page)
    search(page, SECOND_WORD)
    second = shown(page)
    assert first != second, "the two words found in sources/ should find different sheets"
    page.go_back()
    page.wait_for_function("q => document.querySelector('#q').value === q && !document.querySelector('#results[aria-busy]')",
                           arg=FIRST_WORD, timeout=WAIT_MS)
    expect(page.locator("#results li.card").first).to_have_attribute("data-sheet", first[0])
    assert shown(page) == first == cards_of(whole_page(page))
    assert page.evaluate("window.samePage === true"), "Back loaded a new page"  # answered in place again
    page.go_forward()
    page.wait_for_function("q => document.querySelector('#q').value === q", arg=SECOND_WORD, timeout=WAIT_MS)
    expect(page.locator("#results li.card").first).to_have_attribute("data-sheet", second[0])
    page.reload()
    assert page.input_value("#q") == SECOND_WORD and shown(page) == second
    page.close()


def test_without_javascript_the_form_submits_and_the_page_answers(url, chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    served.open_when_up(page, url + "/")
    page.locator("#q").fill(FIRST_WORD)
    with page.expect_navigation():
        page.locator("#q").press("Enter")
    assert f"q={FIRST_WORD}" in page.url
    full = whole_page(page)
    assert shown(page) == cards_of(full) and page.inner_text(".count") == count_of(full)
    context.close()


def test_no_match_says_so_in_plain_words(url, chromium):
    page = _gallery(url, chromium)
    search(page, NOTHING)
    assert page.evaluate("window.samePage === true") and shown(page) == []
    said = page.locator("#results .empty")
    expect(said).to_contain_text(f"No sheets match “{NOTHING}”")
    expect(said).to_contain_text("Try fewer words or another spelling")
    expect(page.get_by_role("status")).to_have_text(f"0 of {len(RECORDS)} sheets")
    page.close()


@pytest.mark.skipif(axe.missing() is not None, reason=str(axe.missing()))
def test_the_searched_gallery_has_no_axe_violation_and_fits_at_200_percent(url, chromium, tmp_path):
    page = _gallery(url, chromium)
    for words in (FIRST_WORD, NOTHING):
        search(page, words)
        found = axe.violations(page)
        assert not found, f"gallery searched for {words!r} in place:\n" + "\n".join(found)
    page.close()
    page = chromium.new_page(viewport={"width": 640, "height": 400}, device_scale_factor=2)  # 200% zoom
    served.open_when_up(page, url + "/")
    search(page, FIRST_WORD)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scroll
    expect(page.locator("#q")).to_be_focused()
    expect(page.locator("#q")).to_be_in_viewport()
    page.locator("#results li.card h2 a").first.scroll_into_view_if_needed()
    expect(page.locator("#results li.card h2 a").first).to_be_in_viewport()
    page.screenshot(path=str(tmp_path / "searched-200.png"))
    page.close()
