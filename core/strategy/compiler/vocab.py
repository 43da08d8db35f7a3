"""Coverage: which leftover words are harmless filler, and what an unknown word most likely meant.

After every rule has consumed its span, what is left of a prompt must be filler ("the", "please",
"이면", "해줘"). Anything else could carry meaning the graph would not have, so the compiler
declines and names the word, with the nearest thing it understands ("'마크디' — MACD를 말씀하신
건가요?").

Korean glues particles and verb endings to stems, so a Korean word is filler when peeling known
endings off it leaves a filler stem (or nothing).
"""

from __future__ import annotations

import difflib
import functools
import re

from core.strategy.explain_phrases import josa

_EN_FILLER_TEXT = """
the when whenever if its it it's is are was were be been being goes go going gets get got then also please me
my i you we our of on at for with chart charts candle candles candlestick bar bars timeframe frame every each
worth and or to by in a an as from into onto up down this that there here now currently just once again same
time times should would could can will do does did let lets want like wanna some any coin coins token tokens
position trade trading strategy using use based signal signals level levels line lines zone area market both
either new than over under price hits hit reaches reach reached rise rises rising rose climbs climb climbed
jumps jump jumped moves move moved falls fall fell falling drops drop dropped dropping dips dip dipped sinks
sink slips slip slides slide pushes push pops pop spikes spike flips flip turns turn turned crosses cross
crossed goes went stays stay holds hold trades is gets value values reading period periods length day
days hour hours minute minutes week weeks automatically auto immediately right away which what so
too very ok okay hey hi kindly asap say something value bot alert me my mine our spot amount size usd usdt
dollars dollar worth close closes closed closing candle's level's line's its long entry price's
remains remain remained sits sit sitting staying holding trading
hello hiya thanks thank thx pls plz guys folks bro yo make build create set setup write need
holdings holding bag stack completely fully entirely soon scalp swing i'd i'll i'm i've possible plan looking
asset pair symbol condition conditions action actions tf sorry gm frens lfg holder trader
"""
EN_FILLER = frozenset(_EN_FILLER_TEXT.split())

# Korean filler stems (what remains after peeling endings). Verb stems of motion and state are
# filler because the comparator / cross rules already read them.
_KO_STEMS_TEXT = """
졌 졌을 갔 갔을 왔 왔을 마켓 거래소 원화 코인을 종목 기준으로
때 경우 구간 영역 권 범위 상태 상황 쪽 값 선 라인 봉 캔들 차트 시장 코인 전략 신호 시그널 진입 포지션
기준 현재 지금 만약 혹시 좀 제발 그 이거 거 나 내 저 제 우리 모든 모두 바로 즉시 자동
자동으로 또 다시 및 그리고 또는 혹은 동시 어치 만큼 씩 개 떨어지 떨어져 떨어졌 떨어질
내려가 내려갔 내려갈 내려오 내려와 올라가 올라갔 올라갈 올라오 올라와 올라서 오르 올랐 오를 올라
하락 상승 하락하 상승하 빠지 빠졌 빠질 넘어가 넘어서 넘어섰 넘 넘었 넘을 넘어 돌파 돌파하 이탈
이탈하 회복 회복하 뚫 뚫었 뚫리 깨 깨지 깨졌 무너지 무너졌 터치 터치하 닿 닿았 찍 찍었 도달
도달하 진입하 나오 나왔 나올 생기 생겼 발생 발생하 되 됐 될 하 했 할 있 있을 없 이 일 인 였
됨 함 주 줘 주세요 해 해줘 해주세요 해요 하자 하기 해라 주라 싶 싶어 싶다 원해 원함 부탁
부탁해 요 기 보내 보내줘 보내기 받 받기 알려 알리 가격대 수준 이상의 이하의 미만의
초과의 아래 위 밑 대비 동안 만에 내에 이내 사이 사 사줘 사고 사서 매수해 매도해 팔 팔아 팔아줘
걸어 걸어줘 설정 설정해 잡 잡아 잡아줘 놓 놔 두 둬 주문 주문해 넣 넣어 거래 거래해 매매 매매해
실행 실행해 진행 진행해 시작 시작해 돌려 돌려줘 만들어 만들어줘 짜 짜줘 전 직전 이전 봉의 마다
마감 마감하 마감되 최근 지난 머물 머무르 머물러 유지 유지하 유지되
안녕 안녕하세요 형 형들 형님 형님들 님들 여러분 이렇게 이런 이대로 수 주실 주시 가능 부탁드 감사 감사합니다
지표 지수 순간 조건 종목 금액 됩니다 총 후 이후 뜨 떴 뜬 뜰
안녕하십니까 바랍니다 주십시오 죄송한데 죄송하지만 코린이 초보 초보입니다
보유 보유분 보유량 물량 잔고 수량 중인 보유한 보유중인 가진 갖고
"""
_KO_STEMS = frozenset(_KO_STEMS_TEXT.split())
_KO_ENDINGS_TEXT = """
이면 하면 되면 라면 이라면 으면 면 할때 일때 될때 을때 ㄹ때 때 때에 때는 때만 시 시에 고 이고
하고 으며 며 이며 거나 이거나 하거나 에서 에서는 에서도 에 에는 에도 의 을 를 이 가 은 는 도
만 로 으로 까지 부터 보다 처럼 와 과 랑 이랑 하여 해서 서 어서 아서 았을 었을 았 었 겠 던
든 지 지면 다 요 죠 네 야 자 게 도록 니 니까 는데 은데 ㄴ 면서 으면서 하면서 이면서
까요 을까요 할까요 세요 으세요 셔요 습니다 립니다 려요 해요 래요 을래요 나요 가요 는지 주세요 줘요 주시 마다 합니다 줘
"""
_KO_ENDINGS = sorted(_KO_ENDINGS_TEXT.split(), key=len, reverse=True)

# Known abbreviations and near-misses → what the compiler understands (Korean, English).
NEAREST: dict[str, tuple[str, str]] = {
    "bolinger": ("볼린저 밴드", "Bollinger band"),
    "boll": ("볼린저 밴드", "Bollinger band"), "엠에이": ("이동평균(MA)", "moving average (MA)"),
    "이평": ("이동평균", "moving average"), "알쓰아이": ("RSI", "RSI"), "rsl": ("RSI", "RSI"),
    "마크디": ("MACD", "MACD"), "macd선": ("MACD", "MACD"), "mcad": ("MACD", "MACD"),
    "거래대금": ("거래량", "volume"), "turnover": ("거래량", "volume"),
    "스토캐스틱": ("RSI (스토캐스틱은 지원하지 않음)", "RSI (Stochastic is not supported)"),
    "stochrsi": ("RSI (스토캐스틱은 지원하지 않음)", "RSI (Stochastic is not supported)"),
}
KNOWN_TERMS_KO = ("RSI", "MACD", "볼린저 밴드", "이동평균", "지수이동평균", "거래량", "ATR", "변동률", "수익률", "종가",
                  "골든크로스", "데드크로스", "돌파", "이탈", "회복", "익절", "손절", "매수", "매도", "알림")
KNOWN_TERMS_EN = ("rsi", "macd", "bollinger", "sma", "ema", "moving average", "volume", "atr", "change", "close",
                  "price", "golden cross", "death cross", "crosses", "breaks", "reclaims", "take profit",
                  "stop loss", "buy", "sell", "notify", "oversold", "overbought")

_WORD = re.compile(r"[a-z][a-z'&]*[a-z]|[a-z]|[가-힣]+")


@functools.lru_cache(maxsize=4096)
def _ko_filler(word: str, depth: int = 3) -> bool:
    """A filler stem, after peeling up to ``depth`` endings ("떨어지" + "면", "올라가" + "ㄹ때")."""
    if word in _KO_STEMS:
        return True
    if depth == 0:
        return False
    return any(word.endswith(e) and len(word) > len(e) and _ko_filler(word[: -len(e)], depth - 1)
               for e in _KO_ENDINGS)


def ko_stem_in(word: str, stems: frozenset[str], depth: int = 3) -> bool:
    """``word`` is one of ``stems`` with up to ``depth`` known endings glued on ("기간을", "배로")."""
    if word in stems:
        return True
    return depth > 0 and any(word.endswith(e) and len(word) > len(e) and ko_stem_in(word[: -len(e)], stems, depth - 1)
                             for e in _KO_ENDINGS)


def _ko_particle_only(word: str) -> bool:
    return word in _KO_ENDINGS


def unknown_words(text: str) -> list[str]:
    """Words in ``text`` that are neither filler nor consumed: each could carry meaning."""
    out = []
    for w in _WORD.findall(text):
        if w.isascii():
            if w in EN_FILLER or (len(w) == 1 and w in "axs"):  # "2 x", "BTC's"
                continue
        elif _ko_particle_only(w) or _ko_filler(w):
            continue
        out.append(w)
    return out


def nearest(word: str, lang: str) -> str | None:
    """What ``word`` most likely meant, among the terms the compiler reads."""
    key = word.lower()
    for known, (ko, en) in NEAREST.items():
        if key.startswith(known) or known in key:
            return ko if lang == "ko" else en
    terms = KNOWN_TERMS_KO if lang == "ko" and not key.isascii() else KNOWN_TERMS_EN
    match = difflib.get_close_matches(key, [t.lower() for t in terms], n=1, cutoff=0.8)
    if not match:
        return None
    return next(t for t in terms if t.lower() == match[0])


def unknown_message(words: list[str], lang: str) -> tuple[str, str]:
    """(English, Korean) text naming the first unknown word and the nearest known term."""
    word = words[0]
    guess_en, guess_ko = nearest(word, "en"), nearest(word, "ko")
    # a known word in a place it cannot go ("also sell all when ..." in a refinement) has no nearer thing
    guess_en = None if guess_en and guess_en.lower() == word.lower() else guess_en
    guess_ko = None if guess_ko and guess_ko.lower() == word.lower() else guess_ko
    more_en = f" (nor {', '.join(repr(w) for w in words[1:4])})" if len(words) > 1 else ""
    more_ko = f" ({', '.join(repr(w) for w in words[1:4])}도)" if len(words) > 1 else ""
    en = f"'{word}'" + (f" — did you mean {guess_en}?" if guess_en else f" is not something I can read{more_en}")
    ko = f"'{word}'" + (f" — {josa(guess_ko, '을', '를')} 말씀하신 건가요?" if guess_ko
                        else f"{'은' if _final(word) else '는'} 이해할 수 없는 말입니다{more_ko}")
    return en, ko


def _final(word: str) -> bool:
    return josa(word, "1", "0").endswith("1")
