"""`factsheets import page`: a record skeleton from a Department web page saved as text or HTML.

The page's site chrome (the .gov banner, the site footer, unrelated links after the content) is
left out but listed as comments, so nothing is lost without a word; run-in labels ("Challenges:",
"Alternative Development.") and bullets are recognised; numbers that look like figures are named
in a comment above their field, as candidates for figures.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..base.confine import NotARealFile, read_regular
from ..base.limits import MAX_PAGE_BYTES

# Lines .gov sites put around every page; never content.
BANNER = ("an official website of the united states government", "here’s how you know", "here's how you know",
          "official websites use .gov", "secure .gov websites use https", "skip to main content",
          "skip to content", "share", "print")
BULLET = re.compile(r"^[ \t\u00a0]*[•·▪‣◦*-][ \t\u00a0]+")
_WORD = r"(?:[A-Z][\w’'-]*|of|and|the|for|in|to|on|&)"
RUN_IN = re.compile(rf"^({_WORD}(?: {_WORD}){{0,5}})([.:])[ \u00a0]+(?=\S)")
FIGURE_LIKE = re.compile(r"\$[0-9][0-9,.]*(?: (?:million|billion|thousand|trillion))?|"
                         r"\b[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?: ?(?:ha|hectares|tons|percent|%))?|"
                         r"\b[0-9]+(?:\.[0-9]+)? ?(?:%|percent)\b")
_SENTENCE_END = ".?!:”\"’"


@dataclass
class Block:
    """One piece of the page: a heading, a paragraph or a bullet."""

    kind: str  # heading | para | bullet | left (text of a page part left out: navigation, a form…)
    text: str


@dataclass
class Section:
    """A section of the record being made: heading, style, and content blocks in order."""

    heading: str | None = None
    style: str | None = None
    content: list[tuple[str, object]] = field(default_factory=list)


def blocks_of_text(text: str) -> list[Block]:
    """Return the blocks of a page saved as text: one per non-empty line."""
    out = []
    for line in text.splitlines():
        stripped = line.strip(" \t\u00a0")
        if not stripped:
            continue
        if BULLET.match(line):
            out.append(Block("bullet", BULLET.sub("", line).strip(" \t\u00a0")))
        else:
            out.append(Block("para", stripped))
    return out


class _Html(HTMLParser):
    """Collects headings, paragraphs and list items, skipping navigation, scripts and footers."""

    SKIP = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template"}
    UNSEEN = {"script", "style", "template"}  # code, not text a reader sees: left out unlisted
    BLOCKS = {"p": "para", "li": "bullet", "h1": "heading", "h2": "heading", "h3": "heading",
              "h4": "heading", "h5": "heading", "h6": "heading", "div": "para", "td": "para"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.skipped: list[str] = []  # the page parts being left out, innermost last
        self.kind: str | None = None
        self.parts: list[str] = []

    @property
    def skipping(self) -> bool:
        """Return whether the text now read is left out of the record."""
        return bool(self.skipped)

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._flush()  # what came before is kept; what follows is left out, and listed
            self.skipped.append(tag)
        elif tag in self.BLOCKS:
            self._flush()
            self.kind = self.BLOCKS[tag]
        elif tag == "br":
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.skipped:
            self._flush()
            del self.skipped[len(self.skipped) - 1 - self.skipped[::-1].index(tag):]  # closes what it holds
        elif tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        if not any(tag in self.UNSEEN for tag in self.skipped):
            self.parts.append(data)

    def _flush(self):
        text = re.sub(r"[ \t\r\n]+", " ", "".join(self.parts)).strip(" \u00a0")
        if text:
            self.blocks.append(Block("left" if self.skipping else self.kind or "para", text))
        self.parts, self.kind = [], None

    def close(self):
        super().close()
        self._flush()


def _tags_closed(html: str) -> str:
    """Return the page with each '<' that no '>' closes before the next '<' written as text (&lt;).

    Python's HTMLParser scans to the end of the page for every such '<' ('<a <a <a …'): a 60 KB page
    took minutes. A '<' no '>' closes is text in a browser too. One pass; comments are kept whole.
    """
    out, at, size = [], 0, len(html)
    next_gt = next_lt = -1
    while True:
        lt = html.find("<", at)
        if lt < 0:
            out.append(html[at:])
            return "".join(out)
        if html.startswith("<!--", lt):
            end = html.find("-->", lt + 4)
            stop = size if end < 0 else end + 3
            out.append(html[at:stop])
            at = stop
            continue
        if next_gt <= lt:  # the pointers only move forward: linear in the page's length
            found = html.find(">", lt + 1)
            next_gt = size if found < 0 else found
        if next_lt <= lt:
            found = html.find("<", lt + 1)
            next_lt = size if found < 0 else found
        if next_gt >= size or next_lt < next_gt:
            out.append(html[at:lt] + "&lt;")
            at = lt + 1
        else:
            out.append(html[at:next_gt + 1])
            at = next_gt + 1


def blocks_of_html(html: str) -> list[Block]:
    """Return the blocks of a page saved as HTML."""
    parser = _Html()
    parser.feed(_tags_closed(html))
    parser.close()
    return parser.blocks


def _short(block: Block) -> bool:
    """Return True for a line that reads as a heading or a link, not a sentence."""
    return block.kind == "heading" or (block.kind == "para" and len(block.text.split()) <= 12
                                       and not block.text.endswith(tuple(_SENTENCE_END)))


def split_chrome(blocks: list[Block]) -> tuple[list[Block], list[str]]:
    """Return the content blocks and the chrome left out (banner lines, short lines after the content)."""
    # Navigation, headers, footers, asides and forms are left out whole, and listed: an unclosed
    # <nav> leaves out the rest of the page, so nothing may go unsaid.
    chrome = [b.text for b in blocks if b.kind == "left" or b.text.strip().lower().rstrip(".") in BANNER]
    content = [b for b in blocks if b.kind != "left" and b.text.strip().lower().rstrip(".") not in BANNER]
    trailing = []
    while content and _short(content[-1]):  # the site footer and unrelated links after the last paragraph
        trailing.insert(0, content.pop().text)
    return content, chrome + trailing


def record_text(blocks: list[Block], layout: str, prints: tuple[str, ...], requires: tuple[str, ...],
                source_name: str) -> str:
    """Return the YAML text of a record made from the page's blocks."""
    content, chrome = split_chrome(blocks)
    title = None
    if len(content) > 1 and _short(content[0]):
        title = content.pop(0).text
    lead, sections = _structure(content)
    if lead and "lead" not in prints:
        sections.insert(0, Section(content=[("text", lead)]))
        lead = []
    out = [f"# Imported from {source_name} by `factsheets import page` for the {layout} layout.",
           "# Read it against the page, replace each <<…>>, then run: factsheets check THIS-FILE",
           f"layout: {layout}", f"title: {_line(title) if title else '<<the sheet title>>'}"]
    for name, hint in (("issuer", "the bureau, office or post line"),
                       ("date", "the issue date as YYYY-MM-DD, printed as March 11, 2003")):
        if name in requires:
            out.append(f"{name}: <<{hint}>>")
    if lead:
        out.extend(["", *_figures_note(lead, ""), *_text("lead:", lead, "  ")])
    if sections:
        out.extend(["", "sections:"])
        for section in sections:
            out.extend(_section_lines(section))
    if chrome:
        out.extend(["", "# Left out as site chrome, not content: navigation, headers, footers, forms (copy a "
                        "line back if it belongs):", *(f"#   {_comment(line)}" for line in chrome)])
    return "\n".join(out) + "\n"


def _structure(blocks: list[Block]) -> tuple[list[str], list[Section]]:
    """Return the lead paragraphs and the sections the blocks make."""
    lead, sections = [], []
    current: Section | None = None
    for i, block in enumerate(blocks):
        label = RUN_IN.match(block.text) if block.kind == "para" else None
        if _short(block) and i + 1 < len(blocks):
            current = Section(heading=block.text)
            sections.append(current)
        elif label and label[2] == ":":  # "Challenges: …" opens a run-in section of its own
            current = Section(heading=label[1] + ":", style="run-in",
                              content=[("text", [block.text[label.end():]])])
            sections.append(current)
            current = None
        elif label:  # "Alternative Development. …": a run-in item
            current = _open(sections, current, "items")
            current.content[-1][1].append((label[1] + ".", block.text[label.end():]))
        elif block.kind == "bullet":
            current = _open(sections, current, "bullets")
            current.content[-1][1].append(block.text)
        elif current is None and not sections:
            lead.append(block.text)
        else:
            current = _open(sections, current, "text")
            current.content[-1][1].append(block.text)
    return lead, sections


def _open(sections: list[Section], current: Section | None, kind: str) -> Section:
    """Return a section whose last content block is of `kind`, starting one where needed."""
    if current is None or (current.content and current.content[-1][0] != kind
                           and any(k == kind for k, _ in current.content)):
        current = Section()
        sections.append(current)
    if not current.content or current.content[-1][0] != kind:
        current.content.append((kind, []))
    return current


def _section_lines(section: Section) -> list[str]:
    """Return the YAML lines of one section."""
    lines, first = [], True

    def key(text: str) -> str:
        nonlocal first
        prefix = "  - " if first else "    "
        first = False
        return prefix + text
    if section.heading:
        lines.append(key(f"heading: {_line(section.heading)}"))
    if section.style:
        lines.append(key(f"style: {section.style}"))
    for kind, value in section.content:
        if kind == "text":
            lines.extend(_figures_note(value, "    "))
            lines.extend(_text(key("text:"), value, "      "))
        elif kind == "bullets":
            lines.extend(_figures_note(value, "    "))
            lines.append(key("bullets:"))
            lines.extend(f"      - {_line(item)}" for item in value)
        else:
            lines.extend(_figures_note([text for _, text in value], "    "))
            lines.append(key("items:"))
            for term, text in value:
                lines.extend([f"      - term: {_line(term)}", *_text("        text:", [text], "          ")])
    return lines


def _figures_note(paragraphs: list[str], indent: str) -> list[str]:
    """Return a comment naming the numbers that look like figures, if any."""
    found = list(dict.fromkeys(m.group().strip() for p in paragraphs for m in FIGURE_LIKE.finditer(p)))
    if not found:
        return []
    shown = ", ".join(f'"{number}"' for number in found[:6]) + (" and more" if len(found) > 6 else "")
    return [f"{indent}# Figures? {shown}: define each under figures: (with its source and as_of) and write",
            f"{indent}# {{{{ name | number }}}} or {{{{ name | money }}}} in its place, so it stays current and traceable."]


# Characters YAML reads as a line break (U+0085, U+2028, U+2029) or may not hold unescaped: written
# raw, a break inside a value would end it, and the page's next words would be read as a key (id: …).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


def _escaped(text: str) -> str:
    """Return page text so that it prints as written: '{{', '{%' and '{#' would start template code."""
    # Every '{' that would open template code is printed by a reference; a lookahead, so that in
    # '{{{' or '{{#' each brace is seen (replacing pairs left '{{ 7 * 6 }}' of '{{{ 7 * 6 }}}' live).
    return re.sub(r"\{(?=[{%#])", "{{ '{' }}", text)


def _line(text: str) -> str:
    """Return a one-line value as a YAML double-quoted scalar, every unsafe character escaped."""
    quoted = json.dumps(_escaped(text), ensure_ascii=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xff else f"\\x{ord(m.group()):02x}",
                       quoted)


def _comment(text: str) -> str:
    """Return text for a comment line: a character YAML reads as a line break would end the comment."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _text(prefix: str, paragraphs: list[str], indent: str) -> list[str]:
    """Return `prefix` and paragraphs as a literal block, or one quoted value if a block cannot hold them."""
    if any(_UNSAFE.search(p) for p in paragraphs):
        return [f"{prefix} {_line((chr(10) * 2).join(paragraphs))}"]
    lines = [f"{prefix} |"]
    for i, paragraph in enumerate(paragraphs):
        if i:
            lines.append("")
        lines.append(indent + _escaped(paragraph))
    return lines


def import_page(file, layout_name: str, layouts, shown_as: str) -> str:
    """Return the record text made from a saved page (.html/.htm as HTML, anything else as text)."""
    from ..base.errors import ConfigError, Diagnostic, Location, did_you_mean, shown
    if layout_name not in layouts:
        raise ConfigError([Diagnostic(Location(shown_as), f"unknown layout {shown(layout_name)}"
                                      f"{did_you_mean(layout_name, layouts)}",
                                      f"layouts: {', '.join(sorted(layouts))}")])
    try:
        raw = read_regular(file, MAX_PAGE_BYTES)  # never a pipe; never more than the limit into memory
        if len(raw) > MAX_PAGE_BYTES:
            raise ConfigError([Diagnostic(Location(shown_as), f"the page is larger than {MAX_PAGE_BYTES:,} bytes",
                                          "save the page without its pictures and scripts, or copy its text "
                                          "into a .txt file")])
        text = raw.decode("utf-8-sig")
    except NotARealFile as exc:
        raise ConfigError([Diagnostic(Location(shown_as), exc.reason, "name a page saved as .txt or .html")]) from None
    except OSError as exc:
        raise ConfigError([Diagnostic(Location(shown_as), f"cannot read the page: {exc.strerror}",
                                      "name a page saved as .txt or .html")]) from None
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # pages saved by older Windows browsers
    blocks = blocks_of_html(text) if file.suffix.lower() in (".html", ".htm") else blocks_of_text(text)
    layout = layouts[layout_name]
    return record_text(blocks, layout_name, layout.prints, layout.requires, file.name)
