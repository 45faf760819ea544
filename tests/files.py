"""Small file helpers the tests share: snapshot a folder, edit a file in place."""


def snapshot(folder):
    """Return {name: (bytes, mtime_ns)} of every file in a folder."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file()}


def edit(path, old: str, new: str) -> None:
    """Replace text in a file, insisting that it was there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
