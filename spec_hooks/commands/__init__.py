"""Commands that answer questions about the repository rather than check a commit: refs, new, stale."""
