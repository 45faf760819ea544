"""Stage 0, below every stage: errors and how files are named, limits, hashing, the bundled fonts, safe file writes, settings."""
