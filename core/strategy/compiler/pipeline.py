"""compile_prompt: a Korean or English strategy sentence to a validated strategy graph, or a decline.

Steps, each its own function: read the request (size, scope) → find the market (coin, quote,
exchange) and the timeframe → exits, amounts and actions → clauses and their conditions → rules →
defaults (listed as assumptions) → contradiction checks → graph → the validator as a safety net.
Every word of the prompt is consumed by one of these steps or is known filler; anything else
makes the compiler decline and name it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.strategy.compiler import actions as act
from core.strategy.compiler.builder import Rule, build_strategy
from core.strategy.compiler.checks import contradiction
from core.strategy.compiler.conditions import Context
from core.strategy.compiler.declines import decline
from core.strategy.compiler.forms import rewrite as rewrite_form
from core.strategy.compiler.indicators import CompileProblem
from core.strategy.compiler.lexicon import UNSUPPORTED, blank, has_hangul, unify
from core.strategy.compiler.market import Market, resolve
from core.strategy.compiler.money import korean_number
from core.strategy.compiler.moves import DAY_BEFORE, PREV_CANDLE_KO, PREV_CLOSE_EN, SPIKE, spike_multiple
from core.strategy.compiler.plausible import USD_RANGE, any_price, krw_price, only_won, usd_price
from core.strategy.compiler.rules import build_rules, units_of
from core.strategy.compiler.social import drop_social
from core.strategy.compiler.symbols import KRW_WORDS, NON_CRYPTO, WON_SAID, SymbolHit, find_exchanges, find_symbols
from core.strategy.compiler.synonyms import plain_words
from core.strategy.compiler.timeframes import DEFAULT, SUPPORTED, find_timeframes
from core.strategy.explain import default_name
from core.strategy.validation import validate

MAX_PROMPT = 1_000
# "around 30", "~30", "30 근처", "6만 달러 정도": an approximate level; the graph needs an exact one
_APPROX = re.compile(r"\b(?:around|about|roughly|approximately|approx\.?|circa)\s+\$?\d|\bnear(?:ly)?\b|\bclose\s+to\b"
                     r"|(?<![\d\s~])\s*~\s*(?=\d)|^~(?=\s*\d)|근처|부근|언저리|(?<![가-힣])약\s*(?=\d)|\d\s*(?:[가-힣]*\s*)?(?:쯤|정도)",
                     re.ASCII)
# "buy when RSI < 30 once", "once a day": a count of trades, which the format has no place for ("once RSI
# drops" is "as soon as" and stays)
_COUNTED = re.compile(r"\bonce\s*(?=$|[,.;!?]|\b(?:a|per|every|each)\s+(?:day|hour|week|candle|bar)\b)", re.ASCII)
_DOT_THOUSANDS = re.compile(r"(?<![\d.,])[1-9]\d{0,2}\.\d{3}(?![\d.]|\s*(?:%|퍼센트|프로))")
_DAYS = re.compile(r"\d+\s*-?\s*days?\s*(?:sma|ema|ma|moving|line|average)|\bthe\s+\d+\s*-\s*day\b"
                   r"|\d+\s*일\s*(?:선|이동|이평|ema|sma|ma)", re.ASCII)
DEFAULT_BUY = {"USDT": 100, "USDC": 100, "BUSD": 100, "USD": 100, "KRW": 100_000}


@dataclass
class Compiled:
    strategy: dict[str, Any]
    notes: list[str] = field(default_factory=list)  # assumptions made (default amount, timeframe, ...)
    language: str = "en"


def language_of(text: str, language: str | None = None) -> str:
    if language in ("ko", "en"):
        return language
    return "ko" if has_hangul(text) else "en"


def compile_prompt(prompt: str, language: str | None = None) -> Compiled:
    # the description quotes the request as written; the rules read it with social phrases dropped
    said = unify(prompt or "").strip()
    original = plain_words(drop_social(said)).strip()
    lang = language_of(original, language)
    original = rewrite_form(original)
    text = _read(original, lang)
    notes: list[str] = []
    symbols = find_symbols(text, original)
    interval, text = _timeframe(text, lang, notes)
    exchanges = find_exchanges(text)
    krw_said = bool(WON_SAID.search(text))
    for hit in exchanges:
        text = blank(text, hit.start, hit.end)
    try:
        bases = {s.base for s in symbols} or {"BTC"}
        exits, text = act.find_exits(text, price_like=lambda v: any(any_price(b, v) for b in bases))
    except CompileProblem as exc:
        raise decline(f"{exc}.", f"{exc.ko}.", lang) from None
    amounts = act.find_amounts(text, symbols)
    actions = act.find_actions(text)
    used = act.assign_amounts(actions, amounts, text)
    lone = act.lone_amount(actions, amounts, used, text)
    used += [lone] if lone else []
    for span in [*used, *actions, *symbols]:
        text = blank(text, span.start, span.end)
    for m in list(KRW_WORDS.finditer(text)):  # "원화 마켓", a lone "KRW": the market, already read
        text = blank(text, m.start(), m.end())
    if not krw_said and not exchanges and not any(s.explicit for s in symbols) \
            and not any(a.unit in ("USDT", "QUOTE") for a in used):
        krw_said = _won_by_size(text, original, symbols, lang, notes)
    market = resolve(symbols, exchanges, krw_said, used, lang, notes)
    _quote_amounts(actions, used, original, market, lang, notes)
    quote_said = bool(exchanges) or any(s.explicit for s in symbols) or any(a.unit == "USDT" for a in used)
    _no_currency_price(text, original, market, quote_said, lang)
    if not actions and exits.take_profit is None and exits.stop_loss is None:
        raise decline("I found nothing to do (buy, sell or notify).",
                      "무엇을 할지(매수, 매도, 알림)를 찾지 못했습니다.", lang)
    ctx = Context(interval)
    ctx.no_position = all(a.kind != "sell" for a in actions) and exits.take_profit is None and exits.stop_loss is None
    rules = _rules(text, actions, ctx, market, lang, exits)
    notes.extend(ctx.notes)
    notes.extend(_in_language(n, lang) for r in rules for chain in r.chains for c in chain for n in c.notes)
    spike = SPIKE.search(original.lower())
    if spike:
        times = spike_multiple(spike)
        notes.append(f"volume spike read as volume > {times} × its 20-bar average" if lang == "en"
                     else f"거래량 급증을 20봉 평균의 {times}배 초과로 해석")
    _defaults(rules, market, lang, notes)
    reason = contradiction(rules)
    if reason:
        raise decline(f"{reason[0]}.", f"{reason[1]}.", lang)
    notes = list(dict.fromkeys(notes))
    strategy = build_strategy(rules, symbol=market.symbol, interval=interval, take_profit=exits.take_profit,
                              stop_loss=exits.stop_loss, name="", description=_description(said, notes, lang),
                              lang=lang, exchange=market.exchange)
    strategy["name"] = default_name(strategy, lang)
    # Safety net: whatever the phrase rules produced, never hand out a graph that breaks a rule.
    report = validate(strategy)
    if not report.valid:
        first = report.errors[0]
        raise decline(f"the result would be invalid ({first.code}: {first.message}).",
                      f"결과가 규칙에 어긋납니다 ({first.code}: {first.message}).", lang)
    return Compiled(strategy, notes, lang)


_PERIOD_NOTE = re.compile(r"^(\w+) period not given; (\d+) used$")
_AVG_NOTE = re.compile(r"^average period not given; (\d+) candles used$")


def _in_language(note: str, lang: str) -> str:
    """Period defaults are noted in English where they are read; a Korean request gets them in Korean."""
    if lang != "ko":
        return note
    note = _PERIOD_NOTE.sub(lambda m: f"{m.group(1)} 기간이 없어 {m.group(2)} 사용", note)
    return _AVG_NOTE.sub(lambda m: f"평균 기간이 없어 {m.group(1)}봉 사용", note)


def _read(original: str, lang: str) -> str:
    """The lower-cased request, or a decline when it is empty, too long or out of scope."""
    if not original:
        raise decline("the request is empty.", "요청이 비어 있습니다.", lang)
    if len(original) > MAX_PROMPT:
        raise decline(f"the request is longer than {MAX_PROMPT} characters.",
                      f"요청이 {MAX_PROMPT}자를 넘습니다.", lang)
    text = original.lower()
    # a comparison with the day or the candle before is a window, not an earlier candle's value
    windows = [(m.start(), m.end()) for regex in (DAY_BEFORE, PREV_CLOSE_EN, PREV_CANDLE_KO)
               for m in regex.finditer(text)]
    for regex, name, name_ko in UNSUPPORTED:
        found = next((f for f in regex.finditer(text) if not any(a <= f.start() < b for a, b in windows)), None)
        if found:
            span = original[found.start():found.end()].strip()
            raise decline(f"'{span}' is {name}, which the strategy format cannot express.",
                          f"'{span}'({name_ko})은(는) 전략 형식으로 표현할 수 없습니다.", lang)
    asset = NON_CRYPTO.search(text)
    if asset:
        raise decline(f"'{original[asset.start():asset.end()]}' is not a crypto asset; the offline engine trades "
                      "crypto pairs such as BTC/USDT or BTC/KRW.",
                      f"'{original[asset.start():asset.end()]}'은(는) 암호화폐가 아닙니다. 오프라인 엔진은 BTC/USDT, "
                      "BTC/KRW 같은 코인만 다룹니다.", lang)
    counted = _COUNTED.search(text)
    if counted:
        raise decline("'once': a strategy acts each time its condition holds; how many times it trades is not "
                      "in the format (leave 'once' out, or add a condition that limits it).",
                      "'once'(한 번): 전략은 조건이 맞을 때마다 실행됩니다. 거래 횟수 제한은 형식에 없습니다.", lang)
    approx = _APPROX.search(text)
    if approx:
        start, end = approx.start(), approx.end()
        while start > 0 and not original[start - 1].isspace():
            start -= 1
        while end < len(original) and not original[end].isspace():
            end += 1
        span = original[start:end].strip()
        raise decline(f"'{span}' is an approximate value; a strategy compares with an exact one (say e.g. 'below 30' "
                      "or 'drops below 60000').",
                      f"'{span}'은(는) 대략적인 값입니다. 전략은 정확한 값과 비교합니다 (예: '30 아래', "
                      "'6만 달러 아래로 떨어지면').", lang)
    dotted = _DOT_THOUSANDS.search(text)
    if dotted:  # "60.000" is 60 with three decimals, or 60,000 written the European way
        span = dotted.group(0)
        whole = span.replace(".", "")
        raise decline(f"'{span}' could be {float(span):g} or {int(whole):,}; write it without the dot "
                      f"('{int(whole)}') or with fewer decimals.",
                      f"'{span}'이(가) {float(span):g}인지 {int(whole):,}인지 알 수 없습니다. 점 없이 "
                      f"'{int(whole)}'처럼 써 주세요.", lang)
    if act.PARTIAL_SELL.search(text):
        raise decline("selling a percentage of the position is not in the format; say 'sell all' or a coin amount.",
                      "포지션의 일부 비율 매도는 형식에 없습니다. '전량 매도'나 코인 수량으로 말해 주세요.", lang)
    return text


# A price in Korean myriads with no currency ("1억 넘으면"): won or dollars? Amounts in 만/억 are won,
# but a price level on a market whose quote was only assumed would be a guess either way.
# (atomic: "8천7백만원" is one number in won, never its "8천7백" with no currency)
_BARE_KO_PRICE = re.compile(r"(?<![\d.])(?>\d+(?:\.\d+)?\s*(?:억|천만|백만|만|천|백)"
                            r"(?:\s*\d+\s*(?:천만|백만|만|천|백))*)(?!\s*(?:원|달러|불|usdt|usd|krw|₩|배|%|퍼센트|프로|봉|개|\d))")


def _won_by_size(text: str, original: str, symbols: list[SymbolHit], lang: str, notes: list[str]) -> bool:
    """"비트 1억 뚫으면": a price with no currency that only won can be (no bitcoin trades at 100,000,000
    dollars) makes the market a won market; any price that could also be dollars leaves it undecided."""
    bases = {s.base for s in symbols}
    found = list(_BARE_KO_PRICE.finditer(text))
    if len(bases) != 1 or not found:
        return False
    base = next(iter(bases))
    if not all(only_won(base, korean_number(m.group(0))) for m in found):
        return False
    for m in found:
        span = original[m.start():m.end()].strip()
        notes.append(f"'{span}' read as won (KRW): a {base} price of that size is only ever in won" if lang == "en"
                     else f"'{span}'을(를) 원화 가격으로 해석 ({base}가 그 값이 될 수 있는 건 원화뿐)")
    return True


def _no_currency_price(text: str, original: str, market: Market, quote_said: bool, lang: str) -> None:
    for m in _BARE_KO_PRICE.finditer(text):
        value = korean_number(m.group(0))
        fits = usd_price if market.quote == "USDT" else krw_price if market.quote == "KRW" else None
        if fits is not None and market.base in USD_RANGE and not fits(market.base, value):
            # "바이낸스 비트 1억 넘으면": no bitcoin trades at 100,000,000 dollars; the market and the number disagree
            span = original[m.start():m.end()].strip()
            raise decline(f"'{span}' is not a {market.quote} price {market.base} could have on {market.symbol}; "
                          f"write the price in {market.quote}{' (e.g. 10만 달러)' if market.quote == 'USDT' else ''}.",
                          f"'{span}'은(는) {market.symbol}에서 {market.base}가 가질 수 있는 {market.quote} 가격이 "
                          f"아닙니다. {'달러' if market.quote == 'USDT' else '원화'} 가격으로 써 주세요.", lang)
    found = _BARE_KO_PRICE.search(text)
    if found is None or market.quote != "USDT" or quote_said:
        return
    span = original[found.start():found.end()].strip()
    raise decline(f"'{span}' has no currency: write '{span}원' for a won (KRW) price or give it in dollars "
                  "(e.g. '10만 달러').",
                  f"'{span}'이(가) 원인지 달러인지 없습니다. 원화 가격이면 '{span}원', "
                  "달러면 '10만 달러'처럼 써 주세요.",
                  lang)


def _quote_amounts(actions: list[act.Action], used: list[act.Amount], original: str, market: Market, lang: str,
                   notes: list[str]) -> None:
    """"2.5k of ETH" is money in the pair's quote; in won it would be 2,500 KRW, which nobody means."""
    for amount in (a for a in used if a.unit == "QUOTE"):
        span = original[amount.start:amount.end].strip()
        if market.quote != "USDT":
            raise decline(f"'{span}' has no currency: write e.g. '{span} USDT' or a won amount such as '250만원'.",
                          f"'{span}'에 통화가 없습니다. '{span} USDT'나 '250만원'처럼 써 주세요.", lang)
        notes.append(f"'{span}' read as {amount.value:,} USDT" if lang == "en"
                     else f"'{span}'을(를) {amount.value:,} USDT로 해석")
    for action in actions:
        if action.unit == "QUOTE":
            action.unit = "USDT"


def _timeframe(text: str, lang: str, notes: list[str]) -> tuple[str, str]:
    frames = find_timeframes(text)
    bad = [f for f in frames if f.interval is None]
    if bad:
        raise decline(f"the timeframe '{bad[0].text.strip()}' is not supported (use {', '.join(SUPPORTED)}).",
                      f"'{bad[0].text.strip()}' 봉은 지원하지 않습니다 ({', '.join(SUPPORTED)} 사용).", lang)
    intervals = list(dict.fromkeys(f.interval for f in frames))
    if len(intervals) > 1:
        raise decline(f"it names several timeframes ({', '.join(map(str, intervals))}); a strategy reads one.",
                      f"봉 기준이 여러 개({', '.join(map(str, intervals))})입니다. 하나만 말해 주세요.", lang)
    if not frames:
        # "the 20-day EMA", "50일선" with no chart named: daily candles, where the period is in days.
        default = "1d" if _DAYS.search(text) else DEFAULT
        notes.append(f"no timeframe given; {default} used" if lang == "en" else f"봉 기준이 없어 {default} 사용")
        return default, text
    for frame in frames:
        text = blank(text, frame.start, frame.end)
    return (intervals[0] or DEFAULT) if intervals else DEFAULT, text


_ANY_OF = re.compile(r"\b(?:any|one|either)\s+of\b|하나라도|중\s*하나|어느\s*하나", re.ASCII)


def _rules(text: str, actions: list[act.Action], ctx: Context, market: Market, lang: str,
           exits: act.Exits) -> list[Rule]:
    try:
        units = units_of(text, actions, ctx)
    except CompileProblem as exc:
        raise decline(f"{exc}.", f"{exc.ko}.", lang) from None
    problems = [p for u in units for p in u.segment.problems]
    if problems:
        en, ko = problems[0]
        raise decline(f"I could not read this part: {en}" + ("" if en.endswith("?") else "."),
                      f"이 부분을 이해하지 못했습니다: {ko}" + ("" if ko.endswith("?") else "."), lang)
    if _ANY_OF.search(text):
        # "notify me if any of: * A * B": the list items are alternatives, which the clause reader would AND
        raise decline("'any of' a list: write the conditions joined by 'or' (e.g. 'when the close is above the "
                      "upper band or below the lower band').",
                      "'하나라도' 목록입니다. 조건을 '또는'으로 이어서 써 주세요 (예: 'RSI 25 밑으로 떨어지거나 "
                      "볼린저 하단을 이탈하면').", lang)
    rules = build_rules(units, market.symbol, lang)
    same = next((c for r in rules for chain in r.chains for c in chain if str(c.left) == str(c.right)), None)
    if same is not None:
        # a comparison of a value with itself is never what a trader meant
        raise decline(f"'{same.left}' is compared with itself.", f"'{same.left}'을(를) 자기 자신과 비교합니다.", lang)
    if any(spec.kind == "buy" for r in rules for spec in r.actions
           if any(c.left == "position_pnl_pct" for chain in r.chains for c in chain)):
        # "buy at -5%": a buy on the position's own gain or loss (buying more of what is held) is not a
        # strategy the format's single position can mean; the trader may have meant the price's move
        raise decline("a buy conditioned on the position's own gain or loss ('buy at -5%'); say what moved, e.g. "
                      "'buy when the price is down 5% in 24 hours'.",
                      "포지션 수익률에 따라 매수하는 조건입니다. 무엇이 움직였는지 말해 주세요 "
                      "(예: '24시간 동안 5% 떨어지면 매수').", lang)
    has_exit = exits.take_profit is not None or exits.stop_loss is not None
    if not rules and not has_exit:
        raise decline("I found no condition saying when to act (e.g. 'when RSI is below 30').",
                      "언제 실행할지 조건을 찾지 못했습니다 (예: 'RSI가 30 아래로 떨어지면').", lang)
    if not rules:
        raise decline("only an exit (take profit / stop loss) was given; say also when to buy.",
                      "익절/손절만 있고 매수 조건이 없습니다.", lang)
    return rules


def _defaults(rules: list[Rule], market: Market, lang: str, notes: list[str]) -> None:
    for rule in rules:
        for spec in rule.actions:
            if spec.kind == "buy" and spec.amount is None and market.quote not in DEFAULT_BUY:
                # 100 of a BTC- or ETH-quoted pair would be 100 BTC: no default is safe there
                raise decline(f"no amount to buy is given for {market.symbol}; say how much (e.g. '0.01 "
                              f"{market.quote}' or '0.5 {market.symbol.split('/')[0]}').",
                              f"{market.symbol} 매수 금액이 없습니다. 얼마나 살지 말해 주세요 (예: '0.01 "
                              f"{market.quote}어치', '0.5개').", lang)
            if spec.kind == "buy" and spec.amount is None:
                spec.amount, spec.unit = DEFAULT_BUY[market.quote], market.quote
                notes.append(f"no amount given; {spec.amount:,} {market.quote} used" if lang == "en"
                             else f"금액이 없어 {spec.amount:,} {market.quote} 사용")
            elif spec.kind == "sell" and spec.amount is None:
                spec.amount = "all"
                notes.append("no amount to sell given; the whole position is sold" if lang == "en"
                             else "매도 수량이 없어 전량 매도")
            if isinstance(spec.amount, int | float) and spec.amount <= 0:
                raise decline(f"the amount {spec.amount} is not above zero.",
                              f"수량 {spec.amount}은(는) 0보다 커야 합니다.", lang)


def _description(original: str, notes: list[str], lang: str) -> str:
    quoted = original if len(original) <= 300 else original[:299] + "…"
    if lang == "ko":
        text = f"오프라인 규칙 엔진이 변환한 전략: “{quoted}”"
        return text + ("\n가정:\n" + "\n".join(f"- {n}" for n in notes) if notes else "")
    text = f"Compiled offline from: “{quoted}”"
    return text + ("\nAssumptions:\n" + "\n".join(f"- {n}" for n in notes) if notes else "")
