"""The sentences of the two seed pages, without their site chrome."""

import re
from pathlib import Path

# Copies kept in the repository (see its README) so that a clone alone runs the tests.
SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"
# Web-capture furniture that is not content: site chrome the sheets must leave out.
CHROME = {"An official website of the United States government", "U.S. Department of State",
          "The Lessons of 1989: Freedom and Our Future"}
# The samples that copy one seed page whole; laos-counternarcotics draws on both (tests/endtoend/test_samples.py).
SEED_OF = {"laos-inl": "000", "laos-embassy-inl": "001"}
_SENTENCE_END = re.compile(r"(?<=[.?!”])[ \u00a0]+(?=\S)")


def seed_file(prefix: str) -> Path:
    """Return the seed page whose name starts with `prefix` (000 or 001)."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def sentences(prefix: str) -> list[str]:
    """Return every sentence of a seed page's content, typographic characters kept."""
    out = []
    for line in seed_file(prefix).read_text(encoding="utf-8").splitlines():
        line = line.strip(" \u00a0").removeprefix("• ").strip(" \u00a0")
        if not line or line in CHROME:
            continue
        out.extend(s.strip(" \u00a0") for s in _SENTENCE_END.split(line))
    return [s for s in out if s]
