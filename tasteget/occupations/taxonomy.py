"""The occupation taxonomy: SSYK 2012 groups at every level (1 to 4 digits) with Swedish names from
Arbetsförmedlingen's taxonomy and English names from Statistics Sweden, the ISCO-08 codes of each
SSYK-4 group, and the taxonomy's occupation names (Swedish only) under their SSYK-4 group.

`load()` reads `data/taxonomy.json` once per folder and returns a `Taxonomy`; everything else is a
pure function of it. Lookups of typed text fold case, punctuation and diacritics ("skoterska" finds
"sköterska"), and in English a plural "s" ("nurse" and "nurses" are one word).
"""

from __future__ import annotations

import difflib
import json
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
FILE_NAME = "taxonomy.json"


@dataclass(frozen=True)
class Occupation:
    """An occupation name (a concept of the taxonomy), e.g. `bXNH_MNX_dUR` "Sjuksköterska, grundutbildad"."""

    concept_id: str
    name_sv: str
    ssyk: str  # its SSYK-4 group's code


@dataclass(frozen=True)
class Group:
    """An SSYK 2012 group: 1 digit (a field, e.g. 2), 2, 3 or 4 digits (e.g. 2221)."""

    code: str
    concept_id: str
    name_sv: str
    name_en: str | None  # SCB's English name; None only for a code SCB's list lacks
    isco: tuple[str, ...] = ()  # ISCO-08 unit groups (SSYK-4 groups only)
    occupations: tuple[Occupation, ...] = field(default=(), repr=False)  # occupation names (SSYK-4 groups only)

    @property
    def level(self) -> int:
        return len(self.code)

    @property
    def field(self) -> str:
        """The code of its SSYK-1 group (the broad field), e.g. "2" for 2221."""
        return self.code[0]

    @property
    def parent(self) -> str | None:
        return self.code[:-1] or None

    def name(self, lang: str = "sv") -> str:
        """The name in `lang` ("sv" or "en"); Swedish where no English name exists."""
        return (self.name_en or self.name_sv) if lang == "en" else self.name_sv

    def label(self) -> str:
        """Code, Swedish name and English name, as a suggestion shows it:
        "2221 Grundutbildade sjuksköterskor (Professional nurses)"."""
        english = f" ({self.name_en})" if self.name_en and self.name_en != self.name_sv else ""
        return f"{self.code} {self.name_sv}{english}"


@dataclass(frozen=True)
class Match:
    """What typed text maps to: an SSYK-4 group, and the occupation name when the text named one."""

    group: Group
    occupation: Occupation | None = None

    @property
    def ssyk(self) -> str:
        return self.group.code

    @property
    def concept_id(self) -> str:
        """The occupation's concept id when one was named, else the group's."""
        return self.occupation.concept_id if self.occupation else self.group.concept_id


def fold(text: str, lang: str = "sv") -> str:
    """`text` as lookups compare it: case, diacritics and punctuation folded, spaces collapsed, and
    in English each word's plural "s" dropped."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    words = plain.split()
    if lang == "en":
        words = [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]
    return " ".join(words)


@dataclass(frozen=True)
class Taxonomy:
    groups: dict[str, Group]  # by code, every level
    about: str = ""
    retrieved: dict = field(default_factory=dict)

    def group(self, code: str) -> Group | None:
        """The group with this SSYK code (1 to 4 digits), or None."""
        return self.groups.get(str(code).strip())

    def units(self) -> list[Group]:
        """The SSYK-4 groups, by code."""
        return [g for g in self.groups.values() if g.level == 4]

    def fields(self) -> list[Group]:
        """The SSYK-1 groups (the broad fields), by code."""
        return [g for g in self.groups.values() if g.level == 1]

    @cached_property
    def _by_concept(self) -> dict[str, Group | Occupation]:
        found: dict[str, Group | Occupation] = {}
        for group in self.groups.values():
            found[group.concept_id] = group
            for occupation in group.occupations:
                found[occupation.concept_id] = occupation
        return found

    def by_concept(self, concept_id: str) -> Group | Occupation | None:
        """The group or occupation name with this taxonomy concept id, or None."""
        return self._by_concept.get(concept_id.strip())

    def occupation(self, concept_id: str) -> Occupation | None:
        found = self.by_concept(concept_id)
        return found if isinstance(found, Occupation) else None

    def occupations(self) -> list[Occupation]:
        return [o for g in self.units() for o in g.occupations]

    @cached_property
    def _names(self) -> dict[str, dict[str, list[tuple[Group, Occupation | None]]]]:
        """Folded name → what it names, per language; plus "head" names, an occupation name's part
        before its first comma ("Sjuksköterska, grundutbildad" → "sjuksköterska")."""
        index: dict[str, dict[str, list]] = {"sv": {}, "en": {}, "head": {}}
        for group in self.units():
            index["sv"].setdefault(fold(group.name_sv), []).append((group, None))
            if group.name_en:
                index["en"].setdefault(fold(group.name_en, "en"), []).append((group, None))
            for occupation in group.occupations:
                index["sv"].setdefault(fold(occupation.name_sv), []).append((group, occupation))
                head = occupation.name_sv.split(",")[0]
                if head != occupation.name_sv:
                    index["head"].setdefault(fold(head), []).append((group, occupation))
        return index

    def match(self, text: str, lang: str = "sv") -> Match | None:
        """The SSYK-4 group (and occupation name) that typed `text` names, or None.

        It matches when the text equals, folded, an occupation name or a group name in `lang` (then in
        the other language), or the part of occupation names before their comma when those all lie in
        one group ("sjuksköterska" → 2221). A code ("2221") or a concept id matches too. Text that
        could mean several groups ("undersköterska", "nurse") matches nothing: `suggest` lists them.
        """
        text = (text or "").strip()
        if not text:
            return None
        if text.isdigit():
            group = self.group(text)
            return Match(group) if group and group.level == 4 else None
        found = self.by_concept(text)
        if isinstance(found, Occupation):
            return Match(self.groups[found.ssyk], found)
        if isinstance(found, Group) and found.level == 4:
            return Match(found)
        for language in (lang, "en" if lang == "sv" else "sv"):
            hits = self._names[language].get(fold(text, language), [])
            if len({g.code for g, _ in hits}) == 1:
                group, occupation = hits[0]
                return Match(group, occupation if len(hits) == 1 else None)
        hits = self._names["head"].get(fold(text), [])
        if len({g.code for g, _ in hits}) == 1:
            group, occupation = hits[0]
            return Match(group, occupation if len(hits) == 1 else None)
        return None

    def suggest(self, code_or_text: str, n: int = 3, lang: str = "sv") -> list[Group]:
        """Up to `n` SSYK-4 groups closest to a code or a text, best first, for "did you mean".

        A code ranks the groups by the digits they share from the left, then by numeric distance
        ("2220" → 2221, 2222, 2223). A text ranks first the group it matches (`match`), then the
        groups whose names contain it (in `lang`, then in the other language, then its occupation
        names; by code within each), then names that are close spellings of it (difflib)."""
        query = (code_or_text or "").strip()
        units = self.units()
        if not query or n <= 0:
            return []
        if query.isdigit():
            length = len(query)
            candidates = [g for g in self.groups.values() if g.level == min(length, 4)]

            def shared(code: str) -> int:
                return next((i for i, (a, b) in enumerate(zip(code, query, strict=False)) if a != b), len(code))

            candidates.sort(key=lambda g: (-shared(g.code), abs(int(g.code) - int(query[: g.level])), g.code))
            return candidates[:n]
        folded = {language: fold(query, language) for language in ("sv", "en")}
        other = "en" if lang == "sv" else "sv"
        ranked = []
        for group in units:
            in_names = {
                "sv": folded["sv"] in fold(group.name_sv),
                "en": bool(group.name_en) and folded["en"] in fold(group.name_en, "en"),
            }
            if in_names[lang]:
                ranked.append((0, group.code, group))
            elif in_names[other]:
                ranked.append((1, group.code, group))
            elif any(folded["sv"] in fold(o.name_sv) for o in group.occupations):
                ranked.append((2, group.code, group))
        exact = self.match(query, lang)
        chosen = [exact.group] if exact else []

        def add(group: Group) -> None:
            if all(group.code != g.code for g in chosen):
                chosen.append(group)

        for _, _, group in sorted(ranked, key=lambda item: item[:2]):
            add(group)
        if len(chosen) < n:
            by_name = {}
            for group in units:
                by_name.setdefault(fold(group.name_sv), group)
                if group.name_en:
                    by_name.setdefault(fold(group.name_en, "en"), group)
                for occupation in group.occupations:
                    by_name.setdefault(fold(occupation.name_sv), group)
            for name in difflib.get_close_matches(folded[lang], list(by_name), n=n * 3, cutoff=0.6):
                add(by_name[name])
        return chosen[:n]


def from_data(data: dict) -> Taxonomy:
    """A Taxonomy from the vendored file's content (see `data/SOURCES.md` for its shape)."""
    occupations: dict[str, list[Occupation]] = {}
    for item in data["occupations"]:
        occupations.setdefault(item["ssyk"], []).append(Occupation(item["id"], item["sv"], item["ssyk"]))
    groups = {}
    for item in sorted(data["groups"], key=lambda g: g["code"]):
        code = item["code"]
        groups[code] = Group(
            code=code,
            concept_id=item["id"],
            name_sv=item["sv"],
            name_en=item.get("en"),
            isco=tuple(item.get("isco", ())),
            occupations=tuple(sorted(occupations.get(code, ()), key=lambda o: o.name_sv)),
        )
    return Taxonomy(groups, data.get("about", ""), data.get("retrieved", {}))


@cache
def load(data_dir: Path = DATA_DIR) -> Taxonomy:
    """The taxonomy in `data_dir` (the vendored one by default), read once per folder."""
    with (Path(data_dir) / FILE_NAME).open(encoding="utf-8") as handle:
        return from_data(json.load(handle))
