"""Stage 1: one record loaded from YAML with every value located, then validated into a Record."""
