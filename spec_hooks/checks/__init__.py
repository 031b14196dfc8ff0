"""The checks, one module per family; a rule's first digit names its family (see `rules`):

- SH0xx reading a file at all: `source` (not a check: every family meets them).
- SH1xx headers: `headers` (`spec-hooks headers`, hook `check-spec-headers`).
- SH2xx links: `links` (`spec-hooks links`, hook `check-spec-links`).
- SH3xx dates: `dates` (`spec-hooks dates [--check]`, hooks `bump-spec-dates`, `check-spec-dates`), with
  the history walk in `history`.
- `all`: `spec-hooks check`, the three families in one run.

Each family's rules are functions of the documents, the repository snapshot and the configuration;
policy (`disable`, `exclude`, per-file settings) is applied afterwards, in `spec_hooks.policy`.
"""
