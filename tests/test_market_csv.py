"""CSV market data: the DESIGN.md section 5 format loads; each kind of bad file gets its own message."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.market.errors import DataError
from core.services.market_data import coarser_timeframes, load_csv, load_sample, resample

GOOD = (
    "timestamp,open,high,low,close,volume\n"
    "2024-01-01T00:00:00Z,100,110,95,105,12\n"
    "2024-01-01T01:00:00Z,105,112,101,110,10\n"
    "2024-01-01T02:00:00Z,110,111,100,101,9\n"
    "2024-01-01T03:00:00Z,101,104,99,103,7\n"
)


def _replace_line(text: str, line: int, new: str) -> str:
    lines = text.splitlines()
    lines[line] = new
    return "\n".join(lines) + "\n"


def test_sample_is_the_bundled_bittrex_daily_file_and_reports_its_gaps() -> None:
    data = load_sample()
    assert len(data.df) == 874
    assert data.timeframe == "1d"
    assert data.symbol == "BTC/USDT"
    assert str(data.df.index.tz) == "UTC"
    assert list(data.df.columns) == ["open", "high", "low", "close", "volume"]
    assert data.df.index[0] == pd.Timestamp("2015-12-12", tz="UTC")
    assert any("34 gap(s)" in w for w in data.warnings)


def test_header_in_any_case_and_order_with_date_column(tmp_path: Path) -> None:
    text = "Volume,CLOSE,Date,High,low,Open\n1,105,2024-01-01,110,95,100\n2,106,2024-01-02,111,96,105\n"
    data = load_csv(text.encode())
    assert list(data.df["open"]) == [100, 105]
    assert list(data.df["close"]) == [105, 106]
    assert list(data.df["volume"]) == [1, 2]
    assert data.timeframe == "1d"


@pytest.mark.parametrize(("stamps", "unit"), [((1704067200, 1704070800), "s"), ((1704067200000, 1704070800000), "ms")])
def test_epoch_seconds_and_milliseconds(stamps: tuple[int, int], unit: str) -> None:
    text = f"time,open,high,low,close,volume\n{stamps[0]},1,2,0.5,1.5,3\n{stamps[1]},1.5,2,1,1.2,4\n"
    data = load_csv(text)
    assert data.df.index[0] == pd.Timestamp("2024-01-01T00:00:00Z"), unit
    assert data.timeframe == "1h"


def test_a_path_is_read_and_its_name_appears_in_messages(tmp_path: Path) -> None:
    bad = tmp_path / "mine.csv"
    bad.write_text(GOOD.replace("105,12", "-105,12"))
    with pytest.raises(DataError, match=r"mine\.csv: row 1 \(file line 2\) has a non-positive close"):
        load_csv(bad)


BAD_CASES = {
    "missing column": (
        GOOD.replace("volume", "vol"),
        r"missing column\(s\): volume\. Found: timestamp, open, high, low, close, vol",
    ),
    "missing time column": (GOOD.replace("timestamp", "when"), r"missing column\(s\): timestamp \(or date/time\)"),
    "unparsable timestamp": (
        _replace_line(GOOD, 3, "yesterday noon,110,111,100,101,9"),
        r"row 3 \(file line 4\) has a timestamp that cannot be read: 'yesterday noon'",
    ),
    "date written as a number": (
        "date,open,high,low,close,volume\n20240101,1,2,0.5,1.5,3\n20240102,1,2,0.5,1.5,3\n",
        r"row 1 \(file line 2\) has the date '20240101', which reads as epoch seconds 1970-08-23 06:15, before 1990",
    ),
    "text in an epoch column": (
        "time,open,high,low,close,volume\n1704067200,1,2,0.5,1.5,3\n1704070800,1,2,0.5,1.5,3\nsoon,1,2,0.5,1.5,3\n",
        r"row 3 \(file line 4\) has a time that cannot be read: 'soon'",
    ),
    "empty epoch": (
        "time,open,high,low,close,volume\n1704067200,1,2,0.5,1.5,3\n,1,2,0.5,1.5,3\n",
        r"row 2 \(file line 3\) has an empty time",
    ),
    "unsorted rows": (
        _replace_line(GOOD, 3, "2023-12-31T02:00:00Z,110,111,100,101,9"),
        r"rows are not sorted by time: row 3 \(file line 4\)",
    ),
    "duplicate rows": (
        _replace_line(GOOD, 3, "2024-01-01T01:00:00Z,110,111,100,101,9"),
        r"row 3 \(file line 4\) repeats the timestamp of the previous row",
    ),
    "NaN value": (
        _replace_line(GOOD, 2, "2024-01-01T01:00:00Z,105,NaN,101,110,10"),
        r"row 2 \(file line 3\) has no high value",
    ),
    "empty value": (
        _replace_line(GOOD, 4, "2024-01-01T03:00:00Z,101,104,99,103,"),
        r"row 4 \(file line 5\) has no volume value",
    ),
    "text in a number": (
        _replace_line(GOOD, 2, "2024-01-01T01:00:00Z,105,112,101,1O0,10"),
        r"row 2 \(file line 3\) has a close that is not a number: '1O0'",
    ),
    "high below low": (
        _replace_line(GOOD, 4, "2024-01-01T03:00:00Z,101,99,104,103,7"),
        r"row 4 \(file line 5\) has high 99 below low 104",
    ),
    "non-positive price": (
        _replace_line(GOOD, 1, "2024-01-01T00:00:00Z,0,110,95,105,12"),
        r"row 1 \(file line 2\) has a non-positive open price \(0\)",
    ),
    "empty file": ("", r"is empty"),
    "header only": ("timestamp,open,high,low,close,volume\n", r"has a header but no data rows"),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_each_kind_of_bad_csv_gets_its_own_message(case: str) -> None:
    text, pattern = BAD_CASES[case]
    with pytest.raises(DataError, match=pattern) as info:
        load_csv(text.encode(), name="prices.csv")
    assert str(info.value).startswith("prices.csv")
    assert info.value.exit_code == 2
    assert info.value.hint  # every message says how to fix it


def test_the_messages_differ_between_kinds() -> None:
    messages = set()
    for text, _ in BAD_CASES.values():
        with pytest.raises(DataError) as info:
            load_csv(text.encode())
        messages.add(info.value.message)
    assert len(messages) == len(BAD_CASES)


def test_gaps_are_warnings_not_errors() -> None:
    text = _replace_line(GOOD, 4, "2024-01-01T07:00:00Z,101,104,99,103,7")
    data = load_csv(text)
    assert len(data.df) == 4
    assert (
        data.warnings
        and "1 gap(s)" in data.warnings[0]
        and "the largest gap is 4 bar(s) after 2024-01-01T02:00:00+00:00" in data.warnings[0]
    )


def test_resample_to_coarser_timeframes_aggregates_ohlcv() -> None:
    rows = ["timestamp,open,high,low,close,volume"]
    start = pd.Timestamp("2024-01-01T00:00:00Z")
    for i in range(8):
        t = start + pd.Timedelta(hours=i)
        rows.append(f"{t.isoformat()},{100 + i},{110 + i},{90 - i},{101 + i},{i + 1}")
    data = load_csv("\n".join(rows) + "\n")
    assert coarser_timeframes(data)[:3] == ["1h", "4h", "1d"]
    four = resample(data, "4h")
    assert four.timeframe == "4h"
    assert list(four.df["open"]) == [100, 104]
    assert list(four.df["high"]) == [113, 117]
    assert list(four.df["low"]) == [87, 83]
    assert list(four.df["close"]) == [104, 108]
    assert list(four.df["volume"]) == [10, 26]
    with pytest.raises(DataError, match="finer timeframe"):
        resample(four, "1h")
    with pytest.raises(DataError, match="Unknown timeframe"):
        resample(data, "3x")


def test_weekly_resample_of_the_sample_starts_on_mondays() -> None:
    weekly = resample(load_sample(), "1w")
    assert set(weekly.df.index.day_of_week) == {0}
    assert weekly.df["volume"].sum() == pytest.approx(load_sample().df["volume"].sum())
