"""The docs say what the repository holds: the record excerpt is the sample's, no folder outside it is named.

On the old code docs/record-format.md showed an INL record with its own `opium_ha` figure (the
sample names the shared data.unodc.laos_opium_ha), and README and the docs pointed to a `shared/`
folder that is not in the repository.
"""

import re

from conftest import ROOT

DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]


def test_the_record_format_excerpt_is_the_sample_line_for_line():
    page = (ROOT / "docs" / "record-format.md").read_text(encoding="utf-8")
    named, block = re.search(r"A complete example is `(sources/[^`]+)`.*?```yaml\n(.*?)```", page, re.S).groups()
    sample = [line.rstrip() for line in (ROOT / named).read_text(encoding="utf-8").splitlines()]
    shown = [line.rstrip() for line in block.splitlines() if line.strip() and "…" not in line]
    assert len(shown) > 10
    at = 0
    for line in shown:  # in the sample's order, each line whole
        assert line in sample[at:], line
        at = sample.index(line, at) + 1


def test_no_doc_points_to_a_folder_the_repository_lacks():
    for doc in DOCS:
        for folder in re.findall(r"`((?:[\w.-]+/)+)[\w.*<>-]*`", doc.read_text(encoding="utf-8")):
            top = folder.split("/")[0]
            assert top != "shared", f"{doc.name} names {folder}"
