"""Word's embedded fonts: the complex-script faces a sheet draws, whole, obfuscated as Office Open
XML requires (ECMA-376 Part 1, 17.8.1).

Word on a Department laptop, and LibreOffice elsewhere, have no Noto Serif Lao, Khmer or Thai:
without the font in the file, Khmer shows as empty boxes and Lao in some other face. Liberation
Serif is not embedded: the .docx names Times New Roman, which every copy of Word has and for which
LibreOffice substitutes its metric twin, so the lines break the same.

Whole faces, not subsets (19-63 KB compressed each, against 4-8 KB): staff edit these files in
Word and type words the sheet did not have, and LibreOffice keeps the first embedded font of a
name for its whole session, so a second sheet's subset would be ignored and its other letters
drawn in another face.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from dataclasses import dataclass

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn

from pipeline.base import fonts
from pipeline.writers import wordparts

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
_OBFUSCATED = 32  # the leading bytes of the font that are XORed with the key


@dataclass(frozen=True)
class EmbeddedFont:
    """One face as the .docx carries it: its family, whether bold, its key and its obfuscated bytes."""

    family: fonts.Family
    bold: bool
    key: str  # the w:fontKey, a GUID in braces
    data: bytes  # the font, its first 32 bytes obfuscated with the key

    @property
    def element(self) -> str:
        """Return the font table's element for this face (Word's w:embedRegular or w:embedBold)."""
        return "embedBold" if self.bold else "embedRegular"


def embedded(chars: dict[tuple[fonts.Family, bool], set[str]]) -> list[EmbeddedFont]:
    """Return the faces to embed for the characters drawn per (family, bold), in the fonts' order."""
    return [_embedded(family, bold) for family in fonts.FAMILIES for bold in (False, True)
            if chars.get((family, bold))]


@functools.lru_cache(maxsize=16)
def _embedded(family: fonts.Family, bold: bool) -> EmbeddedFont:
    """Return one bundled face, with its key and obfuscated bytes (cached per process)."""
    data = fonts.verified_path(family.face(bold, False)).read_bytes()
    key = font_key(data)
    return EmbeddedFont(family, bold, key, obfuscate(data, key))


def font_key(data: bytes) -> str:
    """Return the GUID that obfuscates a font, taken from a hash of its bytes (never random).

    Readers take "the GUID's bytes" in two orders: LibreOffice as its hex digits are written,
    Microsoft's XPS readers as Windows stores a GUID (its first three fields little-endian). A key
    whose first fields read the same both ways (bytes 0-3 as ABBA, 4-5 and 6-7 as AA) means the
    same bytes to both, so each reader gets the font back.
    """
    b = bytearray(hashlib.sha256(data).digest()[:16])
    b[2], b[3], b[5], b[7] = b[1], b[0], b[4], b[6]
    return "{" + str(uuid.UUID(bytes=bytes(b))).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """Return the font with its first 32 bytes XORed with the key's bytes in reverse order.

    The same call undoes it. The key's bytes are its hex digits read as written, so the last
    byte of the GUID masks the font's first byte.
    """
    mask = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1] * 2
    head = bytes(a ^ b for a, b in zip(data[:_OBFUSCATED], mask, strict=True))  # a font is longer than 32 bytes
    return head + data[_OBFUSCATED:]


def embed(word, font: str, chars: dict[tuple[fonts.Family, bool], set[str]]) -> None:
    """Add the faces that draw `chars` to a python-docx document whose text font is `font`: the
    font parts, their entries in the font table and the settings that say the file carries them."""
    faces = embedded(chars)
    if not faces:
        return  # a sheet without Lao, Khmer or Thai: the package is as before
    table = word.part.part_related_by(RT.FONT_TABLE)
    entries: dict[str, list[tuple[str, str, str]]] = {}
    for number, face in enumerate(faces, start=1):
        part = Part(PackURI(f"/word/fonts/font{number}.odttf"), CONTENT_TYPE, face.data, word.part.package)
        entries.setdefault(face.family.word, []).append((face.element, table.relate_to(part, RT.FONT), face.key))
    # python-docx reads the font table as an opaque part: its bytes are replaced whole.
    table._blob = wordparts.font_table(font, entries).encode("utf-8")
    _settings(word.settings.element)


def _settings(settings) -> None:
    """Tell Word the file carries its fonts, so it keeps them when staff save it again."""
    # Their place in the schema's order is right after w:zoom, which the skeleton writes first.
    zoom = settings.find(qn("w:zoom"))
    zoom.addnext(settings.makeelement(qn("w:embedTrueTypeFonts"), {}))
