"""News sentiment: one item, or a batch with bounded concurrency and a progress callback.

The article is fenced as data in the prompt (core/prompts), and the answer is validated against
the seed's schema whatever the article said, so a news item cannot make the model return
anything else.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.accounts.principal import LOCAL_USER_ID, Principal, owner_id
from core.coded import Coded
from core.errors import QuotaExceeded, StudioError
from core.llm.structured import ask_structured
from core.llm.types import ChatRequest, FallbackPolicy
from core.offline import inputs as offline_inputs
from core.prompts.builder import Language, build_prompt, detect_language
from core.services.common import BadInput, CallInfo, gateway_or_default, require_text
from core.services.outputs import NewsSentiment, vendor_schema

MAX_TITLE = 500
MAX_CONTENT = 8000  # characters of body sent to the model; longer articles are cut
MAX_BATCH = 500
MAX_CONCURRENCY = 8
CSV_COLUMNS = ("title", "content", "source", "published_at")


@dataclass
class NewsItem:
    title: str
    content: str = ""
    source: str = ""
    published_at: str = ""

    @classmethod
    def of(cls, item: NewsItem | dict[str, Any]) -> NewsItem:
        if isinstance(item, NewsItem):
            return item
        return cls(**{k: "" if item.get(k) is None else str(item.get(k)) for k in CSV_COLUMNS})


@dataclass
class SentimentResult:
    item: NewsItem
    sentiment: str = ""
    score: float = 0.0
    keywords: list[str] = field(default_factory=list)
    summary: str = ""
    impact: str = ""
    price_implication: str = ""
    language: Language = "en"
    info: CallInfo = field(default_factory=CallInfo)
    # Set in a batch when this item failed (the others still count): the English sentence, a Coded
    # string whose code and params let an interface word it in the reader's language.
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_json(self) -> dict[str, Any]:
        """The `sentiment --json` shape (DESIGN.md section 5)."""
        return {
            "sentiment": self.sentiment, "score": self.score, "keywords": self.keywords,
            "summary": self.summary, "impact": self.impact, "price_implication": self.price_implication,
        }


def analyze_news(
    item: NewsItem | dict[str, Any],
    *,
    model: str | None = None,
    fallback: FallbackPolicy | None = None,
    user: Principal | str = LOCAL_USER_ID,
    language: str | None = None,
    use_cache: bool = True,
    gateway: Any | None = None,
) -> SentimentResult:
    news = NewsItem.of(item)
    title = require_text(news.title, "news title", limit=MAX_TITLE, example='"SEC approves spot Ether ETFs".')
    content = news.content[:MAX_CONTENT]
    lang = detect_language(f"{title} {content}", language)
    built = build_prompt(
        "news_sentiment", lang, title=title, content=content or "-", source=news.source or "-",
        published_at=news.published_at or "-",
    )
    req = ChatRequest(
        use_case="news_sentiment", messages=built.messages, model=model, user=owner_id(user), max_tokens=600,
        output_schema=vendor_schema(NewsSentiment), schema_name="news_sentiment", json_mode=True,
        use_cache=use_cache, fallback=fallback, template_version=built.template_version,
        offline_context=offline_inputs.NewsItem(title, content, news.source, news.published_at, lang),
    )
    result = ask_structured(gateway_or_default(gateway), req, NewsSentiment.model_validate, language=lang)
    out: NewsSentiment = result.value
    return SentimentResult(
        item=news, sentiment=out.sentiment, score=round(out.score, 3), keywords=list(out.keywords),
        summary=out.summary, impact=out.impact, price_implication=out.price_implication, language=lang,
        info=CallInfo.of(result),
    )


def analyze_news_batch(
    items: Iterable[NewsItem | dict[str, Any]],
    *,
    concurrency: int = 4,
    progress: Callable[[int, int], None] | None = None,
    model: str | None = None,
    fallback: FallbackPolicy | None = None,
    user: Principal | str = LOCAL_USER_ID,
    language: str | None = None,
    use_cache: bool = True,
    gateway: Any | None = None,
) -> list[SentimentResult]:
    """Results in input order. ``progress(done, total)`` is called from the calling thread.

    An item that fails carries its error and the batch goes on; running out of quota stops the
    items not yet started (they would all fail the same way).
    """
    news = [NewsItem.of(i) for i in items]
    if not news:
        raise BadInput("The news batch is empty.",
                       hint=f"Give at least one row with the columns {', '.join(CSV_COLUMNS)}.")
    if len(news) > MAX_BATCH:
        raise BadInput(f"The batch has {len(news)} items; the limit is {MAX_BATCH}.", hint="Split the file.")
    gw = gateway_or_default(gateway)
    workers = max(1, min(int(concurrency), MAX_CONCURRENCY, len(news)))
    results: list[SentimentResult | None] = [None] * len(news)
    done = 0
    if progress is not None:
        progress(0, len(news))
    out_of_quota = threading.Event()

    def run_one(item: NewsItem) -> SentimentResult | None:
        # Checked by the worker itself, so an item queued behind a quota refusal is never started,
        # however late the calling thread gets to cancel it.
        if out_of_quota.is_set():
            return None
        try:
            return analyze_news(item, model=model, fallback=fallback, user=owner_id(user), language=language,
                                use_cache=use_cache, gateway=gw)
        except QuotaExceeded:
            out_of_quota.set()
            raise

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="news") as pool:
        futures = {pool.submit(run_one, item): index for index, item in enumerate(news)}
        for future in as_completed(futures):
            index = futures[future]
            try:
                # An item cancelled or skipped (the quota ran out) stays None: it reads as not run below.
                results[index] = None if future.cancelled() else future.result()
            except QuotaExceeded as exc:
                results[index] = SentimentResult(item=news[index], error=_coded(exc))
                for other in futures:
                    other.cancel()
            except StudioError as exc:
                results[index] = SentimentResult(item=news[index], error=_coded(exc))
            done += 1
            if progress is not None:
                progress(done, len(news))
    not_run = Coded("NEWS_NOT_RUN", "not run: the quota was exceeded")
    return [r if r is not None else SentimentResult(item=news[i], error=not_run) for i, r in enumerate(results)]


def _coded(exc: StudioError) -> Coded:
    return Coded(exc.code, str(exc), **exc.params)


def load_news_csv(source: bytes | str | Path, name: str = "upload") -> list[NewsItem]:
    """Rows of a CSV with a header: title (required), content, source, published_at (any case/order)."""
    if isinstance(source, Path):
        raw: bytes | str = source.read_bytes()
    else:
        raw = source
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BadInput(f"{name} is not UTF-8 text.", hint="Save the CSV as UTF-8.") from None
    else:
        text = raw
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise BadInput(f"{name} has no header row.", hint=f"The first row names the columns: {', '.join(CSV_COLUMNS)}.")
    columns = {c.strip().lower(): c for c in reader.fieldnames if c}
    if "title" not in columns:
        raise BadInput(
            f"{name} has no 'title' column (found: {', '.join(reader.fieldnames)}).",
            hint=f"Name the columns {', '.join(CSV_COLUMNS)}; only title is required.",
        )
    items: list[NewsItem] = []
    for row_number, row in enumerate(reader, start=2):
        values = {key: (row.get(original) or "").strip() for key, original in columns.items()}
        if not values.get("title"):
            if not any(values.values()):
                continue  # a blank line
            raise BadInput(f"{name} row {row_number} has no title.", hint="Fill in the title or delete the row.")
        items.append(NewsItem(values["title"], values.get("content", ""), values.get("source", ""),
                              values.get("published_at", "")))
        if len(items) > MAX_BATCH:
            raise BadInput(f"{name} has more than {MAX_BATCH} rows.", hint="Split the file.")
    if not items:
        raise BadInput(f"{name} has a header but no rows.", hint="Add one news item per row.")
    return items
