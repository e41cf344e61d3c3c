"""JSON activity files: an array of activity objects, or ``{"activities": [...]}``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from cmepath.core.bodylimits import JsonTooDeepError, check_json_depth

from .rows import ImportFileError, ParsedRow

_ACTIVITIES_KEY = re.compile(r'"activities"\s*:\s*\[')


def parse_json(text: str) -> Iterator[ParsedRow]:
    """A JSON array of activity objects, or ``{"activities": [...]}``.

    The line of each item is where its object starts, found by decoding the array item by
    item (``raw_decode``), so errors point at the right place in the file.
    """
    try:
        check_json_depth(text)  # a deeply nested file would exhaust json's recursion
        whole = json.loads(text)
    except JsonTooDeepError as exc:
        raise ImportFileError(exc.message) from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None
    if isinstance(whole, dict):
        if not isinstance(whole.get("activities"), list):
            raise ImportFileError(
                'A JSON object needs an "activities" list; or send a JSON array of activities.'
            )
        match = _ACTIVITIES_KEY.search(text)
        start = match.end() if match else None
    elif isinstance(whole, list):
        start = text.index("[") + 1
    else:
        raise ImportFileError(
            'The JSON must be an array of activities or an object with an "activities" list.'
        )
    if start is None:  # pragma: no cover - json.loads accepted it, so the key is there
        raise ImportFileError('Cannot find the "activities" list.')
    return _json_items(text, start)


def _json_items(text: str, pos: int) -> Iterator[ParsedRow]:
    decoder = json.JSONDecoder()
    line, counted = 1, 0
    n = len(text)
    while pos < n:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n or text[pos] == "]":
            return
        line += text.count("\n", counted, pos)
        counted = pos
        item, pos = decoder.raw_decode(text, pos)
        if not isinstance(item, dict):
            yield ParsedRow(line, None, f"item is a JSON {type(item).__name__}, not an object")
            continue
        yield ParsedRow(line, item)
