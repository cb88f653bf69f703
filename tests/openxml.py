"""Open XML validation of the files the application writes (issue 21).

``openxml-audit`` (the ``dev`` extra) is a Python port of the Open XML SDK's validator: package
structure, relationships, the ECMA-376 schemas as the SDK reads them, and the SDK's semantic
checks. Its schemas ship in the wheel: nothing is fetched at run time. Only errors fail a test;
its warnings are advice about what Excel or Word would rewrite on saving (openpyxl's inline
strings, say), not files they refuse or repair.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from functools import cache
from pathlib import Path

from openxml_audit import OpenXmlValidator, ValidationSeverity

SUFFIXES = (".docx", ".xlsx")


@cache
def validator() -> OpenXmlValidator:
    return OpenXmlValidator(max_errors=0)  # every error, not the first thousand


def openxml_errors(content: bytes, suffix: str) -> list[str]:
    """The validator's errors on ``content``, a .docx or .xlsx (it reads files, not bytes)."""
    assert suffix in SUFFIXES, suffix
    with tempfile.TemporaryDirectory(prefix="openxml-") as folder:
        path = Path(folder) / f"generated{suffix}"
        path.write_bytes(content)
        result = validator().validate(path)
    return [str(e) for e in result.errors if e.severity is ValidationSeverity.ERROR]


def assert_valid_office(content: bytes, name: str) -> None:
    """``content`` (named ``name``, whose suffix gives its kind) has no Open XML error."""
    errors = openxml_errors(content, Path(name).suffix)
    shown = "\n".join(f"  - {e}" for e in errors[:20])
    assert not errors, f"{name}: {len(errors)} Open XML error(s)\n{shown}"


def assert_valid_pieces(content: bytes, name: str) -> list[str]:
    """Every .docx of the zip ``content`` is valid; their names, in order."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert names and all(n.endswith(".docx") for n in names), names
        for member in names:
            assert_valid_office(archive.read(member), f"{name}/{member}")
    return names
