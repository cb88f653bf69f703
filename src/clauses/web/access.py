"""Authorisation, deny by default (DESIGN §3.5).

Every dossier route runs :func:`require_sign_in` (a dependency of the dossier routers; the step
save, a plain route matched before them, calls it itself first): an
anonymous request is sent to the sign-in page, and the right the route needs is set for the
request in :data:`CURRENT`. :func:`clauses.web.routes.dossiers.common.load` (and the writer's
changes) then check it against the dossier: a dossier of another organisation is « not found »
(404, its existence is not disclosed), a right the principal lacks on a dossier it may see is
403. No access set (a route that forgot the dependency) is a 404 too.

The right is the route's entry in :data:`RIGHTS` (by endpoint name), otherwise ``read`` for a
GET and ``edit`` for a POST: a new route is never more open than editing.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from clauses.store import accounts
from clauses.store.models import Dossier, Role
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


RIGHTS: dict[str, Right] = {
    "rename_form": Right.edit,
    "delete_confirm": Right.delete,
    "delete": Right.delete,
    "invitations": Right.invite,
    "invite": Right.invite,
    "comment": Right.comment,
    "comments": Right.read,
    "history": Right.history,
    "upload_template": Right.settings,
    "delete_template": Right.settings,
    "award_page": Right.edit,
    # The confirmations of « Publier » and « Clore »: a page only for those who may do it.
    "publish_confirm": Right.edit,
    "close_confirm": Right.edit,  # the award form: members (a facilitator reads the DECP only)
    # The follow-up of the hours: the buyers and the facilitator invited to the contract.
    "followup_view": Right.followup,
    "followup_add_hours": Right.followup,
    "followup_add_non_imputable": Right.followup,
    "followup_delete": Right.followup,
    "followup_import": Right.followup,
    "followup_add_orders": Right.followup,  # a framework's amounts ordered (issue 22)
    "followup_model": Right.followup,
    "followup_report": Right.followup,
}
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


CURRENT: ContextVar[Access | None] = ContextVar("clauses_access", default=None)


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


def right_of(request: Request) -> Right:
    route = request.scope.get("route")
    name = getattr(route, "name", "")
    return RIGHTS.get(name, Right.read if request.method in {"GET", "HEAD"} else Right.edit)


async def require_sign_in(request: Request) -> None:
    """Router dependency: someone is signed in; the route's right is set for the request."""
    principal = current(request)
    if principal is None:
        raise SignInRequired(request.url.path if request.method == "GET" else "/")
    right = right_of(request)
    if principal.role is None and right not in FACILITATOR_RIGHTS:
        raise Refused(FACILITATOR_REFUSAL)  # a facilitator: never more than read and comment
    CURRENT.set(Access(principal, right))


def require_member() -> Access:
    """The access of a route that works on the organisation (list, create): a member only."""
    access = CURRENT.get()
    if access is None or access.principal.role is None:
        raise HTTPException(status_code=404)
    return access


def require_at_least(role: Role) -> Access:
    """The access of a route on the organisation that needs that role (its reports: a
    referent); 404 for a visitor who is not a member, 403 for a member of a lesser role."""
    access = require_member()
    if not access.principal.at_least(role):
        raise Refused(ROLE_REFUSALS.get(role, ROLE_REFUSALS[Role.admin]))
    return access


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


def authorise(session: Session | None, dossier: Dossier, access: Access | None = None) -> Access:
    """Check the request's right (``access``, by default the request's) on the dossier, or raise
    404 / 403. Without a session (in the writer's thread), only members are let through."""
    access = access or CURRENT.get()
    if access is None:
        raise HTTPException(status_code=404)
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
