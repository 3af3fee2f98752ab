"""Content photos on the built site: sizes and formats made with Pillow, no camera data, cached by their
content, and `<picture>` markup with srcset, sizes, width, height and lazy loading below the fold."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from PIL import Image, features

from tasteget.site import pages, photos, routes

from tests.support.helpers import ROOT, tasteget
from tests.support.sample_content import add_photos, make_launch_ready, photo_yaml, write_photo, write_story

ALL_FORMATS = ["avif", "webp", "jpg"]


def test_every_format_is_made_here():
    """Pillow here encodes AVIF: the build makes all three (without AVIF support it makes two)."""
    assert features.check("avif")
    assert [ext for ext, _, _ in photos.FORMATS] == ALL_FORMATS


def test_a_photo_is_made_at_every_width_up_to_its_own_in_every_format_without_camera_data(tmp_path):
    source = write_photo(tmp_path, "photos/Fjäll vy.JPG", (1700, 1133))
    with Image.open(source) as original:
        assert original.getexif().get_ifd(0x8825)  # the source carries a GPS position
    prepared, files = photos.prepare(source, tmp_path / "cache")
    assert (prepared.width, prepared.height) == (1600, round(1133 * 1600 / 1700))
    assert {(r.width, r.ext) for r in prepared.renditions} == {(w, e) for w in photos.WIDTHS for e in ALL_FORMATS}
    assert set(files) == {r.path for r in prepared.renditions}
    for r in prepared.renditions:
        assert re.fullmatch(rf"assets/photos/fjall-vy-[0-9a-f]{{12}}-{r.width}\.{r.ext}", r.path), r.path
        data = files[r.path].read_bytes()
        with Image.open(files[r.path]) as out:
            assert out.format == {"jpg": "JPEG", "webp": "WEBP", "avif": "AVIF"}[r.ext]
            assert out.size == (r.width, r.height) == (r.width, round(1133 * r.width / 1700))
            assert not out.getexif(), f"{r.path} has EXIF"
            assert "xmp" not in out.info and "icc_profile" not in out.info
        assert b"Test Camera Model" not in data and b"Exif\0\0" not in data
    assert prepared.fallback.width == 800 and prepared.fallback.ext == "jpg"
    assert prepared.share.width == 1200


def test_a_small_photo_is_never_enlarged_and_is_turned_upright(tmp_path):
    source = write_photo(tmp_path, "photos/small.png", (900, 600), gps=False)
    with Image.open(source) as image:  # stored on its side, as a phone held upright writes it
        exif = image.getexif()
        exif[photos.ORIENTATION] = 6
        image.save(source, "PNG", exif=exif.tobytes())
    prepared, files = photos.prepare(source, tmp_path / "cache")
    assert sorted({r.width for r in prepared.renditions}) == [480, 600]
    assert (prepared.width, prepared.height) == (600, 900)
    with Image.open(files[prepared.of("jpg")[-1].path]) as out:
        assert out.size == (600, 900)


def _grey(mode: str) -> Image.Image:
    """A left-to-right grey ramp in `mode`, mid-grey in the middle whatever the mode's range."""
    ramp = Image.linear_gradient("L").rotate(90).resize((600, 400))
    if mode == "I;16":  # a 16-bit PNG uses the whole range, 0 to 65535
        return ramp.convert("I").point(lambda v: v * 257).convert("I;16")
    if mode == "PA":
        image = ramp.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE)
        image.info["transparency"] = 255  # an unused index: nothing actually transparent
        return image
    return ramp.convert(mode)


@pytest.mark.parametrize("mode", ["CMYK", "L", "LA", "P", "PA", "I;16", "RGBA"])
def test_photos_of_every_colour_mode_come_out_as_srgb_jpeg_avif_and_webp(tmp_path, mode):
    source = tmp_path / f"ramp-{mode.replace(';', '')}.{'jpg' if mode == 'CMYK' else 'png'}"
    _grey(mode).save(source)
    prepared, files = photos.prepare(source, tmp_path / "cache")
    for r in prepared.renditions:
        with Image.open(files[r.path]) as out:
            assert out.mode == "RGB"
            middle = out.convert("L").getpixel((out.width // 2, out.height // 2))
            assert 110 <= middle <= 150, f"{mode} -> {r.path}: {middle}"


def test_a_colour_profile_is_applied_and_left_out(tmp_path):
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = tmp_path / "profiled.jpg"
    Image.new("RGB", (600, 400), (200, 120, 40)).save(source, quality=95, icc_profile=srgb)
    prepared, files = photos.prepare(source, tmp_path / "cache")
    with Image.open(files[prepared.fallback.path]) as out:
        assert "icc_profile" not in out.info
        assert all(abs(a - b) <= 6 for a, b in zip(out.getpixel((300, 200)), (200, 120, 40), strict=True))


def test_an_unchanged_photo_is_not_encoded_again_and_a_changed_one_gets_new_names(tmp_path):
    source = write_photo(tmp_path, "photos/hero.jpg", (1000, 700))
    cache = tmp_path / "cache"
    first, files = photos.prepare(source, cache)
    stamps = {path: path.stat().st_mtime_ns for path in files.values()}
    again, files_again = photos.prepare(source, cache)
    assert again == first and files_again == files
    assert {path: path.stat().st_mtime_ns for path in files.values()} == stamps
    write_photo(tmp_path, "photos/hero.jpg", (1000, 700))  # new grain: other bytes
    changed, changed_files = photos.prepare(source, cache)
    assert set(changed_files).isdisjoint(files)  # new names: a browser's cached copy is never stale


class Pictures(HTMLParser):
    """The `<picture>` elements of a page: their sources and img attributes, and the figure captions."""

    def __init__(self, html: str):
        super().__init__()
        self.pictures: list[dict] = []
        self.captions: list[str] = []
        self._caption = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "picture":
            self.pictures.append({"sources": []})
        elif tag == "source" and self.pictures:
            self.pictures[-1]["sources"].append(a)
        elif tag == "img" and self.pictures and "img" not in self.pictures[-1]:
            self.pictures[-1]["img"] = a
        elif tag == "figcaption":
            self._caption = ""

    def handle_data(self, data):
        if self._caption is not None:
            self._caption += data

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self.captions.append(self._caption.strip())
            self._caption = None


def urls(srcset: str) -> list[tuple[str, int]]:
    return [(u, int(w.rstrip("w"))) for u, w in (part.strip().split() for part in srcset.split(","))]


@pytest.fixture(scope="module")
def photo_site(tmp_path_factory) -> Path:
    """Generated content with a hero photo, a coworking space's photo and a story with two photos, built."""
    root = tmp_path_factory.mktemp("photos")
    content = root / "content"
    from tests.support.sample_content import write_sample

    write_sample(content)
    add_photos(content, space="photos/space.png")
    write_story(content, "anna", "kommun-0000")
    story = content / "stories" / "anna.yml"
    extra = photo_yaml("photos/anna.webp") + photo_yaml("photos/anna-2.jpg", alt="Ett hus vid en väg")
    story.write_text(story.read_text(encoding="utf-8") + "photos:\n" + extra, encoding="utf-8")
    write_photo(content, "photos/anna.webp", (1400, 933))
    write_photo(content, "photos/anna-2.jpg", (1000, 667))
    result = tasteget("build", "--site-dir", str(root / "site"), content=content)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


def read(site: Path, section: str, lang: str, slug: str | None = None) -> tuple[str, Pictures]:
    html = (site / routes.url(section, lang, slug).lstrip("/") / "index.html").read_text(encoding="utf-8")
    return html, Pictures(html)


@pytest.mark.parametrize("lang", routes.LANGS)
def test_the_municipality_page_shows_its_hero_eagerly_and_the_rest_lazily(photo_site, lang):
    html, page = read(photo_site, "municipalities", lang, "kommun-0000")
    hero, space = page.pictures
    lang_root = photo_site / routes.PREFIX[lang].lstrip("/")
    for picture, size, sizes in [(hero, (1600, 1067), photos.SIZES), (space, (1200, 800), photos.SPACE_SIZES)]:
        img = picture["img"]
        assert (int(img["width"]), int(img["height"])) == size
        assert img["sizes"] == sizes and all(s["sizes"] == sizes for s in picture["sources"])
        assert [s["type"] for s in picture["sources"]] == ["image/avif", "image/webp"]
        for srcset, ext in [(s["srcset"], s["type"].split("/")[1]) for s in picture["sources"]] + [
            (img["srcset"], "jpg")
        ]:
            listed = urls(srcset)
            assert [w for _, w in listed] == sorted(w for _, w in listed) and listed[-1][1] == size[0]
            for url, width in listed:
                up = "../../" + pages.UP_TO_PHOTOS[lang]  # the same files for both languages, at the root
                assert url.startswith(up + "assets/photos/") and url.endswith(f"-{width}.{ext}")
                assert urljoin(f"{routes.url('municipalities', lang, 'kommun-0000')}", url).startswith(
                    "/assets/photos/"
                )
                built = lang_root / "municipalities" / "kommun-0000" / url  # resolved as the browser does
                with Image.open(built.resolve()) as out:
                    assert out.width == width
        assert img["src"].endswith("-800.jpg")
    assert hero["img"]["alt"] == "Fjäll och sjö i kvällsljus" + (" (English)" if lang == "en" else "")
    assert space["img"]["alt"].startswith("Skrivbord vid ett fönster")
    # Eager, at the browser's priority: "high" made it compete with the stylesheets on a slow link.
    assert hero["img"]["loading"] == "eager" and "fetchpriority" not in hero["img"]
    assert space["img"]["loading"] == "lazy" and "fetchpriority" not in space["img"]
    assert page.captions == ["Foto: Testbild genererad av testerna, CC0"] * 2
    # The hero comes right after the heading and summary, before the facts; shared links show it.
    assert html.index("<picture>") < html.index('id="fakta"' if lang == "sv" else 'id="facts"')
    og = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/assets/photos/hero-[0-9a-f]{12}-1200\.jpg", og)  # no /en/


def test_the_story_page_shows_its_photos_and_the_invitation(photo_site):
    html, page = read(photo_site, "stories", "en", "anna")
    first, second = page.pictures
    assert first["img"]["loading"] == "eager" and second["img"]["loading"] == "lazy"
    assert [w for _, w in urls(first["img"]["srcset"])] == [480, 800, 1200, 1400]  # its own width, no larger
    assert second["img"]["alt"] == "Ett hus vid en väg (English)"
    assert "Tell your story" in html
    # The byline links to the municipality (a Markdown link inside its HTML would show as text).
    assert '<a href="/en/municipalities/kommun-0000/">Kommun0000</a></p>' in html and "](" not in html


def test_the_stories_page_shows_each_storys_first_photo_in_its_card(photo_site):
    html, page = read(photo_site, "stories", "sv")
    (card,) = page.pictures
    assert card["img"]["loading"] == "lazy" and card["img"]["alt"] == "Fjäll och sjö i kvällsljus"
    assert card["img"]["src"].startswith("../assets/photos/anna-") and card["img"]["sizes"] == photos.SIZES
    assert html.index("</picture>") < html.index('<a href="anna/">Vi tog steget</a>')
    assert '</picture><span class="ts-photo__credit">Foto: Testbild genererad av testerna, CC0</span>' in html


def test_the_coworking_page_shows_the_space_photo_lazily(photo_site):
    _, page = read(photo_site, "coworking", "sv")
    (space,) = page.pictures
    assert space["img"]["loading"] == "lazy"
    assert space["img"]["src"].startswith("../assets/photos/space-")


def test_photos_are_written_once_for_both_languages_and_nothing_else(photo_site):
    """At the site's root, where the English pages point too: switching language downloads no picture again."""
    names = sorted(p.name for p in (photo_site / "assets" / "photos").iterdir())
    # hero 4 widths, space 3 (1200 px), anna 4 (1400), anna-2 3 (1000): each in three formats.
    assert len(names) == (4 + 3 + 4 + 3) * 3, names
    assert not (photo_site / "en" / "assets" / "photos").exists()
    assert not (ROOT / "content" / "photos").exists()  # none shipped


def test_launch_build_fails_on_the_shipped_content_with_the_checks_lines(tmp_path):
    result = tasteget("build", "--launch", "--site-dir", str(tmp_path / "site"))
    assert result.returncode == 1
    assert "the content is not ready for launch" in result.stdout + result.stderr
    assert "content/municipalities/are.yml:1: photos: no photo" in result.stdout + result.stderr
    assert not (tmp_path / "site" / "index.html").exists()


def test_launch_build_from_the_environment_passes_on_complete_content(sample, tmp_path):
    make_launch_ready(sample)
    result = tasteget("build", "--site-dir", str(tmp_path / "site"), content=sample, env={"TASTEGET_LAUNCH": "true"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "en" / "stories" / "anna" / "index.html").is_file()
    # The same content without its story is refused when the environment asks for a launch build.
    (sample / "stories" / "anna.yml").unlink()
    result = tasteget("build", "--site-dir", str(tmp_path / "site2"), content=sample, env={"TASTEGET_LAUNCH": "true"})
    assert result.returncode == 1
    assert "no stories: a launch needs at least one newcomer's story" in result.stdout + result.stderr
