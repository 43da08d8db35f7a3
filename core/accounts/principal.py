"""The principal of a call: a stable user id (an OIDC ``sub``, or ``local``), a role and how to show them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Role = Literal["user", "admin"]
LOCAL_USER_ID = "local"


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: Role = "user"
    display_name: str = ""
    email: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def label(self) -> str:
        """What the interface shows: the name, else the email, else the id."""
        return self.display_name or self.email or self.user_id


# Without [auth] the app has one user, who is also the admin (DESIGN.md section 6).
LOCAL = Principal(LOCAL_USER_ID, "admin", "Local user", None)
# The operator CLI (direct database access) acts with admin rights on the user it names.
OPERATOR = Principal("operator", "admin", "Operator (command line)", None)


def admin_names(raw: Iterable[str] | None = None) -> set[str]:
    """STUDIO_ADMINS, lower-cased: emails and OIDC subjects alike."""
    if raw is None:
        from core.config import get_settings

        raw = get_settings().studio_admins
    return {item.strip().lower() for item in raw if item and item.strip()}


def principal_for(user_id: str, *, display_name: str = "", email: str | None = None,
                  admins: Iterable[str] | None = None) -> Principal:
    """A principal whose role comes from STUDIO_ADMINS (matched on the subject or the email)."""
    names = admin_names(admins)
    is_admin = user_id.lower() in names or bool(email and email.lower() in names)
    return Principal(user_id, "admin" if is_admin else "user", display_name, email)


def owner_id(user: Principal | str) -> str:
    """The owner id stored on rows. Services accept a Principal; the operator CLI passes a user id."""
    if isinstance(user, Principal):
        return user.user_id
    text = str(user).strip()
    if not text:
        from core.errors import StudioError

        raise StudioError("A user id is required.", hint="Pass --user USER.")
    return text
