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
import re
import resource
import sys
import warnings
from typing import Any

MEMORY_LIMIT_BYTES = 256 * 1024 * 1024
CPU_LIMIT_SECONDS = 2
MAX_OBJECTS = 50_000
MAX_DEPTH = 64
MAX_TEXT_CHARS = 50_000

# Keys whose presence anywhere in the document means active content, attachments or forms
# that can run scripts or send data.
ACTIVE_KEYS = {
    "/JavaScript": "JavaScript",
    "/JS": "JavaScript",
    "/Launch": "a launch action (runs a program)",
    "/EmbeddedFile": "an embedded file",
    "/EmbeddedFiles": "embedded files",
    "/EF": "an embedded file",
    "/AA": "automatic actions",
    "/RichMedia": "rich media",
}
XFA_FORM = "an XFA form (a form that can run scripts and send data)"
XFA_SCRIPT = "an XFA form with a script"
# Action types (/S) refused wherever they appear: /OpenAction, /AA, an annotation's or a form
# field's /A, a /Next chain. Each can run something, fetch something or send something.
ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "a launch action (runs a program)",
    "/GoToR": "a link that opens another file (which can be on a network share)",
    "/GoToE": "an action that opens an embedded file",
    "/URI": "a link to a web address",
    "/SubmitForm": "a form-submission action",
    "/ImportData": "a data-import action",
    "/RichMediaExecute": "rich media",
    "/Sound": "a sound",
    "/Movie": "a movie",
    "/Rendition": "embedded media",
    "/GoTo3DView": "3D content (which can run scripts)",
}
# Annotation types (/Subtype) that play, attach or script something.
ACTIVE_SUBTYPES = {
    "/FileAttachment": "an attached file",
    "/Sound": "a sound",
    "/Movie": "a movie",
    "/Screen": "embedded media",
    "/RichMedia": "rich media",
    "/3D": "3D content (which can run scripts)",
}
# What an XFA packet (XML, usually compressed) holds when it can run or send something.
_XFA_ACTIVE = re.compile(rb"<\s*(?:script|submit|execute|signData)\b|javascript|formcalc", re.I)
MAX_XFA_BYTES = 32 * 1024 * 1024


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


def _xfa_streams(value: Any) -> list[Any]:
    """The packets of an /XFA entry: one stream, or an array of (name, stream) pairs."""
    from pypdf.generic import ArrayObject, IndirectObject, StreamObject

    if isinstance(value, IndirectObject):
        value = value.get_object()
    if isinstance(value, StreamObject):
        return [value]
    if isinstance(value, ArrayObject):
        items = (v.get_object() if isinstance(v, IndirectObject) else v for v in value)
        return [item for item in items if isinstance(item, StreamObject)]
    return []


def _xfa_is_active(value: Any) -> bool:
    """Decompress every XFA packet and look for scripts or submissions in its XML.

    The form is refused either way; this only makes the message say what it holds.
    """
    for stream in _xfa_streams(value):
        try:
            data = stream.get_data()
        except MemoryError:
            raise
        except Exception:  # noqa: S112 (an undecodable packet is refused as an XFA form anyway)
            continue
        if len(data) > MAX_XFA_BYTES:
            raise RecursionError("an XFA packet is too large")
        if _XFA_ACTIVE.search(data):
            return True
    return False


def _scan_pdf(reader: Any) -> list[str]:
    """Walk every object in the file and name the active features found.

    Every numbered object (including those inside object streams) and the trailer are
    visited, so an action cannot hide in an unreferenced object, an annotation or a form
    field. XFA packets are decompressed and read, since a script there is invisible to a
    look at the dictionaries alone.
    """
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
                if name == "/XFA":
                    found[XFA_SCRIPT if _xfa_is_active(value) else XFA_FORM] = None
                if isinstance(value, NameObject):
                    if name == "/S" and value in ACTIVE_ACTIONS:
                        found[ACTIVE_ACTIONS[value]] = None
                    elif name == "/Subtype" and value in ACTIVE_SUBTYPES:
                        found[ACTIVE_SUBTYPES[value]] = None
                    elif name == "/Type" and value == "/EmbeddedFile":
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
