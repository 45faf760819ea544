"""Embeddable files: only files really inside the project's assets/ or templates/ folder."""

import os

import pytest

from pipeline.base.assets import confined, embeddable
from pipeline.base.errors import Location, RecordError

LOC = Location("sources/r.yaml", 7, 8)


@pytest.fixture
def project(tmp_path):
    """Return a project with assets/seal.png, templates/logo.svg, a secret outside and some links."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "sources").mkdir()
    (tmp_path / "assets" / "seal.png").write_bytes(b"png")
    (tmp_path / "templates" / "logo.svg").write_bytes(b"svg")
    (tmp_path / "sources" / "notes.txt").write_text("not an asset")
    secret = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    secret.write_text("secret")
    (tmp_path / "assets" / "link-out.png").symlink_to(secret)
    (tmp_path / "assets" / "link-in.png").symlink_to(tmp_path / "templates" / "logo.svg")
    (tmp_path / "assets" / "loop.png").symlink_to(tmp_path / "assets" / "loop.png")
    return tmp_path


@pytest.mark.parametrize("name", ["assets/seal.png", "templates/logo.svg", "assets/../assets/seal.png"])
def test_files_inside_assets_or_templates_are_embeddable(project, name):
    """A real file in either folder is embeddable."""
    assert embeddable(project, name, LOC).read_bytes() in (b"png", b"svg")


@pytest.mark.parametrize("name, message", [
    ("../secret.txt", "is not a file inside the project's assets/ or templates/ folder"),
    ("assets/../sources/notes.txt", "is not a file inside the project's assets/ or templates/ folder"),
    ("assets/link-out.png", "the file is a symbolic link"),
    ("assets/link-in.png", "the file is a symbolic link"),
    ("assets/loop.png", "the file is a symbolic link"),
    ("assets/missing.png", "is not a file inside the project's assets/ or templates/ folder"),
    ("assets", "is not a file inside the project's assets/ or templates/ folder"),
    ("/etc/passwd", "must be relative to the project"),
    ("assets/seal.png\0.txt", "must be relative to the project"),
    ("", "must be relative to the project"),
])
def test_anything_else_is_refused_with_a_located_error(project, name, message):
    """'..', links out, absolute paths, NUL, folders and missing files are refused where written."""
    with pytest.raises(RecordError) as info:
        embeddable(project, name, LOC)
    [diagnostic] = info.value.diagnostics
    assert diagnostic.location == LOC and message in diagnostic.message
    assert diagnostic.hint.startswith(("put the file in the project's assets/ or templates/ folder",
                                       "replace the link by a copy"))


def test_confined_resolves_links_before_judging(project):
    """The check is on the real path, so renaming a link cannot smuggle a file in."""
    outside = project / "assets" / "link-out.png"
    assert os.path.islink(outside) and confined(outside, [project / "assets"]) is None
    assert confined(project / "assets" / "seal.png", [project / "assets"]) == (project / "assets" / "seal.png").resolve()


def test_an_assets_folder_that_links_out_of_the_project_is_refused(tmp_path):
    """Every step is checked, the folder too: its files would resolve inside the folder it points to."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "seal.png").write_bytes(b"png")
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "assets").symlink_to(elsewhere)
    with pytest.raises(RecordError) as info:
        embeddable(tmp_path / "project", "assets/seal.png", LOC)
    assert "the folder" in info.value.diagnostics[0].message and "is a symbolic link" in info.value.diagnostics[0].message
