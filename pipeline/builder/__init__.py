"""Stage 6: the build: plan from input hashes, build in workers, publish, manifest, reports, lock, watch."""
