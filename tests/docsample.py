"""A hand-built document tree that exercises every node type, for writer tests."""

import datetime as dt

from pathlib import Path

from pipeline.doctree import BulletList, Document, Field, Heading, Metadata, Paragraph, Run, Table
from pipeline.layouts import load_look

ROOT = Path(__file__).resolve().parents[1]
LOOK = load_look(ROOT / "templates" / "styles.yaml")  # the project's own base look
STYLES = LOOK.styles

HAZARD = "x<y and y>z, R&D, <b>not bold</b>, &nbsp; <![CDATA[kept]]> “quotes” ’ café\u00a0Ω"


def sample_document(watermark=None, paragraphs=3):
    """Return a document with every block and inline kind; `paragraphs` pads it to more pages."""
    filler = tuple(Paragraph("Normal", (Run(f"Filler paragraph {i}. " + "Lorem ipsum dolor sit amet. " * 12),))
                   for i in range(paragraphs))
    body = (
        Paragraph("Identity", (Run("United States Department of State"),)),
        Paragraph("Issuer", (Run("Bureau of International Narcotics and Law Enforcement Affairs"),)),
        Paragraph("Doc Type", (Run("Fact Sheet"),)),
        Paragraph("Date Line", (Run("March 11, 2003"),)),
        Paragraph("Title", (Run("Laos"),)),
        Paragraph("Lead", (Run("Plain, "), Run("bold", bold=True), Run(", "), Run("italic", italic=True),
                           Run(", "), Run("both", bold=True, italic=True), Run(" and a "),
                           Run("link", href="https://www.state.gov/?a=1&b=2"), Run(".")),),
        Paragraph("Callout", (Run("Since 1989, the United States has provided more than $48 million."),)),
        Heading(1, (Run("U.S. Policy Initiatives and Programs"),)),
        Paragraph("Normal", (Run("Challenges:", bold=True), Run(" " + HAZARD)),),
        BulletList(((Run("First bullet."),), (Run("Second "), Run("bullet", bold=True), Run(".")))),
        Table(columns=((Run("Year"),), (Run("Funding"),)),
              rows=(((Run("FY 2005"),), (Run("$1,984,000 (INCLE)"),)),
                    ((Run("FY 2006"),), (Run("$1,000,000 & more"),))),
              caption=(Run("U.S. Government Funding"),)),
        *filler,
        Paragraph("Note", (Run("INCLE: International Narcotics Control and Law Enforcement Funds"),)),
    )
    footer = (Paragraph("Footer", (Run("Bureau of International Narcotics and Law Enforcement Affairs · "
                                       "March 11, 2003 · Page "), Field("page"), Run(" of "),
                                   Field("pages"))),)
    return Document(meta=Metadata(title="Laos", subject="Fact Sheet", author="Bureau of INL",
                                  language="en-US", date=dt.date(2003, 3, 11)),
                    look=LOOK, header=(), footer=footer, body=body, watermark=watermark)
