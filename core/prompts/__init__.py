"""Prompt templates (Jinja2 files, Korean and English) and the builder that renders them."""

from core.prompts.builder import (
    BuiltPrompt,
    PromptBuilder,
    PromptError,
    build_prompt,
    detect_language,
    fence,
    repair_message,
    template_version,
)

__all__ = [
    "BuiltPrompt",
    "PromptBuilder",
    "PromptError",
    "build_prompt",
    "detect_language",
    "fence",
    "repair_message",
    "template_version",
]
