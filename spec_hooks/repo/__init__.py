"""The repository layer. Nothing else in spec-hooks runs git.

- `runner`: GitPython finds the repository and runs every git command (`repo.git`); git's failures
  become one-line errors.
- `snapshot`: what one run knows of the repository (index, HEAD, staged renames, the work tree's
  state), each fact loaded once and only when a check asks for it.
- `history`: the one-pass `git log` stream the date checks read.

GitPython's index and diff objects (`repo.index`, `IndexFile.diff`, `Commit.diff`) are never used: inside a
pre-commit hook `repo.index` ignores `GIT_INDEX_FILE` and so reads the wrong snapshot (git hands hooks
`.git/index.lock` under `git commit -a`, a `next-index-*.lock` under `git commit PATH`; GitPython#1388), it
cannot read index version 4, and `index.diff("HEAD")` reports renames and deletions backwards. The
plumbing commands with `-z` output, parsed here, read what git itself reads.
"""
