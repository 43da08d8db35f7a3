"""Who is calling: principals (user id and role), the users table, API keys and request rate limits.

``core.accounts`` never imports Streamlit or FastAPI: the app turns an OIDC login (or the local
single-user mode) into a ``Principal``, the REST API turns a bearer key into one, and every service
call carries it. Storage sits behind the small ``KeyStore``/``UserStore`` protocols so another
backend (PostgreSQL) can implement them.
"""

from core.accounts.errors import Forbidden, KeyInvalid, RequestRateLimited
from core.accounts.principal import LOCAL, LOCAL_USER_ID, Principal, owner_id, principal_for

__all__ = [
    "LOCAL",
    "LOCAL_USER_ID",
    "Forbidden",
    "KeyInvalid",
    "Principal",
    "RequestRateLimited",
    "owner_id",
    "principal_for",
]
