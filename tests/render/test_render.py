"""The renderer's view of a sheet and the field names layouts check templates against agree."""

import dataclasses

import pytest

from pipeline.records import fields
from pipeline.records.fields import SHEET_FIELDS
from pipeline.render.view import SheetView


def test_layouts_check_templates_against_exactly_the_fields_the_renderer_gives():
    own = {f.name for f in dataclasses.fields(SheetView)} - {"texts"}
    assert own | {*fields.TEXTS, *fields.TEXT_LISTS} == set(SHEET_FIELDS)
    view = SheetView(layout="x", id="y")
    assert [getattr(view, name) for name in (*fields.TEXTS, *fields.TEXT_LISTS)] == \
        [None] * len(fields.TEXTS) + [()] * len(fields.TEXT_LISTS)
    with pytest.raises(AttributeError):
        view.titel  # noqa: B018 - a name the table does not declare is no field of the sheet
