"""Fuzzing the wizard's forms: any text or number posted to any step, with its CSRF token, with
or without htmx. Never a server error; every answer that cannot be used is shown on the step,
next to its field and in the error summary, in French and under the label of its question."""

from __future__ import annotations

import html
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clauses.library import load_library
from clauses.library.questionnaire import Question, QuestionKind
from clauses.profile import FIELD_LABELS
from tests.web.conftest import Browser

LIBRARY = load_library()
STEPS = LIBRARY.questionnaire.steps
NUMBERS = (QuestionKind.amount, QuestionKind.number, QuestionKind.percent, QuestionKind.integer)
FRENCH = (
    "attendu",
    "obligatoire",
    "invalide",
    "doit",
    "vide",
    "trop",
    "date",
    "valeur",
    "choisissez",
)
SUMMARY_ITEM = re.compile(r'<li><a href="#([^"]+)">(.*?)</a></li>', re.S)
FIELD_ERROR = re.compile(r'<p class="field-error" id="([^"]+)-error">(.*?)</p>', re.S)

any_text = st.text(max_size=40)
# Text that no number reading accepts (no digit; no e, n, i, f: « 1e3 », « inf », « nan »).
not_a_number = st.text(alphabet="abcdghjklmopqrstuvwxyzé!?_", min_size=1, max_size=12)
numbers = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda x: str(x).replace(".", ",")),
    st.decimals(-(10**6), 10**9, places=2).map(lambda d: f"{d:,}".replace(",", " ")),
    st.text(alphabet="0123456789 ,.-+%€eE\u00a0", max_size=16),
)


def answer(question: Question) -> st.SearchStrategy[tuple[str, bool]]:
    """A typed answer, and whether it is known to be unreadable."""
    kind = question.kind
    if kind in NUMBERS:
        return st.one_of(numbers.map(lambda t: (t, False)), not_a_number.map(lambda t: (t, True)))
    if kind is QuestionKind.date:
        return st.one_of(
            st.dates().map(lambda d: (d.isoformat(), False)),
            st.dates().map(lambda d: (d.strftime("%d/%m/%Y"), False)),
            not_a_number.map(lambda t: (t, True)),
        )
    if kind is QuestionKind.cpv:
        return st.one_of(
            st.from_regex(r"\A[0-9]{8}(-[0-9])?\Z").map(lambda t: (t, False)),
            not_a_number.map(lambda t: (t, True)),
        )
    if question.choices or kind is QuestionKind.boolean:
        values = [c.value for c in question.choices] or ["true", "false"]
        return st.one_of(st.sampled_from(["", *values]), any_text).map(lambda t: (t, False))
    return any_text.map(lambda t: (t, False))


@st.composite
def step_forms(draw: st.DrawFn) -> tuple[str, dict[str, str], set[str]]:
    """A step, the fields of its form, and the ids of the answers known to be unreadable."""
    step = draw(st.sampled_from(STEPS))
    form: dict[str, str] = {}
    bad: set[str] = set()
    for question in step.questions:
        if question.kind is QuestionKind.lots:
            count = draw(st.integers(0, 3))
            form["lots-count"] = draw(st.sampled_from([str(count), "", "-1", "999999", "x"]))
            for i in range(count):
                for item in question.items:
                    text, unreadable = draw(answer(item))
                    form[f"lots-{i}-{item.field}"] = text
                    if unreadable and form["lots-count"] == str(count):
                        bad.add(f"lots-{i}-{item.field}")
        elif draw(st.booleans()):
            text, unreadable = draw(answer(question))
            form[question.id] = text
            if unreadable and question.ask_when is None:
                bad.add(question.id)
    return step.id, form, bad


def labels_of(step_id: str, lots: int) -> dict[str, tuple[str, set[str]]]:
    """Form id → the label the error summary must show for it, and the names its message may
    end with, in brackets (its label, or the profile's name of the field)."""
    step = next(s for s in STEPS if s.id == step_id)
    labels = {}
    for question in step.questions:
        names = {question.label.lower(), FIELD_LABELS.get(question.field.split(".")[-1], "")}
        labels[question.id] = (question.label, names)
        for i in range(lots):
            for item in question.items:
                labels[f"lots-{i}-{item.field}"] = (
                    f"Lot {i + 1} : {item.label}",
                    {item.label.lower()},
                )
    return labels


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def check_errors_are_shown(page: str, step_id: str, bad: set[str]) -> None:
    box = re.search(r'<div id="error-summary".*?</div>', page, re.S)
    summary = {id_: text_of(t) for id_, t in SUMMARY_ITEM.findall(box.group(0) if box else "")}
    beside = {id_: text_of(t).removeprefix("Erreur : ") for id_, t in FIELD_ERROR.findall(page)}
    lots = len(re.findall(r'<fieldset class="lot"', page))
    labels = labels_of(step_id, lots)
    assert bad <= set(summary), (bad, summary)
    for field_id, item in summary.items():
        label, names = labels[field_id]
        assert item.startswith(f"{label} : "), (label, item)
        message = item.removeprefix(f"{label} : ")
        assert any(word in message for word in FRENCH), message
        assert any(message.lower().endswith(f"({name.lower()})") for name in names if name), message
        if field_id != "lots":
            assert beside[field_id] == message, (beside, summary)
            assert re.search(rf'id="{re.escape(field_id)}"[^>]*aria-invalid="true"', page) or (
                f'aria-describedby="{field_id}-help {field_id}-error" aria-invalid="true"' in page
            ), field_id


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=step_forms(), htmx=st.booleans())
def run_step(client: TestClient, case: tuple[str, dict[str, str], set[str]], htmx: bool) -> None:
    step_id, form, bad = case
    http = Browser(client)
    dossier = http.new_dossier("Essai")
    url = f"/dossiers/{dossier}/etapes/{step_id}"
    headers = {"HX-Request": "true"} if htmx else {}
    response = http.post(url, {"version": "1", "action": "next", **form}, headers=headers)
    assert response.status_code < 500, response.text
    assert response.status_code in (200, 303), response.status_code
    page = http.get(f"{url}?verifier=1")
    assert page.status_code == 200
    try:
        check_errors_are_shown(page.text, step_id, bad)
    except AssertionError as failure:
        raise AssertionError(f"{step_id} {form!r} (htmx: {htmx})") from failure
    if bad and not htmx:
        assert "verifier=1" in response.headers["location"], "« Suivant » went on with errors"


def test_any_answer_is_saved_or_refused_in_french_under_its_label(app: FastAPI) -> None:
    with TestClient(app) as client:
        run_step(client)


def test_a_nul_character_is_kept_out_of_the_database(browser: Browser) -> None:
    """PostgreSQL refuses U+0000 in text: the answer must not turn into a server error."""
    dossier = browser.new_dossier("Nul\x00part")
    saved = browser.answer(dossier, "marche", title="Objet\x00 du marché", cpv="\x00")
    assert saved.status_code == 303
    picked = browser.answer(dossier, "marche", cpv_pick="45000000-7\x00")
    assert picked.status_code == 303
    renamed = browser.post(
        f"/dossiers/{dossier}/renommer", {"version": "3", "title": "\x00Renommé\x00"}
    )
    assert renamed.status_code == 303
    assert "Renommé" in browser.get(f"/dossiers/{dossier}").text
    assert browser.get(f"/dossiers/{dossier}").status_code == 200
