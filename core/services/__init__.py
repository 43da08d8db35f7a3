"""Use cases the pages, the CLI and the REST API call; the only part of core the UI imports."""
