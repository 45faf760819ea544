"""Stage 7: commands that make or change records and data: new, init, schema, import figures and pages, figures."""
