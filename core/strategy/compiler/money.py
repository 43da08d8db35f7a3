"""Money and big numbers as traders write them: 5만원, 10만 원, 1억 5천만, 3천원, 십만원, 100k, 1.5m, $200.

Korean counts in myriads: 만 = 10⁴, 억 = 10⁸, with 천/백 = 10³/10² as sub-units ("5천만" = 5 × 10³ × 10⁴).
An amount in won (원, KRW, ₩, or a Korean scale word with no other currency) is a KRW amount.
"""

from __future__ import annotations

import re

NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
# One or more "<number><scale>" groups: "1억 5천만", "50만", "3천".
_KO_GROUP = r"\d+(?:\.\d+)?\s*(?:천만|백만|십만|억|만|천|백(?!분)|십(?=\s*만))"
KO_SCALED = rf"(?:{_KO_GROUP})(?:\s*{_KO_GROUP})*(?:\s*\d+(?!\s*[.\d]))?"
# The groups alone, for a price level: "5만 20일선" is 5만 and the 20-day line, not 50,020.
KO_GROUPS_RE = re.compile(rf"(?:{_KO_GROUP})(?:\s*{_KO_GROUP})*")
_SCALE_WORD = {"억": 100_000_000, "천만": 10_000_000, "백만": 1_000_000, "만": 10_000, "천": 1_000}
_GROUP_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(천만|백만|십만|억|만|천|백|십)")
_SMALL = {"천": 1_000, "백": 100, "십": 10}
EN_SCALE = {"k": 1_000, "m": 1_000_000, "mm": 1_000_000, "million": 1_000_000}
# "10만원치", "5만 원어치", "200usdt치": "worth of", glued or spaced, part of the amount it follows.
WORTH = r"(?:\s*(?:어치|치)(?:[를을의도]|로)?(?![가-힣]))?"
# Hangul numerals in money: "십만원", "오십만 원", "백만원", "천만원", "일억", "이십오만원".
_HD = "일이삼사오육칠팔구"
_HSMALL = rf"(?:[{_HD}]?천)?(?:[{_HD}]?백)?(?:[{_HD}]?십)?[{_HD}]?"
_HANGUL = (rf"(?<![가-힣])(?=[{_HD}십백천만억]*[십백천만억])(?:{_HSMALL}억)?(?:\s*{_HSMALL}만)?(?:\s*{_HSMALL})"
           rf"(?<=[{_HD}십백천만억])")
# A price level in Hangul numerals is read only with its currency: "구천오백만원", "오만 달러".
HANGUL_PRICE = re.compile(rf"(?<![\d.\s])\s*({_HANGUL})\s*(?:원|krw|달러|불(?!장|안))")
_HDIGIT = {ch: i + 1 for i, ch in enumerate(_HD)}
_HUNIT = {"십": 10, "백": 100, "천": 1_000}

# Won amounts: "50만원", "10만 원", "30,000원", "₩50000", "1억", "5천만원어치", "100000 krw".
WON = re.compile(
    rf"(?:₩\s*(?P<w1>{NUM})"
    rf"|(?P<k>{KO_SCALED})\s*(?:원|krw|₩)?"
    rf"|(?P<n>{NUM})\s*(?P<s>k|m|million)?\s*(?:원|krw|₩|won)(?![a-z])"
    # a Hangul numeral is money only with 원 after it or ending in 억 ("일억"); "이만" alone is a word
    rf"|(?P<h>{_HANGUL})(?:\s*(?:원|krw|₩)|(?<=억))"
    rf"){WORTH}",
    re.ASCII,
)


def clean(value: float) -> float:
    return int(value) if float(value).is_integer() else value


def korean_number(text: str) -> float:
    """ "1억 5천만" → 150000000, "50만" → 500000, "3천" → 3000, "9천5백만" → 95000000.

    천/백 count inside a myriad: "9천5백만" is (9천 + 5백) × 만, not 9천 + 5백만. After 억 the next
    group counts in 만, as it is said: "1억 5천" is 1억 5천만 and "1억 2000" is 1억 2000만 (nobody
    prices a coin at 100,005,000 won by saying "1억 5천").
    """
    total = section = 0.0
    last_big = ""
    pos = 0
    for m in _GROUP_RE.finditer(text):
        number, unit = float(m.group(1)), m.group(2)
        if unit in _SMALL:
            section += number * _SMALL[unit]
        elif unit in ("천만", "백만", "십만"):
            total += (section + number * _SMALL[unit[0]]) * 10_000
            section, last_big = 0.0, "만"
        else:
            total += (section + number) * (10_000 if unit == "만" else 100_000_000)
            section, last_big = 0.0, unit
        pos = m.end()
    rest = text[pos:].strip()
    if rest and rest.replace(".", "", 1).isdigit():
        section += float(rest)
    return clean(total + section * (10_000 if last_big == "억" and section < 10_000 else 1))


def won(m: re.Match[str]) -> float:
    """The value of a ``WON`` match."""
    if m.group("k"):
        return korean_number(m.group("k"))
    if m.group("h"):
        return hangul_number(m.group("h"))
    if m.group("w1"):
        return clean(float(m.group("w1").replace(",", "")))
    return scaled(m.group("n"), m.group("s"))


def scaled(number: str, scale: str | None) -> float:
    """ "100" + "k" → 100000; "1.5" + "m" → 1500000; Korean scales too."""
    value = float(number.replace(",", ""))
    if scale:
        value *= EN_SCALE.get(scale, _SCALE_WORD.get(scale, 1))
    return clean(value)


def hangul_number(text: str) -> float:
    """ "십만" → 100000, "오십만" → 500000, "일억 오천만" → 150000000, "천만" → 10000000.

    As with digits, a bare 천/백 group after 억 counts in 만 ("일억 오천" is 1억 5천만).
    """
    total, section, digit, after_eok = 0, 0, 0, False
    for ch in text.replace(" ", ""):
        if ch in _HDIGIT:
            digit = _HDIGIT[ch]
        elif ch in _HUNIT:
            section += (digit or 1) * _HUNIT[ch]
            digit = 0
        else:  # 만 or 억
            total += (section + digit or 1) * (10_000 if ch == "만" else 100_000_000)
            after_eok = after_eok or ch == "억"
            section = digit = 0
    rest = section + digit
    return clean(total + (rest * 10_000 if after_eok and rest else rest))
