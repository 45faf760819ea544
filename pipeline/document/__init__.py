"""Stage 3: the format-neutral document tree and what is decided once for every writer (look, tables, charts, pictures, access)."""
