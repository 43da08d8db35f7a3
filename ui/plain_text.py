"""Show untrusted text (model output, names from files) inside Markdown without it being Markdown.

Streamlit renders st.markdown/st.caption/st.success as Markdown: a model answer containing
``![x](http://host/pixel)`` would make the browser fetch a remote image. Escaping every Markdown
control character turns such text into the literal characters.
"""

from __future__ import annotations

import re

_MARKDOWN_CONTROL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


def escape_markdown(text: object) -> str:
    return _MARKDOWN_CONTROL.sub(r"\\\1", str(text))
