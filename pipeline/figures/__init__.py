"""Stage 2: figures as values, the sandbox that fills references in, shared data files and staleness."""
