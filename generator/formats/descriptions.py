"""The format files' descriptions as plain data, kept parsed between commands (YAML is
loaded only when a file changed), and the formats' ids read from the file names alone."""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# The descriptions as parsed, kept beside the code's own compiled bytecode, after the
# files' very text: reading them with YAML (the import and the parse) cost more than a
# tenth of loading one agency. Anything odd (absent, damaged, another Python, a folder
# that cannot be written) means parsing the YAML again; nothing is ever read stale, since
# the text kept is compared with the text read now, byte for byte (some 20 KB: cheaper
# than loading OpenSSL's digests to compare a digest of it).
KEPT = HERE / "__pycache__" / "formats.marshal"
_MAGIC = b"nianbao formats 2 %d\n" % marshal.version  # 2: the text kept, not its digest


def read_descriptions() -> list[dict[str, Any]]:
    """Each format file's description, as plain data, in file name order."""
    texts = [e.read_bytes() for e in sorted(HERE.iterdir()) if _is_format_file(e.name)]
    joined = b"\0".join(texts)
    signature = _MAGIC + b"%d\n" % len(joined) + joined
    try:
        data = KEPT.read_bytes()
        if data.startswith(signature):
            kept = marshal.loads(data[len(signature) :])
            if isinstance(kept, list) and len(kept) == len(texts):
                return kept
    except Exception:  # absent, damaged, another version: parse again
        pass
    import yaml

    parsed = [yaml.load(t.decode("utf-8"), Loader=yaml.CSafeLoader) for t in texts]
    try:
        KEPT.parent.mkdir(exist_ok=True)
        tmp = KEPT.with_name(f"{KEPT.name}.{os.getpid()}.tmp")
        tmp.write_bytes(signature + marshal.dumps(parsed))
        os.replace(tmp, KEPT)
    except (OSError, ValueError):  # read-only install, or a value marshal cannot keep
        pass
    return parsed


def format_ids() -> list[str]:
    """The formats' ids without reading them: each file is named for its id (f2021.yaml is
    format "2021"; tests/test_formats.py holds them to it). For the command line's choices,
    which every command builds, even one that reads no report."""
    return sorted(e.name[1:-5] for e in HERE.iterdir() if _is_format_file(e.name))


def _is_format_file(name: str) -> bool:
    return name.startswith("f") and name.endswith(".yaml")
