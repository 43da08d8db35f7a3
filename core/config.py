"""Settings from the environment and .streamlit/secrets.toml (the environment wins).

The names are a contract (DESIGN.md section 6). Secrets are held as ``SecretStr`` so that a
repr, a log line or a validation error never shows them.
"""

from __future__ import annotations

import os
import tomllib
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from core.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRETS_FILE_ENV = "STUDIO_SECRETS_FILE"


def secrets_path() -> Path:
    override = os.environ.get(SECRETS_FILE_ENV)
    return Path(override) if override else PROJECT_ROOT / ".streamlit" / "secrets.toml"


class _SecretsTomlSource(PydanticBaseSettingsSource):
    """Reads top-level keys of .streamlit/secrets.toml, matched case-insensitively."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        self._data = self._load()

    @staticmethod
    def _load() -> dict[str, Any]:
        path = secrets_path()
        if not path.is_file():
            return {}
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"{path} is not valid TOML ({exc}). Fix the file or remove it; "
                "keys can also come from environment variables.", code="CONFIG_SECRETS_TOML", path=str(path),
            ) from None
        return {k.upper(): v for k, v in raw.items() if not isinstance(v, dict)}

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        names = [field_name.upper()]
        if field.validation_alias and isinstance(field.validation_alias, str):
            names.insert(0, field.validation_alias.upper())
        for name in names:
            if name in self._data:
                return self._data[name], field_name, False
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, field in self.settings_cls.model_fields.items():
            value, key, _ = self.get_field_value(field, name)
            if value is not None:
                out[key] = value
        if "GLM_API_KEY" not in self._data and "ZAI_API_KEY" in self._data:
            out.setdefault("glm_api_key", self._data["ZAI_API_KEY"])
        return out


def _secrets_value(name: str) -> str | None:
    value = _SecretsTomlSource._load().get(name.upper())
    return value if isinstance(value, str) else None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore", populate_by_name=True)

    openai_api_key: SecretStr | None = None
    anthropic_api_key: SecretStr | None = None
    glm_api_key: SecretStr | None = None
    custom_llm_base_url: str | None = None
    custom_llm_api_key: SecretStr | None = None
    # NoDecode: a comma list in the environment, not JSON.
    custom_llm_models: Annotated[list[str], NoDecode] = Field(default_factory=list)
    openai_base_url: str | None = None
    anthropic_base_url: str | None = None
    glm_base_url: str | None = None
    llm_default_model: str | None = None
    # Fallback for an explicitly chosen model: off (default), same_vendor or any; "auto" always may.
    llm_fallback: Literal["off", "same_vendor", "any"] | None = None
    llm_max_retries: int = Field(default=3, ge=0, le=10)
    llm_request_timeout: float = Field(default=60.0, gt=0, le=3600)
    llm_cache_ttl: int = Field(default=900, ge=0)
    llm_monthly_quota_usd: Decimal = Field(default=Decimal("10.0"), ge=0)
    # A quota hold lives this long after its call stops renewing it (a crashed process's hold comes back).
    llm_reservation_lease_s: float = Field(default=45.0, ge=1, le=600)
    studio_db: Path = Field(default=PROJECT_ROOT / "data" / "studio.db")
    studio_models_file: Path | None = None
    # DESIGN.md 6: admins by email or OIDC subject; the REST API's default request limit.
    studio_admins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    studio_rate_limit_per_minute: int = Field(default=60, ge=1, le=100_000)
    # Round 2 (DESIGN.md 6): shared backends for several replicas; unset = SQLite and process memory.
    studio_database_url: SecretStr | None = None
    studio_redis_url: SecretStr | None = None
    # The language of messages where no one chose one (the CLI without --lang, an API call without
    # Accept-Language, the app before the browser says): ko or en.
    studio_lang: Literal["ko", "en"] | None = None

    def lookup(self, name: str) -> str | None:
        """The value of the configuration variable ``name`` (e.g. ``OPENAI_API_KEY``), as text, or None.

        A declared field answers for its own name; any other name (a provider added as one file
        declares its own variables) is read like a field would be: the environment first, then
        .streamlit/secrets.toml. Blank values count as unset."""
        field = name.lower()
        if field in type(self).model_fields:
            value = self.__dict__.get(field)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            elif isinstance(value, list):
                value = ",".join(str(v) for v in value)
            elif value is not None:
                value = str(value)
        else:
            value = os.environ.get(name.upper()) or _secrets_value(name)
        return (value.strip() or None) if isinstance(value, str) else None

    @field_validator("custom_llm_models", "studio_admins", mode="before")
    @classmethod
    def _split_models(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [m.strip() for m in value.split(",") if m.strip()]
        return value

    @field_validator("llm_fallback", mode="before")
    @classmethod
    def _fallback_words(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower().replace("-", "_").replace(" ", "_")
            return value or None
        return value

    @field_validator("studio_lang", mode="before")
    @classmethod
    def _language_tag(cls, value: Any) -> Any:
        if isinstance(value, str):  # "ko-KR", "ko_KR.UTF-8", "KO" all mean ko
            value = value.strip().lower().replace("_", "-").split("-")[0].split(".")[0]
            return value or None
        return value

    @field_validator("llm_monthly_quota_usd", mode="before")
    @classmethod
    def _decimal_quota(cls, value: Any) -> Any:
        if isinstance(value, float):
            return Decimal(str(value))
        if isinstance(value, str):
            try:
                return Decimal(value.strip())
            except InvalidOperation:
                raise ValueError("must be a number of US dollars, e.g. 10 or 25.50") from None
        return value

    @field_validator(
        "openai_api_key", "anthropic_api_key", "glm_api_key", "custom_llm_api_key", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator(
        "custom_llm_base_url", "openai_base_url", "anthropic_base_url", "glm_base_url", mode="before"
    )
    @classmethod
    def _check_url(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if not value.startswith(("http://", "https://")):
                raise ValueError("must start with http:// or https://, e.g. http://127.0.0.1:11434/v1")
        return value

    @field_validator("studio_database_url", "studio_redis_url", mode="before")
    @classmethod
    def _check_backend_url(cls, value: Any, info: Any) -> Any:
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            schemes = ("postgresql://", "postgres://") if info.field_name == "studio_database_url" else (
                "redis://", "rediss://", "unix://")
            if not value.startswith(schemes):
                example = ("postgresql://studio@db.internal:5432/studio" if info.field_name == "studio_database_url"
                           else "redis://cache.internal:6379/0")
                raise ValueError(f"must start with {' or '.join(schemes)}, e.g. {example}")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _GlmAliasEnvSource(settings_cls), _SecretsTomlSource(settings_cls))


class _GlmAliasEnvSource(PydanticBaseSettingsSource):
    """ZAI_API_KEY is an alias of GLM_API_KEY (the SDK's own name)."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        if not os.environ.get("GLM_API_KEY") and os.environ.get("ZAI_API_KEY"):
            return {"glm_api_key": os.environ["ZAI_API_KEY"]}
        return {}


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        name = str(err["loc"][0]).upper() if err["loc"] else "setting"
        parts.append(f"{name}: {err['msg']}")
    return "Invalid configuration: " + "; ".join(parts) + ". Fix the environment variable or .streamlit/secrets.toml."


def load_settings(**overrides: Any) -> Settings:
    """Build settings fresh; raises ConfigError with an actionable message (never the value of a key)."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        names = sorted({str(e["loc"][0]).upper() for e in exc.errors() if e["loc"]})
        raise ConfigError(_describe(exc), code="CONFIG_INVALID", names=", ".join(names) or "?") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def reset_settings_cache() -> None:
    get_settings.cache_clear()
