"""Sandboxed parser for untrusted uploads, run as a separate process by ``filecheck``.

Usage: ``python -I _pdfprobe.py MODE [ARG]`` with the file's bytes on stdin, where MODE is
``pdf`` (inspect), ``text MAX_PAGES`` (extract text), ``image MAX_PIXELS`` (verify an
image) or ``limits`` (report the limits in force, for tests). Prints one JSON object on stdout.

The process limits itself before touching the data: address space (``RLIMIT_AS``), CPU
seconds (``RLIMIT_CPU``), no core files and no new files of any size. A hostile file can
then at worst kill this process, which the parent reports as "could not be processed";
the web process never parses untrusted PDFs or images itself.

Standard library plus pypdf and Pillow only; nothing from cmepath, so the probe runs in
isolated mode (``-I``) without the project on ``sys.path``.
"""

from __future__ import annotations

import io
import json
import math
import resource
import sys
import warnings
from typing import Any

MEMORY_LIMIT_BYTES = 256 * 1024 * 1024
CPU_LIMIT_SECONDS = 2
MAX_OBJECTS = 50_000
MAX_DEPTH = 64
MAX_TEXT_CHARS = 50_000

# Keys whose presence anywhere in the document means active content or attachments.
ACTIVE_KEYS = {
    "/JavaScript": "JavaScript",
    "/JS": "JavaScript",
    "/Launch": "a launch action (runs a program)",
    "/EmbeddedFile": "an embedded file",
    "/EmbeddedFiles": "embedded files",
    "/AA": "automatic actions",
    "/RichMedia": "rich media",
}
# Action types (/S) refused wherever they appear, including in /OpenAction.
ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "a launch action (runs a program)",
    "/GoToE": "an action that opens an embedded file",
    "/ImportData": "a data-import action",
    "/SubmitForm": "a form-submission action",
    "/RichMediaExecute": "rich media",
}


def _limit_resources() -> None:
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    cpu = math.ceil(spent) + CPU_LIMIT_SECONDS  # imports are not the file's fault
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def _emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload))
    sys.stdout.flush()


def _fail(code: str, detail: str = "") -> None:
    _emit({"ok": False, "error": code, "detail": detail[:300]})


def _scan_pdf(reader: Any) -> list[str]:
    """Walk every object in the file and name the active features found."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    found: dict[str, None] = {}
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Any, int]] = []
    for generation, numbers in reader.xref.items():
        for number in numbers:
            stack.append((IndirectObject(number, generation, reader), 0))
    for number in getattr(reader, "xref_objStm", {}):
        stack.append((IndirectObject(number, 0, reader), 0))
    stack.append((reader.trailer, 0))

    visited = 0
    while stack:
        obj, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise RecursionError("objects nested too deeply")
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                obj = obj.get_object()
            except Exception:  # noqa: S112 (one broken object must not hide the others)
                continue
        visited += 1
        if visited > MAX_OBJECTS:
            raise RecursionError("too many objects")
        if isinstance(obj, DictionaryObject):
            for name, value in obj.items():
                if name in ACTIVE_KEYS:
                    found[ACTIVE_KEYS[name]] = None
                if name == "/S" and isinstance(value, NameObject) and value in ACTIVE_ACTIONS:
                    found[ACTIVE_ACTIONS[value]] = None
                if name == "/Type" and value == "/EmbeddedFile":
                    found["an embedded file"] = None
                if name == "/Parent":
                    continue  # back-pointer in the page tree; the parent is walked anyway
                if isinstance(value, DictionaryObject | ArrayObject | IndirectObject):
                    stack.append((value, depth + 1))
        elif isinstance(obj, ArrayObject):
            for value in obj:
                if isinstance(value, DictionaryObject | ArrayObject | IndirectObject):
                    stack.append((value, depth + 1))
    return list(found)


def _open_pdf(data: bytes) -> Any:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        return None
    return reader


def probe_pdf(data: bytes) -> None:
    try:
        reader = _open_pdf(data)
        if reader is None:
            _fail("encrypted")
            return
        pages = len(reader.pages)
        if pages < 1:
            _fail("unparseable", "no pages")
            return
        for page in reader.pages:
            page.get_contents()  # resolves each page's content stream references
        active = _scan_pdf(reader)
    except RecursionError as exc:
        _fail("too_complex", str(exc))
        return
    except MemoryError:
        _fail("too_complex", "memory limit")
        return
    except Exception as exc:  # noqa: BLE001 (any parser failure means "unparseable")
        _fail("unparseable", f"{type(exc).__name__}: {exc}")
        return
    if active:
        _fail("active_content", ", ".join(active))
        return
    _emit({"ok": True, "pages": pages})


def probe_text(data: bytes, max_pages: int) -> None:
    try:
        reader = _open_pdf(data)
        if reader is None:
            _fail("encrypted")
            return
        parts: list[str] = []
        total = 0
        for page in list(reader.pages)[: max(0, max_pages)]:
            text = page.extract_text() or ""
            parts.append(text)
            total += len(text)
            if total >= MAX_TEXT_CHARS:
                break
        _emit({"ok": True, "text": "\n".join(parts)[:MAX_TEXT_CHARS]})
    except MemoryError:
        _fail("too_complex", "memory limit")
    except Exception as exc:  # noqa: BLE001
        _fail("unparseable", f"{type(exc).__name__}: {exc}")


def probe_image(data: bytes, max_pixels: int) -> None:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                fmt = image.format
                if width * height > max_pixels:
                    _fail("too_many_pixels", f"{width}x{height}")
                    return
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # full decode: catches truncated data that verify() misses
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        _fail("too_many_pixels", str(exc))
        return
    except MemoryError:
        _fail("too_complex", "memory limit")
        return
    except Exception as exc:  # noqa: BLE001
        _fail("unparseable", f"{type(exc).__name__}: {exc}")
        return
    _emit({"ok": True, "format": fmt, "width": width, "height": height})


def main(argv: list[str]) -> int:
    # Import the parsers before limiting, so the limits measure the file, not the imports.
    import PIL.Image  # noqa: F401
    import pypdf  # noqa: F401

    data = sys.stdin.buffer.read()
    _limit_resources()
    mode = argv[1] if len(argv) > 1 else ""
    if mode == "pdf":
        probe_pdf(data)
    elif mode == "text":
        probe_text(data, int(argv[2]))
    elif mode == "image":
        probe_image(data, int(argv[2]))
    elif mode == "limits":  # lets the tests prove the sandbox is in force
        _emit(
            {
                "ok": True,
                "as": resource.getrlimit(resource.RLIMIT_AS)[0],
                "cpu": resource.getrlimit(resource.RLIMIT_CPU)[0],
                "fsize": resource.getrlimit(resource.RLIMIT_FSIZE)[0],
            }
        )
    else:
        _fail("usage", f"unknown mode {mode!r}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
