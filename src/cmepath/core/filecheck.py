"""Validation of uploaded files (certificates, transcripts): pure, typed, no Django.

``inspect_upload`` decides whether bytes may be stored, following ASVS 5.1-5.3:

1. not empty, not over the size limit;
2. the content's magic bytes name a type we know, the type is allowed, and the file
   name's extension agrees with the content;
3. the content parses: PDFs with pypdf, images with Pillow, both **in a child process**
   limited to 256 MiB of address space and 2 s of CPU (``_pdfprobe.py``), so a hostile
   file can only kill that child;
4. PDFs must not be encrypted and must carry nothing that can run or fetch: JavaScript,
   XFA forms (their compressed packets are read for scripts), launch, remote go-to
   (``/GoToR``, e.g. to a ``\\\\server\\share`` path), embedded go-to, web-link
   (``/URI``), form-submission, data-import and media actions wherever they sit (open
   action, automatic actions, an annotation's or a field's action, a ``/Next`` chain),
   embedded or attached files, and sound, movie, screen, rich-media or 3D annotations.
   Images must stay under a pixel budget (decompression bombs).

The client's filename is never used for storage; callers store under a server-made name
(a UUID) with ``FileVerdict.safe_name_ext``. ``display_name`` makes the client's name safe
to show back in the UI.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

DEFAULT_ALLOWED = frozenset({"pdf", "png", "jpeg"})
DEFAULT_MAX_BYTES = (
    10 * 1024 * 1024
)  # for pure callers; services pass core.uploads.max_upload_bytes()
DEFAULT_MAX_PIXELS = 40_000_000  # 40 megapixels: any phone photo or 600 dpi letter scan
PROBE_WALL_SECONDS = 15  # CPU is capped at 2 s inside the probe; this covers I/O stalls
_PROBE = Path(__file__).with_name("_pdfprobe.py")

KIND_LABELS = {
    "pdf": "a PDF document",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "gif": "a GIF image",
    "webp": "a WebP image",
    "tiff": "a TIFF image",
    "bmp": "a BMP image",
    "heic": "a HEIC/HEIF image",
    "zip": "a ZIP archive (or an Office document)",
    "ole": "an old-style Office document",
    "html": "an HTML page",
    "svg": "an SVG image",
    "exe": "a program",
    "elf": "a program",
    "rtf": "an RTF document",
}
SHORT_NAMES = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG"}
MIME_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
STORAGE_EXTENSIONS = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg"}
EXTENSION_KINDS = {
    "pdf": "pdf",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "jpe": "jpeg",
    "jfif": "jpeg",
}
_HTML_MARKERS = re.compile(
    rb"<\s*(?:!doctype\s+html|html[\s>]|script[\s>]|body[\s>]|iframe[\s>])", re.I
)


class UploadRejected(Exception):
    """The upload is refused; ``message`` is written for the person who uploaded it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class FileVerdict:
    """An accepted upload: what it really is, and the facts to store with it."""

    kind: str  # "pdf" | "png" | "jpeg"
    mime: str
    size: int
    sha256: str
    safe_name_ext: str  # extension for the server-made storage name, e.g. ".pdf"
    pages: int | None = None  # PDFs only


# ---------------------------------------------------------------------------------------
# Names


_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def display_name(filename: str, max_length: int = 120) -> str:
    """The client's filename made safe to show: no path, no control or bidi characters.

    "../../x.pdf" -> "x.pdf"; "report\\u202Egpj.pdf" -> "reportgpj.pdf" (the right-to-left
    override that made it *look* like a .jpg is removed). Never use the result as a path.
    """
    name = unicodedata.normalize("NFC", filename or "")
    # Drop control, format (bidi overrides, zero-width), surrogate and private-use chars.
    name = "".join(
        " " if char in "\t\n\r" else char
        for char in name
        if unicodedata.category(char) not in _DROPPED_CATEGORIES or char in "\t\n\r"
    )
    # Strip any directory part, POSIX or Windows style.
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = " ".join(name.split()).strip(" .")
    if not name:
        return "upload"
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10 and stem:
            name = stem[: max_length - len(ext) - 2].rstrip() + "…." + ext
        else:
            name = name[: max_length - 1] + "…"
    return name


def _extension(filename: str) -> str:
    base = display_name(filename)
    stem, dot, ext = base.rpartition(".")
    return ext.lower() if dot and stem else ""


# ---------------------------------------------------------------------------------------
# Content sniffing


def sniff_kind(data: bytes) -> str | None:
    """Name the content type from its magic bytes (None when unknown)."""
    head = data[:64]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:2] == b"BM":
        return "bmp"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return "heic"
    if head[:4] == b"PK\x03\x04":
        return "zip"
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    if head[:2] == b"MZ":
        return "exe"
    if head[:4] == b"\x7fELF":
        return "elf"
    if head[:5] == b"{\\rtf":
        return "rtf"
    text = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return "svg"
    if _HTML_MARKERS.search(data[:1024]):
        return "html"
    return None


def _allowed_list(allowed: frozenset[str] | set[str]) -> str:
    names = [SHORT_NAMES.get(kind, kind.upper()) for kind in sorted(allowed)]
    return ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1]


def human_size(size: int) -> str:
    """``10485760`` -> ``"10 MiB"``, as the limit messages say it."""
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MiB"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size} bytes"


# ---------------------------------------------------------------------------------------
# Sandbox


def _run_probe(data: bytes, *args: str) -> dict[str, object]:
    """Run ``_pdfprobe.py`` in a fresh, isolated interpreter and return its JSON answer."""
    # -I: isolated mode (ignores PYTHON* variables and the user site; the probe imports only
    # the stdlib, pypdf and Pillow). The probe sets its own rlimits before reading the data
    # (thread-safe, unlike preexec_fn).
    command = [sys.executable, "-I", str(_PROBE), *args]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
    try:
        completed = subprocess.run(  # noqa: S603 (fixed argv: our interpreter and our probe)
            command,
            input=data,
            capture_output=True,
            timeout=PROBE_WALL_SECONDS,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise UploadRejected(
            "too_complex", "The file took too long to check. Please upload a simpler file."
        ) from exc
    try:
        answer = json.loads(completed.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        # Killed by its limits (SIGXCPU, SIGKILL, MemoryError during import...) or crashed.
        raise UploadRejected(
            "too_complex",
            "The file could not be checked safely: it needs more memory or time than an "
            "upload may use. Please save or scan it again as a plain PDF, PNG or JPEG.",
        ) from None
    if not isinstance(answer, dict):
        raise UploadRejected("too_complex", "The file could not be checked safely.")
    return answer


_PDF_MESSAGES = {
    "encrypted": "The PDF is password-protected or encrypted. Please upload an unprotected copy.",
    "unparseable": "The PDF is damaged or incomplete and cannot be read. Please download or "
    "export it again and upload the new copy.",
    "too_complex": "The PDF is too complex to check safely. Please print it to a new PDF and "
    "upload that.",
}


def _check_pdf(data: bytes) -> int:
    tail = data[-2048:]
    if b"%%EOF" not in tail:
        raise UploadRejected("unparseable", _PDF_MESSAGES["unparseable"])
    if _HTML_MARKERS.search(data):
        raise UploadRejected(
            "active_content",
            "The file starts like a PDF but also contains web-page (HTML or script) code, so "
            "it cannot be accepted. Please upload the original PDF.",
        )
    answer = _run_probe(data, "pdf")
    if answer.get("ok") is True:
        pages = answer.get("pages")
        return pages if isinstance(pages, int) else 0
    error = str(answer.get("error", "unparseable"))
    if error == "active_content":
        raise UploadRejected(
            "active_content",
            f"The PDF contains {answer.get('detail') or 'active content'}, which we do not "
            "accept. Please print it to a new PDF (or scan it) and upload that copy.",
        )
    raise UploadRejected(error, _PDF_MESSAGES.get(error, _PDF_MESSAGES["unparseable"]))


def _check_image(data: bytes, kind: str, max_pixels: int) -> None:
    answer = _run_probe(data, "image", str(max_pixels))
    label = SHORT_NAMES[kind]
    if answer.get("ok") is True:
        fmt = str(answer.get("format", "")).lower()
        if fmt != kind:
            raise UploadRejected(
                "type_mismatch", f"The file looks like a {label} image but does not decode as one."
            )
        return
    error = str(answer.get("error", "unparseable"))
    if error == "too_many_pixels":
        raise UploadRejected(
            "too_many_pixels",
            f"The image has too many pixels to process (limit {max_pixels // 1_000_000} "
            "megapixels). Please resize it or scan at a lower resolution.",
        )
    raise UploadRejected(
        "unparseable" if error != "too_complex" else "too_complex",
        f"The {label} image is damaged or incomplete and cannot be read. Please upload it again.",
    )


# ---------------------------------------------------------------------------------------
# Entry points


def _read(data: bytes | os.PathLike[str] | str, max_bytes: int) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    path = Path(data)
    size = path.stat().st_size
    if size > max_bytes:
        raise UploadRejected(
            "too_large",
            f"The file is {human_size(size)}; the limit is {human_size(max_bytes)}.",
        )
    with path.open("rb") as handle:
        return handle.read(max_bytes + 1)


def inspect_upload(
    data: bytes | os.PathLike[str] | str,
    filename: str,
    allowed: set[str] | frozenset[str] = DEFAULT_ALLOWED,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> FileVerdict:
    """Check an upload and describe it, or raise ``UploadRejected`` saying why not.

    ``data`` is the content (bytes) or the path of a temporary file holding it; a ``str``
    is always taken as a path. ``filename`` is the client's name, used only to compare its
    extension with the content.
    """
    unknown = set(allowed) - set(MIME_TYPES)
    if unknown:
        raise ValueError(f"unsupported kinds in allowed: {sorted(unknown)}")
    content = _read(data, max_bytes)
    size = len(content)
    if size == 0:
        raise UploadRejected("empty", "The file is empty (0 bytes). Please choose the file again.")
    if size > max_bytes:
        raise UploadRejected(
            "too_large",
            f"The file is {human_size(size)}; the limit is {human_size(max_bytes)}.",
        )

    kind = sniff_kind(content)
    extension = _extension(filename)
    if kind is None:
        raise UploadRejected(
            "unknown_type",
            f"We could not recognise the file's content. Please upload a {_allowed_list(allowed)} file.",
        )
    if kind not in allowed:
        raise UploadRejected(
            "type_not_allowed",
            f"The file is {KIND_LABELS.get(kind, kind)}; only {_allowed_list(allowed)} files "
            "are accepted.",
        )
    if EXTENSION_KINDS.get(extension) != kind:
        named = f"named .{extension}" if extension else "named without an extension"
        raise UploadRejected(
            "type_mismatch",
            f"The file is {named} but its content is {KIND_LABELS[kind]}. Please upload the "
            "original file with its correct name.",
        )

    pages: int | None = None
    if kind == "pdf":
        pages = _check_pdf(content)
    else:
        _check_image(content, kind, max_pixels)
    return FileVerdict(
        kind=kind,
        mime=MIME_TYPES[kind],
        size=size,
        sha256=hashlib.sha256(content).hexdigest(),
        safe_name_ext=STORAGE_EXTENSIONS[kind],
        pages=pages,
    )


def extract_pdf_text(data: bytes, max_pages: int = 5) -> str:
    """Text of the first ``max_pages`` pages, extracted in the sandbox (for form pre-fill).

    Call it on PDFs that ``inspect_upload`` accepted; it raises ``UploadRejected`` when the
    PDF cannot be read.
    """
    if sniff_kind(data) != "pdf":
        raise UploadRejected("type_mismatch", "Text can only be read from PDF files.")
    answer = _run_probe(data, "text", str(max_pages))
    if answer.get("ok") is True:
        return str(answer.get("text", ""))
    error = str(answer.get("error", "unparseable"))
    raise UploadRejected(error, _PDF_MESSAGES.get(error, _PDF_MESSAGES["unparseable"]))
