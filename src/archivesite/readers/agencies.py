"""News agencies by their usual short names: the one table the readers ask.

:func:`agency_of` turns what a file states about its source (a provider's name or
code, a credit line, a copyright holder, a web address) into the agency's short
name (``The Associated Press`` -> ``AP``, ``nprov:REUTERS`` -> ``Reuters``,
``dpa.com`` -> ``dpa``). A site adds or overrides names in ``[import.agencies]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Agency:
    """One agency: its short name, the other names it goes by, its web domains."""

    short: str
    names: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


AGENCIES: tuple[Agency, ...] = (
    Agency("AP", ("Associated Press", "The Associated Press", "APTN"), ("ap.org", "apnews.com")),
    Agency("Reuters", ("Thomson Reuters", "Reuters News", "RTRS"), ("reuters.com",)),
    Agency("AFP", ("Agence France-Presse", "Agence France Presse"), ("afp.com",)),
    Agency("dpa", ("Deutsche Presse-Agentur", "Deutsche Presse Agentur"), ("dpa.com", "dpa.de")),
    Agency("EFE", ("Agencia EFE",), ("efe.com", "efe.es")),
    Agency("ANSA", ("Agenzia Nazionale Stampa Associata",), ("ansa.it",)),
    Agency("NTB", ("Norsk Telegrambyrå", "Norsk Telegrambyraa"), ("ntb.no",)),
    Agency("STT", ("Suomen Tietotoimisto", "STT-FNB", "STT Info"), ("stt.fi",)),
    Agency("TT", ("Tidningarnas Telegrambyrå",), ("tt.se",)),
    Agency("Ritzau", ("Ritzaus Bureau",), ("ritzau.dk", "ritzau.com")),
    Agency("ANP", ("Algemeen Nederlands Persbureau",), ("anp.nl",)),
    Agency("Belga", ("Agence Belga",), ("belga.be",)),
    Agency("APA", ("Austria Presse Agentur",), ("apa.at",)),
    Agency("Keystone-SDA", ("Keystone-ATS", "Schweizerische Depeschenagentur", "SDA"), ("sda.ch",)),
    Agency("PA", ("PA Media", "Press Association", "The Press Association"), ("pa.media",)),
    Agency("Xinhua", ("Xinhua News Agency", "New China News Agency", "XNA"), ("xinhuanet.com",)),
    Agency("TASS", ("ITAR-TASS", "ITAR TASS"), ("tass.ru", "tass.com")),
    Agency("RIA Novosti", ("RIA", "Rossiya Segodnya"), ("ria.ru",)),
    Agency("Interfax", (), ("interfax.ru", "interfax.com")),
    Agency("Kyodo", ("Kyodo News",), ("kyodonews.net", "kyodonews.jp")),
    Agency("Jiji", ("Jiji Press",), ("jiji.com",)),
    Agency("Yonhap", ("Yonhap News Agency",), ("yna.co.kr",)),
    Agency("PTI", ("Press Trust of India",), ("ptinews.com",)),
    Agency("AAP", ("Australian Associated Press",), ("aap.com.au",)),
    Agency("CP", ("The Canadian Press", "Canadian Press"), ("thecanadianpress.com",)),
    Agency("UPI", ("United Press International",), ("upi.com",)),
    Agency("Bloomberg", ("Bloomberg News",), ("bloomberg.com",)),
    Agency("Anadolu", ("Anadolu Agency", "Anadolu Ajansi", "AA"), ("aa.com.tr",)),
    Agency("Europa Press", (), ("europapress.es",)),
    Agency("Lusa", ("Agência Lusa",), ("lusa.pt",)),
    Agency("ČTK", ("CTK", "Czech News Agency", "Česká tisková kancelář"), ("ctk.cz",)),
    Agency("PAP", ("Polish Press Agency", "Polska Agencja Prasowa"), ("pap.pl",)),
    Agency("MTI", ("Magyar Távirati Iroda",), ("mti.hu",)),
    Agency("ANA-MPA", ("Athens-Macedonian News Agency", "AMNA"), ("amna.gr",)),
    Agency("Prensa Latina", (), ("prensa-latina.cu",)),
    Agency("Notimex", (), ("notimex.gob.mx",)),
    Agency("AGI", ("Agenzia Giornalistica Italia",), ("agi.it",)),
    Agency("Adnkronos", (), ("adnkronos.com",)),
    Agency("IANS", ("Indo-Asian News Service",), ("ians.in",)),
    Agency("Bernama", (), ("bernama.com",)),
    Agency("Antara", (), ("antaranews.com",)),
)

_WORDS = re.compile(r"[^\w&]+")
_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")
_QCODE = re.compile(r"^[A-Za-z][\w-]*:([^\s/]+)$")


def _normal(text: str) -> str:
    words = _WORDS.sub(" ", text.casefold()).split()
    while words and words[0] in ("the", "by", "from", "copyright", "c", "ⓒ"):
        words = words[1:]
    return " ".join(words)


@lru_cache(maxsize=16)
def _table(extra: tuple[tuple[str, str], ...]) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(normal name -> short, domain -> short, phrases longest first) with ``extra`` first."""
    names: dict[str, str] = {}
    domains: dict[str, str] = {}
    for name, short in extra:
        names.setdefault(_normal(name), short)
    for agency in AGENCIES:
        for name in (agency.short, *agency.names):
            names.setdefault(_normal(name), agency.short)
        for domain in agency.domains:
            domains.setdefault(domain, agency.short)
    phrases = sorted((n for n in names if len(n) >= 4), key=len, reverse=True)
    return names, domains, phrases


def _short_codes(extra: tuple[tuple[str, str], ...]) -> dict[str, str]:
    codes = {a.short: a.short for a in AGENCIES if len(a.short) <= 4}
    codes.update({n: a.short for a in AGENCIES for n in a.names if n.isupper() and len(n) <= 4})
    codes.update({name: short for name, short in extra if len(name) <= 4})
    return codes


def _domain_of(value: str) -> str | None:
    text = value.strip().lower()
    host = urlsplit(text).hostname if "://" in text else text
    if host is None or not _DOMAIN.match(host):
        return None
    return host.removeprefix("www.")


def known_agency(value: str, extra: tuple[tuple[str, str], ...] = ()) -> str | None:
    """The short name of the agency ``value`` names (a name, code, credit line or
    web address), or None where the table knows none in it."""
    names, domains, phrases = _table(extra)
    value = value.strip()
    if not value:
        return None
    qcode = _QCODE.match(value)
    if qcode is not None and "://" not in value:
        value = qcode.group(1)
    host = _domain_of(value)
    if host is not None:
        for domain, short in domains.items():
            if host == domain or host.endswith("." + domain):
                return short
    normal = _normal(value)
    if normal in names:
        return names[normal]
    padded = f" {normal} "
    for phrase in phrases:
        if f" {phrase} " in padded:
            return names[phrase]
    # Short codes (AP, PA, dpa) count inside a longer text only as written.
    for code, short in _short_codes(extra).items():
        if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", value) or re.search(
            rf"(?<![\w-]){re.escape(code.upper())}(?![\w-])", value
        ):
            return short
    return None


def agency_of(stated: Iterable[str | None], extra: Sequence[tuple[str, str]] = ()) -> str | None:
    """The agency of a story from what its file states, most telling first (provider,
    credit line, copyright holder): the first that names a known agency, else the
    first stated name as given (a code's name part; never a bare web address)."""
    values = [v.strip() for v in stated if v and v.strip()]
    extra_pairs = tuple(extra)
    for value in values:
        short = known_agency(value, extra_pairs)
        if short is not None:
            return short
    for value in values:
        qcode = _QCODE.match(value)
        if qcode is not None and "://" not in value:
            value = qcode.group(1)
        if _domain_of(value) is None and "://" not in value and len(value) <= 80:
            return " ".join(value.split())
    return None
