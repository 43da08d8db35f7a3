"""Read OHLCV CSV files (DESIGN.md section 5) and say exactly what is wrong, with the row number.

Accepted: a header row with ``timestamp`` (or ``date``/``time``/``datetime``/``open_time``) and
``open high low close volume`` in any letter case and order; timestamps in ISO 8601 or epoch
seconds/milliseconds. Row numbers in messages count data rows from 1 (file line = row + 1).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from core.coded import Coded
from core.market.data import OHLCV, MarketData
from core.market.errors import DataError
from core.market.timeframes import infer_timeframe, timeframe_seconds

TIME_COLUMNS = ("timestamp", "date", "time", "datetime", "open_time")
PRICE_COLUMNS = ("open", "high", "low", "close")
EARLIEST = pd.Timestamp("1990-01-01", tz="UTC")  # no market data we accept is older
MAX_BYTES = 200 * 1024 * 1024  # a 1-minute year is ~40 MB; far bigger is almost surely a mistake
FORMAT_HINT = (
    "Expected a header row with timestamp (or date/time) and open, high, low, close, volume, "
    "e.g. 'timestamp,open,high,low,close,volume'."
)


def _row(i: int) -> str:
    return f"row {i + 1} (file line {i + 2})"


def _where(i: int) -> dict[str, int]:
    """The row's parameters for a coded message (the UI words them in the reader's language)."""
    return {"row": i + 1, "line": i + 2}


def _read_bytes(source: bytes | str | Path, name: str) -> tuple[bytes, str]:
    """The CSV bytes and a display name; a str is a path unless it already contains a newline."""
    if isinstance(source, bytes):
        raw = source
    elif isinstance(source, Path) or (isinstance(source, str) and "\n" not in source):
        path = Path(source)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise DataError(f"{path} is larger than {MAX_BYTES // 2**20} MB.", hint="Resample it first.",
                                code="CSV_TOO_LARGE", params={"name": str(path), "mb": MAX_BYTES // 2**20})
            raw = path.read_bytes()
        except FileNotFoundError:
            raise DataError(f"Market data file not found: {path}.", hint="Check the path.") from None
        except IsADirectoryError:
            raise DataError(f"{path} is a directory, not a CSV file.", hint="Pass the CSV file itself.") from None
        except OSError as exc:
            raise DataError(f"Cannot read {path}: {exc.strerror}.", hint="Check the file's permissions.") from None
        name = path.name if name == "upload" else name
    else:
        raw = source.encode("utf-8")
    if len(raw) > MAX_BYTES:
        raise DataError(f"{name} is larger than {MAX_BYTES // 2**20} MB.", hint="Resample it first.",
                        code="CSV_TOO_LARGE", params={"name": name, "mb": MAX_BYTES // 2**20})
    return raw, name


def _shown(value: object) -> str:
    """A cell as the user wrote it (pandas reads 20240101 as a number)."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return f"{value:.0f}"
    return str(value)


def _epoch(numeric: pd.Series, text: pd.Series, name: str, column: str) -> pd.DatetimeIndex:
    # Epoch numbers: milliseconds are > 1e11 (1e11 seconds would be the year 5138).
    unit = "ms" if float(numeric.abs().max()) > 1e11 else "s"
    times = pd.DatetimeIndex(pd.to_datetime(numeric.to_numpy(dtype="float64"), unit=unit, utc=True))
    early = times < EARLIEST
    if early.any():
        # e.g. 20240131 (a date written as a number) would silently read as 1970-08-23.
        i = int(np.flatnonzero(early)[0])
        unit_name = "seconds" if unit == "s" else "milliseconds"
        raise DataError(
            f"{name}: {_row(i)} has the {column} '{_shown(text.iloc[i])}', which reads as epoch {unit_name} "
            f"{times[i]:%Y-%m-%d %H:%M}, before {EARLIEST:%Y}.",
            hint="Write dates in ISO 8601 (2024-01-31) or as epoch seconds/milliseconds since 1970.",
            code="CSV_EPOCH_TOO_EARLY", params={"name": name, **_where(i), "column": column,
                                                "value": _shown(text.iloc[i]), "year": f"{EARLIEST:%Y}"},
        )
    return times


def _parse_times(values: pd.Series, name: str, column: str) -> pd.DatetimeIndex:
    if pd.api.types.is_numeric_dtype(values):
        missing = values.isna().to_numpy()
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            raise DataError(f"{name}: {_row(i)} has an empty {column}.", hint="Every row needs a timestamp.",
                            code="CSV_EMPTY_TIME", params={"name": name, **_where(i), "column": column})
        return _epoch(values, values, name, column)
    text = values.astype("string").str.strip()
    empty = (text.isna() | (text == "")).to_numpy()
    if empty.any():
        i = int(np.flatnonzero(empty)[0])
        raise DataError(f"{name}: {_row(i)} has an empty {column}.", hint="Every row needs a timestamp.",
                        code="CSV_EMPTY_TIME", params={"name": name, **_where(i), "column": column})
    times = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
    bad = times.isna().to_numpy()
    if bad.any():
        # Mostly numbers with some junk: an epoch column, so point at the first row that is not a number.
        numeric = pd.to_numeric(text, errors="coerce")
        if numeric.notna().mean() > 0.5:
            bad = numeric.isna().to_numpy()
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{name}: {_row(i)} has a {column} that cannot be read: '{text.iloc[i]}'.",
            hint="Use ISO 8601 (2024-01-31 or 2024-01-31T09:00:00Z) or epoch seconds/milliseconds in every row.",
            code="CSV_BAD_TIME", params={"name": name, **_where(i), "column": column, "value": str(text.iloc[i])},
        )
    return pd.DatetimeIndex(times)


def _check_numbers(frame: pd.DataFrame, name: str) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for col in OHLCV:
        raw = frame[col]
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64")
        missing = np.isnan(values)
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            shown = raw.iloc[i]
            if pd.isna(shown) or str(shown).strip().lower() in ("", "nan", "null", "none", "na"):
                raise DataError(
                    f"{name}: {_row(i)} has no {col} value (empty or NaN).",
                    hint="Fill or drop rows with missing values before loading.",
                    code="CSV_MISSING_VALUE", params={"name": name, **_where(i), "column": col},
                )
            raise DataError(
                f"{name}: {_row(i)} has a {col} that is not a number: '{shown}'.",
                hint="Use plain numbers with a dot as decimal separator and no thousands separators.",
                code="CSV_NOT_A_NUMBER", params={"name": name, **_where(i), "column": col, "value": str(shown)},
            )
        if not np.isfinite(values).all():
            i = int(np.flatnonzero(~np.isfinite(values))[0])
            raise DataError(f"{name}: {_row(i)} has an infinite {col}.", hint="Use finite numbers.",
                            code="CSV_INFINITE", params={"name": name, **_where(i), "column": col})
        out[col] = values
    for col in PRICE_COLUMNS:
        bad = out[col] <= 0
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataError(
                f"{name}: {_row(i)} has a non-positive {col} price ({out[col][i]:g}).",
                hint="Prices must be greater than 0; remove or fix the row.",
                code="CSV_NON_POSITIVE_PRICE", params={"name": name, **_where(i), "column": col,
                                                       "value": f"{out[col][i]:g}"},
            )
    if (out["volume"] < 0).any():
        i = int(np.flatnonzero(out["volume"] < 0)[0])
        raise DataError(f"{name}: {_row(i)} has a negative volume ({out['volume'][i]:g}).", hint="Volume is >= 0.",
                        code="CSV_NEGATIVE_VOLUME",
                        params={"name": name, **_where(i), "value": f"{out['volume'][i]:g}"})
    bad = out["high"] < out["low"]
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{name}: {_row(i)} has high {out['high'][i]:g} below low {out['low'][i]:g}.",
            hint="Check whether the high and low columns are swapped.",
            code="CSV_HIGH_BELOW_LOW", params={"name": name, **_where(i), "high": f"{out['high'][i]:g}",
                                               "low": f"{out['low'][i]:g}"},
        )
    return out


def _check_order(times: pd.DatetimeIndex, name: str) -> None:
    ns = times.as_unit("ns").asi8
    steps = np.diff(ns)
    back = steps < 0
    if back.any():
        i = int(np.flatnonzero(back)[0]) + 1
        raise DataError(
            f"{name}: rows are not sorted by time: {_row(i)} ({times[i].isoformat()}) comes before "
            f"the previous row ({times[i - 1].isoformat()}).",
            hint="Sort the file by timestamp, oldest first.",
            code="CSV_NOT_SORTED", params={"name": name, **_where(i), "time": times[i].isoformat(),
                                           "previous": times[i - 1].isoformat()},
        )
    same = steps == 0
    if same.any():
        i = int(np.flatnonzero(same)[0]) + 1
        raise DataError(
            f"{name}: {_row(i)} repeats the timestamp of the previous row ({times[i].isoformat()}).",
            hint="Remove duplicate rows so each timestamp appears once.",
            code="CSV_DUPLICATE_TIME", params={"name": name, **_where(i), "time": times[i].isoformat()},
        )


def gap_warnings(index: pd.DatetimeIndex, timeframe: str) -> list[str]:
    """One warning summarising missing bars (count, largest, first), or nothing."""
    if len(index) < 2:
        return []
    step = timeframe_seconds(timeframe)
    secs = np.diff(index.as_unit("s").asi8)
    gap = secs > step
    if not gap.any():
        return []
    where = np.flatnonzero(gap)
    missing = secs[where] // step - 1 + (secs[where] % step > 0)
    largest = int(np.argmax(missing))
    return [Coded(
        "DATA_GAPS",
        f"{len(where)} gap(s) in the data, {int(missing.sum())} missing {timeframe} bar(s) in all; the largest gap "
        f"is {int(missing[largest])} bar(s) after {index[int(where[largest])].isoformat()}, the first after "
        f"{index[int(where[0])].isoformat()}. Indicators treat the bars on either side of a gap as adjacent.",
        gaps=len(where), missing=int(missing.sum()), timeframe=timeframe, largest=int(missing[largest]),
        largest_after=index[int(where[largest])].isoformat(), first_after=index[int(where[0])].isoformat(),
    )]


def parse_csv(raw: bytes, name: str = "upload", symbol: str = "BTC/USDT", source: str = "upload") -> MarketData:
    if not raw or raw.isspace():
        raise DataError(f"{name} is empty.", hint=FORMAT_HINT, code="CSV_EMPTY", params={"name": name})
    try:
        # pandas' own type inference from the bytes (no decoded copy): numeric columns arrive as
        # float64; a column with text in it arrives as strings and the checks below find the row.
        frame = pd.read_csv(io.BytesIO(raw), skipinitialspace=True, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(
            f"{name} is not a UTF-8 text file.", hint="Export the data as CSV (comma-separated, UTF-8).",
            code="CSV_NOT_UTF8", params={"name": name},
        ) from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataError(f"{name} is not a readable CSV file: {str(exc).strip()}.", hint=FORMAT_HINT,
                        code="CSV_UNREADABLE", params={"name": name}) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if len(set(frame.columns)) != len(frame.columns):
        dup = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
        raise DataError(f"{name}: the header repeats column(s) {', '.join(dup)}.", hint=FORMAT_HINT,
                        code="CSV_DUPLICATE_COLUMNS", params={"name": name, "columns": ", ".join(dup)})
    time_col = next((c for c in TIME_COLUMNS if c in frame.columns), None)
    missing = [c for c in OHLCV if c not in frame.columns]
    if time_col is None:
        missing.insert(0, "timestamp (or date/time)")
    if missing:
        found = ", ".join(frame.columns) or "nothing"
        raise DataError(f"{name}: missing column(s): {', '.join(missing)}. Found: {found}.", hint=FORMAT_HINT,
                        code="CSV_MISSING_COLUMNS",
                        params={"name": name, "columns": ", ".join(missing), "found": found})
    if frame.empty:
        raise DataError(f"{name} has a header but no data rows.", hint="Add at least two rows of bars.",
                        code="CSV_NO_ROWS", params={"name": name})
    assert time_col is not None
    times = _parse_times(frame[time_col], name, time_col)
    numbers = _check_numbers(frame, name)
    _check_order(times, name)
    df = pd.DataFrame(numbers, index=times)
    df.index.name = "timestamp"
    timeframe = infer_timeframe(df.index)
    data = MarketData(df=df, symbol=symbol, timeframe=timeframe, source=source)
    data.warnings.extend(gap_warnings(df.index, timeframe))
    if len(df) < 30:
        data.warnings.append(Coded("DATA_FEW_BARS",
                                   f"{name} has only {len(df)} bars; most indicators need 14 to 35 bars of history.",
                                   name=name, bars=len(df)))
    return data


def load_csv_source(
    source: bytes | str | Path, name: str = "upload", symbol: str = "BTC/USDT", origin: str = "upload"
) -> MarketData:
    raw, shown = _read_bytes(source, name)
    return parse_csv(raw, shown, symbol=symbol, source=origin)
