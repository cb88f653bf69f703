"""The web application's one settings object (environment variables prefixed ``CLAUSES_``)."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO = Path(__file__).resolve().parents[3]
SECRET_FILE = "secret_key"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLAUSES_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./data/clauses.db",
        description="SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user:password@host/db",
    )
    data_dir: Path = Field(default=Path("data"), description="where the secret key is kept")
    secret_key: SecretStr | None = Field(
        default=None,
        description="signs the session cookies; the same for every worker. Generated and kept "
        "in data_dir when unset.",
    )
    cpv_file: Path = Field(
        default=REPO.parent / "shared" / "data" / "cpv" / "cpv_2008_fr_en.csv",
        description="CPV 2008 nomenclature (code,code8,division,level,parent,label_fr,label_en)",
    )
    library: Path | None = Field(default=None, description="clause library folder")
    templates_dir: Path = REPO / "templates"
    max_body_bytes: int = Field(default=1_000_000, gt=0, description="forms of the pages")
    max_api_body_bytes: int = Field(
        default=500_000,
        gt=0,
        description="bodies of the JSON API: the largest plausible profile (200 lots of 1000 "
        "characters, with a full strategy) takes 350 kB; parsing a body holds the server's "
        "other requests meanwhile (about 30 ms for a megabyte of JSON keys)",
    )
    region_code: str | None = Field(
        default=None, description="INSEE code of the deploying Région, preset in new dossiers"
    )
    secure_cookies: bool = Field(
        default=False, description="behind HTTPS: cookies marked Secure, session cookie __Host-"
    )
    session_hours: float = Field(default=12, gt=0, description="absolute session lifetime")
    session_idle_minutes: float = Field(default=120, gt=0, description="idle session lifetime")
    sign_in_attempts: int = Field(
        default=10, gt=0, description="failed sign-ins per e-mail (and 5× that per client address)"
    )
    sign_in_window_minutes: float = Field(default=15, gt=0, description="window of those attempts")
    # Quotas sized for a Région: a few thousand contracts a year, their drafts and copies, kept
    # twenty years or more (200 000 dossiers), each with its answers (a few kilobytes) and a few
    # generated Word documents (about 40 kB each): under 20 GB.
    max_dossiers: int = Field(default=200_000, gt=0, description="dossiers per organisation")
    max_stored_bytes: int = Field(
        default=20_000_000_000,
        gt=0,
        description="bytes per organisation (answers and documents)",
    )
    heavy_per_minute: int = Field(
        default=30, gt=0, description="duplications and generations per account and minute"
    )
    invitation_days: int = Field(default=14, gt=0, description="validity of an invitation link")
    password_link_hours: float = Field(
        default=24, gt=0, description="validity of a forgotten password's link"
    )
    member_invitation_days: int = Field(
        default=7, gt=0, description="validity of the link an invited member sets a password by"
    )
    smtp_host: str | None = Field(
        default=None,
        description="SMTP server the invitations and password links are sent through; unset: "
        "no e-mail, the admin is shown the link to pass on",
    )
    smtp_port: int = Field(default=587, gt=0, description="SMTP port (587 with STARTTLS)")
    smtp_starttls: bool = Field(default=True, description="STARTTLS before authenticating")
    smtp_ca_file: Path | None = Field(
        default=None,
        description="certificates (PEM) the SMTP server's is checked against at STARTTLS, for "
        "an internal authority; unset: the system's",
    )
    smtp_username: str = Field(default="", description="SMTP user; empty: no authentication")
    smtp_password: SecretStr = Field(default=SecretStr(""), description="SMTP password")
    smtp_sender: str = Field(
        default="clauses@localhost", description="the From address of the messages sent"
    )
    smtp_timeout_s: float = Field(default=10, gt=0, description="seconds to reach the server")
    public_url: str | None = Field(
        default=None,
        description="the site's address in the links of e-mails (https://clauses.exemple.fr); "
        "unset: the address of the request",
    )
    oidc_issuer: str | None = Field(
        default=None, description="OpenID Connect issuer (ProConnect); enables the sign-in button"
    )
    oidc_client_id: str = ""
    oidc_client_secret: SecretStr = SecretStr("")
    oidc_scopes: str = "openid email given_name usual_name siret"
    oidc_allowed_sirets: str = Field(
        default="", description="SIRETs allowed to sign in through OIDC, comma separated"
    )
    oidc_label: str = Field(default="ProConnect", description="the provider's name on the button")
    oidc_acr_values: str = Field(
        default="",
        description="authentication levels (acr) accepted, comma separated, e.g. "
        "'eidas2,eidas3'; requested as essential, and an ID token with another is refused",
    )
    oidc_allowed_idps: str = Field(
        default="",
        description="identity providers behind the federation (ProConnect's idp_id) allowed to "
        "sign in, comma separated; empty: all",
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default=["localhost", "127.0.0.1", "[::1]"],
        description="host names the server answers to (Host header), comma-separated; "
        "« *.exemple.fr » for a domain's subdomains, « * » for any",
    )
    header_timeout_s: float = Field(
        default=10, gt=0, description="seconds for a request's line and headers to arrive"
    )
    body_timeout_s: float = Field(
        default=30, gt=0, description="seconds for a request's body to arrive"
    )

    def allowed_sirets(self) -> set[str]:
        return {s.strip() for s in self.oidc_allowed_sirets.split(",") if s.strip()}

    def acr_values(self) -> list[str]:
        """The authentication levels accepted, in the order given (none: no level required)."""
        return list(dict.fromkeys(v.strip() for v in self.oidc_acr_values.split(",") if v.strip()))

    def allowed_idps(self) -> set[str]:
        return {v.strip() for v in self.oidc_allowed_idps.split(",") if v.strip()}

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [host.strip().lower() for host in value.split(",") if host.strip()]
        return value


def resolve_secret_key(settings: Settings) -> str:
    """The configured key, or the one kept in ``data_dir`` (created once, atomically)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / SECRET_FILE
    if not path.exists():
        # Write aside then link: several workers starting together all read the same key.
        fd, temporary = tempfile.mkstemp(dir=settings.data_dir, prefix=".secret-")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_urlsafe(48))
            os.chmod(temporary, 0o600)
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return path.read_text(encoding="ascii").strip()
