"""A hand-built document tree that exercises every node type, for writer tests."""

import datetime as dt
import io
from pathlib import Path

from pipeline.document import tabstops
from pipeline.document.tree import (
    BulletList,
    Chart,
    ChartPoint,
    Document,
    Field,
    Heading,
    Image,
    Metadata,
    Paragraph,
    Run,
    Tab,
    Table,
)
from pipeline.layouts.stylesheet import load_look

ROOT = Path(__file__).resolve().parents[1]
LOOK = load_look(ROOT / "templates" / "styles.yaml")  # the project's own base look
STYLES = LOOK.styles

HAZARD = "x<y and y>z, R&D, <b>not bold</b>, &nbsp; <![CDATA[kept]]> “quotes” ’ café\u00a0Ω"


CHART = Chart(form="bar", title=(Run("Opium poppy cultivation in Laos"),), x_label="Year",
              y_label="Opium poppy cultivation in Laos (ha)",
              points=(ChartPoint("2007", 1500.0, "1,500"), ChartPoint("2018", 5700.0, "5,700")),
              alt="Bar chart: Opium poppy cultivation in Laos, in ha: 2007: 1,500; 2018: 5,700.",
              source=(Run("Source: UNODC Southeast Asia Opium Survey, as of December 31, 2018"),))


def placeholder_png(width=60, height=40, colour="#0A3161") -> bytes:
    """Return a placeholder picture made here and now (no seal is ever shipped): a disc on white."""
    from PIL import Image as PILImage
    from PIL import ImageDraw
    picture = PILImage.new("RGB", (width, height), "white")
    ImageDraw.Draw(picture).ellipse((2, 2, width - 3, height - 3), fill=colour)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def seal(width=60, height=40) -> Image:
    """Return an Image node of a generated placeholder picture."""
    return Image(placeholder_png(width, height), "png", (width, height), "Placeholder seal", "assets/seal.png")


def sample_document(watermark=None, paragraphs=3):
    """Return a document with every block and inline kind; `paragraphs` pads it to more pages."""
    filler = tuple(Paragraph("Normal", (Run(f"Filler paragraph {i}. " + "Lorem ipsum dolor sit amet. " * 12),))
                   for i in range(paragraphs))
    body = (
        Paragraph("Identity", (Run("United States Department of State"),)),
        Paragraph("Issuer", (Run("Bureau of International Narcotics and Law Enforcement Affairs"),)),
        Paragraph("Doc Type", (Run("Fact Sheet"),)),
        Paragraph("Date Line", (Run("March 11, 2003"),)),
        # A line in parts: a banner centred and a date at the right margin, as the briefing paper's.
        Paragraph("Normal", (Tab(), Run("UNCLASSIFIED", bold=True), Tab(), Run("March 11, 2003")),
                  tabs=(tabstops.stop("center", LOOK), tabstops.stop("right", LOOK))),
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
        CHART,
        seal(),
        Paragraph("Note", (Run("INCLE: International Narcotics Control and Law Enforcement Funds"),)),
    )
    footer = (Paragraph("Footer", (Run("Bureau of International Narcotics and Law Enforcement Affairs · "
                                       "March 11, 2003 · Page "), Field("page"), Run(" of "),
                                   Field("pages"))),)
    return Document(meta=Metadata(title="Laos", subject="Fact Sheet", author="Bureau of INL",
                                  language="en-US", date=dt.date(2003, 3, 11)),
                    look=LOOK, header=(), footer=footer, body=body, watermark=watermark)
