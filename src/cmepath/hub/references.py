"""Reference identifiers: checked at entry, normalised, linked and formatted. Pure: no I/O.

A DOI must match the pattern Crossref recommends for modern DOIs,
``^10\\.\\d{4,9}/[-._;()/:A-Z0-9]+$`` (case-insensitive); a PMID is 1 to 8 digits; a URL is
``http`` or ``https`` with a host. Nothing is looked up on the network here: a well-formed
identifier can still point nowhere, which the editor checks (reference/hub.md section 7).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

from cmepath.hub.choices import ErrorCode, ReferenceKind

MAX_LENGTH = 300  # Reference.identifier's max_length

DOI_RE = re.compile(r"10\.\d{4,9}/[-._;()/:A-Z0-9]+", re.IGNORECASE)
PMID_RE = re.compile(r"[1-9]\d{0,7}")
_DOI_PREFIX_RE = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi\.org/|doi:\s*)", re.IGNORECASE)
_PMID_PREFIX_RE = re.compile(
    r"(?:https?://(?:pubmed\.ncbi\.nlm\.nih\.gov|www\.ncbi\.nlm\.nih\.gov/pubmed)/|pmid:?\s*)",
    re.IGNORECASE,
)
_HOST_LABEL_RE = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_CONTROL_OR_SPACE_RE = re.compile(r"[\x00-\x20\x7f]")


class ReferenceError(ValueError):  # shadows the builtin on purpose: the hub API name
    """A malformed reference identifier; the message says what is wrong and how to fix it.

    Note: this shadows the builtin ``ReferenceError`` (weak references) inside modules that
    import it; import it by name (``from cmepath.hub.references import ReferenceError``).
    """

    code = ErrorCode.BAD_REFERENCE


def parse_reference(kind: str, identifier: str) -> str:
    """The normalised identifier, or :class:`ReferenceError`.

    DOI: ``https://doi.org/``, ``doi.org/`` and ``doi:`` prefixes are stripped and the DOI is
    lower-cased (DOIs are case-insensitive). PMID: a ``PMID:``/``PMID`` prefix or a PubMed
    URL is stripped. URL: scheme and host are lower-cased, the rest kept.
    """
    value = identifier.strip()
    if not value:
        raise ReferenceError(f"The {_kind_label(kind)} is empty.")
    if len(value) > MAX_LENGTH:
        raise ReferenceError(f"The {_kind_label(kind)} is longer than {MAX_LENGTH} characters.")
    if kind == ReferenceKind.DOI:
        return _parse_doi(value)
    if kind == ReferenceKind.PMID:
        return _parse_pmid(value)
    if kind == ReferenceKind.URL:
        return _parse_url(value)
    raise ReferenceError(f"Unknown reference kind {kind!r}: use one of doi, pmid, url.")


def reference_url(kind: str, identifier: str) -> str:
    """Where a reader follows the reference: ``https://doi.org/<doi>``, the PubMed page, or
    the URL itself. The identifier is checked first, so no unchecked string becomes a link."""
    value = parse_reference(kind, identifier)
    if kind == ReferenceKind.DOI:
        return f"https://doi.org/{value}"
    if kind == ReferenceKind.PMID:
        return f"https://pubmed.ncbi.nlm.nih.gov/{value}/"
    return value


def format_reference(
    position: int,
    kind: str,
    identifier: str,
    title: str,
    journal: str = "",
    year: int | None = None,
) -> str:
    """A plain-text, Vancouver-like line (the template escapes it):

    ``2. Improving antibiotic prescribing. Pediatrics. 2020. doi:10.1542/peds.2019-2503``

    A stored identifier that no longer parses is shown as stored rather than breaking the
    page (they are checked at entry; :func:`reference_url` stays strict).
    """
    try:
        value = parse_reference(kind, identifier)
    except ReferenceError:
        value = identifier.strip()
    parts = [_sentence(title)]
    if journal.strip():
        parts.append(_sentence(journal))
    if year is not None:
        parts.append(f"{year}.")
    if kind == ReferenceKind.DOI:
        parts.append(f"doi:{value}")
    elif kind == ReferenceKind.PMID:
        parts.append(f"PMID: {value}")
    else:
        parts.append(f"Available from: {value}")
    return f"{position}. " + " ".join(p for p in parts if p)


def _kind_label(kind: str) -> str:
    return {"doi": "DOI", "pmid": "PMID", "url": "URL"}.get(kind, "identifier")


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return ""
    return text if text[-1] in ".?!" else f"{text}."


def _parse_doi(value: str) -> str:
    match = _DOI_PREFIX_RE.match(value)
    if match:
        value = value[match.end() :].strip()
        if match.group(0).lower().startswith(("http", "doi.org")):
            value = unquote(value)  # a DOI inside a URL may be percent-encoded
    if not DOI_RE.fullmatch(value):
        raise ReferenceError(
            f"{value!r} is not a DOI: expected 10.<4-9 digits>/<suffix> (letters, digits and "
            "-._;()/: only), e.g. 10.1542/peds.2019-2503."
        )
    return value.lower()


def _parse_pmid(value: str) -> str:
    match = _PMID_PREFIX_RE.match(value)
    if match:
        value = value[match.end() :].strip().rstrip("/")
    if not PMID_RE.fullmatch(value):
        raise ReferenceError(
            f"{value!r} is not a PMID: expected 1 to 8 digits, not starting with 0, e.g. 26246674."
        )
    return value


def _parse_url(value: str) -> str:
    if _CONTROL_OR_SPACE_RE.search(value):
        raise ReferenceError("The URL contains spaces or control characters: encode them.")
    try:
        parts = urlsplit(value)
        hostname = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise ReferenceError(f"{value!r} is not a valid URL ({exc}).") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ReferenceError(
            f"{value!r} is not a web address: only http:// and https:// URLs are accepted."
        )
    if parts.username is not None or parts.password is not None:
        raise ReferenceError(f"{value!r} carries a user name or password: remove it.")
    if not _valid_host(hostname):
        raise ReferenceError(f"{value!r} has no valid host name (e.g. https://www.cdc.gov/).")
    return urlunsplit((scheme, parts.netloc.lower(), parts.path, parts.query, parts.fragment))


def _valid_host(hostname: str) -> bool:
    try:
        ascii_host = hostname.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    return len(labels) >= 2 and all(_HOST_LABEL_RE.fullmatch(label) for label in labels)
