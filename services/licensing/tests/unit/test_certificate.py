"""The certificate PDF (docs/licensing-terms.md "Certificate"): it parses, it prints every fact and every clause
of the licence's terms, revoked and exclusive licences say so, any name survives whatever the fonts, and
nothing runs off the page."""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import reportlab
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
import zxingcpp

from services.licensing.certificate import (MARGIN, UNICODE_FONTS, Fonts, find_fonts, qr_drawing,
                                            render_certificate)
from services.licensing.terms import exclusive_terms, mask_email, standard_terms

LICENSE_ID = "3f1c2b9e-8d7a-4c6b-9e2f-1a2b3c4d5e6f"
VERIFY_URL = f"https://beatpass.example.com/verify-license/{LICENSE_ID}"
FINGERPRINT = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
HELVETICA = Fonts("Helvetica", "Helvetica-Bold")
# reportlab ships Bitstream Vera: a TrueType font every install has, with fewer glyphs than DejaVu
VERA_DIR = Path(reportlab.__file__).parent / "fonts"
VERA = (("BeatPassTestVera", VERA_DIR / "Vera.ttf", VERA_DIR / "VeraBd.ttf"),)


def certificate(**changes) -> dict:
    producer = changes.pop("producer_name", "Ana Beats")
    license_type = changes.get("license_type", "standard")
    cert = {
        "license_id": LICENSE_ID,
        "license_type": license_type,
        "status": "valid",
        "track_id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
        "track_title": "Midnight Drive",
        "artist_id": "11111111-2222-4333-8444-555555555555",
        "producer_name": producer,
        "fingerprint_hash": FINGERPRINT,
        "licensee_email_masked": mask_email("jane@example.com"),
        "issued_at": datetime(2026, 12, 7, 16, 6, 1, tzinfo=timezone.utc),
        "terms": (exclusive_terms if license_type == "exclusive" else standard_terms)(producer),
        "verify_url": VERIFY_URL,
        "price": ({"price_cents": 150000, "fee_cents": 18300, "currency": "USD"}
                  if license_type == "exclusive" else None),
    }
    return {**cert, **changes}


def read(pdf: bytes) -> pypdf.PdfReader:
    assert pdf.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    """The text of every page without whitespace, so that a value wrapped over two lines still matches."""
    return "".join("".join(page.extract_text().split()) for page in read(pdf).pages)


def squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("fonts", [None, HELVETICA], ids=["default fonts", "Helvetica"])
@pytest.mark.parametrize("license_type", ["standard", "exclusive"])
def test_the_certificate_prints_every_fact_and_every_clause(license_type, fonts):
    cert = certificate(license_type=license_type)
    pdf = render_certificate(cert, fonts)
    assert 1 <= len(read(pdf).pages) <= 2
    text = text_of(pdf)
    for value in ("BeatPass licence certificate", LICENSE_ID, cert["track_id"], "Midnight Drive", "Ana Beats",
                  cert["artist_id"], FINGERPRINT, "j***@example.com", "2026-12-0716:06:01UTC", VERIFY_URL,
                  f"{license_type.capitalize()}licence", "Valid", cert["terms"]["version"]):
        assert squeezed(value) in text, value
    for clause in cert["terms"]["text"]:
        assert squeezed(clause) in text, clause
    assert "REVOKED" not in text


def test_a_standard_certificate_fits_on_one_page_and_shows_no_price():
    pdf = render_certificate(certificate())
    assert len(read(pdf).pages) == 1
    assert "Price" not in text_of(pdf)


def test_an_exclusive_certificate_shows_the_price_and_the_buyers_fee():
    text = text_of(render_certificate(certificate(license_type="exclusive")))
    assert squeezed("1,500.00 USD (buyer's fee 183.00 USD; total paid 1,683.00 USD)") in text


def test_a_revoked_licence_says_revoked_and_when():
    revoked_at = datetime(2026, 12, 9, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    text = text_of(render_certificate(certificate(license_type="exclusive", status="revoked", revoked_at=revoked_at)))
    assert text.count("REVOKED") >= 2  # the banner and the status
    assert squeezed("revoked on 2026-12-09 08:00:00 UTC") in text


def test_a_revoked_licence_without_a_date_still_says_revoked():
    text = text_of(render_certificate(certificate(status="revoked")))
    assert "REVOKED" in text and squeezed("This licence was revoked and grants no rights.") in text


def test_dates_are_printed_in_utc():
    issued = datetime(2026, 12, 8, 1, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert squeezed("2026-12-08 06:30:00 UTC") in text_of(render_certificate(certificate(issued_at=issued)))


def test_a_naive_date_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        render_certificate(certificate(issued_at=datetime(2026, 12, 7, 16, 6)))


def test_a_missing_fingerprint_is_said_so():
    assert squeezed("not available") in text_of(render_certificate(certificate(fingerprint_hash=None)))


def test_titles_are_text_never_markup():
    title = "<b>Beats & Co</b> <font size=60>big</font> &amp;"
    assert squeezed(title) in text_of(render_certificate(certificate(track_title=title)))


def test_the_same_licence_gives_the_same_bytes():
    assert render_certificate(certificate()) == render_certificate(certificate())


def test_the_pdf_names_itself():
    metadata = read(render_certificate(certificate())).metadata
    assert metadata.title == "BeatPass licence certificate" and LICENSE_ID in metadata.subject


# ---------------------------------------------------------------------------------------------------------------
# the QR code


def test_the_qr_code_encodes_the_verification_address():
    widget = qr_drawing(VERIFY_URL).contents[0]
    assert widget.value == VERIFY_URL


def test_the_qr_code_is_drawn_on_the_first_page():
    without_qr = render_certificate(certificate(verify_url="x"))
    with_qr = render_certificate(certificate())
    # a QR code of a 70-character address has hundreds of dark modules, each drawn as a rectangle
    assert rectangles(with_qr) - rectangles(without_qr) > 200


@pytest.mark.parametrize("license_type", ["standard", "exclusive"])
def test_a_phone_scanning_the_printed_qr_code_reaches_the_verification_page(license_type):
    # the first page as a printer or a screen shows it (150 dpi, pdfium), read by a real QR decoder (zxing-cpp)
    page = pypdfium2.PdfDocument(render_certificate(certificate(license_type=license_type)))[0]
    image = page.render(scale=150 / 72).to_pil()
    found = zxingcpp.read_barcodes(image)
    assert [(code.format, code.text) for code in found] == [(zxingcpp.BarcodeFormat.QRCode, VERIFY_URL)]


def rectangles(pdf: bytes) -> int:
    return len(re.findall(rb"\sre\b", read(pdf).pages[0].get_contents().get_data()))


# ---------------------------------------------------------------------------------------------------------------
# fonts and names


def test_the_default_font_is_dejavu_when_installed():
    _, regular, bold = UNICODE_FONTS[0]
    assert (find_fonts().regular == "DejaVuSans") == (regular.is_file() and bold.is_file())


def test_without_a_truetype_font_helvetica_draws_latin1_and_stand_ins():
    fonts = find_fonts(candidates=())
    assert (fonts.regular, fonts.bold) == ("Helvetica", "Helvetica-Bold")
    assert fonts.clean("Zoë Ångström — Łódź 東京 “€5”") == 'Zoë Ångström - ?ódz ?? "EUR5"'


def test_a_truetype_font_keeps_what_it_has_glyphs_for():
    fonts = find_fonts(candidates=VERA)
    assert fonts.regular == "BeatPassTestVera"
    assert fonts.clean("Łukasz Ω — Ёлка 東京") == "Łukasz Ω — ???? ??"


@pytest.mark.parametrize(("fonts", "printed"), [
    (HELVETICA, "Zoë ?ódz - ?? Beats"),
    (find_fonts(candidates=VERA), "Zoë Łódz — ?? Beats"),
], ids=["Helvetica", "TrueType"])
def test_a_unicode_name_survives_either_font(fonts, printed):
    name = "Zoë Łódź — 東京 Beats"
    text = text_of(render_certificate(certificate(producer_name=name), fonts))
    assert squeezed(printed) in text
    assert squeezed(f'Produced by {printed}') in text  # the credit clause, printed with the same stand-ins


def test_a_missing_font_file_falls_back_to_the_next_candidate(tmp_path):
    candidates = (("Nowhere", tmp_path / "missing.ttf", tmp_path / "missing-bold.ttf"), *VERA)
    assert find_fonts(candidates).regular == "BeatPassTestVera"


# ---------------------------------------------------------------------------------------------------------------
# nothing runs off the page


LONG = {
    "track_title": "Midnight Drive (Extended Instrumental Version) " * 8 + "X" * 180,
    "producer_name": "The Very Long Collective of Producers Featuring Everyone " * 4 + "Y" * 150,
    "verify_url": "https://beatpass.example.com/" + "long-path/" * 20 + LICENSE_ID,
    "licensee_email_masked": "j***@" + "sub." * 30 + "example.com",
}


@pytest.mark.parametrize("fonts", [HELVETICA, find_fonts(candidates=VERA)], ids=["Helvetica", "TrueType"])
def test_long_values_wrap_inside_the_margins(fonts):
    cert = certificate(license_type="exclusive", **LONG)
    terms = cert["terms"]
    cert["terms"] = {**terms, "text": terms["text"] + ["A clause that goes on and on. " * 30, "Z" * 300]}
    pdf = render_certificate(cert, fonts)
    lines = drawn_lines(pdf, fonts)
    assert lines, "no text found"
    width = A4[0]
    for text, left, right in lines:
        assert MARGIN - 1 <= left and right <= width - MARGIN + 1, f"{text!r} spans {left:.0f}..{right:.0f}"
    assert squeezed(LONG["track_title"]) in text_of(pdf)


def drawn_lines(pdf: bytes, fonts: Fonts) -> list[tuple[str, float, float]]:
    """Every line of text drawn: (text, left edge, right edge) in points, widths measured with the font."""
    found = []
    for page in read(pdf).pages:
        def visit(text, cm, tm, font_dict, font_size):
            if not text.strip() or font_dict is None:
                return
            bold = "Bold" in str(font_dict.get("/BaseFont", ""))
            font = fonts.bold if bold else fonts.regular
            left = cm[4] + tm[4]
            for line in text.split("\n"):
                if line.strip():
                    found.append((line, left, left + pdfmetrics.stringWidth(line, font, font_size)))
        page.extract_text(visitor_text=visit)
    return found
