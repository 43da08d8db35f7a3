"""Each user's interface language (ko or en), so the choice follows them across reloads, devices
and sign-ins. NULL: not chosen yet (the browser's language decides).

Frozen text: this is the SQL as it shipped. Never edit it; add a new migration instead.
"""

NAME = "m008_user_language"

STATEMENTS = (
    """
        ALTER TABLE users ADD COLUMN language TEXT
        """,
)
