"""How long and how complete the drafts are, as LibreOffice lays them out.

Prints one JSON object:
- ``lots5_dce_pages``: 5-lot works tender (examples/lycee-rehabilitation.yaml), RC + CCAP +
  annexes only (target ≤ 8; 24 before the drafter wrote one text per piece);
- ``lots5_whole_pages``: the same tender, whole document (target ≤ 14; 34 before);
- ``undivided_whole_pages``: the longest whole document of the undivided tenders — the same
  works without lots and the cleaning example (target ≤ 10);
- ``placeholders_answered``: « [à compléter : …] » marks left in the 5-lot document when the
  buyer has answered everything the wizard asks (facilitator, penalty, weighting, CCAP article)
  (target ≤ 8); ``placeholders_default``: the same with the advice's default strategy;
- ``draft``: bench/draft.py's timings (target: draft < 150 ms, ≤ 3 × the serialise floor).

Needs LibreOffice (``soffice``) and pdfinfo; the page counts depend on the fonts: install
fonts-crosextra-carlito and fonts-crosextra-caladea (metric-compatible with Calibri and Cambria,
the house template's fonts), as .ci/run does.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import tempfile
from pathlib import Path

import draft as draft_bench  # bench/draft.py
from clauses.advisor import advise
from clauses.drafting import draft
from clauses.library import Library, load_library
from clauses.library.models import MechanismId
from clauses.library.render import PLACEHOLDER_RE
from clauses.profile import TenderProfile, load_profile
from clauses.strategy.choose import resolved_or_raise
from clauses.strategy.model import Facilitator, ResolvedStrategy

AS_OF = dt.date(2026, 11, 22)
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DCE = ("rc", "ccap", "annexes")
TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")


def answered(profile: TenderProfile, library: Library) -> ResolvedStrategy:
    """The default strategy with every parameter the buyer gives on the review page."""
    advice = advise(profile, library, AS_OF)
    strategy = resolved_or_raise(profile, advice, None, library)
    mechanisms = [
        m.model_copy(update={"weight_percent": 10})
        if m.id is MechanismId.insertion_criterion
        else m
        for m in strategy.mechanisms
    ]
    return strategy.model_copy(
        update={
            "mechanisms": mechanisms,
            "facilitator": Facilitator(
                name="Mme Camille Martin",
                organisation="Maison de l’emploi de la métropole nantaise",
                email="clauses.sociales@exemple.fr",
                phone="02 40 00 00 00",
            ),
            "penalty_eur_per_hour": 50,
            "ccap_article": "9",
        }
    )


def docx(
    profile: TenderProfile,
    library: Library,
    strategy: ResolvedStrategy | None = None,
    sections: tuple[str, ...] | None = None,
) -> bytes:
    advice = advise(profile, library, AS_OF)
    chosen = strategy or resolved_or_raise(profile, advice, None, library)
    options = {} if sections is None else {"sections": sections}
    return draft(profile, advice, chosen, library, AS_OF, **options).content  # type: ignore[arg-type]


def pages(documents: dict[str, bytes]) -> dict[str, int]:
    """Page counts of LibreOffice's PDF of each document (one soffice run for all)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, content in documents.items():
            (root / f"{name}.docx").write_bytes(content)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={(root / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(root),
                *(str(root / f"{name}.docx") for name in documents),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
        counts = {}
        for name in documents:
            info = subprocess.run(
                ["pdfinfo", str(root / f"{name}.pdf")],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            counts[name] = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])  # type: ignore[index]
        return counts


def placeholders(content: bytes) -> int:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    text = "".join(TEXT.findall(xml))
    return len(PLACEHOLDER_RE.findall(text))


def measure() -> dict[str, object]:
    library = load_library()
    lots5 = load_profile(EXAMPLES / "lycee-rehabilitation.yaml")
    undivided_works = lots5.model_copy(update={"lots": []})
    cleaning = load_profile(EXAMPLES / "nettoyage-lycees.yaml")
    full = answered(lots5, library)
    whole = docx(lots5, library, full)
    counts = pages(
        {
            "lots5_dce": docx(lots5, library, full, DCE),
            "lots5_whole": whole,
            "undivided_works": docx(undivided_works, library, answered(undivided_works, library)),
            "undivided_cleaning": docx(cleaning, library, answered(cleaning, library)),
        }
    )
    return {
        "lots5_dce_pages": counts["lots5_dce"],
        "lots5_whole_pages": counts["lots5_whole"],
        "undivided_whole_pages": max(counts["undivided_works"], counts["undivided_cleaning"]),
        "undivided_pages": {k: v for k, v in counts.items() if k.startswith("undivided")},
        "placeholders_answered": placeholders(whole),
        "placeholders_default": placeholders(docx(lots5, library)),
        "draft": draft_bench.measure(),
    }


if __name__ == "__main__":
    print(json.dumps(measure(), ensure_ascii=False))
