"""Read a tagged PDF back: its structure tree, marked content per page, and poppler's text of the tree."""

import re
import shutil
import subprocess
from dataclasses import dataclass, field

import pikepdf

PDFINFO = shutil.which("pdfinfo")
# Operators that put marks on a page; everything else only sets state.
PAINTING = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "BI"}


@dataclass
class PageMarks:
    """What one page's content stream holds: MCIDs in order, and painting outside any tag."""

    mcids: list[int] = field(default_factory=list)
    untagged: list[str] = field(default_factory=list)  # painting operators neither tagged nor artifact
    artifacts: int = 0


def page_marks(page: pikepdf.Page) -> PageMarks:
    """Walk a page's content: which painting happens inside an MCID sequence or an artifact."""
    marks, stack = PageMarks(), []  # stack of "mcid" / "artifact" / "other"
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            props = operands[1] if op == "BDC" else None
            if tag == "/Artifact":
                stack.append("artifact")
                marks.artifacts += 1
            elif isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                stack.append("mcid")
                marks.mcids.append(int(props.MCID))
            else:
                stack.append("other")
        elif op == "EMC":
            stack.pop()
        elif op in PAINTING and not ({"mcid", "artifact"} & set(stack)):
            marks.untagged.append(op)
    assert not stack, "a marked-content sequence is never closed"
    return marks


def elements(pdf: pikepdf.Pdf):
    """Yield every structure element, depth first, in reading order."""
    def walk(node):
        yield node
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                yield from walk(kid)
    yield from walk(pdf.Root.StructTreeRoot.K)


def reached_mcids(pdf: pikepdf.Pdf) -> dict[int, set[int]]:
    """Return {page index: MCIDs} that structure elements point to."""
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    found: dict[int, set[int]] = {}
    for elem in elements(pdf):
        kids = elem.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                found.setdefault(pages[kid.Pg.objgen], set()).add(int(kid.MCID))
    return found


def struct_text(path) -> str:
    """Return poppler's reading of the structure tree: element types, attributes and their text."""
    return subprocess.run([PDFINFO, "-struct-text", str(path)], check=True, capture_output=True,
                          text=True).stdout


def tree_strings(dump: str) -> list[str]:
    """Return the text strings of a structure dump, in structure order."""
    return re.findall(r'^\s*"(.*)"\s*$', dump, re.M)
