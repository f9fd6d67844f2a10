"""The plan catalog: plans, tasks, agencies and the responsibility matrix (public reads)."""
