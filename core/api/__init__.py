"""The REST API (DESIGN.md 6a). ``uvicorn core.api:app`` serves it alone under /api; app.py mounts the
same FastAPI app at /api inside the Streamlit server."""

from core.api.app import API_PREFIX, create_api, create_standalone

app = create_standalone()

__all__ = ["API_PREFIX", "app", "create_api", "create_standalone"]
