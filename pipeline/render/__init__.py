"""Stage 5: record + layout -> document tree (the view templates read, their markup, the prose's marks)."""
