"""The follow-up of a contract's hours on the web: the figures shown are the core's balance, the
forms name each field at fault and keep what was typed, the CSV import stores the good rows and
lists the bad ones, the report downloads (both backends)."""

from __future__ import annotations

import io
import re
import uuid

import docx
from fastapi import FastAPI
from sqlmodel import select

from clauses import french
from clauses.followup import balance
from clauses.store import crud, stages
from clauses.store.db import new_session
from clauses.store.models import AuditEvent, DossierGrant, Stage
from tests.moves import HOURS_LINE_FORM as LINE
from tests.moves import move_in
from tests.openxml import assert_valid_office
from tests.web.conftest import Browser, people_of, text_of

WORKS = "lycee-rehabilitation"  # five lots
# The clause on all five lots (not the planner's default, which reserves lot 3): the figures
# below are computed by hand from these hours.
PENALTY = {"penalty_eur_per_hour": 25, "mechanisms": [{"id": "insertion_clause"}]}


def followed(app: FastAPI, browser: Browser, stage: Stage = Stage.in_execution) -> str:
    dossier = browser.new_dossier("Réhabilitation du lycée")
    ctx = app.state.ctx
    move_in(ctx.engine, ctx.library, dossier, WORKS, stage, strategy=PENALTY)
    return dossier


def spaced(text: str) -> str:
    """A figure as :func:`text_of` reads it (no-break spaces as spaces)."""
    return text.replace(french.NBSP, " ")


def rows_of(html: str, table_id: str) -> list[list[str]]:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return [
        [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def test_a_draft_is_not_followed_yet(browser: Browser) -> None:
    dossier = browser.new_dossier("Pas encore publié")
    page = browser.get(f"/dossiers/{dossier}/suivi")
    assert page.status_code == 200
    assert "commence quand le marché est en exécution" in text_of(page.text)
    assert "brouillon" in text_of(page.text)
    assert 'action="/dossiers/' + dossier + "/suivi/heures" not in page.text
    refused = browser.post(f"/dossiers/{dossier}/suivi/heures", LINE)
    assert refused.status_code == 409
    assert browser.get(f"/dossiers/{dossier}/suivi/rapport.docx").status_code == 409
    # The dossier page links to the follow-up only once the contract is followed.
    assert f"/dossiers/{dossier}/suivi" not in browser.get(f"/dossiers/{dossier}").text


def test_the_figures_shown_are_the_balance_of_the_lines(app: FastAPI, browser: Browser) -> None:
    dossier = followed(app, browser)
    assert f"/dossiers/{dossier}/suivi" in browser.get(f"/dossiers/{dossier}").text
    saved = browser.post(f"/dossiers/{dossier}/suivi/heures", LINE)
    assert saved.status_code == 303, text_of(saved.text)
    direct = {**LINE, "lot": "2", "way": "direct_hiring", "structure": "", "hours": "400"}
    assert browser.post(f"/dossiers/{dossier}/suivi/heures", direct).status_code == 303
    case = {"ni-lot": "1", "ni-hours": "100", "ni-justification": "Chantier suspendu en mai"}
    assert browser.post(f"/dossiers/{dossier}/suivi/non-imputable", case).status_code == 303
    # More not imputable than owed on lot 3: deducted up to the hours owed only.
    case = {"ni-lot": "3", "ni-hours": "5 000", "ni-justification": "Lot résilié"}
    assert browser.post(f"/dossiers/{dossier}/suivi/non-imputable", case).status_code == 303

    page = browser.get(f"/dossiers/{dossier}/suivi")
    assert page.status_code == 200
    with new_session(app.state.ctx.engine) as session:
        current = crud.get_dossier(session=session, dossier_id=uuid.UUID(dossier))
        snapshot = stages.published_of(current)
        assert snapshot is not None
        followup = stages.followup_of(session=session, dossier_id=current.id)
    result = balance(followup, snapshot.strategy, snapshot.profile, 1600)
    shown = rows_of(page.text, "bilan")
    assert shown[0] == ["Lot", "Heures dues", "Non imputables (déduites)", "Réalisées",
                        "Manquantes", "Pénalité projetée"]  # fmt: skip
    assert len(shown) == len(result.lots) + 2  # the header, the lots, the total
    for line, row in zip(result.lots, shown[1:], strict=False):
        assert row[1] == spaced(french.number(line.owed, 2))
        assert row[3] == spaced(french.number(line.performed, 2))
        assert row[4] == spaced(french.number(line.missing, 2))
        assert row[5] == spaced(french.eur(line.penalty_eur or 0))
    assert shown[-1] == [
        "Total",
        spaced(french.number(result.owed, 2)),
        spaced(french.number(result.deducted, 2)),
        spaced(french.number(result.performed, 2)),
        spaced(french.number(result.missing, 2)),
        spaced(french.eur(result.penalty_eur or 0)),
    ]
    # By hand: lot 1 owes 2 167 h, 100 not imputable, 1 200,5 performed → 866,5 missing × 25 €.
    assert shown[1][4] == "866,5" and shown[1][5] == "21 662,50 €"
    assert shown[3][2] == "5 000 (817)" and shown[3][4] == "0"
    # Lot 2: 400 h performed for 300 owed, not carried to another lot; lot 3 all deducted.
    assert shown[-1][4:] == ["2 233,5", "55 837,50 €"]  # 866,5 + 0 + 0 + 917 + 450 h × 25 €
    nbsp = french.NBSP
    # The chart says its values in words, and its table follows it.
    assert "Graphique en barres, heures d’insertion par lot : Lot 1 : Dues 2" in page.text
    text = text_of(page.text)
    assert "2 × Bénéficiaire du RSA, Mission ou mise à disposition (ETTI, AI, GEIQ)" in text
    assert "Chantier suspendu en mai" in text
    # Per lot and period (the two lines are of the same quarter, on two lots).
    periods = spaced(text.split("Heures réalisées par période", 1)[1].split("Heures déclarées")[0])
    assert "Lot 1 du 1er avril 2027 au 30 juin 2027 1 200,5 Lot 2 du 1er avril" in periods
    assert "25 € par heure" in text.replace(nbsp, " ")
    # Issue 23: in execution, the penalty is a projection, not an amount due.
    assert "projetée si rien n’est déclaré d’ici la fin du marché" in text
    assert "Pénalité due" not in text


def test_a_refused_line_names_its_fields_and_keeps_what_was_typed(
    app: FastAPI, browser: Browser
) -> None:
    dossier = followed(app, browser)
    bad = {
        **LINE,
        "lot": "9",
        "period_end": "2027-03-01",
        "structure": "",
        "hours": "beaucoup",
        "people-0-contract_type": "",
        "people-1-outcome": "employment",
    }
    refused = browser.post(f"/dossiers/{dossier}/suivi/heures", bad)
    assert refused.status_code == 422
    summary = text_of(refused.text.split('id="hours-errors"', 1)[1].split("</div>", 1)[0])
    for expected in (
        "Lot : le marché ne compte que 5 lots",
        "Fin de la période : la fin de la période précède son début",
        "Structure : structure attendue pour cette modalité : ETTI, AI, GEIQ",
        "Heures réalisées : nombre attendu (ex. 12,5)",
        "Personnes, ligne 1 : Type de contrat : obligatoire quand des personnes sont indiquées",
        "Personnes, ligne 2 : Public : obligatoire quand une situation est indiquée",
    ):
        assert expected in summary.replace(french.NBSP, " "), summary
    assert summary.index("Lot :") < summary.index("Heures réalisées")  # the form's order
    assert 'id="hours" name="hours" value="beaucoup"' in refused.text
    assert re.search(r'id="hours"[^>]*aria-invalid="true"', refused.text)
    assert 'value="2027-03-01"' in refused.text
    assert '<option value="rsa" selected>' in refused.text
    with new_session(app.state.ctx.engine) as session:
        assert not stages.followup_entries(session=session, dossier_id=uuid.UUID(dossier))

    # « Ajouter un groupe » shows one more row of people, with nothing lost and nothing saved.
    more = browser.post(
        f"/dossiers/{dossier}/suivi/heures", {**LINE, "people-rows": "2", "action": "more-people"}
    )
    assert more.status_code == 200
    assert 'id="people-2-public"' in more.text and 'value="1 200,5"' in more.text
    assert "error-summary" not in more.text

    case = browser.post(f"/dossiers/{dossier}/suivi/non-imputable", {"ni-lot": "", "ni-hours": "0"})
    assert case.status_code == 422
    summary = text_of(case.text.split('id="case-errors"', 1)[1].split("</div>", 1)[0])
    assert "Lot : obligatoire" in summary
    assert "Heures non imputables : nombre d’heures supérieur à zéro attendu" in summary
    assert "Justification : obligatoire" in summary


CSV = (
    "lot;debut;fin;modalite;structure;heures;public;type_contrat;personnes;sortie_6_mois;"
    "justification\n"
    "1;2027-04-01;2027-06-30;provision;ETTI;350,5;rsa;assignment;2;employment;\n"
    "7;2027-04-01;2027-06-30;direct_hiring;;100;;;;;\n"
    "2;31/02/2027;30/06/2027;direct_hiring;;100;;;;;\n"
    "2;01/04/2027;30/06/2027;direct_hiring;;120;;;;;\n"
    "3;01/04/2027;30/06/2027;non_imputable;;40;;;;;\n"
)


def test_a_statement_stores_its_good_rows_and_lists_the_bad_ones(
    app: FastAPI, browser: Browser
) -> None:
    dossier = followed(app, browser)
    sent = browser.post(
        f"/dossiers/{dossier}/suivi/import",
        files={"releve": ("releve.csv", CSV.encode("utf-8"), "text/csv")},
    )
    assert sent.status_code == 422
    assert rows_of(sent.text, "import-report") == [
        ["Ligne", "Colonne", "Erreur"],
        ["3", "lot", "le marché ne compte que 5 lots"],
        ["4", "debut", "date attendue (AAAA-MM-JJ ou JJ/MM/AAAA)"],
        ["6", "justification", "ne doit pas être vide"],
    ]
    assert "2 ligne(s) enregistrée(s), 3 erreur(s)" in text_of(sent.text)
    with new_session(app.state.ctx.engine) as session:
        followup = stages.followup_of(session=session, dossier_id=uuid.UUID(dossier))
        actions = session.exec(
            select(AuditEvent.action).where(AuditEvent.dossier_id == uuid.UUID(dossier))
        ).all()
    assert [r.hours for r in followup.records] == [350.5, 120]
    assert actions.count("import du relevé") == 2


def test_the_model_statement_imports_as_it_is(app: FastAPI, browser: Browser) -> None:
    dossier = followed(app, browser)
    page = browser.get(f"/dossiers/{dossier}/suivi")
    assert f"/dossiers/{dossier}/suivi/modele.csv" in page.text
    model = browser.get(f"/dossiers/{dossier}/suivi/modele.csv")
    assert model.status_code == 200
    assert model.headers["content-type"].startswith("text/csv")
    assert model.content.startswith("\ufeff".encode())
    sent = browser.post(
        f"/dossiers/{dossier}/suivi/import",
        files={"releve": ("modele.csv", model.content, "text/csv")},
    )
    assert sent.status_code == 303, text_of(sent.text)
    assert sent.headers["location"].endswith("notice=importe#lignes")
    with new_session(app.state.ctx.engine) as session:
        followup = stages.followup_of(session=session, dossier_id=uuid.UUID(dossier))
    assert len(followup.records) == 2 and len(followup.non_imputable) == 1


def test_what_excel_saves_imports_and_the_structures_are_named_in_french(
    app: FastAPI, browser: Browser
) -> None:
    """Issue 23: the model, opened and saved again by Excel on a French Windows (Windows-1252,
    « ; », decimal commas), imports; the structures are listed by their French names."""
    dossier = followed(app, browser)
    model = browser.get(f"/dossiers/{dossier}/suivi/modele.csv").content
    resaved = model.decode("utf-8-sig").replace("350,5", "350,75").encode("cp1252")
    assert b"\xe0" in resaved or b"\x92" in resaved  # not UTF-8 any more (à, ’)
    sent = browser.post(
        f"/dossiers/{dossier}/suivi/import",
        files={"releve": ("releve.csv", resaved, "text/csv")},
    )
    assert sent.status_code == 303, text_of(sent.text)
    with new_session(app.state.ctx.engine) as session:
        followup = stages.followup_of(session=session, dossier_id=uuid.UUID(dossier))
    assert 350.75 in [r.hours for r in followup.records]
    page = browser.get(f"/dossiers/{dossier}/suivi").text
    assert ">Opérateur employant des personnes détenues</option>" in page
    assert ">ETTI (entreprise de travail temporaire d’insertion)</option>" in page
    for code in ("prison", "ESS", "any_company"):
        assert f">{code}</option>" not in page


def test_an_import_without_a_file_or_too_large_is_refused_in_words(
    app: FastAPI, browser: Browser
) -> None:
    dossier = followed(app, browser)
    empty = browser.post(f"/dossiers/{dossier}/suivi/import", files={"releve": ("", b"", "")})
    assert empty.status_code == 422
    assert "Relevé : choisissez un fichier CSV." in text_of(empty.text)
    large = CSV.encode() + b"\n" * 600_000
    sent = browser.post(
        f"/dossiers/{dossier}/suivi/import", files={"releve": ("gros.csv", large, "text/csv")}
    )
    assert sent.status_code == 422
    assert "fichier trop volumineux (500 Ko au plus)" in text_of(sent.text)
    with new_session(app.state.ctx.engine) as session:
        assert not stages.followup_entries(session=session, dossier_id=uuid.UUID(dossier))


def test_a_line_is_deleted_once_with_its_trail(app: FastAPI, browser: Browser) -> None:
    dossier = followed(app, browser)
    browser.post(f"/dossiers/{dossier}/suivi/heures", LINE)
    page = browser.get(f"/dossiers/{dossier}/suivi").text
    entry = re.search(r'name="entry" value="(\d+)"', page)
    assert entry is not None
    assert 'aria-label="Supprimer la ligne d’heures du 01/04/2027 au 30/06/2027"' in page
    gone = browser.post(f"/dossiers/{dossier}/suivi/supprimer", {"entry": entry.group(1)})
    assert gone.headers["location"].endswith("notice=supprime#lignes")
    again = browser.post(f"/dossiers/{dossier}/suivi/supprimer", {"entry": entry.group(1)})
    assert again.headers["location"].endswith("notice=deja-supprime#lignes")
    assert "Aucune heure déclarée" in text_of(browser.get(f"/dossiers/{dossier}/suivi").text)
    with new_session(app.state.ctx.engine) as session:
        assert not stages.followup_entries(session=session, dossier_id=uuid.UUID(dossier))


def test_the_facilitator_enters_hours_in_its_own_name(app: FastAPI, browser: Browser) -> None:
    dossier = followed(app, browser)
    facilitator = people_of(app).facilitator
    with new_session(app.state.ctx.engine) as session:
        session.add(DossierGrant(user_id=facilitator.id, dossier_id=uuid.UUID(dossier)))
        session.commit()
    helper = Browser(browser.client, "facilitator")
    assert helper.get(f"/dossiers/{dossier}/suivi").status_code == 200
    assert helper.post(f"/dossiers/{dossier}/suivi/heures", LINE).status_code == 303
    with new_session(app.state.ctx.engine) as session:
        entries = stages.followup_entries(session=session, dossier_id=uuid.UUID(dossier))
        trail = session.exec(
            select(AuditEvent).where(AuditEvent.dossier_id == uuid.UUID(dossier))
        ).all()
    assert [e.author_id for e in entries] == [facilitator.id]
    assert [e.actor for e in trail if e.action == "suivi"] == [facilitator.email]


def test_the_report_downloads_with_the_figures(app: FastAPI, browser: Browser) -> None:
    dossier = followed(app, browser, Stage.closed)
    browser.post(f"/dossiers/{dossier}/suivi/heures", LINE)
    report = browser.get(f"/dossiers/{dossier}/suivi/rapport.docx")
    assert report.status_code == 200
    assert (
        'filename="suivi-insertion-rehabilitation-du-lycee-'
        in report.headers["content-disposition"]
    )
    assert_valid_office(report.content, "rapport.docx")
    document = docx.Document(io.BytesIO(report.content))
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert any(row[0] == "Total" and row[3] == "1\u00a0200,5" for row in cells), cells
    page = text_of(browser.get(f"/dossiers/{dossier}/suivi").text)  # closed: the amount is due
    assert "Pénalité due" in page and "la pénalité affichée est due" in page
    assert "projetée" not in page


def test_an_award_stored_before_the_siret_key_was_checked_still_gives_the_report(
    app: FastAPI, browser: Browser
) -> None:
    """An award stored with a SIRET whose key is wrong (before the check): the follow-up report
    is still given; the contract's DECP says what to correct, naming the field."""
    dossier = followed(app, browser, Stage.closed)
    with new_session(app.state.ctx.engine) as session:
        stored = crud.get_dossier(session=session, dossier_id=uuid.UUID(dossier))
        assert stored.award is not None
        stored.award = {**stored.award, "buyer_siret": "23310002100014"}
        session.add(stored)
        session.commit()
    assert browser.get(f"/dossiers/{dossier}/suivi/rapport.docx").status_code == 200
    decp = browser.get(f"/dossiers/{dossier}/decp.json")
    assert decp.status_code == 422
    assert "buyer_siret : le SIRET de l’acheteur n’est pas un numéro SIRET valide" in (
        text_of(decp.text)
    )
