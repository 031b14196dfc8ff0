"""spec-hooks: pre-commit hooks for Markdown specification repositories.

Kept import-free on purpose: every hook run pays for what this module imports.
"""
__version__ = "0.1.0"
PROJECT_URL = "https://github.com/spec-hooks/spec-hooks"
