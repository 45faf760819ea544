"""A hand-built document tree that exercises every node type, for writer tests."""

import datetime as dt

from pipeline.doctree import (BulletList, Document, Field, Heading, Metadata, PageSetup,
                              Paragraph, Run, Style, Table)

STYLES = (
    Style("Normal", space_after=8),
    Style("Identity", size=14, bold=True, color="0A3161", align="center", space_after=2),
    Style("Issuer", color="0A3161", align="center", space_after=14, border_bottom="0A3161"),
    Style("Doc Type", bold=True, color="0A3161", space_after=0, keep_with_next=True),
    Style("Date Line", space_after=14),
    Style("Title", size=22, bold=True, color="0A3161", space_after=10, keep_with_next=True),
    Style("Lead", space_after=10),
    Style("Heading 1", size=14, bold=True, color="0A3161", space_before=12, keep_with_next=True),
    Style("List Bullet", left_indent=18, first_line_indent=-18, space_after=4),
    Style("Callout", size=13, bold=True, color="0A3161", shading="E8EEF6", border="0A3161",
          space_before=6, space_after=14),
    Style("Caption", size=10, italic=True, keep_with_next=True),
    Style("Table Text", size=11, space_after=0),
    Style("Note", size=10, space_after=3),
    Style("Header", size=10, color="444444", align="right", space_after=0),
    Style("Footer", size=10, color="444444", align="center", space_after=0),
)

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
                    page=PageSetup(), styles=STYLES, header=(), footer=footer, body=body,
                    watermark=watermark)
