"""`tasteget check`: every content error named by file, line, field and what is expected."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tasteget.content.load import Coverage, check

from tests.support.helpers import ROOT, tasteget
from tests.support.sample_content import add_photos, make_launch_ready, photo_yaml, write_photo, write_story

MUNI = "municipalities/kommun-0000.yml"


def edit(root: Path, rel: str, old: str, new: str) -> str:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text


def line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


def test_real_content_is_valid_and_fully_translated():
    report = check(ROOT / "content", ROOT / "docs")
    assert report.errors == []
    assert len(report.site.municipalities) == 8
    assert report.coverage.percent == 100.0
    # Guides, the coordinator and the stories' invitation are placeholders until real people are named.
    placeholders = [w for w in report.warnings if "fill in before launch" in w.message]
    assert len(placeholders) == 10


BROKEN = [
    # id, file, replace this, with this, the line is where this marker is, expected message
    (
        "wrong type",
        MUNI,
        "    desks: 2\n",
        "    desks: many\n",
        "desks: many",
        'coworking[0].desks: expected a whole number, got "many"',
    ),
    ("missing field", MUNI, "seat: Kommun0000by\n", "", None, "seat: required field is missing"),
    (
        "missing nested field",
        MUNI,
        "    title: {sv: Inflyttarvägledare, en: Relocation guide}\n",
        "",
        "  - name: Guide",
        "guides[0].title: required field is missing",
    ),
    (
        "unknown field",
        MUNI,
        "seat: Kommun0000by\n",
        "seat: Kommun0000by\ncolour: red\n",
        "colour:",
        "colour: unknown field (expected one of: name, summary, population, area_km2, seat, localities, "
        "travel, work, schools, housing, leisure, guides, coworking, links, photos, welcome, targets)",
    ),
    (
        "misspelt field",
        MUNI,
        "seat: Kommun0000by\n",
        "sete: Kommun0000by\n",
        "sete:",
        'sete: unknown field; did you mean "seat"?',
    ),
    (
        "yaml 1.1 yes",
        MUNI,
        "    drop_in: true\n",
        "    drop_in: yes\n",
        "drop_in: yes",
        'coworking[0].drop_in: expected true or false, got "yes"',
    ),
    (
        "unquoted phone",
        MUNI,
        '    phone: "010-123 45 67"\n',
        "    phone: 0101234567\n",
        "phone:",
        "guides[0].phone: expected text, got the number 101234567: put it in quotes to keep it as written",
    ),
    (
        "guide without contact",
        MUNI,
        '    phone: "010-123 45 67"\n    email: guide@kommun-0000.example\n',
        "",
        "  - name: Guide",
        "guides[0]: no way to contact: give a phone or an e-mail address",
    ),
    (
        "text without languages",
        MUNI,
        "summary:\n  sv: Kommun0000 är en kommun med 1 coworkingplatser.\n"
        "  en: Kommun0000 is a municipality with 1 coworking spaces.\n",
        "summary: Hej\n",
        "summary:",
        'summary: expected a text per language (sv: …, en: …), got "Hej"',
    ),
    (
        "bad amenity",
        MUNI,
        "    amenities: [meeting_room]\n",
        "    amenities: [sauna]\n",
        "amenities:",
        "coworking[0].amenities[0]: expected one of 'meeting_room', 'phone_room', 'kitchen', 'wifi', "
        "'printer', 'parking', 'lockers', 'event_space' or 'access_24h', got \"sauna\"",
    ),
    (
        "bad url",
        MUNI,
        "    trial_living: true\n",
        "    trial_living: true\n    website: kontoret.se\n",
        "website:",
        'coworking[0].website: expected a web address starting with https://, got "kontoret.se"',
    ),
    (
        "negative number",
        MUNI,
        "  count: 1000\n",
        "  count: -5\n",
        "count:",
        "population.count: expected a number more than 0, got -5",
    ),
    (
        "list expected",
        MUNI,
        "localities: [Norrby, Söderby]\n",
        "localities: Norrby\n",
        "localities:",
        'localities: expected a list (lines starting with “- ”), got "Norrby"',
    ),
    (
        "guide photo without english alt",
        MUNI,
        "    title: {sv: Inflyttarvägledare, en: Relocation guide}\n",
        "    title: {sv: Inflyttarvägledare, en: Relocation guide}\n    photo:\n"
        "      src: assets/images/logo.svg\n      alt:\n        sv: En bild\n",
        "      alt:",
        "guides[0].photo.alt.en: required field is missing",
    ),
    (
        "guide photo file missing",
        MUNI,
        "    title: {sv: Inflyttarvägledare, en: Relocation guide}\n",
        "    title: {sv: Inflyttarvägledare, en: Relocation guide}\n    photo:\n"
        "      src: assets/images/nope.jpg\n      alt: {sv: Bild, en: Picture}\n",
        "    photo:",
        'guides[0].photo.src: expected a file under {docs}/, "assets/images/nope.jpg" does not exist',
    ),
    (
        "photo without english alt",
        MUNI,
        "seat: Kommun0000by\n",
        "seat: Kommun0000by\nphotos:\n  - file: photos/sjon.jpg\n    alt:\n      sv: En sjö\n    credit: Anna Berg\n",
        "    alt:",
        "photos[0].alt.en: required field is missing",
    ),
    (
        "photo without swedish alt",
        MUNI,
        "seat: Kommun0000by\n",
        "seat: Kommun0000by\nphotos:\n  - file: photos/sjon.jpg\n    alt: {en: A lake}\n    credit: Anna Berg\n",
        "    alt:",
        "photos[0].alt.sv: required field is missing",
    ),
    (
        "photo alt as one text",
        MUNI,
        "seat: Kommun0000by\n",
        "seat: Kommun0000by\nphotos:\n  - file: photos/sjon.jpg\n    alt: En sjö\n    credit: Anna Berg\n",
        "    alt:",
        'photos[0].alt: expected a text per language (sv: …, en: …), got "En sjö"',
    ),
    (
        "photo without credit",
        MUNI,
        "seat: Kommun0000by\n",
        "seat: Kommun0000by\nphotos:\n  - file: photos/sjon.jpg\n    alt: {sv: En sjö, en: A lake}\n",
        "  - file:",
        "photos[0].credit: required field is missing",
    ),
    (
        "photo with an empty credit",
        MUNI,
        "seat: Kommun0000by\n",
        'seat: Kommun0000by\nphotos:\n  - file: photos/sjon.jpg\n    alt: {sv: En sjö, en: A lake}\n    credit: " "\n',
        "    credit:",
        "photos[0].credit: expected text, got an empty value",
    ),
    (
        "photo file missing",
        MUNI,
        "seat: Kommun0000by\n",
        "seat: Kommun0000by\nphotos:\n  - file: photos/nope.jpg\n    alt: {sv: En sjö, en: A lake}\n"
        "    credit: Anna Berg\n",
        "  - file:",
        'photos[0].file: expected a file under content/, "photos/nope.jpg" does not exist',
    ),
    (
        "photo of the wrong type",
        MUNI,
        "seat: Kommun0000by\n",
        "seat: Kommun0000by\nphotos:\n  - file: photos/sjon.gif\n    alt: {sv: En sjö, en: A lake}\n"
        "    credit: Anna Berg\n",
        "  - file:",
        'photos[0].file: expected a JPEG, PNG or WebP picture (.jpg, .jpeg, .png, .webp), got "photos/sjon.gif"',
    ),
    (
        "photo outside the content folder",
        MUNI,
        "seat: Kommun0000by\n",
        "seat: Kommun0000by\nphotos:\n  - file: ../sjon.jpg\n    alt: {sv: En sjö, en: A lake}\n"
        "    credit: Anna Berg\n",
        "  - file:",
        'photos[0].file: expected a path inside the content folder like photos/are.jpg, got "../sjon.jpg"',
    ),
    (
        "coworking photo without credit",
        MUNI,
        "    trial_living: true\n",
        "    trial_living: true\n    photos:\n      - file: photos/kontor.jpg\n        alt: {sv: Ett kontor, en: An office}\n",
        "      - file:",
        "coworking[0].photos[0].credit: required field is missing",
    ),
    (
        "story invitation without a way",
        "region.yml",
        "response_days: 3\n",
        "response_days: 3\nstories:\n  invite:\n    text: {sv: Berätta, en: Tell us}\n",
        "  invite:",
        "stories.invite: no way to send a story: give an e-mail address, a link to a form or both",
    ),
    ("region missing field", "region.yml", "response_days: 3\n", "", None, "response_days: required field is missing"),
    (
        "yaml anchor",
        MUNI,
        "seat: Kommun0000by\n",
        "seat: &seat Kommun0000by\n",
        "seat:",
        "anchors and aliases (&, *) are not allowed: write the value out in full",
    ),
    (
        "yaml alias",
        MUNI,
        "localities: [Norrby, Söderby]\n",
        "localities: [Norrby, *seat]\n",
        "localities:",
        "anchors and aliases (&, *) are not allowed: write the value out in full",
    ),
    (
        "merge key",
        MUNI,
        "seat: Kommun0000by\n",
        "seat: Kommun0000by\n<<: {a: 1}\n",
        "<<:",
        'the merge key "<<" is not allowed: write each field out in full ("<<" in quotes if it is text)',
    ),
    (
        "nested merge key",
        MUNI,
        "seat: Kommun0000by\n",
        "seat: Kommun0000by\nextra:\n  <<: {a: 1}\n",
        "  <<:",
        'the merge key "<<" is not allowed: write each field out in full ("<<" in quotes if it is text)',
    ),
    (
        "unknown tag",
        MUNI,
        "seat: Kommun0000by\n",
        "seat: !foo Kommun0000by\n",
        "seat:",
        'tag "!foo" is not allowed: write the value plainly (text in quotes)',
    ),
    (
        "python tag",
        MUNI,
        "seat: Kommun0000by\n",
        "seat: !!python/object:os.system ls\n",
        "seat:",
        'tag "!!python/object:os.system" is not allowed: write the value plainly (text in quotes)',
    ),
    (
        "tag on a list",
        MUNI,
        "localities: [Norrby, Söderby]\n",
        "localities: !!omap [a: 1]\n",
        "localities:",
        'tag "!!omap" is not allowed: write the value plainly (text in quotes)',
    ),
    (
        "core tag that cannot construct",
        MUNI,
        "  count: 1000\n",
        "  count: !!float many\n",
        "count:",
        'tag "!!float" is not allowed: write the value plainly (text in quotes)',
    ),
    (
        "nested too deep",
        MUNI,
        "localities: [Norrby, Söderby]\n",
        "localities: " + "[" * 3000 + "]" * 3000 + "\n",
        "localities:",
        "nested more than 20 levels deep: content needs only a few",
    ),
    (
        "number too long for int",
        MUNI,
        "  count: 1000\n",
        "  count: 1" + "0" * 5000 + "\n",
        "count:",
        "a number of more than 100 characters: put it in quotes if it is text",
    ),
    (
        "page without front matter",
        "pages/privacy.sv.md",
        "---\ntitle: Privacy\n",
        "title: Privacy\n",
        None,
        "expected front matter between --- lines with title and description",
    ),
]


@pytest.mark.parametrize(
    ("rel", "old", "new", "marker", "message"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_broken_content_gives_one_clear_line(sample, monkeypatch, rel, old, new, marker, message):
    text = edit(sample, rel, old, new)
    line = line_of(text, marker) if marker else 1
    monkeypatch.chdir(sample.parent)
    result = tasteget("check", "--content", "content", "--docs", str(ROOT / "docs"), cwd=sample.parent)
    assert result.returncode == 1
    expected = f"content/{rel}:{line}: {message.format(docs=ROOT / 'docs')}"
    assert expected in result.stdout.splitlines(), result.stdout
    assert "Traceback" not in result.stdout + result.stderr


LIMITED = """\
import resource, runpy, sys
limit = int(sys.argv.pop(1))
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.argv[0] = "tasteget"
runpy.run_module("intake", run_name="__main__")
"""


def billion_laughs(levels: int = 9) -> str:
    """Nine levels of ten aliases each: a billion strings once the aliases are expanded."""
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels + 1):
        lines.append(f"lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_without_expanding(sample):
    """Aliases are refused before anything is built, so the check stays within a small memory limit."""
    text = edit(sample, MUNI, "seat: Kommun0000by\n", "seat: Kommun0000by\n" + billion_laughs())
    # A regression must fail this test, not take the machine down: the check runs under 1 GiB.
    result = subprocess.run(
        [sys.executable, "-c", LIMITED, str(1 << 30), "check", "--content", str(sample), "--docs", str(ROOT / "docs")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = line_of(text, "lol0:")
    expected = f"{sample / MUNI}:{line}: anchors and aliases (&, *) are not allowed: write the value out in full"
    assert result.returncode == 1, result.stdout + result.stderr
    assert expected in result.stdout.splitlines()
    assert "Traceback" not in result.stdout + result.stderr


def test_duplicate_slug(sample):
    (sample / "municipalities" / "kommun-0000.yaml").write_text(
        (sample / MUNI).read_text(encoding="utf-8"), encoding="utf-8"
    )
    report = check(sample)
    assert [e.message for e in report.errors] == [f'duplicate slug "kommun-0000": also {sample / MUNI}']


def test_story_pointing_at_unknown_municipality(sample):
    write_story(sample, "anna", "atlantis")
    report = check(sample)
    assert [str(e).split(": ", 1)[1] for e in report.errors] == [
        'municipality: unknown municipality "atlantis" (expected one of: kommun-0000, kommun-0001)'
    ]


def test_every_error_in_one_run(sample):
    edit(sample, MUNI, "    desks: 2\n", "    desks: many\n")
    edit(sample, "municipalities/kommun-0001.yml", "seat: Kommun0001by\n", "")
    edit(sample, "region.yml", "response_days: 3\n", "response_days: soon\n")
    report = check(sample)
    fields = sorted(e.field for e in report.errors)
    assert fields == ["coworking[0].desks", "response_days", "seat"]
    assert report.site is None


def test_yaml_1_1_words_stay_text(sample):
    edit(sample, MUNI, "seat: Kommun0000by\n", "seat: no\n")
    edit(sample, MUNI, "localities: [Norrby, Söderby]\n", "localities: [on, off, 12:30]\n")
    edit(sample, MUNI, "    sv: 40 minuter med buss\n", "    sv: 1:30\n")
    report = check(sample)
    assert report.errors == []
    m = report.site.municipalities["kommun-0000"]
    assert m.seat == "no"
    assert m.localities == ["on", "off", "12:30"]
    assert m.travel.to_centre.sv == "1:30"


def test_missing_english_is_reported_as_coverage(sample):
    text = edit(sample, MUNI, "    en: 40 minutes by bus\n", "")
    report = check(sample)
    assert report.errors == []
    assert report.coverage.translated == report.coverage.total - 1
    line = line_of(text, "  to_centre:")
    assert report.coverage.missing == [f"{sample / MUNI}:{line}: travel.to_centre"]


def test_coverage_counts_a_broken_file_as_missing(sample):
    whole = check(sample).coverage
    assert whole.percent == 100.0
    edit(sample, MUNI, "seat: Kommun0000by\n", "seat: Kommun0000by: centrum\n")
    broken = check(sample).coverage
    assert broken.percent < 100.0 and broken.shown_percent < 100
    assert f"{sample / MUNI}: has errors, so its translations cannot be counted" in broken.missing
    result = tasteget("check", "--content", str(sample), "--docs", str(ROOT / "docs"))
    [line] = [line for line in result.stdout.splitlines() if line.startswith("Translation coverage:")]
    assert not line.endswith("(100 %).") and f"  {sample / MUNI}: has errors" in result.stdout


def test_coverage_is_rounded_down_so_100_means_every_text():
    assert Coverage(total=1000, translated=999).shown_percent == 99
    assert Coverage(total=3, translated=3).shown_percent == 100


def test_coverage_counts_a_file_that_fails_validation_as_missing(sample):
    edit(sample, MUNI, "    desks: 2\n", "    desks: many\n")
    coverage = check(sample).coverage
    assert coverage.translated < coverage.total
    assert any(item.startswith(f"{sample / MUNI}: has errors") for item in coverage.missing)


def test_placeholder_contacts_warn_without_failing(sample):
    result = tasteget("check", "--content", str(sample), "--docs", str(ROOT / "docs"))
    assert result.returncode == 0, result.stdout
    assert f"warning: {sample / MUNI}:22: guides[0]: placeholder contact: fill in before launch" in result.stdout
    assert "Translation coverage: " in result.stdout


def test_missing_content_folder_is_one_line(tmp_path):
    result = tasteget("check", "--content", str(tmp_path / "nowhere"))
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"Error: no content folder at {tmp_path / 'nowhere'}/ (run from the project folder or pass --content)"
    ]


@pytest.mark.parametrize("command", [[], ["check"], ["build"], ["reference"]])
def test_help(command):
    result = tasteget(*command, "--help")
    assert result.returncode == 0
    assert "Usage: " in result.stdout


def test_field_reference_is_up_to_date():
    result = tasteget("reference")
    committed = (ROOT / "content" / "FIELDS.md").read_text(encoding="utf-8")
    assert result.stdout == committed, "run `make reference` and commit content/FIELDS.md"
    for field in ("`coworking[].desks`", "`guides[].email`", "`travel.to_centre`", "`response_days`"):
        assert field in committed


def _with_photo(sample: Path, file: str) -> str:
    return edit(sample, MUNI, "seat: Kommun0000by\n", "seat: Kommun0000by\nphotos:\n" + photo_yaml(file))


@pytest.mark.parametrize(
    ("file", "make", "message"),
    [
        (
            "photos/text.jpg",
            lambda p: p.write_text("not a picture", encoding="utf-8"),
            "is not a picture that can be read: expected a JPEG file",
        ),
        (
            "photos/png.jpg",
            lambda p: write_photo(p.parent, p.name, (40, 30), fmt="PNG"),
            "is a PNG picture, not JPEG: give the file the ending of its kind",
        ),
        (
            "photos/cut.webp",
            lambda p: p.write_bytes(b"RIFF\x10\x00\x00\x00WEBPVP8 "),
            "is not a picture that can be read: expected a WEBP file",
        ),
    ],
    ids=["text", "png named jpg", "truncated webp"],
)
def test_a_photo_file_must_be_the_picture_its_name_says(sample, file, make, message):
    text = _with_photo(sample, file)
    (sample / file).parent.mkdir(parents=True, exist_ok=True)
    make(sample / file)
    result = tasteget("check", "--content", str(sample), "--docs", str(ROOT / "docs"))
    assert result.returncode == 1
    line = line_of(text, "  - file:")
    assert f'{sample / MUNI}:{line}: photos[0].file: "{file}" {message}' in result.stdout.splitlines(), result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_photos_of_every_kind_pass(sample):
    add_photos(sample, space="photos/space.png")
    write_story(sample, "anna", "kommun-0001")
    story = sample / "stories" / "anna.yml"
    story.write_text(story.read_text(encoding="utf-8") + "photos:\n" + photo_yaml("photos/anna.webp"), encoding="utf-8")
    write_photo(sample, "photos/anna.webp", (300, 400))
    report = check(sample)
    assert report.errors == []
    m = report.site.municipalities["kommun-0000"]
    assert [p.file for p in m.photos] == ["photos/hero.jpg"]
    assert m.photos[0].alt.get("en").endswith("(English)") and m.photos[0].credit.startswith("Foto: ")
    assert [p.file for p in m.coworking[0].photos] == ["photos/space.png"]
    assert [p.file for p in report.site.stories["anna"].photos] == ["photos/anna.webp"]
    # The story's photo is 300 px wide: shown, but soft on a large screen, so the check says so.
    assert [str(w) for w in report.warnings if w.field.endswith("].file")] == [
        f'{story}:{line_of(story.read_text(encoding="utf-8"), "  - file:")}: photos[0].file: "photos/anna.webp" is '
        "300 px wide: give at least 1200 px (1600 is best) so it looks sharp on large screens"
    ]
    assert not any(w.field.endswith("].file") for w in report.launch)


# The launch check --------------------------------------------------------------------------------


def test_plain_check_warns_about_what_a_launch_cannot_have_and_passes(sample):
    result = tasteget("check", "--content", str(sample), "--docs", str(ROOT / "docs"))
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert f"warning: {sample / MUNI}:1: photos: no photo: a launch needs one (file, alt, credit)" in lines
    assert (
        f"warning: {sample / 'stories'}:1: no stories: a launch needs at least one newcomer's story (<slug>.yml)"
        in lines
    )
    # Two guides at .example addresses, the coordinator, two municipalities without a photo or a welcome
    # checklist, no stories.
    assert lines[-1].endswith("Not ready for launch: 8 of them (see `tasteget check --launch`).")


def test_launch_check_fails_on_the_shipped_content_naming_each_file_and_field():
    result = tasteget("check", "--launch", "--quiet")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    region = (ROOT / "content" / "region.yml").read_text(encoding="utf-8")
    are = (ROOT / "content" / "municipalities" / "are.yml").read_text(encoding="utf-8")
    for expected in [
        f"content/region.yml:{line_of(region, 'coordinator:')}: coordinator: placeholder contact: fill in before launch",
        f"content/region.yml:{line_of(region, '  invite:')}: stories.invite: placeholder contact: fill in before launch",
        f"content/municipalities/are.yml:{line_of(are, '  - name:')}: guides[0]: placeholder contact: fill in before "
        "launch",
        "content/municipalities/are.yml:1: photos: no photo: a launch needs one (file, alt, credit)",
        "content/municipalities/berg.yml:1: work.in_demand: no competence needs: a launch needs the occupations "
        "the municipality needs",
        "content/stories:1: no stories: a launch needs at least one newcomer's story (<slug>.yml)",
    ]:
        assert expected in lines, result.stdout
    assert not any(line.startswith("warning: ") and "launch" in line for line in lines)
    assert (
        lines[-1]
        == f"Not ready for launch: {len(check(ROOT / 'content', ROOT / 'docs').launch)} thing(s) above a launch cannot have."
    )
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("old", "new", "marker", "message"),
    [
        (
            "samordnare@provregionen.se",
            "samordnare@provregionen.example",
            "coordinator:",
            "coordinator: placeholder contact: fill in before launch",
        ),
        (
            "  name: Sam Ordnare\n",
            "  name: Sam Ordnare\n  placeholder: true\n",
            "coordinator:",
            "coordinator: placeholder contact: fill in before launch",
        ),
    ],
    ids=["example address", "placeholder coordinator"],
)
def test_launch_check_names_each_placeholder_left(sample, old, new, marker, message):
    make_launch_ready(sample)
    text = edit(sample, "region.yml", old, new)
    result = tasteget("check", "--launch", "--content", str(sample), "--docs", str(ROOT / "docs"))
    assert result.returncode == 1
    assert f"{sample / 'region.yml'}:{line_of(text, marker)}: {message}" in result.stdout.splitlines()


@pytest.mark.parametrize(
    ("rel", "old", "new", "marker", "message"),
    [
        (
            "region.yml",
            "https://provregionen.se/berattelser/tipsa",
            "https://prov.example/berattelser/tipsa",
            "    link:",
            'stories.invite.link: placeholder web address ("prov.example"): fill in before launch',
        ),
        (
            MUNI,
            "    desks: 2\n",
            "    desks: 2\n    website: https://kontor.example/boka\n",
            "    website:",
            'coworking[0].website: placeholder web address ("kontor.example"): fill in before launch',
        ),
    ],
    ids=["story form", "coworking website"],
)
def test_launch_check_names_each_placeholder_web_address(sample, rel, old, new, marker, message):
    make_launch_ready(sample)
    assert tasteget("check", "--launch", "--content", str(sample), "--docs", str(ROOT / "docs")).returncode == 0
    text = edit(sample, rel, old, new)
    result = tasteget("check", "--launch", "--content", str(sample), "--docs", str(ROOT / "docs"))
    assert result.returncode == 1
    assert f"{sample / rel}:{line_of(text, marker)}: {message}" in result.stdout.splitlines()


def test_launch_check_fails_on_a_municipality_without_needs(sample):
    make_launch_ready(sample)
    text = edit(sample, MUNI, '    - {ssyk: "2221"}\n', "")
    edit(sample, MUNI, "  in_demand:\n", "  in_demand: []\n")
    result = tasteget("check", "--launch", "--content", str(sample), "--docs", str(ROOT / "docs"))
    assert result.returncode == 1
    line = line_of(text, "  in_demand:")
    assert result.stdout.splitlines()[0] == (
        f"{sample / MUNI}:{line}: work.in_demand: no competence needs: a launch needs the occupations the "
        "municipality needs"
    )


def test_launch_check_fails_on_a_municipality_without_a_welcome_checklist(sample):
    make_launch_ready(sample)
    path = sample / MUNI
    path.write_text(path.read_text(encoding="utf-8").split("welcome:")[0], encoding="utf-8")
    result = tasteget("check", "--launch", "--content", str(sample), "--docs", str(ROOT / "docs"))
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"{sample / MUNI}:1: welcome: no welcome checklist: a launch needs the steps a household takes once moved here"
    )


def test_launch_check_passes_on_complete_content(sample):
    make_launch_ready(sample)
    result = tasteget("check", "--launch", "--content", str(sample), "--docs", str(ROOT / "docs"))
    assert result.returncode == 0, result.stdout
    assert "OK: 2 municipalities" in result.stdout and "1 stories" in result.stdout
    assert check(sample).launch == []


def test_what_the_magazine_page_cannot_say_warns_without_failing(sample):
    region = sample / "region.yml"
    text = region.read_text(encoding="utf-8")
    assert "magazine:" not in tasteget("check", "--content", str(sample)).stdout  # the sample states all four
    region.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith(("  price:", "  delivery:"))) + "\n",
        encoding="utf-8",
    )
    result = tasteget("check", "--content", str(sample))
    assert result.returncode == 0, result.stdout
    line = line_of(text, "magazine:")
    expected = f"warning: {region}:{line}: magazine: not stated: price, delivery; the order page leaves them out"
    assert expected in result.stdout


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("languages: [Swedish]", '"Swedish" is not a language code: use two letters, e.g. sv or en'),
        ("languages: []", "expected at least 1 item(s), got none"),
        ("ships_abroad: maybe", "expected true or false"),
    ],
)
def test_the_magazine_facts_are_checked(sample, value, message):
    region = sample / "region.yml"
    text = region.read_text(encoding="utf-8")
    key = value.split(":")[0]
    edited = re.sub(rf"^  {key}:.*$", f"  {value}", text, flags=re.M)
    region.write_text(edited, encoding="utf-8")
    result = tasteget("check", "--content", str(sample))
    assert result.returncode != 0
    assert f"magazine.{key}" in result.stdout + result.stderr and message in result.stdout + result.stderr
