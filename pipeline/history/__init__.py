"""Who changed what, and when: every change to sources/ kept as a git commit, read back as versions."""
