"""Data functions over accounts: organisations, users and their memberships, the facilitators'
grants and invitations, the one-time setup link, comments, the audit trail and the quotas.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106's second recommended
profile); only the hash is stored, and a token sent in a link (setup, invitation) is stored as
its SHA-256, so that a copy of the database opens nothing. A hash takes 64 MiB and a few tenths
of a second of CPU: at most :data:`HASHING_AT_ONCE` run at once in a process (as many as it has
cores), the others wait their turn :data:`HASHING_WAIT_S` at most, then :class:`HashingBusy`
(50 sign-ins at once took 2.6 GB and 6 s each; issue 20, finding 9).

One module per reason to change: :mod:`.credentials`, :mod:`.users`, :mod:`.team`,
:mod:`.password_links`, :mod:`.oidc_sessions`, :mod:`.setup`, :mod:`.dossier_grants` (the
facilitators), :mod:`.dossier_comments`, :mod:`.audit` and :mod:`.quotas`; the callers use them
through this package.
"""

from clauses.store.accounts.audit import history, record
from clauses.store.accounts.credentials import (
    EMAIL_RE,
    HASHER,
    HASHING_AT_ONCE,
    HASHING_WAIT_S,
    PASSWORD_MAX,
    PASSWORD_MIN,
    SIRET_RE,
    AccountError,
    HashingBusy,
    check_password,
    check_siret,
    hash_password,
    normalise_email,
    token_hash,
    verify_password,
)
from clauses.store.accounts.dossier_comments import add_comment, comments
from clauses.store.accounts.dossier_grants import (
    INVITATION_DAYS,
    accept_invitation,
    check_invitee,
    facilitators,
    granted_dossiers,
    has_grant,
    invite,
    open_invitation,
)
from clauses.store.accounts.links import InvitationClosed
from clauses.store.accounts.oidc_sessions import (
    ProviderSession,
    close_oidc_sessions,
    oidc_session,
    open_oidc_session,
)
from clauses.store.accounts.password_links import (
    INVITATION_PURPOSE,
    RESET_PURPOSE,
    change_password,
    new_password_link,
    open_password_link,
    use_password_link,
)
from clauses.store.accounts.quotas import Usage, usage
from clauses.store.accounts.setup import complete_setup, new_setup_token, setup_open
from clauses.store.accounts.team import (
    LastAdmin,
    active_admins,
    change_role,
    deactivate,
    invite_member,
    member_of,
    pending_invitees,
    reactivate,
)
from clauses.store.accounts.users import (
    DELETED_ACCOUNT,
    REVOCATIONS_KEPT,
    LinkRequired,
    add_facilitator,
    add_user,
    authenticate,
    count_users,
    delete_account,
    end_sessions,
    federated_user,
    find_organisation,
    get_user,
    link_identity,
    linked_user,
    members,
    membership_of,
    organisation_for,
    revocations_after,
    user_by_email,
)

__all__ = [
    "DELETED_ACCOUNT",
    "EMAIL_RE",
    "HASHER",
    "HASHING_AT_ONCE",
    "HASHING_WAIT_S",
    "INVITATION_DAYS",
    "INVITATION_PURPOSE",
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "RESET_PURPOSE",
    "REVOCATIONS_KEPT",
    "SIRET_RE",
    "AccountError",
    "HashingBusy",
    "InvitationClosed",
    "LastAdmin",
    "LinkRequired",
    "ProviderSession",
    "Usage",
    "accept_invitation",
    "active_admins",
    "add_comment",
    "add_facilitator",
    "add_user",
    "authenticate",
    "change_password",
    "change_role",
    "check_invitee",
    "check_password",
    "check_siret",
    "close_oidc_sessions",
    "comments",
    "complete_setup",
    "count_users",
    "deactivate",
    "delete_account",
    "end_sessions",
    "facilitators",
    "federated_user",
    "find_organisation",
    "get_user",
    "granted_dossiers",
    "has_grant",
    "hash_password",
    "history",
    "invite",
    "invite_member",
    "link_identity",
    "linked_user",
    "member_of",
    "members",
    "membership_of",
    "new_password_link",
    "new_setup_token",
    "normalise_email",
    "oidc_session",
    "open_invitation",
    "open_oidc_session",
    "open_password_link",
    "organisation_for",
    "pending_invitees",
    "reactivate",
    "record",
    "revocations_after",
    "setup_open",
    "token_hash",
    "usage",
    "use_password_link",
    "user_by_email",
    "verify_password",
]
