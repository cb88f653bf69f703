"""Authorisation, deny by default (DESIGN §3.5).

Each route declares the right it needs in its signature, as a typed dependency:

    visit: Annotated[Visit, OnDossier(Right.edit)]                  # a dossier route
    access: Annotated[Access, Needs(Right.read, Role.referent)]     # a route on the organisation

:class:`Guard` (what :func:`Needs` depends on) runs before anything else of the route: an
anonymous request is sent to the sign-in page, an invited facilitator is refused (403, saying
what a facilitator may do) a right that is not his, a member of a lesser role than the route's
is refused (403, saying who can), and the form's CSRF token is checked on a POST.
:func:`clauses.web.routes.dossiers.common.OnDossier` then loads the dossier (the route receives
it in its ``Visit``) and checks the right on it with :func:`authorise`: a dossier of another
organisation is « not found » (404, its existence is not disclosed), a right the principal
lacks on a dossier it may see is 403.

The right is a value of the route (its dependency), never looked up by the route function's
name: renaming a function cannot change what it lets through. A dossier route that declares no
right cannot be registered (:func:`clauses.web.routes.dossiers.common.dossier_router`), and the
authorisation matrix (``tests/web/test_authorisation.py``) reads each route's right from it.
"""

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from clauses.store import accounts
from clauses.store.models import Dossier, Role
from clauses.web.deps import csrf_protected
from clauses.web.sessions import Principal, current


class Right(StrEnum):
    read = "read"  # members and invited facilitators
    comment = "comment"  # members and invited facilitators
    edit = "edit"  # members (acheteur and up)
    delete = "delete"  # the dossier's author, or a referent
    invite = "invite"  # a referent
    history = "history"  # members (the trail is the organisation's)
    settings = "settings"  # an admin (the organisation's Word template)
    followup = "followup"  # members and invited facilitators: the hours performed


FACILITATOR_RIGHTS = {Right.read, Right.comment, Right.followup}

# What a refusal says (issue 23): what the person may not do and who can. Never « formulaire
# expiré », which only a CSRF token that truly expired earns (clauses.web.security).
FACILITATOR_REFUSAL = (
    "Un facilitateur invité sur un dossier peut le lire, le commenter et y suivre les heures "
    "d’insertion. Le modifier est réservé aux membres de l’organisation qui le porte "
    "(acheteurs, référents, administrateurs)."
)
REFUSALS = {
    Right.delete: "Seul l’auteur du dossier ou un référent de votre organisation peut le supprimer.",
    Right.invite: (
        "Seul un référent ou un administrateur de votre organisation peut inviter un "
        "facilitateur sur ce dossier."
    ),
    Right.settings: (
        "Seul un administrateur de votre organisation peut déposer ou retirer le modèle Word."
    ),
}
ROLE_REFUSALS = {
    Role.referent: (
        "Cette page est réservée aux référents et aux administrateurs de votre organisation. "
        "Un administrateur peut vous donner le rôle de référent."
    ),
    Role.admin: ("Cette page est réservée aux administrateurs de votre organisation."),
}


class Refused(HTTPException):
    """403 that says, in French, what the person may not do and who can."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=403, detail=message)


@dataclass(frozen=True)
class Access:
    principal: Principal
    right: Right


# The request's access, set by its :class:`Guard` only: what the writer's changes
# (:func:`clauses.web.routes.dossiers.common.write_change`) read when the route does not hand
# them its access (the step save). The routes take theirs from their signature.


class SignInRequired(HTTPException):
    def __init__(self, next_url: str) -> None:
        super().__init__(status_code=303)
        self.next_url = next_url


def sign_in_url(next_url: str) -> str:
    return f"/connexion?suivant={quote(next_url, safe='/')}"


async def sign_in_redirect(request: Request, exc: Exception) -> Response:
    """Handler of :class:`SignInRequired`: the sign-in page, then back to the page asked."""
    url = sign_in_url(exc.next_url if isinstance(exc, SignInRequired) else "/")
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=200, headers={"HX-Redirect": url, "Vary": "HX-Request"})
    return RedirectResponse(url, status_code=303, headers={"Vary": "HX-Request"})


@dataclass(frozen=True)
class Guard:
    """The dependency that holds a route's right (declared with :func:`Needs`, or through
    :func:`~clauses.web.routes.dossiers.common.OnDossier`): someone is signed in, with that
    right as far as it can be told without the dossier (an invited facilitator's), and the POST's
    CSRF token is valid, in that order. ``role``: a route on the organisation (its team, its
    reports) then needs that role at least — 404 for a visitor who is no member, 403 for a
    member of a lesser role.

    Frozen (compared by value): FastAPI solves one guard once per request, however many of the
    route's dependencies declare it."""

    right: Right
    role: Role | None = None

    async def __call__(self, request: Request) -> Access:
        principal = current(request)
        if principal is None:
            raise SignInRequired(request.url.path if request.method == "GET" else "/")
        if principal.role is None and self.right not in FACILITATOR_RIGHTS:
            raise Refused(FACILITATOR_REFUSAL)  # a facilitator: never more than read and comment
        await csrf_protected(request)
        if self.role is not None:
            if principal.role is None:
                raise HTTPException(status_code=404)
            if not principal.at_least(self.role):
                raise Refused(ROLE_REFUSALS.get(self.role, ROLE_REFUSALS[Role.admin]))
        return Access(principal, self.right)


def Needs(right: Right, role: Role | None = None) -> Any:
    """``access: Annotated[Access, Needs(Right.edit)]``: the route's right, in its signature."""
    return Depends(Guard(right, role))


def allowed(access: Access, dossier: Dossier) -> bool:
    """May the member do that on a dossier of its organisation? (False: 403.)"""
    principal, right = access.principal, access.right
    if right is Right.delete:
        return principal.at_least(Role.referent) or dossier.author_id == principal.user_id
    if right is Right.invite:
        return principal.at_least(Role.referent)
    if right is Right.settings:
        return principal.at_least(Role.admin)
    return True


def authorise(session: Session | None, dossier: Dossier, access: Access) -> Access:
    """Check the route's right (``access``, from its :class:`Guard`) on the dossier, or raise
    404 / 403. Without a session (in the writer's thread), only members are let through."""
    principal = access.principal
    if principal.member_of(dossier.organisation_id):
        if not allowed(access, dossier):
            raise Refused(REFUSALS.get(access.right, FACILITATOR_REFUSAL))
        return access
    if session is not None and accounts.has_grant(session, principal.user_id, dossier.id):
        if access.right not in FACILITATOR_RIGHTS:
            raise Refused(FACILITATOR_REFUSAL)
        return access
    raise HTTPException(status_code=404)


def actor(access: Access) -> tuple[uuid.UUID, str]:
    return access.principal.user_id, access.principal.email
