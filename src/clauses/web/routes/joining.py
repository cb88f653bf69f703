"""The accounts made from a one-time link: the first account, at setup, and a facilitator's,
through a dossier's invitation (DESIGN §3.5)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from clauses.store import accounts
from clauses.store.models import Dossier, Invitation
from clauses.web.deps import FormDep, SessionDep
from clauses.web.routes.accounts import (
    PASSWORD_TURN,
    confirmed_password,
    new_password_page,
    own_account,
    page_router,
    see_other,
    signed_in_to,
    text,
)
from clauses.web.sessions import current

router = page_router()


# First account


def setup_page(
    request: Request, token: str, values: dict[str, str], error: str = "", status_code: int = 200
) -> HTMLResponse:
    return new_password_page(
        request,
        "accounts/setup.html",
        {"page_title": "Installation : premier compte", "token": token, "values": values},
        error,
        status_code,
    )


@router.get("/installation/{token}", response_class=HTMLResponse)
def setup_form(request: Request, token: str, session: SessionDep) -> HTMLResponse:
    if not accounts.setup_open(session, token):
        raise HTTPException(status_code=404)
    return setup_page(request, token, {})


@router.post("/installation/{token}", response_class=HTMLResponse, dependencies=[PASSWORD_TURN])
def setup(request: Request, token: str, session: SessionDep, form: FormDep) -> Response:
    if not accounts.setup_open(session, token):
        raise HTTPException(status_code=404)
    values = {name: text(form, name) for name in ("organisation", "siret", "email")}
    try:
        password = confirmed_password(form)
        user = accounts.complete_setup(
            session,
            token,
            email=values["email"],
            password=password,
            organisation=values["organisation"],
            siret=values["siret"],
        )
    except accounts.AccountError as error:
        session.rollback()
        return setup_page(request, token, values, str(error), status_code=422)
    return signed_in_to(request, session, user, "/")


# Facilitators' invitations


def invitation_page(
    request: Request,
    session: Session,
    token: str,
    invitation: Any,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    dossier = session.get(Dossier, invitation.dossier_id)
    principal = current(request)
    return new_password_page(
        request,
        "accounts/invitation.html",
        {
            "page_title": "Invitation à un dossier",
            "token": token,
            "invitation": invitation,
            "dossier": dossier,
            "principal": principal,
            "other_account": principal is not None and principal.email != invitation.email,
            "has_account": accounts.user_by_email(session, invitation.email) is not None,
        },
        error,
        status_code,
    )


def open_invitation(token: str, session: SessionDep) -> Invitation:
    """The dependency of an invitation's pages: the invitation of the link, while it is unused
    and unexpired (else 404)."""
    found = accounts.open_invitation(session, token)
    if found is None:
        raise HTTPException(status_code=404)
    return found


OpenInvitation = Annotated[Invitation, Depends(open_invitation)]


@router.get("/invitations/{token}", response_class=HTMLResponse)
def invitation(
    request: Request, token: str, session: SessionDep, found: OpenInvitation
) -> HTMLResponse:
    return invitation_page(request, session, token, found)


@router.post("/invitations/{token}", response_class=HTMLResponse, dependencies=[PASSWORD_TURN])
def accept(
    request: Request, token: str, session: SessionDep, form: FormDep, found: OpenInvitation
) -> Response:
    """The invited address's account accepts: the signed-in one, or one made here for it."""
    signed_in = own_account(request, session)
    if signed_in is not None:
        _, user = signed_in
        try:
            accounts.check_invitee(found, user)
        except accounts.AccountError as error:
            return invitation_page(request, session, token, found, str(error), 403)
    elif accounts.user_by_email(session, found.email) is not None:
        return invitation_page(
            request,
            session,
            token,
            found,
            "Un compte existe déjà pour cette adresse : connectez-vous d’abord.",
            422,
        )
    else:
        try:
            password = confirmed_password(form)
            user = accounts.add_facilitator(
                session,
                email=found.email,
                password=password,
                given_name=text(form, "given_name").strip(),
                usual_name=text(form, "usual_name").strip(),
            )
        except accounts.AccountError as error:
            session.rollback()
            return invitation_page(request, session, token, found, str(error), 422)
    try:
        accounts.accept_invitation(session, found, user)
    except accounts.InvitationClosed:  # used by a simultaneous acceptance, or just expired
        raise HTTPException(status_code=404) from None
    target = f"/dossiers/{found.dossier_id}"
    if signed_in is not None:
        return see_other(target)
    return signed_in_to(request, session, user, target)
