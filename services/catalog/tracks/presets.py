"""The preset covers: artwork the catalog draws itself, three designs per genre of the vocabulary
(services/contracts/vocabularies.py ``GENRES``; docs/covers.md).

Each preset is drawn by Pillow from its id alone — the genre's palette and motifs, the preset's own motif and a
random generator seeded with the id — so the same id always gives the same picture, and no image is kept in the
repository. ``ensure_rendered`` writes it once into the media store (``presets/<version>/<id>.jpg``) the first time
it is asked for; later calls find the file. Writing is atomic (a temporary file renamed into place), so two
workers drawing the same preset at once both leave the same, whole file.
"""
from __future__ import annotations

import hashlib
import io
import math
import random
from dataclasses import dataclass
from typing import Callable

import numpy
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from services.common import offhub
from services.common.media import MediaStore
from services.contracts.vocabularies import GENRES, cover_preset_ids, preset_genre

SIZE = 1200
CONTENT_TYPE = "image/jpeg"
#: part of every key: a change to the drawings takes a new version, so no cache keeps serving the old pictures
DESIGN_VERSION = "v1"
AREA = "presets"

RGB = tuple[int, int, int]
Painter = Callable[[ImageDraw.ImageDraw, random.Random, "Palette"], None]


@dataclass(frozen=True)
class Palette:
    top: RGB
    bottom: RGB
    accents: tuple[RGB, RGB, RGB]
    ink: RGB  # the lettering


def _hex(code: str) -> RGB:
    return int(code[1:3], 16), int(code[3:5], 16), int(code[5:7], 16)


def palette(top: str, bottom: str, a: str, b: str, c: str, ink: str = "#ffffff") -> Palette:
    return Palette(_hex(top), _hex(bottom), (_hex(a), _hex(b), _hex(c)), _hex(ink))


# --- motifs: each draws on a transparent layer the size of the cover ------------------------------------

def rings(draw: ImageDraw.ImageDraw, rng: random.Random, colors: Palette) -> None:
    """A record: concentric rings around an off-centre hub."""
    cx, cy = rng.randint(420, 780), rng.randint(420, 780)
    for n, radius in enumerate(range(rng.randint(520, 640), 60, -rng.randint(34, 52))):
        color = colors.accents[n % 3]
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=(*color, 210),
                     width=rng.randint(6, 18))
    draw.ellipse((cx - 70, cy - 70, cx + 70, cy + 70), fill=(*colors.accents[0], 255))


def stripes(draw: ImageDraw.ImageDraw, rng: random.Random, colors: Palette) -> None:
    """Diagonal bands of varying width."""
    x, slope = -SIZE, rng.choice((1, -1))
    while x < 2 * SIZE:
        width = rng.randint(40, 150)
        color = colors.accents[rng.randrange(3)]
        top, bottom = (x, x + width), (x + slope * SIZE, x + slope * SIZE + width)
        draw.polygon([(top[0], 0), (top[1], 0), (bottom[1], SIZE), (bottom[0], SIZE)], fill=(*color, 170))
        x += width + rng.randint(30, 160)


def bars(draw: ImageDraw.ImageDraw, rng: random.Random, colors: Palette) -> None:
    """An equaliser rising from the bottom."""
    count = rng.randint(14, 24)
    width = SIZE / count
    for n in range(count):
        height = int(SIZE * (0.15 + 0.65 * abs(math.sin(n * 0.55 + rng.random()))))
        color = colors.accents[n % 3]
        draw.rectangle((int(n * width + 6), SIZE - height, int((n + 1) * width - 6), SIZE), fill=(*color, 220))


def sun(draw: ImageDraw.ImageDraw, rng: random.Random, colors: Palette) -> None:
    """A setting sun cut by horizontal lines over a perspective grid."""
    cx, cy, radius = SIZE // 2 + rng.randint(-120, 120), rng.randint(480, 600), rng.randint(300, 400)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=(*colors.accents[0], 255))
    for n in range(7):
        y = cy + n * 42
        draw.rectangle((0, y, SIZE, y + 8 + n * 3), fill=(*colors.bottom, 255))
    horizon = cy + radius // 2
    draw.rectangle((0, horizon, SIZE, SIZE), fill=(*colors.bottom, 255))
    for n in range(-12, 13):
        draw.line((SIZE // 2 + n * 40, horizon, SIZE // 2 + n * 220, SIZE), fill=(*colors.accents[1], 200), width=4)
    for n in range(1, 9):
        y = horizon + int((SIZE - horizon) * (n / 9) ** 1.8)
        draw.line((0, y, SIZE, y), fill=(*colors.accents[1], 200), width=4)


def dots(draw: ImageDraw.ImageDraw, rng: random.Random, colors: Palette) -> None:
    """A halftone: a grid of dots growing towards one corner."""
    step = rng.choice((60, 75, 100))
    corner = (rng.choice((0, SIZE)), rng.choice((0, SIZE)))
    for x in range(step // 2, SIZE, step):
        for y in range(step // 2, SIZE, step):
            reach = 1 - math.dist((x, y), corner) / (SIZE * 1.42)
            radius = max(2, int(step * 0.48 * reach))
            color = colors.accents[(x // step + y // step) % 3]
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*color, 230))


def waves(draw: ImageDraw.ImageDraw, rng: random.Random, colors: Palette) -> None:
    """Stacked sine waves, each with its own phase."""
    for n in range(rng.randint(9, 14)):
        base = 120 + n * 80
        amplitude, period, phase = rng.randint(20, 90), rng.randint(180, 420), rng.random() * math.tau
        points = [(x, base + amplitude * math.sin(x / period * math.tau + phase)) for x in range(0, SIZE + 10, 10)]
        draw.line(points, fill=(*colors.accents[n % 3], 230), width=rng.randint(6, 16))


def shards(draw: ImageDraw.ImageDraw, rng: random.Random, colors: Palette) -> None:
    """Sharp overlapping triangles."""
    for _ in range(rng.randint(14, 22)):
        cx, cy, reach = rng.randint(0, SIZE), rng.randint(0, SIZE), rng.randint(120, 420)
        points = [(cx + rng.randint(-reach, reach), cy + rng.randint(-reach, reach)) for _ in range(3)]
        draw.polygon(points, fill=(*colors.accents[rng.randrange(3)], rng.randint(120, 230)))


def blobs(draw: ImageDraw.ImageDraw, rng: random.Random, colors: Palette) -> None:
    """Soft discs (blurred afterwards: see ``SOFT``)."""
    for _ in range(rng.randint(6, 10)):
        cx, cy, radius = rng.randint(0, SIZE), rng.randint(0, SIZE), rng.randint(140, 380)
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius),
                     fill=(*colors.accents[rng.randrange(3)], rng.randint(140, 220)))


def tiles(draw: ImageDraw.ImageDraw, rng: random.Random, colors: Palette) -> None:
    """A floor of tiles, some lit."""
    step = rng.choice((100, 120, 150))
    for x in range(0, SIZE, step):
        for y in range(0, SIZE, step):
            if rng.random() < 0.55:
                color = colors.accents[rng.randrange(3)]
                inset = rng.choice((6, 14, 24))
                draw.rectangle((x + inset, y + inset, x + step - inset, y + step - inset),
                               fill=(*color, rng.randint(150, 240)))


def zigzag(draw: ImageDraw.ImageDraw, rng: random.Random, colors: Palette) -> None:
    """Horizontal zigzag lines."""
    tooth = rng.randint(50, 110)
    for n, y in enumerate(range(80, SIZE, rng.randint(90, 140))):
        points = [(x, y + (tooth // 2 if (x // tooth) % 2 else -tooth // 2)) for x in range(0, SIZE + tooth, tooth)]
        draw.line(points, fill=(*colors.accents[n % 3], 230), width=rng.randint(10, 22), joint="curve")


def grid(draw: ImageDraw.ImageDraw, rng: random.Random, colors: Palette) -> None:
    """A tilted square grid with a few filled cells."""
    step = rng.choice((80, 100, 120))
    for n in range(-SIZE, 2 * SIZE, step):
        draw.line((n, 0, n + SIZE // 3, SIZE), fill=(*colors.accents[1], 150), width=3)
        draw.line((0, n, SIZE, n - SIZE // 3), fill=(*colors.accents[2], 150), width=3)
    for _ in range(rng.randint(6, 12)):
        x, y = rng.randrange(0, SIZE, step), rng.randrange(0, SIZE, step)
        draw.rectangle((x, y, x + step, y + step), fill=(*colors.accents[0], 200))


#: motifs drawn soft (blurred) rather than sharp
SOFT = {blobs}


@dataclass(frozen=True)
class Design:
    colors: Palette
    motifs: tuple[Painter, Painter, Painter]  # one per preset: ``<genre>-1`` draws the first


#: the genres' palettes and their three presets' motifs
DESIGNS: dict[str, Design] = {
    "hip-hop": Design(palette("#1b1b2f", "#e43f5a", "#f9d342", "#ffffff", "#162447"), (rings, bars, stripes)),
    "trap": Design(palette("#0f0c29", "#302b63", "#b84cff", "#ff2e63", "#08d9d6"), (shards, rings, zigzag)),
    "drill": Design(palette("#0b0b0b", "#2d3436", "#d63031", "#dfe6e9", "#636e72"), (zigzag, shards, grid)),
    "boom-bap": Design(palette("#3e2723", "#a1887f", "#ffb300", "#fff3e0", "#4e342e"), (rings, dots, bars)),
    "r&b": Design(palette("#42275a", "#734b6d", "#ff9a9e", "#fad0c4", "#a18cd1"), (blobs, waves, rings)),
    "pop": Design(palette("#ff61d2", "#fe9090", "#fffb7d", "#55e6c1", "#6c5ce7", "#2d3436"), (dots, blobs, stripes)),
    "afrobeats": Design(palette("#f7971e", "#ffd200", "#009245", "#c0392b", "#1e272e", "#1e272e"),
                        (zigzag, sun, dots)),
    "reggaeton": Design(palette("#ee0979", "#ff6a00", "#ffe259", "#00c9ff", "#1b1464"), (waves, tiles, sun)),
    "lo-fi": Design(palette("#2c3e50", "#bdc3c7", "#f8b195", "#c06c84", "#6c5b7b"), (sun, blobs, dots)),
    "electronic": Design(palette("#000428", "#004e92", "#00f5d4", "#f15bb5", "#fee440"), (grid, waves, bars)),
    "house": Design(palette("#12c2e9", "#c471ed", "#f64f59", "#ffffff", "#1a1a2e"), (tiles, bars, rings)),
    "rock": Design(palette("#141e30", "#243b55", "#e74c3c", "#f5f6fa", "#7f8c8d"), (stripes, shards, zigzag)),
}
assert set(DESIGNS) == set(GENRES), "every genre of the vocabulary has a design"


def key_of(preset_id: str) -> str:
    return f"{AREA}/{DESIGN_VERSION}/{preset_id}.jpg"


def _seed(preset_id: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{DESIGN_VERSION}:{preset_id}".encode()).digest()[:8], "big")


def _gradient(colors: Palette, angle: float) -> Image.Image:
    """From ``top`` to ``bottom`` along the direction ``angle`` (degrees), over the whole square."""
    direction = math.radians(angle)
    axis = numpy.linspace(-0.5, 0.5, SIZE)
    along = axis[None, :] * math.sin(direction) + axis[:, None] * math.cos(direction)
    share = (along - along.min()) / (along.max() - along.min())
    top, bottom = numpy.array(colors.top, dtype=float), numpy.array(colors.bottom, dtype=float)
    pixels = top + (bottom - top) * share[..., None]
    return Image.fromarray(pixels.round().astype(numpy.uint8), "RGB")


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # a Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def render(preset_id: str) -> bytes:
    """The preset's JPEG, SIZE × SIZE pixels; ``KeyError`` for an id that names no preset."""
    genre = preset_genre(preset_id)
    if genre is None:
        raise KeyError(preset_id)
    design = DESIGNS[genre]
    number = cover_preset_ids(genre).index(preset_id)
    rng = random.Random(_seed(preset_id))
    picture = _gradient(design.colors, angle=rng.choice((0, 45, 90, 135, 180, 225, 270, 315)))
    layer = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    motif = design.motifs[number]
    motif(ImageDraw.Draw(layer), rng, design.colors)
    if motif in SOFT:
        layer = layer.filter(ImageFilter.GaussianBlur(28))
    picture.paste(layer, (0, 0), layer)
    _label(picture, genre, number + 1, design.colors)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=88)
    return out.getvalue()


def _label(picture: Image.Image, genre: str, number: int, colors: Palette) -> None:
    """The genre's name on a band along the bottom, and the preset's number."""
    draw = ImageDraw.Draw(picture, "RGBA")
    light_ink = sum(colors.ink) > 3 * 128
    draw.rectangle((0, SIZE - 190, SIZE, SIZE), fill=(0, 0, 0, 110) if light_ink else (255, 255, 255, 150))
    draw.text((60, SIZE - 95), genre.upper(), font=_font(110), fill=colors.ink, anchor="lm")
    draw.text((SIZE - 60, SIZE - 95), f"{number:02d}", font=_font(70), fill=colors.ink, anchor="rm")


def ensure_rendered(media: MediaStore, preset_id: str) -> str:
    """The preset's media key, drawing it into the store first if it is not there yet (idempotent). The drawing
    (40–100 ms of Pillow) runs off the hub, so other requests go on meanwhile; the file is written on the hub."""
    key = key_of(preset_id)
    if not media.exists(key):
        media.save_bytes(key, offhub.run(render, preset_id))
    return key


def draw_missing(media: MediaStore) -> list[str]:
    """Draw every preset not in the store yet (the ids drawn, in vocabulary order). The catalog does this as it
    starts, so a fresh platform's first page of covers does not wait for dozens of drawings."""
    missing = [preset_id for preset_id in cover_preset_ids() if not media.exists(key_of(preset_id))]
    for preset_id in missing:
        ensure_rendered(media, preset_id)
    return missing
