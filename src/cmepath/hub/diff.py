"""Side-by-side diff of two revisions' Markdown, line by line, with the changed words of
changed lines marked. Pure: ``difflib`` only, and no HTML (the template escapes the text
and styles the spans)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

DiffKind = Literal["same", "changed", "added", "removed"]
#: One run of text and whether it differs from the other side.
Span = tuple[str, bool]

_TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]")
_WORD_RE = re.compile(r"\w+|[^\w\s]")  # for pairing lines: spaces would make any two alike
#: Lines sharing at least this share of words (``SequenceMatcher.quick_ratio``) are shown
#: as one changed line.
PAIR_CUTOFF = 0.5
#: Above this many line pairs in one replaced block, lines are not paired (all removed,
#: then all added): bounds the work when a long article is rewritten wholesale.
MAX_PAIRINGS = 2_500


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One row of the side-by-side table. Line numbers count from 1; the side a line is
    missing from has ``None`` and empty text. Spans cover the whole text of their side."""

    kind: DiffKind
    old_no: int | None
    old_text: str
    new_no: int | None
    new_text: str
    old_spans: list[Span] = field(default_factory=list)
    new_spans: list[Span] = field(default_factory=list)


def side_by_side(old: str, new: str) -> list[DiffRow]:
    """Rows for every line of both texts, in order. Inside a replaced block each line is
    paired with its most similar counterpart (as ``difflib.Differ`` does) and shown as
    ``changed`` with word-level spans; lines without a similar partner are ``removed`` or
    ``added``."""
    old_lines = old.splitlines()
    new_lines = new.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                rows.append(_same(i + 1, j + 1, old_lines[i]))
        else:
            _replace(rows, old_lines, i1, i2, new_lines, j1, j2)
    return rows


def _replace(
    rows: list[DiffRow], a: list[str], i1: int, i2: int, b: list[str], j1: int, j2: int
) -> None:
    """Show a replaced block: each old line is paired with its most similar new line
    (share of common words at least ``PAIR_CUTOFF``), best pair first, then the same on
    each side of it, as ``difflib.Differ`` does; the rest are removed or added."""
    if (i2 - i1) * (j2 - j1) > MAX_PAIRINGS:
        _unpaired(rows, a, i1, i2, b, j1, j2)
        return
    a_tokens = [_WORD_RE.findall(line) for line in a[i1:i2]]
    b_tokens = [_WORD_RE.findall(line) for line in b[j1:j2]]
    scorer: difflib.SequenceMatcher[str] = difflib.SequenceMatcher(None, autojunk=False)
    score: dict[tuple[int, int], float] = {}
    for j, tokens_b in enumerate(b_tokens):
        scorer.set_seq2(tokens_b)
        for i, tokens_a in enumerate(a_tokens):
            scorer.set_seq1(tokens_a)
            # quick_ratio (shared words, ignoring order) is linear; ratio() can be
            # quadratic on long one-line paragraphs, and pairing needs no more precision.
            if scorer.real_quick_ratio() >= PAIR_CUTOFF:
                ratio = scorer.quick_ratio()
                if ratio >= PAIR_CUTOFF:
                    score[i1 + i, j1 + j] = ratio
    _pair(rows, a, i1, i2, b, j1, j2, score)


def _pair(
    rows: list[DiffRow],
    a: list[str],
    i1: int,
    i2: int,
    b: list[str],
    j1: int,
    j2: int,
    score: dict[tuple[int, int], float],
) -> None:
    candidates = [
        (ratio, -i, -j) for (i, j), ratio in score.items() if i1 <= i < i2 and j1 <= j < j2
    ]
    if not candidates:
        _unpaired(rows, a, i1, i2, b, j1, j2)
        return
    _, neg_i, neg_j = max(candidates)  # ties: the earliest pair
    i, j = -neg_i, -neg_j
    _pair(rows, a, i1, i, b, j1, j, score)
    rows.append(_changed(i + 1, a[i], j + 1, b[j]))
    _pair(rows, a, i + 1, i2, b, j + 1, j2, score)


def _unpaired(
    rows: list[DiffRow], a: list[str], i1: int, i2: int, b: list[str], j1: int, j2: int
) -> None:
    rows.extend(_removed(i + 1, a[i]) for i in range(i1, i2))
    rows.extend(_added(j + 1, b[j]) for j in range(j1, j2))


def intraline(old: str, new: str) -> tuple[list[Span], list[Span]]:
    """Word-level spans of two versions of a line: runs of unchanged and changed text."""
    a = _TOKEN_RE.findall(old)
    b = _TOKEN_RE.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    old_spans: list[Span] = []
    new_spans: list[Span] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = tag != "equal"
        _append(old_spans, "".join(a[i1:i2]), changed)
        _append(new_spans, "".join(b[j1:j2]), changed)
    return old_spans, new_spans


def _append(spans: list[Span], text: str, changed: bool) -> None:
    if not text:
        return
    if spans and spans[-1][1] == changed:
        spans[-1] = (spans[-1][0] + text, changed)
    else:
        spans.append((text, changed))


def _whole(text: str, changed: bool) -> list[Span]:
    return [(text, changed)] if text else []


def _same(old_no: int, new_no: int, text: str) -> DiffRow:
    return DiffRow("same", old_no, text, new_no, text, _whole(text, False), _whole(text, False))


def _changed(old_no: int, old_text: str, new_no: int, new_text: str) -> DiffRow:
    old_spans, new_spans = intraline(old_text, new_text)
    return DiffRow("changed", old_no, old_text, new_no, new_text, old_spans, new_spans)


def _removed(old_no: int, text: str) -> DiffRow:
    return DiffRow("removed", old_no, text, None, "", _whole(text, True), [])


def _added(new_no: int, text: str) -> DiffRow:
    return DiffRow("added", None, "", new_no, text, [], _whole(text, True))
