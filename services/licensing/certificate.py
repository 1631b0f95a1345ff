"""The licence certificate as a PDF (reportlab): what the licence is, for which track, to whom, under which
terms (printed verbatim from ``terms["text"]``), and where anyone can verify it, as text and as a QR code.

Pure: ``render_certificate`` takes the facts and returns the bytes; storing them is the service's business.
"""
from __future__ import annotations

import io
import unicodedata
from datetime import datetime, timezone
from functools import lru_cache
from html import escape
from pathlib import Path

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

TITLE = "BeatPass licence certificate"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
#: Unicode TrueType fonts tried in order, (name, regular file, bold file); without one, the built-in Helvetica
UNICODE_FONTS = (("DejaVuSans", DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"),)  # fonts-dejavu-core
MARGIN = 18 * mm
QR_SIZE = 34 * mm
ACCENT = colors.HexColor("#1f2a44")
REVOKED_RED = colors.HexColor("#b3261e")


# ---------------------------------------------------------------------------------------------------------------
# fonts


class Fonts:
    """The regular and bold font names to draw with, and the characters they can draw (``None``: Latin-1)."""

    def __init__(self, regular: str, bold: str, glyphs: frozenset[int] | None = None):
        self.regular, self.bold, self.glyphs = regular, bold, glyphs

    def can_draw(self, char: str) -> bool:
        if char in "\n\t":
            return True
        code = ord(char)
        return code in self.glyphs if self.glyphs is not None else code < 0x80 or 0xA0 <= code <= 0xFF

    def clean(self, text: str) -> str:
        """``text`` as these fonts can draw it: a character they lack becomes its look-alike (``—`` → ``-``), its
        letter without the accent (``ő`` → ``o``), else ``?``, so nothing prints as an empty box."""
        return "".join(char if self.can_draw(char) else self.substitute(char) for char in text)

    def substitute(self, char: str) -> str:
        if char in LOOK_ALIKES and all(self.can_draw(c) for c in LOOK_ALIKES[char]):
            return LOOK_ALIKES[char]
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        return base if base and all(self.can_draw(c) for c in base) else "?"


LOOK_ALIKES = {"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
               "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u202f": " ",
               "\u2009": " ", "\u20ac": "EUR", "\u2122": "(TM)"}


def find_fonts(candidates=None) -> Fonts:
    """The first of ``candidates`` (default ``UNICODE_FONTS``) whose two files exist, registered once; else the
    built-in Helvetica."""
    for name, regular, bold in UNICODE_FONTS if candidates is None else candidates:
        if Path(regular).is_file() and Path(bold).is_file():
            glyphs = register(name, Path(regular)) & register(f"{name}-Bold", Path(bold))
            return Fonts(name, f"{name}-Bold", glyphs)
    return Fonts("Helvetica", "Helvetica-Bold")


@lru_cache(maxsize=None)
def register(name: str, path: Path) -> frozenset[int]:
    """Registers the font once (reportlab's registry is process-wide); the code points it has glyphs for."""
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return frozenset(pdfmetrics.getFont(name).face.charToGlyph)


# ---------------------------------------------------------------------------------------------------------------
# the document


def render_certificate(cert: dict, fonts: Fonts | None = None) -> bytes:
    """The certificate of ``cert`` (keys: docs/licensing-terms.md "Certificate") as PDF bytes, A4."""
    fonts = fonts or find_fonts()
    styles = make_styles(fonts)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 6 * mm, title=TITLE, author="BeatPass",
                            subject=f"Licence {cert['license_id']}", invariant=True)

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(fonts.regular, 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(MARGIN, MARGIN - 2 * mm, f"BeatPass licence {cert['license_id']}")
        canvas.drawRightString(A4[0] - MARGIN, MARGIN - 2 * mm, f"page {document.page}")
        canvas.restoreState()

    # the frame pads its content by 6 pt on each side: tables as wide as the frame's inside line up with the text
    doc.build(story(cert, fonts, styles, doc.width - 12), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def make_styles(fonts: Fonts) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=fonts.regular, fontSize=10, leading=13.5)
    return {
        "title": ParagraphStyle("title", body, fontName=fonts.bold, fontSize=22, leading=27, textColor=ACCENT),
        "subtitle": ParagraphStyle("subtitle", body, fontSize=13, leading=17, textColor=ACCENT),
        "revoked": ParagraphStyle("revoked", body, fontName=fonts.bold, fontSize=26, leading=32,
                                  textColor=colors.white, alignment=TA_CENTER),
        "revoked_note": ParagraphStyle("revoked_note", body, textColor=colors.white, alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", body, fontName=fonts.bold, fontSize=12.5, leading=16, spaceBefore=10,
                                  spaceAfter=4, textColor=ACCENT),
        "label": ParagraphStyle("label", body, fontName=fonts.bold, fontSize=9, textColor=colors.HexColor("#555555")),
        "body": body,
        "small": ParagraphStyle("small", body, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444")),
        "caption": ParagraphStyle("caption", body, fontSize=8, leading=10, alignment=TA_CENTER, spaceBefore=2,
                                  textColor=colors.HexColor("#444444")),
        # 64 hex digits on one line of the value column
        "code": ParagraphStyle("code", body, fontSize=8.5),
    }


def story(cert: dict, fonts: Fonts, styles: dict, width: float) -> list:
    def para(text: str, style: str = "body") -> Paragraph:
        # escaped: a title or name is text, never reportlab markup
        return Paragraph(escape(fonts.clean(text), quote=False), styles[style])

    flowables = [header(cert, para, width), Spacer(1, 5 * mm)]
    if cert["status"] == "revoked":
        flowables += [revoked_banner(cert, para, width), Spacer(1, 5 * mm)]
    return flowables + [
        facts_table(cert, para, width),
        para("Terms", "heading"),
        clauses_table(cert["terms"]["text"], para, width),
        Spacer(1, 3 * mm),
        para(f"Terms version: {cert['terms']['version']}. Each licence keeps the terms it was issued under; the "
             "verification address gives them as machine-readable JSON too.", "small"),
    ]


def license_kind(license_type: str) -> str:
    return {"standard": "Standard", "exclusive": "Exclusive"}.get(license_type, license_type.capitalize())


def header(cert: dict, para, width: float) -> Table:
    """The title on the left, the QR code of the verification address on the right."""
    words = [para(TITLE, "title"), para(f"{license_kind(cert['license_type'])} licence", "subtitle"),
             Spacer(1, 3 * mm),
             para("This certificate records a licence granted through BeatPass. Anyone can check that it exists and "
                  "is valid by opening the verification address below or scanning the code.", "small")]
    qr = [qr_drawing(cert["verify_url"]), para("Scan to verify", "caption")]
    table = Table([[words, qr]], colWidths=[width - QR_SIZE - 4 * mm, QR_SIZE + 4 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("LEFTPADDING", (1, 0), (1, 0), 4 * mm)]))
    return table


def clauses_table(clauses: list[str], para, width: float) -> Table:
    """Numbered clauses, wrapped in a column of their own so that the numbers line up."""
    number_width = 8 * mm
    table = Table([[para(f"{number}.", "body"), para(clause)] for number, clause in enumerate(clauses, start=1)],
                  colWidths=[number_width, width - number_width])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    return table


def revoked_banner(cert: dict, para, width: float) -> Table:
    when = cert.get("revoked_at")
    note = (f"This licence was revoked on {utc(when)} and grants no rights." if when
            else "This licence was revoked and grants no rights.")
    banner = Table([[para("REVOKED", "revoked")], [para(note, "revoked_note")]], colWidths=[width])
    banner.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), REVOKED_RED),
                                ("TOPPADDING", (0, 0), (-1, 0), 8), ("BOTTOMPADDING", (0, -1), (-1, -1), 8)]))
    return banner


def facts_table(cert: dict, para, width: float) -> Table:
    rows = [
        ("Licence ID", cert["license_id"], "body"),
        ("Type", license_kind(cert["license_type"]), "body"),
        ("Status", "REVOKED" if cert["status"] == "revoked" else "Valid", "body"),
        ("Track", cert["track_title"], "body"),
        ("Track ID", cert["track_id"], "body"),
        ("Producer", cert["producer_name"], "body"),
        ("Artist ID", cert["artist_id"], "body"),
        ("Audio fingerprint hash", cert["fingerprint_hash"] or "not available", "code"),
        ("Licensee", cert["licensee_email_masked"], "body"),
        ("Issued", utc(cert["issued_at"]), "body"),
    ]
    if cert.get("price"):
        rows.append(("Price", price_line(cert["price"]), "body"))
    rows.append(("Verify at", cert["verify_url"], "body"))
    label_width = 40 * mm
    table = Table([[para(label, "label"), para(str(value), style)] for label, value, style in rows],
                  colWidths=[label_width, width - label_width])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#dddddd")),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
    ]))
    return table


def qr_drawing(value: str) -> Drawing:
    widget = QrCodeWidget(value, barLevel="M", barBorder=0)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


# ---------------------------------------------------------------------------------------------------------------
# values as printed


def utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("a certificate's dates must be timezone-aware (UTC): a naive one is ambiguous")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def money(cents: int, currency: str) -> str:
    return f"{cents // 100:,}.{cents % 100:02d} {currency}"


def price_line(price: dict) -> str:
    cents, fee, currency = price["price_cents"], price["fee_cents"], price["currency"]
    return (f"{money(cents, currency)} (buyer's fee {money(fee, currency)}; total paid "
            f"{money(cents + fee, currency)})")
