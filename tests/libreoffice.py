"""LibreOffice, headless, as the tests run it: the ``libreoffice`` fixture (tests/conftest.py)
gives a test one with its own user profile; a test that asks for it is of the ``libreoffice``
tier."""

from __future__ import annotations

import subprocess
from pathlib import Path


class LibreOffice:
    """``soffice --headless --convert-to``, with a user profile of the test's own (two
    instances sharing one would wait for each other's lock)."""

    def __init__(self, soffice: str, profile: Path) -> None:
        self.soffice = soffice
        self.profile = profile

    def convert_all(
        self, sources: list[Path], target: str = "pdf", outdir: Path | None = None
    ) -> list[Path]:
        """The files converted to ``target`` (an extension, or LibreOffice's ``ext:Filter``),
        written to ``outdir`` (the first source's folder by default), in one run."""
        assert sources, "nothing to convert"
        folder = outdir or sources[0].parent
        subprocess.run(
            [
                self.soffice,
                f"-env:UserInstallation={self.profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(folder),
                *map(str, sources),
            ],
            check=True,
            capture_output=True,
            timeout=120 + 60 * len(sources),
        )
        extension = target.split(":")[0]
        return [folder / source.with_suffix(f".{extension}").name for source in sources]

    def convert(self, source: Path, target: str = "pdf") -> Path:
        """The file converted to ``target``, next to it."""
        return self.convert_all([source], target)[0]
