"""Requests written as forms and lists, rewritten into the one sentence the pipeline reads.

"Pair: ETH/USDT / Timeframe: 4h / Entry: MACD crosses above signal / Size: 300 USDT" and
"Rules: 1. BTC, 1h chart 2. RSI below 35 3. close above the 200 EMA 4. both must hold -> buy 150 USDT"
become "ETH/USDT 4h. buy 300 USDT when MACD crosses above signal" and "BTC, 1h chart. buy 150 USDT when
RSI below 35 and close above the 200 EMA". Condition lines join with AND unless a line opens with
"or"/"또는" or a header says "any of"/"하나라도"; a joining that cannot be told is declined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.strategy.compiler.declines import decline
from core.strategy.compiler.lexicon import has_hangul
from core.strategy.compiler.symbols import find_exchanges, find_symbols
from core.strategy.compiler.timeframes import find_timeframes

_MARKER = re.compile(r"^\s*(?:[-*](?=\s)|[•·▪◦‣]|\d{1,2}\s*[.)](?!\d))\s*")
# "[매매 규칙]", "Rules:", "Setup:", "조건:", "매수 조건 (모두 만족):": a title that carries no meaning itself
_TITLE = re.compile(r"^\s*(?:\[[^\]]*\]|【[^】]*】)\s*$")
_TITLE_WORDS = re.compile(r"^\s*(?:trading\s+)?(?:rules?|setup|strategy|conditions?|plan|매매\s*규칙|규칙|전략|조건"
                          r"|매수\s*조건|매매\s*조건|진입\s*조건)\s*(?=$|[:(]|\s+for\b)", re.IGNORECASE)
_TITLE_TAIL = re.compile(r"\s*(?:매수|진입|매매)\s*조건\s*[:(]?\s*$")
_SETUP_FOR = re.compile(r"^\s*(?:setup|rules?|strategy|plan)\s+for\s+", re.IGNORECASE)
_OR_HEADER = re.compile(r"\b(?:any|either|one)\s+of(?:\s+these|\s+the\s+following)?\b|\beither\s+one\b|\bany\s+one\b"
                        r"|(?:아래\s*(?:조건\s*)?중\s*)?하나라도(?:\s*(?:맞으면|나오면|충족하면|만족하면|되면))?"
                        r"|둘\s*중\s*(?:하나(?:라도)?(?:면|만|이면)?)(?:\s*(?:맞으면|나오면|충족하면|만족하면))?",
                        re.IGNORECASE)
_AND_HEADER = re.compile(r"\ball\s+of(?:\s+these|\s+the\s+following)?\b|\b(?:both|all)\s+must\s+hold\b"
                         r"|\(?\s*(?:모두|전부|둘\s*다)\s*(?:만족|충족)(?:하면|할\s*때만?|시)?\s*\)?", re.IGNORECASE)
_ARROW = re.compile(r"^\s*(?:→|->|=>|⟶|then\b)\s*|\s*(?:→|->|=>|⟶)\s*")
_THEN_ACTION = re.compile(r"^(.*\S)\s+then\s+(.+)$", re.IGNORECASE)
_JOIN_LINE = re.compile(r"^\s*(?:or|또는|혹은|and|그리고)\s*$", re.IGNORECASE)
_LEAD_OR = re.compile(r"^\s*(?:or|또는|혹은)\s+", re.IGNORECASE)
_LEAD_AND = re.compile(r"^\s*(?:and|그리고)\s+", re.IGNORECASE)
# a line that is only an action with its amount: "→ 50 USDT 매수", "buy 60 USDT", "notify me"
_ACTION_ONLY = re.compile(r"^\s*(?:(?:buy|sell(?:\s+all)?|long|notify(?:\s+me)?|alert(?:\s+me)?|ping\s+me)"
                          r"(?:\s+\$?[\d.,]+\s*(?:k\b)?\s*(?:[a-z]{2,5}|만\s*원|원)?)?"
                          r"|(?:[\d.,]+\s*(?:[a-z]{2,5}|만\s*원|원)\s*)?(?:매수|매도|전량\s*매도|알림|알려\s*줘)"
                          r"(?:\s*(?:해\s*줘|해\s*주세요|하기))?)\s*[.!]?\s*$", re.IGNORECASE)
_FIELD = re.compile(r"^\s*([a-z가-힣][a-z가-힣 /]{0,20}?)\s*[:：]\s*(.+?)\s*$", re.IGNORECASE)
_CONTEXT_KEYS = {"pair", "symbol", "coin", "asset", "market", "ticker", "exchange", "venue", "timeframe",
                 "time frame", "chart", "interval", "종목", "코인", "거래소", "차트", "봉", "타임프레임", "주기"}
_ENTRY_KEYS = {"entry", "buy", "buy when", "entry condition", "entry rule", "진입", "매수", "진입 조건", "매수 조건"}
_EXIT_KEYS = {"exit", "sell", "sell when", "exit condition", "exit rule", "청산", "매도", "청산 조건", "매도 조건"}
_SIZE_KEYS = {"size", "amount", "position size", "order size", "금액", "수량", "매수 금액", "투자 금액"}
_TP_KEYS = {"take profit", "tp", "target", "익절"}
_SL_KEYS = {"stop loss", "stop", "sl", "손절"}
# inline labels inside one line: "Exchange: Binance. Pair: SOL/USDT. Timeframe: 4h."
_INLINE_LABEL = re.compile(r"(?:(?<=^)|(?<=[.,;]\s)|(?<=[.,;]))\s*(?:exchange|pair|symbol|coin|asset|timeframe|chart"
                           r"|종목|거래소|차트)\s*[:：]\s*", re.IGNORECASE)
# "매수 조건은 4시간봉 RSI 35 이하입니다": the condition of the buy said as a statement
_KO_STATEMENT = re.compile(r"(?:매수|진입)\s*조건은\s*(.+?)\s*(?:입니다|이에요|예요|임)\s*\.?\s*$")


@dataclass
class _Form:
    context: list[str] = field(default_factory=list)
    conditions: list[tuple[str, str]] = field(default_factory=list)  # (joiner said on the line, text)
    action: str = ""
    size: str = ""
    rules: list[str] = field(default_factory=list)
    exits: list[str] = field(default_factory=list)
    mode: str = ""  # "or" / "and" from a header or the action line, "" when none was said


# "..., both must hold", "둘 다 만족할 때만 ...": a sentence saying its conditions all hold, which is how
# they join already; with an "or" in the sentence it would say two things at once
_ALL_HOLD = re.compile(r",?\s*\b(?:both|all)\s+(?:must|need\s+to|have\s+to)\s+(?:hold|be\s+true|be\s+met)\b"
                       r"|,?\s*(?:둘\s*다|모두|전부)\s*(?:만족|충족)(?:할\s*때만|할\s*때|하면|시)", re.IGNORECASE)
_OR_WORD = re.compile(r"\b(?:or|either)\b|또는|혹은|이거나|하거나|거나", re.IGNORECASE)


def rewrite(text: str) -> str:
    """The request as one sentence when it is a form or a list; any other request comes back as it is."""
    if "\n" not in text:
        text = _all_hold(text)
    statement = _KO_STATEMENT.search(text) if "\n" not in text else None
    if statement:
        # "솔라나를 100 USDT 매수하고 ... 매수 조건은 RSI 35 이하입니다": the condition of the buy said before
        rest = text[:statement.start()].strip()
        text = f"{statement.group(1)} 시 {rest}" if "매수" in rest else f"{rest} {statement.group(1)} 시 매수".strip()
    text = _INLINE_LABEL.sub(" ", text).strip() if "\n" not in text else text
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < 2:
        return text
    ko = has_hangul(text)
    form = _Form()
    pending = ""
    for raw in lines:
        line = _MARKER.sub("", raw).strip()
        if _TITLE.match(line):
            continue
        if _JOIN_LINE.match(line):
            pending = "or" if re.match(r"\s*(?:or|또는|혹은)", line, re.IGNORECASE) else "and"
            continue
        line = _header(line, form)
        if not line:
            continue
        if _field(line, form, ko):
            continue
        lead = pending
        pending = ""
        if _LEAD_OR.match(line):
            lead, line = "or", _LEAD_OR.sub("", line)
        elif _LEAD_AND.match(line):
            lead, line = "and", _LEAD_AND.sub("", line)
        tail = _THEN_ACTION.match(line)
        if tail and _ACTION_ONLY.match(tail.group(2)) and not _has_action(tail.group(1)):
            # "- close above the 200 EMA\n→ notify me": the arrow line was joined onto the last condition
            if form.action:
                raise decline(f"two actions ('{form.action}', '{tail.group(2)}') for the same listed conditions.",
                              f"같은 조건 목록에 동작이 두 개입니다 ('{form.action}', '{tail.group(2)}').",
                              "ko" if ko else "en")
            form.action, line = tail.group(2).strip(), tail.group(1)
            form.conditions.append((lead, line.strip()))
            continue
        stripped = _ARROW.sub(" ", line).strip()
        if _is_context(stripped):
            form.context.append(stripped)
        elif _ACTION_ONLY.match(stripped):
            if form.action:
                raise decline(f"two actions ('{form.action}', '{stripped}') for the same listed conditions.",
                              f"같은 조건 목록에 동작이 두 개입니다 ('{form.action}', '{stripped}').",
                              "ko" if ko else "en")
            form.action = stripped
        elif _ARROW.search(line) or lead or not _has_action(line):
            form.conditions.append((lead, stripped))
        else:
            form.rules.append(stripped)
    return _sentence(form, ko, text)


def _all_hold(text: str) -> str:
    found = _ALL_HOLD.search(text)
    if found is None:
        return text
    if _OR_WORD.search(text):
        span = found.group(0).strip(" ,")
        raise decline(f"'{span}' says every condition must hold, but the sentence also joins some by 'or'; "
                      "say which conditions go together.",
                      f"'{span}'(모두 만족)인데 문장에 '또는'도 있습니다. 어떤 조건끼리 묶이는지 말해 주세요.",
                      "ko" if has_hangul(text) else "en")
    return (text[:found.start()] + (", " if found.group(0).lstrip().startswith(",") else " ")
            + text[found.end():]).strip(" ,")


def _is_context(line: str) -> bool:
    """"BTC, 1h chart", "이더리움 15분봉", "LINK on the 30m": only the market and the timeframe."""
    low = line.lower()
    hits = [(f.start, f.end) for f in find_timeframes(low)] + [(s.start, s.end) for s in find_symbols(low, line)]
    hits += [(e.start, e.end) for e in find_exchanges(low)]
    if not hits:
        return False
    for start, end in sorted(hits, reverse=True):
        low = low[:start] + " " + low[end:]
    return not re.sub(r"\b(?:chart|on|the|candles?)\b|기준|차트|에서|[,.:/\s]", "", low)


def _has_action(line: str) -> bool:
    return bool(re.search(r"\b(?:buy|sell|notify|alert|ping|long|short|dump|scoop|grab|trim)\b"
                          r"|매수|매도|알림|알려|사\s*줘|팔아|익절|손절|take\s+profit|stop\s*loss",
                          line, re.IGNORECASE))


def _header(line: str, form: _Form) -> str:
    """The line without its title words and joining phrase (which set the form's mode)."""
    titled = line.rstrip().endswith(":") or bool(_OR_HEADER.search(line) or _AND_HEADER.search(line))
    for regex, mode in ((_OR_HEADER, "or"), (_AND_HEADER, "and")):
        found = regex.search(line)
        if found:
            if form.mode and form.mode != mode:
                raise decline(f"the list says both 'any' and 'all' ('{line}'); say which one.",
                              f"목록이 '하나라도'와 '모두'를 함께 말합니다 ('{line}'). 하나만 말해 주세요.",
                              "ko" if has_hangul(line) else "en")
            form.mode = mode
            before, after = line[:found.start()], _ARROW.sub(" ", line[found.end():]).strip(" ()")
            if after and _ACTION_ONLY.match(after):
                form.action, line = after, before.replace("(", " ")
            else:
                line = f"{before} {after}"
    line = _SETUP_FOR.sub("", line)
    line = _TITLE_WORDS.sub("", line)
    line = _TITLE_TAIL.sub("", line)
    line = re.sub(r"\(\s*\)", " ", line)
    line = re.sub(r"\s+", " ", line).strip(" :,")
    if line.endswith(":"):
        line = line[:-1].strip()
    line = re.sub(r"\b(?:if|when)\s*$", "", line, flags=re.IGNORECASE).strip(" ,")
    line = re.sub(r"(?:면|이면|하면|나오면)\s*$", "", line).strip() if not _has_action(line) else line
    # "notify me" left of a header ("notify me if any of:") is the list's action
    if titled and re.fullmatch(r".*\b(?:notify|alert|ping)\s+me", line, re.IGNORECASE | re.DOTALL):
        head, act, _ = re.split(r"(\b(?:notify|alert|ping)\s+me)", line, maxsplit=1, flags=re.IGNORECASE)[0:3]
        form.action = act.strip()
        line = head.strip(" ,:")
        if line:
            form.context.append(line)
        return ""
    if titled and line and re.fullmatch(r"(?:.*\s)?(?:알림|알려\s*줘)", line):
        form.action = "알림"
        line = re.sub(r"(?:알림|알려\s*줘)$", "", line).strip()
        if line:
            form.context.append(line)
        return ""
    return line


def _field(line: str, form: _Form, ko: bool) -> bool:
    m = _FIELD.match(line)
    if not m:
        return False
    key, value = re.sub(r"\s+", " ", m.group(1).strip().lower()), m.group(2).strip().rstrip(".")
    if key in _CONTEXT_KEYS:
        form.context.append(_INLINE_LABEL.sub(" ", value).strip())
    elif key in _ENTRY_KEYS:
        form.conditions.append(("", value))
    elif key in _SIZE_KEYS:
        form.size = value
    elif key in _EXIT_KEYS:
        if re.search(r"\b(?:tp|sl|take\s+profit|stop\s*loss)\b|익절|손절", value, re.IGNORECASE):
            form.exits.append(value)
        elif ko:
            form.rules.append(f"{value} 매도" if value.endswith("전량") else f"{value} 시 전량 매도")
        else:
            form.rules.append(f"sell all when {value}")
    elif key in _TP_KEYS:
        form.exits.append(f"{'익절' if ko else 'take profit'} {value}")
    elif key in _SL_KEYS:
        form.exits.append(f"{'손절' if ko else 'stop loss'} {value}")
    else:
        return False
    return True


# a Korean condition that ends in a verbal noun ("상향 돌파", "하락") joins as a verb: "돌파하거나", "하락하면"
_VERBAL = re.compile(r"(?:돌파|이탈|하락|상승|전환|회복|터치|급등|급락|폭등|폭락)$")


def _joined(conditions: list[str], mode: str, ko: bool) -> str:
    if not ko:
        return f" {mode} ".join(conditions)
    out = []
    for i, cond in enumerate(conditions):
        last = i == len(conditions) - 1
        if _VERBAL.search(cond):
            out.append(cond + ("하면" if last else "하거나 " if mode == "or" else "하고 "))
        else:
            out.append(cond + (" 시" if last else " 또는 " if mode == "or" else " 그리고 "))
    return "".join(out)


def _sentence(form: _Form, ko: bool, text: str) -> str:
    lang = "ko" if ko else "en"
    parts = [", ".join(form.context)] if form.context else []
    if form.conditions:
        joiners = {lead for lead, _ in form.conditions[1:]}
        span = " / ".join(c for _, c in form.conditions)
        if form.mode and joiners - {"", form.mode}:
            other = (joiners - {"", form.mode}).pop()
            raise decline(f"the list says '{'any of' if form.mode == 'or' else 'all of'}' but a line is joined by "
                          f"'{other}' ('{span}'); say which one.",
                          f"목록의 '모두/하나라도'와 줄의 '그리고/또는'이 맞지 않습니다 ('{span}').", lang)
        if "or" in joiners and ("" in joiners or "and" in joiners) and len(form.conditions) > 2:
            raise decline(f"it is unclear which listed conditions 'or' joins ('{span}'); say 'any of' or 'all of'.",
                          f"목록의 어떤 조건을 '또는'으로 잇는지 알 수 없습니다 ('{span}').", lang)
        mode = form.mode or ("or" if "or" in joiners else "and")
        conds = _joined([c for _, c in form.conditions], mode, ko)
        action = form.action
        if not action and not form.size and form.rules:
            return text  # "notify me when A / or when B": the lines continue a rule, which the clauses read
        if form.size:
            if action and re.search(r"\d", action):
                raise decline(f"two amounts ('{form.size}', '{action}') for the buy.",
                              f"매수 금액이 두 개입니다 ('{form.size}', '{action}').", lang)
            action = f"{form.size} 매수" if ko else f"buy {form.size}"
        if not action:
            if form.rules or form.exits:
                action = "매수" if ko else "buy"
            else:
                return text
        parts.append(f"{conds} {action}" if ko else f"{action} when {conds}")
    elif form.action or form.size:
        return text
    parts += form.rules + form.exits
    return ". ".join(p.strip().rstrip(".") for p in parts if p.strip())
