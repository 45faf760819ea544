"""The renderer's view of a sheet and the field names layouts check templates against agree."""

import dataclasses

from pipeline.records.model import SHEET_FIELDS
from pipeline.render.view import SheetView


def test_layouts_check_templates_against_exactly_the_fields_the_renderer_gives():
    assert SHEET_FIELDS == tuple(f.name for f in dataclasses.fields(SheetView))
