"""Reading the files a run is configured by (configuration, schemas): bounded, and YAML without aliases."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from spec_hooks.findings import SpecHooksError


def read_small_text(path: Path, shown: str, what: str, limit: int) -> str:
    """A configuration or schema file's UTF-8 text, read no further than `limit` bytes (a 3 GB file or
    /dev/zero is not read into memory); SpecHooksError says why it cannot be."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(limit + 1)
        if len(data) > limit:
            raise SpecHooksError(f"{shown}: cannot read {what}: larger than {limit >> 20} MiB")
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecHooksError(f"{shown}: cannot read {what}: {getattr(exc, 'strerror', None) or exc}") from None


def safe_yaml(text: str) -> Any:
    """YAML's plain data, without aliases: nine nested aliases of nine items each (a "billion laughs")
    are a billion strings to whatever walks the result, and no configuration or schema needs one."""
    import yaml

    class Loader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed here", event.start_mark)
            return super().compose_node(parent, index)

    return yaml.load(text, Loader=Loader)
