"""Where a link leads: a destination's path and fragment, resolved against the repository's paths, and a
repository path written back as a destination. Pure functions of text; every family and command uses them."""
from __future__ import annotations

import posixpath
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote, unquote

MARKDOWN_SUFFIXES = (".md", ".markdown")  # compared case-blind: README.MD is Markdown too
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


_BRANCH = re.compile(r"[^\s~^:?*\[\\]+")  # what git allows in a ref name (git check-ref-format), but for '..'
_GITHUB_REMOTE = re.compile(r"^(?:(?:https?|ssh|git)://(?:[^@/]+@)?|[^@/:]+@)([^/:]+)[:/]+([^/]+)/([^/]+?)(?:\.git)?/*$")


def github_base(url: str) -> str | None:
    """`https://host/owner/repo` (lower case) of a repository URL or remote (`git@github.com:o/r.git`,
    `https://github.com/o/r.git`, `ssh://git@github.com/o/r`); None for what is not one."""
    match = _GITHUB_REMOTE.match(url.strip())
    if match is None:
        return None
    host, owner, name = (part.lower() for part in match.groups())
    return f"https://{host.rpartition(':')[0] or host}/{owner}/{name}"


def own_page_path(target: str, own_urls: tuple[str, ...]) -> str | None:
    """The root-absolute path (with its fragment) a link to one of `own_urls` (a repository's
    `https://host/owner/repo/blob/` and `/tree/`, lower case) names; None for any other URL, and for a
    permalink (a commit id names history, not what is committed now)."""
    if not own_urls or not target.lower().startswith(("https://", "http://")):
        return None
    lowered = target.lower().replace("http://", "https://", 1)
    prefix = next((prefix for prefix in own_urls if lowered.startswith(prefix)), None)
    if prefix is None:
        return None
    ref, _, rest = target[len(prefix) + len(target) - len(lowered) :].partition("/")
    if not _BRANCH.fullmatch(ref) or ".." in ref or (len(ref) in (40, 64) and all(c in "0123456789abcdef" for c in ref.lower())):
        return None  # a permalink, or no branch name git allows (`.../blob/...commit-ID.../` in a template)
    return "/" + rest


def is_external(target: str) -> bool:
    return target.startswith("//") or bool(_SCHEME.match(target))


def split_target(target: str) -> tuple[str, str]:
    """The path part (query dropped) and the fragment of a link target."""
    path, _, fragment = target.partition("#")
    return path.partition("?")[0], fragment


def resolve_link(linking_path: str, target: str) -> str | None:
    """The repository path a relative link in `linking_path` points at (itself for `#fragment` alone);
    None when it leaves the repository."""
    path_part = split_target(target)[0]
    return _resolve_in(linking_path.rpartition("/")[0], path_part) if path_part else linking_path


@lru_cache(maxsize=65536)  # links in one folder point at the same targets over and over
def _resolve_in(folder: str, path: str) -> str | None:
    """The repository-relative path a relative link's path part points at; None when it leaves the repository."""
    path = unquote(path)
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(folder, path)
    normal = posixpath.normpath(joined) if joined else "."
    if normal == ".." or normal.startswith("../"):
        return None
    return "" if normal == "." else normal


# Characters a path cannot carry as they are in a link destination: `%`, `#` and `?` would be read as an
# escape, a fragment or a query; the rest end or break a bare destination, an attribute or an entity.
_UNSAFE_IN_DESTINATION = frozenset("%#?\\<>()\"'`&[]") | frozenset(map(chr, range(33))) | {"\x7f"}


def destination(path: str, angled: bool = False, encoded: bool = False) -> str:
    """A repository path written as a link destination that resolves back to it: characters Markdown
    or HTML would read otherwise, and characters nobody can see, are percent-encoded (all non-ASCII too
    where the link already was)."""
    if encoded:
        return quote(path, safe="/-._~!$*+,;=:@")
    return "".join(quote(character, safe="") if (character in _UNSAFE_IN_DESTINATION and not (angled and character == " "))
                   or _invisible(character) else character for character in path)


def visible(text: str) -> str:
    """`text` with characters a reader cannot see (U+FE0F after an emoji, zero-width spaces) percent-encoded."""
    return "".join(quote(character, safe="") if _invisible(character) else character for character in text)


def _invisible(character: str) -> bool:
    return (unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp") or "\ufe00" <= character <= "\ufe0f"
            or "\U000e0100" <= character <= "\U000e01ef" or (character.isspace() and character != " "))


