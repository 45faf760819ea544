"""Stage 4: the layouts in templates/ and the stylesheet, checked where they are written."""
