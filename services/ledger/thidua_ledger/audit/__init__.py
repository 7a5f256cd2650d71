"""What auditors need: the hash chain over the log, signed digests, both clocks, replay."""
