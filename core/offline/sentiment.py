"""Offline news sentiment: a Korean and English lexicon with crypto terms, negation and intensifiers.

Deliberately simple and explainable: every point of the score comes from a listed term the user can
see in ``keywords``. Korean is matched on word stems (particles and verb endings vary), English on
whole words. The title weighs more than the body because headlines carry the news.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from core.offline.inputs import NewsItem
from core.prompts.builder import detect_language

# term -> weight (positive = good for prices). Phrases are matched before their parts.
EN_TERMS: dict[str, float] = {
    # positive
    "approve": 2.0, "approves": 2.0, "approved": 2.0, "approval": 2.0, "green light": 2.0,
    "surge": 1.8, "surges": 1.8, "surged": 1.8, "soar": 1.8, "soars": 1.8, "soared": 1.8,
    "rally": 1.5, "rallies": 1.5, "rallied": 1.5, "jump": 1.3, "jumps": 1.3, "jumped": 1.3,
    "gain": 1.0, "gains": 1.0, "rise": 1.0, "rises": 1.0, "rose": 1.0, "climb": 1.0, "climbs": 1.0,
    "record high": 2.0, "all-time high": 2.0, "ath": 1.5, "new high": 1.8, "bullish": 2.0,
    "adopt": 1.3, "adopts": 1.3, "adoption": 1.3, "partnership": 1.0, "partners": 0.8,
    "launch": 0.6, "launches": 0.6, "inflow": 1.5, "inflows": 1.5, "upgrade": 1.0, "breakout": 1.5,
    "recover": 1.2, "recovers": 1.2, "recovery": 1.2, "rebound": 1.2, "rebounds": 1.2,
    "accumulate": 1.0, "accumulates": 1.0, "accumulation": 1.0, "buys": 0.8, "buying": 0.8,
    "listing": 1.0, "lists": 1.0, "wins": 1.2, "win": 1.0, "victory": 1.5, "boost": 1.2, "boosts": 1.2,
    "outperform": 1.2, "outperforms": 1.2, "milestone": 1.0, "profit": 1.0, "profits": 1.0,
    "optimism": 1.5, "optimistic": 1.5, "expands": 0.8, "expansion": 0.8, "legalize": 1.5,
    "legalizes": 1.5, "clarity": 1.0, "dismissed": 1.0, "strong": 0.8, "demand": 0.6,
    "rate cut": 1.5, "halving": 0.8,
    # negative
    "hack": -2.5, "hacked": -2.5, "hacker": -2.5, "hackers": -2.5, "exploit": -2.5, "exploited": -2.5,
    "breach": -2.0, "stolen": -2.5, "theft": -2.5, "drained": -2.5,
    "ban": -2.0, "bans": -2.0, "banned": -2.0, "crackdown": -2.0, "crash": -2.0, "crashes": -2.0,
    "plunge": -2.0, "plunges": -2.0, "plunged": -2.0, "tumble": -1.8, "tumbles": -1.8, "slump": -1.8,
    "slumps": -1.8, "slide": -1.2, "slides": -1.2, "drop": -1.2, "drops": -1.2, "dropped": -1.2,
    "fall": -1.2, "falls": -1.2, "fell": -1.2, "sink": -1.5, "sinks": -1.5, "dump": -1.5, "dumps": -1.5,
    "bearish": -2.0, "lawsuit": -1.8, "sue": -1.8, "sues": -1.8, "sued": -1.8, "charges": -1.5,
    "charged": -1.5, "fraud": -2.5, "scam": -2.5, "ponzi": -2.5, "reject": -2.0, "rejects": -2.0,
    "rejected": -2.0, "rejection": -2.0, "denied": -1.5, "outflow": -1.5, "outflows": -1.5,
    "liquidation": -1.5, "liquidations": -1.5, "liquidated": -1.5, "bankrupt": -2.5,
    "bankruptcy": -2.5, "insolvency": -2.5, "insolvent": -2.5, "delist": -2.0, "delists": -2.0,
    "delisting": -2.0, "delisted": -2.0, "probe": -1.3, "investigation": -1.3, "investigates": -1.3,
    "fine": -1.2, "fined": -1.5, "penalty": -1.5, "sell-off": -1.8, "selloff": -1.8, "fear": -1.3,
    "fears": -1.3, "warning": -1.0, "warns": -1.0, "halt": -1.5, "halts": -1.5, "halted": -1.5,
    "suspend": -1.5, "suspends": -1.5, "suspended": -1.5, "loss": -1.2, "losses": -1.2,
    "decline": -1.2, "declines": -1.2, "collapse": -2.5, "collapses": -2.5, "depeg": -2.0,
    "depegs": -2.0, "rug pull": -2.5, "vulnerability": -1.5, "delay": -1.2, "delays": -1.2,
    "delayed": -1.2, "postpones": -1.2, "weak": -1.0, "weakness": -1.0, "downgrade": -1.3,
    "layoffs": -1.3, "outage": -1.5, "manipulation": -1.5, "freeze": -1.5, "freezes": -1.5,
    "frozen": -1.5, "seized": -1.8, "seizes": -1.8, "arrested": -1.8, "rate hike": -1.5,
    "recession": -1.5, "pessimism": -1.5, "capitulation": -1.8,
    # Classes the first lexicon lacked (its held-out misses had no lexicon word at all): records and
    # superlatives, growth and shrinkage, permission and restriction, crime and security incidents,
    # repayment and default, worry. Inflections are found by stemming, so base forms suffice.
    "best": 1.2, "highest": 1.2, "strongest": 1.0, "bull": 1.3, "bull run": 2.0,
    "boom": 1.5, "growth": 1.0, "grow": 1.0, "increase": 0.8, "expand": 0.8, "surpass": 1.2, "beat": 1.0,
    "relief": 1.2, "upbeat": 1.2, "revive": 1.2, "revival": 1.2, "permit": 1.0, "allow": 1.0, "license": 0.8,
    "licence": 0.8, "authorize": 1.2, "authorise": 1.2, "legal win": 2.0, "repay": 1.2, "repayment": 1.2,
    "refund": 0.8, "reimburse": 1.2, "settlement": 0.8, "resume": 0.8, "integrate": 0.8, "integration": 0.8,
    "embrace": 1.2, "endorse": 1.2, "greenlight": 2.0, "buyback": 1.0, "lift": 0.8, "improve": 1.0,
    "steal": -2.5, "stole": -2.5, "drain": -2.0, "phishing": -2.0, "attack": -1.8, "attacker": -1.8,
    "malicious": -1.5, "malware": -2.0, "crime": -1.5, "criminal": -1.5, "laundering": -2.0, "indict": -2.0,
    "convict": -2.0, "guilty": -2.0, "prison": -1.8, "jail": -1.8, "raid": -1.8, "subpoena": -1.5,
    "sanction": -1.5, "restrict": -1.3, "restriction": -1.3, "tighten": -1.0, "scrutiny": -1.0, "cease": -1.5,
    "shut": -1.5, "shutdown": -1.8, "closure": -1.2, "worst": -1.5, "lowest": -1.2, "record low": -1.8,
    "slowdown": -1.0, "shrink": -1.0, "decrease": -0.8, "plummet": -2.0, "lose": -1.2, "lost": -1.2,
    "default": -2.0, "panic": -1.8, "anxiety": -1.3, "concern": -1.0, "doubt": -1.0, "uncertainty": -1.0,
    "failure": -1.3, "redemption": -0.8, "exodus": -1.5, "pressure": -0.8, "wipe out": -2.0, "bear": -1.3,
    "downturn": -1.5, "breakdown": -1.5, "turmoil": -1.8, "chaos": -1.8, "exit scam": -2.5, "liquidity crunch": -2.0,
}
KO_TERMS: dict[str, float] = {
    # positive
    "승인": 2.0, "급등": 2.0, "상승": 1.5, "반등": 1.3, "강세": 1.5, "최고가": 2.0, "신고가": 2.0,
    "사상 최고": 2.0, "돌파": 1.5, "호재": 2.0, "유입": 1.3, "순유입": 1.5, "채택": 1.5, "도입": 1.0,
    "제휴": 1.0, "파트너십": 1.0, "출시": 0.6, "상장": 1.0, "회복": 1.2, "매수세": 1.2, "기대감": 1.0,
    "랠리": 1.5, "수익": 1.0, "확대": 0.6, "업그레이드": 1.0, "낙관": 1.5, "합법화": 1.5, "허용": 1.2,
    "금리 인하": 1.5, "매집": 1.0, "오름세": 1.3, "훈풍": 1.5, "청신호": 1.8, "기각": 0.8,
    # negative
    "해킹": -2.5, "유출": -1.5, "순유출": -1.5, "급락": -2.0, "하락": -1.5, "폭락": -2.5, "약세": -1.5,
    "규제": -1.0, "금지": -2.0, "소송": -1.8, "사기": -2.5, "거절": -2.0, "거부": -2.0, "반려": -2.0,
    "상장폐지": -2.5, "상폐": -2.5, "파산": -2.5, "청산": -1.5, "조사": -1.2, "압수수색": -2.0,
    "벌금": -1.5, "과징금": -1.5, "악재": -2.0, "우려": -1.3, "경고": -1.0, "중단": -1.5, "손실": -1.5,
    "붕괴": -2.5, "매도세": -1.3, "공포": -1.5, "연기": -1.2, "탈취": -2.5, "도난": -2.5,
    "취약점": -1.5, "디페깅": -2.0, "침체": -1.5, "비관": -1.5, "단속": -1.8, "동결": -1.5,
    "금리 인상": -1.5, "내림세": -1.3, "먹튀": -2.5, "횡령": -2.5, "체포": -1.8, "폭탄": -1.0,
    # The same classes as in English (records, growth, permission, crime, repayment, worry).
    "사상 최대": 2.0, "최고치": 2.0, "증가": 1.0, "급증": 1.5, "개선": 1.2, "완화": 1.2, "허가": 1.2, "인가": 1.0,
    "수혜": 1.2, "호조": 1.5, "활황": 1.5, "흑자": 1.5, "상환": 1.0, "환급": 1.0, "재개": 0.8, "성공": 1.2,
    "순매수": 1.3, "승소": 1.5, "무혐의": 1.5, "반색": 1.2, "호황": 1.5, "강보합": 0.6,
    "급감": -1.8, "감소": -1.0, "불안": -1.5, "지연": -1.2, "조종": -2.0, "송치": -1.8, "기소": -2.0, "구속": -2.0,
    "혐의": -1.5, "피싱": -2.0, "악성": -1.5, "적자": -1.5, "영업정지": -2.0, "정지": -1.5, "제재": -1.5,
    "위기": -1.5, "최저": -1.5, "부진": -1.3, "의혹": -1.3, "논란": -1.2, "패소": -1.5, "먹통": -1.5, "장애": -1.3,
    "피해": -1.5, "유의 종목": -1.5, "투자주의": -1.5, "경보": -1.2, "빼돌": -2.0, "순매도": -1.3, "약보합": -0.6,
    "공황": -1.8, "투매": -1.8, "뱅크런": -2.5, "줄도산": -2.5, "잠적": -2.0,
}
# Words that make the next sentiment term count more.
EN_INTENSIFIERS = {"very", "sharply", "massive", "huge", "record", "major", "significantly", "extremely",
                   "biggest", "largest", "historic", "heavy", "heavily", "strongly", "steep", "deep"}
KO_INTENSIFIERS = ("급", "대규모", "대폭", "역대", "사상", "크게", "대거", "폭", "최대")
# Words that flip the sentiment of a term shortly after them (English) ...
EN_NEGATORS = {"not", "no", "never", "without", "fails", "failed", "unlikely", "denies", "halts", "avoids",
               "avoided", "dismisses", "dismissed", "despite", "ends", "eases", "averts", "averted", "lifts",
               "lifted", "scraps", "scrapped", "drops", "overturns", "overturned", "withdraws", "withdrew"}
# ... or shortly after the term (Korean negates after the verb stem: 승인하지 않았다).
KO_NEGATORS = ("지 않", "지않", "지 못", "지못", "없", "아니", "무산", "부인", "불발", "철회", "해소", "일축", "해제",
               "벗어", "면해", "피했", "모면")
# Named things that make news market-moving.
EN_ENTITIES = {"bitcoin": "Bitcoin", "btc": "BTC", "ethereum": "Ethereum", "eth": "ETH", "etf": "ETF",
               "sec": "SEC", "fed": "Fed", "solana": "Solana", "xrp": "XRP", "stablecoin": "stablecoin",
               "tether": "Tether", "usdt": "USDT", "binance": "Binance", "coinbase": "Coinbase",
               "blackrock": "BlackRock", "cbdc": "CBDC", "defi": "DeFi"}
KO_ENTITIES = {"비트코인": "비트코인", "이더리움": "이더리움", "ETF": "ETF", "SEC": "SEC", "연준": "연준",
               "솔라나": "솔라나", "리플": "리플", "스테이블코인": "스테이블코인", "테더": "테더",
               "바이낸스": "바이낸스", "업비트": "업비트", "빗썸": "빗썸", "금융위": "금융위", "금감원": "금감원",
               "디파이": "디파이", "BTC": "BTC", "ETH": "ETH"}
EN_TO_KO_ENTITY = {"Bitcoin": "비트코인", "Ethereum": "이더리움", "Solana": "솔라나", "XRP": "리플",
                   "stablecoin": "스테이블코인", "Tether": "테더", "Binance": "바이낸스", "Fed": "연준",
                   "DeFi": "디파이"}
HIGH_IMPACT = {"ETF", "SEC", "Fed", "연준", "BlackRock", "CBDC", "금융위"}
HIGH_IMPACT_TERMS = {"hack", "hacked", "ban", "bans", "banned", "bankrupt", "bankruptcy", "collapse", "approved",
                     "approval", "approves", "해킹", "금지", "파산", "붕괴", "승인", "상장폐지", "탈취", "exploit",
                     "exploited", "stolen", "depeg", "디페깅"}
# Hedged or two-sided outlooks: the terms in them describe possibilities, not what happened.
HEDGES = re.compile(r"\b(?:analysts?|experts?|traders?)\s+(?:are\s+)?(?:split|divided)\b|\beither\s+direction\b"
                    r"|\bmixed\s+(?:views|signals|outlook)\b|\bcould\s+go\s+either\s+way\b|\bwait[- ]and[- ]see\b"
                    r"|의견\s*(?:이|은)?\s*엇갈|전망\s*(?:이|은)?\s*엇갈|공존")
TITLE_WEIGHT = 1.5
NEUTRAL_BAND = 0.2
_WORD_RE = re.compile(r"[a-z0-9][a-z0-9'\-]*")


@dataclass
class _Hit:
    term: str
    weight: float  # after negation and intensifiers


_SUFFIXES = ("ies", "es", "ed", "ing", "s", "d")


def _lookup(token: str) -> tuple[str, float] | None:
    """A term's weight, for the token or its stem ("drains" → "drain", "authorized" → "authorize")."""
    if token in EN_TERMS:
        return token, EN_TERMS[token]
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            stem = token[: -len(suffix)]
            for base in (stem, stem + "e", stem + "y", stem[:-1] if len(stem) > 3 and stem[-1] == stem[-2] else ""):
                if base in EN_TERMS:
                    return token, EN_TERMS[base]
    return None


def _en_hits(text: str) -> list[_Hit]:
    tokens = _WORD_RE.findall(text.lower())
    hits: list[_Hit] = []
    i = 0
    while i < len(tokens):
        two = f"{tokens[i]} {tokens[i + 1]}" if i + 1 < len(tokens) else ""
        found = (two, EN_TERMS[two]) if two in EN_TERMS else _lookup(tokens[i])
        span = 2 if two in EN_TERMS else 1
        if found is not None:
            term, weight = found
            before = tokens[max(0, i - 3) : i]
            after = tokens[i + span : i + span + 1]  # "drops sharply": adverbs follow the verb
            if any(b in EN_INTENSIFIERS for b in before[-2:]) or any(a in EN_INTENSIFIERS for a in after):
                weight *= 1.5
            negator = next((b for b in reversed(before) if b in EN_NEGATORS or b.endswith("n't")), None)
            if negator:
                weight = -weight * 0.8
                term = f"{negator} {term}"  # cite the negation with the term: "not approved"
            hits.append(_Hit(term, weight))
        i += span
    return hits


def _ko_hits(text: str) -> list[_Hit]:
    taken = [False] * len(text)
    hits: list[tuple[int, _Hit]] = []
    # Longest terms first so that 상장폐지 is not read as 상장 (listing).
    for term in sorted(KO_TERMS, key=len, reverse=True):
        for match in re.finditer(re.escape(term), text):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            for k in range(start, end):
                taken[k] = True
            weight = KO_TERMS[term]
            before = text[max(0, start - 4) : start]
            if any(word in before for word in KO_INTENSIFIERS):
                weight *= 1.5
            after = text[end : end + 7]
            negator = next((neg for neg in KO_NEGATORS if neg in after), None)
            shown = term
            if negator:
                weight = -weight * 0.8
                shown = f"{term} {negator.strip()}"  # "상장폐지 철회": cite the negation with the term
            hits.append((start, _Hit(shown, weight)))
    return [hit for _, hit in sorted(hits, key=lambda pair: pair[0])]


def _hits(text: str) -> list[_Hit]:
    return _en_hits(text) + _ko_hits(text)


def _entities(text: str, language: str) -> list[str]:
    found: list[str] = []
    lower = text.lower()
    for word in _WORD_RE.findall(lower):
        name = EN_ENTITIES.get(word)
        if name:
            found.append(EN_TO_KO_ENTITY.get(name, name) if language == "ko" else name)
    for key, name in KO_ENTITIES.items():
        if key in text:
            found.append(name)
    return list(dict.fromkeys(found))


def score_text(title: str, content: str) -> tuple[float, list[_Hit]]:
    """Score in (-1, 1) and the hits that produced it."""
    title_hits = _hits(title)
    body_hits = _hits(content)
    raw = TITLE_WEIGHT * sum(h.weight for h in title_hits) + sum(h.weight for h in body_hits)
    if HEDGES.search(f"{title} {content}".lower()):
        raw *= 0.2  # "analysts split", "in either direction", "의견 엇갈려": an outlook, not news
    # Squash so that one strong term gives about 0.5 and several agreeing terms approach 1.
    score = raw / (abs(raw) + 2.0)
    return round(score, 3), title_hits + body_hits


def label_for(score: float) -> str:
    if score >= NEUTRAL_BAND:
        return "POSITIVE"
    if score <= -NEUTRAL_BAND:
        return "NEGATIVE"
    return "NEUTRAL"


_SUMMARY = {
    "en": {"POSITIVE": "positive", "NEGATIVE": "negative", "NEUTRAL": "neutral"},
    "ko": {"POSITIVE": "긍정적", "NEGATIVE": "부정적", "NEUTRAL": "중립적"},
}


def _agreeing(score: float, hits: list[_Hit]) -> tuple[float, list[_Hit]]:
    """The score and the evidence it may cite. A label is only as confident as its evidence: when
    the strongest term points the other way (mixed news), the score is pulled into the neutral band,
    and a positive or negative label cites only terms that point its way."""
    if not hits or abs(score) < NEUTRAL_BAND:
        return score, hits
    agree = sum(abs(h.weight) for h in hits if (h.weight > 0) == (score > 0))
    oppose = sum(abs(h.weight) for h in hits if (h.weight > 0) != (score > 0))
    if oppose >= 0.75 * agree:
        return round(max(-NEUTRAL_BAND + 0.01, min(NEUTRAL_BAND - 0.01, score)), 3), hits
    return score, [h for h in hits if (h.weight > 0) == (score > 0)]


def analyse(title: str, content: str, language: str | None = None) -> dict[str, Any]:
    lang = language if language in ("ko", "en") else detect_language(f"{title} {content}")
    score, hits = score_text(title, content)
    score, cited = _agreeing(score, hits)
    sentiment = label_for(score)
    entities = _entities(f"{title} {content}", lang)
    strong = sorted(cited, key=lambda h: abs(h.weight), reverse=True)
    keywords = list(dict.fromkeys([*entities[:3], *(h.term for h in strong)]))[:5]
    about = entities[0] if entities else ("암호화폐" if lang == "ko" else "crypto")
    signals = ", ".join(dict.fromkeys(h.term for h in strong[:3]))
    headline = title.strip()[:120] or ("(제목 없음)" if lang == "ko" else "(untitled)")
    tone = _SUMMARY[lang][sentiment]
    if lang == "ko":
        summary = f"{about} 관련 {tone} 소식: {headline}" + (f" (신호: {signals})" if signals else "")
    else:
        summary = f"A {tone} {about} story: {headline}" + (f" (signals: {signals})" if signals else "")
    high = any(e in HIGH_IMPACT for e in entities) or any(h.term in HIGH_IMPACT_TERMS for h in hits)
    if sentiment == "NEUTRAL":
        impact = "LOW"
    elif abs(score) >= 0.6 or (high and abs(score) >= 0.3):
        impact = "HIGH"
    else:
        impact = "MEDIUM"
    implication = {"POSITIVE": "BULLISH", "NEGATIVE": "BEARISH", "NEUTRAL": "NEUTRAL"}[sentiment]
    return {
        "sentiment": sentiment,
        "score": score,
        "keywords": keywords,
        "summary": summary,
        "impact": impact,
        "price_implication": implication,
    }


def answer(request: NewsItem) -> str:
    return json.dumps(analyse(request.title, request.content, request.language), ensure_ascii=False)
