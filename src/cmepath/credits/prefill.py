"""Read a certificate's text and guess title, completion date, credit amount and type.

Pure Python (no Django): the text comes from ``core.filecheck.extract_pdf_text`` (run in the
sandbox). Every guess is only a pre-fill: the clinician sees and corrects the form before
anything is saved. Fields that cannot be found are left out, never invented.

Layouts handled (see ``tests/credits/test_certificates.py`` for the generated corpus):
"This certifies that X has completed TITLE on DATE and is awarded 3.5 AMA PRA Category 1
Credits", labelled lines ("Course:", "Activity title:", "Date completed:", "Contact hours:
2.0 (ANCC)"), pharmacy statements ("ACPE UAN ... 1.5 contact hours"), tables whose header
row names the columns, and free sentences ("approved for 4 AAPA Category 1 CME credits").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MAX_TEXT = 20_000  # characters looked at; certificates are one or two pages

# Credit-type phrases, most specific first. Each maps to a vocabulary credit-type code.
_TYPE_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "ama_pra_1",
        r"AMA\s+PRA\s+Category\s+1|AMA\s+PRA\s+Cat(?:egory)?\.?\s*1|Category\s+1\s+Credits?\s*(?:™|\(TM\))?\s+\(AMA",
    ),
    ("ama_pra_2", r"AMA\s+PRA\s+Category\s+2|AMA\s+PRA\s+Cat(?:egory)?\.?\s*2"),
    ("aoa_1a", r"AOA\s+Category\s+1-?A"),
    ("aoa_1b", r"AOA\s+Category\s+1-?B"),
    ("aapa_1", r"AAPA\s+Category\s+1"),
    ("aapa_2", r"AAPA\s+Category\s+2"),
    ("abim_moc", r"ABIM\s+MOC(?:\s+points?)?|MOC\s+points?"),
    ("aanp_pharm", r"AANP\s+pharmacology|pharmacology\s+(?:contact\s+)?hours?\s*\(AANP\)"),
    ("aanp", r"AANP"),
    ("acpe", r"ACPE|pharmacy\s+contact\s+hours?"),
    ("ipce", r"IPCE"),
    ("ancc", r"ANCC|nursing\s+contact\s+hours?"),
)
_TYPE_RES = tuple((code, re.compile(pattern, re.I)) for code, pattern in _TYPE_PATTERNS)
_NUMBER = r"(?<![\d.,/-])(\d{1,3}(?:[.,]\d{1,2})?)(?![\d/-]|[.,]\d)"
_UNIT = r"(?:credits?|contact\s+hours?|hours?|points?|CME|CE)"

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_RE = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DATE_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("mdy_slash", re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")),
    ("month_d_y", re.compile(_MONTH_RE + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.I)),
    (
        "d_month_y",
        re.compile(
            r"\b(\d{1,2})(?:st|nd|rd|th)?(?:\s+|-)" + _MONTH_RE + r"\.?(?:\s+|-|,\s*)(\d{4})\b",
            re.I,
        ),
    ),
    ("dmy_dot", re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")),
)
_DATE_LABEL = re.compile(
    r"(date\s+(?:of\s+)?(?:completion|completed|attended|issued)|completion\s+date|completed(?:\s+on)?|date|on)\s*[:\-]?\s*$",
    re.I,
)

_TITLE_LABELS = re.compile(
    r"^\s*(?:activity\s+title|course\s+title|program(?:me)?\s+title|title\s+of\s+(?:activity|program)|activity|course|program(?:me)?|title|session)\s*[:\-–]\s*(.+?)\s*$",
    re.I | re.M,
)
_TITLE_SENTENCE = re.compile(
    r"(?:has\s+)?(?:successfully\s+)?(?:completed|participated\s+in|attended)\s+(?:the\s+)?(?:(?:live|online|enduring|internet|educational)\s+)*(?:activity|course|program(?:me)?|session|webinar)?\s*(?:entitled|titled)?\s*[\"“‘']?(.+?)[\"”’']?\s*(?:,\s*|\s+)(?:on|and|held|presented|dated|which|with|for)\b",
    re.I | re.S,
)
_PROVIDER_LABEL = re.compile(
    r"^\s*(?:provider|accredited\s+provider|presented\s+by|provided\s+by|sponsored\s+by|issued\s+by)\s*[:\-–]?\s*(.+?)\s*$",
    re.I | re.M,
)
_UAN = re.compile(r"UAN\s*[:#]?\s*[0-9A-Z]+(?:-[0-9A-Z]+)+", re.I)
_QUOTED_TITLE = re.compile(
    r"(?:entitled|titled|completed|in|attended)\s+(?:the\s+)?(?:activity\s+|course\s+)?[“\"‘](.{4,300}?)[”\"’]",
    re.I,
)
_BAD_TITLE = re.compile(
    r"^(?:certificate|this|date|credits?|contact\s+hours?|name|participant)\b", re.I
)


@dataclass(frozen=True, slots=True)
class Prefill:
    """What the certificate text suggests; ``None`` where nothing trustworthy was found."""

    title: str | None = None
    completed_on: date | None = None
    amount: float | None = None
    credit_type: str | None = None
    provider: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "title": self.title,
            "completed_on": self.completed_on.isoformat() if self.completed_on else None,
            "amount": self.amount,
            "credit_type": self.credit_type,
            "provider": self.provider,
        }


def _clean_line(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _make_date(kind: str, groups: tuple[str, ...]) -> date | None:
    try:
        if kind == "iso":
            return date(int(groups[0]), int(groups[1]), int(groups[2]))
        if kind == "mdy_slash":
            return date(int(groups[2]), int(groups[0]), int(groups[1]))
        if kind == "month_d_y":
            return date(
                int(groups[2]),
                _MONTHS[groups[0].lower()[:3] if groups[0].lower()[:4] != "sept" else "sep"],
                int(groups[1]),
            )
        if kind == "d_month_y":
            return date(
                int(groups[2]),
                _MONTHS[groups[1].lower()[:3] if groups[1].lower()[:4] != "sept" else "sep"],
                int(groups[0]),
            )
        if kind == "dmy_dot":
            return date(int(groups[2]), int(groups[1]), int(groups[0]))
    except (ValueError, KeyError):
        return None
    return None


def find_dates(text: str) -> list[tuple[int, date]]:
    """Every plausible date in ``text`` with its position, in order of appearance."""
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []
    for kind, regex in _DATE_RES:
        for match in regex.finditer(text):
            span = match.span()
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            value = _make_date(kind, match.groups())
            if value is not None and 1950 <= value.year <= 2100:
                found.append((span[0], value))
                taken.append(span)
    return sorted(found, key=lambda item: item[0])


def _pick_date(text: str) -> date | None:
    dates = find_dates(text)
    if not dates:
        return None
    # Prefer a date right after a completion label; else the latest date on the page that
    # is not an accreditation/expiry date (certificates rarely show a later date than that).
    for pos, value in dates:
        before = text[max(0, pos - 40) : pos]
        if _DATE_LABEL.search(before.rstrip()) and not re.search(
            r"expir|valid\s+(?:until|through)|release", before, re.I
        ):
            return value
    plain = [
        v
        for pos, v in dates
        if not re.search(
            r"expir|valid\s+(?:until|through)|release|birth", text[max(0, pos - 40) : pos], re.I
        )
    ]
    return plain[0] if plain else dates[0][1]


def _to_amount(raw: str) -> float | None:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    return value if 0 < value <= 500 else None


def _pick_credit(text: str) -> tuple[float | None, str | None]:
    """Amount and type: the number closest to a credit-type phrase (before or after it)."""
    flat = _UAN.sub("UAN", _clean_line(text))
    for code, regex in _TYPE_RES:
        for match in regex.finditer(flat):
            start, end = match.span()
            before = flat[max(0, start - 40) : start]
            after = flat[end : end + 60]
            # "3.5 AMA PRA Category 1 Credits", "awarded 2.0 contact hours (ANCC)"
            m = re.search(_NUMBER + r"\s*(?:" + _UNIT + r"\s*)?(?:\(|of\s+)?\s*$", before, re.I)
            if m:
                return _to_amount(m.group(1)), code
            # "AMA PRA Category 1 Credits: 2", "ANCC contact hours: 2.0"
            m = re.match(r"[^\d]{0,25}?" + _NUMBER, after)
            if m:
                return _to_amount(m.group(1)), code
            # "Contact hours: 2.0 (ANCC)": the number sits between a unit label and the type
            m = re.search(_UNIT + r"\s*[:=]\s*" + _NUMBER + r"\s*\(?\s*$", before, re.I)
            if m:
                return _to_amount(m.group(1)), code
    # A type phrase without a number near it still names the type; look for a labelled amount.
    code_only = next((code for code, regex in _TYPE_RES if regex.search(flat)), None)
    m = re.search(
        r"(?:credits?|contact\s+hours?|hours?|points?)\s*(?:awarded|earned)?\s*[:=]\s*" + _NUMBER,
        flat,
        re.I,
    )
    if m:
        return _to_amount(m.group(1)), code_only
    return None, code_only


def _table_values(lines: list[str]) -> dict[str, str]:
    """A header row ("Activity  Date  Credits  Type") followed by a value row, as a mapping.

    pypdf joins a table row's cells with runs of spaces; cells are split on 2+ spaces or
    ``|``. Only rows with the same number of cells as the header are trusted.
    """
    headers = {
        "activity",
        "activity title",
        "title",
        "course",
        "date",
        "completion date",
        "date completed",
        "credits",
        "credit",
        "amount",
        "hours",
        "contact hours",
        "type",
        "credit type",
        "provider",
    }
    out: dict[str, str] = {}
    # pypdf often emits one cell per line: a run of header words, then as many values.
    stripped = [line.strip() for line in lines]
    for i in range(len(stripped)):
        run = 0
        while i + run < len(stripped) and stripped[i + run].lower() in headers:
            run += 1
        if run >= 3 and i + 2 * run <= len(stripped):
            keys = [h.lower() for h in stripped[i : i + run]]
            return dict(zip(keys, stripped[i + run : i + 2 * run], strict=True))
    for i, line in enumerate(lines[:-1]):
        cells = [c.strip().lower() for c in re.split(r"\s{2,}|\s*\|\s*", line.strip()) if c.strip()]
        if len(cells) < 3 or sum(c in headers for c in cells) < 3:
            continue
        values = [
            c.strip() for c in re.split(r"\s{2,}|\s*\|\s*", lines[i + 1].strip()) if c.strip()
        ]
        if len(values) == len(cells):
            out = dict(zip(cells, values, strict=True))
            break
    return out


def _pick_title(text: str, lines: list[str]) -> str | None:
    m = _TITLE_LABELS.search(text)
    if m:
        candidate = _clean_line(m.group(1)).strip("\"“”'‘’ ")
        if candidate and not _BAD_TITLE.match(candidate):
            return candidate[:300]
    flat = _clean_line(text)
    m = _QUOTED_TITLE.search(flat)
    if m:
        return m.group(1).strip()
    m = _TITLE_SENTENCE.search(flat)
    if m:
        candidate = m.group(1).strip("\"“”'‘’ ,.")
        if 4 <= len(candidate) <= 300 and not _BAD_TITLE.match(candidate):
            return candidate
    return None


def parse_certificate_text(text: str) -> Prefill:
    """Best-effort pre-fill from a certificate's text (see the module docstring)."""
    text = (text or "")[:MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n")
    lines = [line for line in text.split("\n") if line.strip()]
    table = _table_values(lines)
    title = None
    completed_on = None
    amount = None
    credit_type = None
    if table:
        title = next(
            (table[k] for k in ("activity title", "activity", "title", "course") if k in table),
            None,
        )
        date_text = next(
            (table[k] for k in ("completion date", "date completed", "date") if k in table), ""
        )
        dates = find_dates(date_text)
        completed_on = dates[0][1] if dates else None
        amount_text = next(
            (
                table[k]
                for k in ("credits", "credit", "amount", "hours", "contact hours")
                if k in table
            ),
            "",
        )
        number = re.search(_NUMBER, amount_text)
        amount = _to_amount(number.group(1)) if number else None
        type_text = (
            next((table[k] for k in ("credit type", "type") if k in table), "") + " " + amount_text
        )
        credit_type = next((code for code, regex in _TYPE_RES if regex.search(type_text)), None)
    if title is None:
        title = _pick_title(text, lines)
    if completed_on is None:
        completed_on = _pick_date(text)
    if amount is None or credit_type is None:
        found_amount, found_type = _pick_credit(text)
        amount = amount if amount is not None else found_amount
        credit_type = credit_type or found_type
    provider_match = _PROVIDER_LABEL.search(text)
    provider = _clean_line(provider_match.group(1))[:200] if provider_match else None
    return Prefill(
        title=title,
        completed_on=completed_on,
        amount=amount,
        credit_type=credit_type,
        provider=provider or None,
    )
