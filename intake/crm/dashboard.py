"""The coordinator's dashboard: the campaign's figures as of a day, as charts, tables and CSV.

The numbers come from `counts.figures_of`, as those of `tasteget report` do, so the two always agree;
this module only lays them out. The competence-attraction figures (`figures.competence`: households
with a needed skill, and each municipality's target against what happened) are measured against the
content in force, its needs and targets, as the report's are; they have a page of their own,
`/crm/figures/competence/`, each page counting only what it shows within a second at 100 000
households (bench/CRM_RESULTS.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import numbers
from flask import abort, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional

from intake import choices, db
from intake.builtsite import content
from intake.builtsite.shell import render_staff
from intake.competence import matches
from intake.crm import agenda, bp, csvfile
from intake.crm.access import require_role
from intake.figures import charts, competence, counts
from intake.figures import visits as visit_figures
from intake.figures import welcome as first_year
from tasteget.occupations import taxonomy


class AsOfForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    as_of = DateField(_l("Figures as of"), [Optional()])


@dataclass(frozen=True)
class Table:
    """One chart's numbers: a row per category, a column per series."""

    key: str
    title: str
    heading: str
    columns: tuple[str, ...]
    rows: list[tuple[str, tuple[int | str, ...]]]


# A longer run of empty months is left out: a date typed with a wrong year (0001) would otherwise
# draw every month since, thousands of rows and megabytes of page.
MAX_EMPTY_MONTHS = 24


def _months(*counters) -> list[str]:
    """Every month from the first to the last that has a figure, the empty ones too up to MAX_EMPTY_MONTHS in a row."""
    months, previous = [], None
    for key in sorted(set().union(*counters), key=_month_number):
        number = _month_number(key)
        if previous is not None and number - previous - 1 <= MAX_EMPTY_MONTHS:
            months += [f"{n // 12:04d}-{n % 12 + 1:02d}" for n in range(previous + 1, number)]
        months.append(key)
        previous = number
    return months


def _month_number(key: str) -> int:
    year, month = map(int, key.split("-"))
    return year * 12 + month - 1


def tables(f: counts.Figures, names: dict[str, str], lang: str = "sv") -> list[Table]:
    """The dashboard's charts as tables; `names` maps a municipality's slug to its name, and countries
    are named in `lang` (the staff's language)."""
    months = _months(f.registered_by_month, f.moved_by_month, f.orders_by_month)
    sources = sorted(
        set().union(f.registered_by_source, f.moved_by_source, f.orders_by_source),
        key=lambda s: (-f.registered_by_source[s], s),
    )
    present = set().union(f.by_municipality, f.moves_by_destination)
    places = [
        *names,
        *sorted(present - set(names) - {counts.UNSURE, counts.UNKNOWN}),  # no longer in the content
        *(key for key in (counts.UNSURE, counts.UNKNOWN) if key in present),
    ]
    label = {
        counts.UNSURE: _("Not sure yet"),
        counts.UNKNOWN: _("Unknown"),
        counts.NO_SOURCE: _("No campaign source"),
        counts.NO_ANSWER: _("No answer"),
    }
    answers = {key: str(text) for key, text in choices.HEARD_FROM}
    heard = [
        *(key for key in answers if key in f.registered_by_heard),  # in the form's order
        *sorted(set(f.registered_by_heard) - set(answers) - {counts.NO_ANSWER}),
        *((counts.NO_ANSWER,) if counts.NO_ANSWER in f.registered_by_heard else ()),
    ]
    country_names = dict(choices.countries(lang))
    unknown_country = {counts.UNKNOWN: _("Not known (not given, or erased with the personal data)")}
    # Most first, then by name as the staff read it.
    by_country = sorted(f.registered_by_country, key=lambda c: (-f.registered_by_country[c], country_names.get(c, c)))
    return [
        Table(
            "month",
            _("By month"),
            _("Month"),
            (_("Households registered"), _("Households moved"), _("Magazine orders")),
            [(m, (f.registered_by_month[m], f.moved_by_month[m], f.orders_by_month[m])) for m in months],
        ),
        Table(
            "municipality",
            _("By municipality"),
            _("Municipality"),
            (_("Households interested"), _("Households moved here")),
            [(names.get(p) or label.get(p, p), (f.by_municipality[p], f.moves_by_destination[p])) for p in places],
        ),
        Table(
            "source",
            _("By campaign source"),
            _("Campaign source"),
            (_("Households registered"), _("Households moved"), _("Magazine orders")),
            [
                (label.get(s, s), (f.registered_by_source[s], f.moved_by_source[s], f.orders_by_source[s]))
                for s in sources
            ],
        ),
        Table(
            "heard",
            _("By where they heard of us"),
            _("Heard of us through"),
            (_("Households registered"), _("Households moved")),
            [(answers.get(a) or label.get(a, a), (f.registered_by_heard[a], f.moved_by_heard[a])) for a in heard],
        ),
        Table(
            "country",
            _("By country of residence"),
            _("Country"),
            (_("Households registered"),),
            [(country_names.get(c) or unknown_country.get(c, c), (f.registered_by_country[c],)) for c in by_country],
        ),
    ]


def first_year_table(rows: dict[str, first_year.Row], names: dict[str, str]) -> Table:
    """The newcomers' first year per municipality moved to (`figures.welcome`), in the content's order."""
    places = [*(p for p in names if p in rows), *sorted(set(rows) - set(names))]
    return Table(
        "first-year",
        _("The first year, by municipality moved to"),
        _("Municipality"),
        (
            _("Households moved"),
            _("Welcome checklist completed"),
            _("Settled"),
            _("Introduced to an ambassador"),
        ),
        [(names.get(p, p), (rows[p].moved, rows[p].completed, rows[p].settled, rows[p].introduced)) for p in places],
    )


def visits_table(rows: dict[str, visit_figures.Row], names: dict[str, str]) -> Table:
    """Try-out visits per municipality (`figures.visits`), in the content's order."""
    places = [*(p for p in names if p in rows), *sorted(set(rows) - set(names) - {visit_figures.NOT_GIVEN})]
    places += [visit_figures.NOT_GIVEN] if visit_figures.NOT_GIVEN in rows else []
    return Table(
        "visits",
        _("Try-out visits, by municipality"),
        _("Municipality"),
        (_("Asked for by the household"), _("Held")),
        [(names.get(p) or p or _("Not given"), (rows[p].requested, rows[p].held)) for p in places],
    )


def _first_year(day) -> list[Table]:
    session, names = db.session(), _names()
    return [
        first_year_table(first_year.load(session, content.site(), day), names),
        visits_table(visit_figures.load(session, day), names),
    ]


def key_figures(f: counts.Figures) -> list[tuple[str, str]]:
    median = f.median_days_to_first_contact
    return [
        (_("Households registered"), format_decimal(f.registered)),
        (_("Households moved"), format_decimal(f.moved)),
        (_("Magazine orders"), format_decimal(f.orders)),
        # To a tenth of a percent, in the locale's own way of writing it (Swedish: "33,3 %").
        (
            _("Conversion, registered to moved"),
            numbers.format_percent(round(f.conversion, 3), locale=get_locale(), decimal_quantization=False),
        ),
        (_("Median days to first contact"), "–" if median is None else format_decimal(median)),
        (_("Open follow-ups"), format_decimal(f.open_follow_ups)),
    ]


def follow_ups_meaning() -> str:
    """What "open follow-ups" counts, said on the page under the key figures."""
    return _(
        "Open follow-ups: households registered by the end of the day whose follow-up date has come by "
        "then (overdue or due that day) and that are not settled or closed. They are counted by the "
        "follow-up date and status each household has now: a date since moved or cleared no longer counts."
    )


def competence_key_figures(c: competence.Competence) -> list[tuple[str, str]]:
    return [
        (_("Households registered with a needed skill"), format_decimal(c.registered)),
        (_("Households moved with a needed skill"), format_decimal(c.moved)),
    ]


COMPETENCE_TABLES = ("skills-group", "skills-field", "skills-municipality", "targets")


def competence_tables(c: competence.Competence, names: dict[str, str], lang: str) -> list[Table]:
    """Households with a needed skill by occupation group, field and municipality, and the year's
    targets against what happened; names in `lang` (the staff member's language)."""
    groups = sorted(set().union(c.registered_by_group, c.moved_by_group))
    fields = sorted(set().union(c.registered_by_field, c.moved_by_field))
    present = set().union(c.registered_by_municipality, c.moved_by_municipality)
    places = [
        *(slug for slug in names if slug in present),
        *sorted(present - set(names) - {competence.UNSURE}),  # no longer in the content
        *((competence.UNSURE,) if competence.UNSURE in present else ()),
    ]
    unsure = _("Not sure yet (the region's needs)")
    columns = (_("Households registered"), _("Households moved"))
    no_target = _("No target set")

    def target(value: int | None) -> int | str:
        return no_target if value is None else value

    def field_name(digit: str) -> str:
        group = taxonomy.load().group(digit)
        return f"{digit} {group.name(lang)}" if group else digit

    return [
        Table(
            "skills-group",
            _("With a needed skill, by occupation group"),
            _("Occupation group"),
            columns,
            [(matches.group_label(g, lang), (c.registered_by_group[g], c.moved_by_group[g])) for g in groups],
        ),
        Table(
            "skills-field",
            _("With a needed skill, by field"),
            _("Field"),
            columns,
            [(field_name(d), (c.registered_by_field[d], c.moved_by_field[d])) for d in fields],
        ),
        Table(
            "skills-municipality",
            _("With a needed skill, by municipality"),
            _("Municipality"),
            (_("Households registered (chose it)"), _("Households moved here")),
            [
                (
                    unsure if p == competence.UNSURE else names.get(p, p),
                    (c.registered_by_municipality[p], c.moved_by_municipality[p]),
                )
                for p in places
            ],
        ),
        Table(
            "targets",
            _("Targets for %(year)s against what happened", year=c.year),
            _("Municipality"),
            (
                _("Target: households moved"),
                _("Households moved"),
                _("Target: with a needed skill"),
                _("Moved with a needed skill"),
            ),
            [
                (
                    names.get(r.municipality, r.municipality),
                    (target(r.target_moved), r.moved, target(r.target_skilled), r.skilled),
                )
                for r in c.targets
            ],
        ),
    ]


def _plan() -> competence.Plan:
    return competence.plan_of(content.site())


def _competence_as_of(day, plan: competence.Plan):
    return counts.competence_figures(counts.load_competence(db.session(), plan.needs.all_codes), day, plan)


def _figures_as_of(form: AsOfForm, plan: competence.Plan | None = None) -> counts.Figures:
    needed = plan.needs.all_codes if plan else frozenset()
    return counts.figures_of(counts.load(db.session(), needed), form.as_of.data or agenda.local_today(), plan)


def _lang() -> str:
    return str(get_locale().language)


def _names() -> dict[str, str]:
    return {slug: m.name for slug, m in content.site().municipalities.items()}


@bp.get("/figures/")
@login_required
def dashboard():
    require_role("coordinator")
    form = AsOfForm(formdata=request.args)
    if not form.validate():
        return render_staff("crm/figures.html", _("Figures"), form=form, status=422)
    result = _figures_as_of(form)
    day = result.as_of.isoformat()
    charted = [
        (
            t,
            charts.bar_chart(
                f"chart-{t.key}",
                t.title,
                _("Bar chart; the same numbers are in the table after it."),
                [row_label for row_label, _values in t.rows],
                [(name, [values[i] for _label, values in t.rows]) for i, name in enumerate(t.columns)],
            )
            if any(any(values) for _label, values in t.rows)  # all zero: nothing to draw
            else None,
            url_for("crm.figures_csv", chart=t.key, as_of=day),
        )
        for t in [*tables(result, _names(), _lang()), *_first_year(result.as_of)]
    ]
    return render_staff(
        "crm/figures.html",
        _("Figures"),
        form=form,
        day=day,
        key_figures=key_figures(result),
        follow_ups_meaning=follow_ups_meaning(),
        charted=charted,
        everything=url_for("crm.figures_csv", as_of=day),
    )


@bp.get("/figures/competence/")
@login_required
def competence_figures():
    """The competence-attraction figures: a page of their own, as they take as long to count as the
    rest of the dashboard (bench/CRM_RESULTS.md)."""
    require_role("coordinator")
    title = _("Competence attraction")
    form = AsOfForm(formdata=request.args)
    if not form.validate():
        return render_staff("crm/figures_competence.html", title, form=form, status=422)
    plan = _plan()
    day = form.as_of.data or agenda.local_today()
    c = _competence_as_of(day, plan)
    return render_staff(
        "crm/figures_competence.html",
        title,
        form=form,
        day=day.isoformat(),
        key_figures=competence_key_figures(c),
        tables=[
            (t, url_for("crm.figures_csv", chart=t.key, as_of=day.isoformat()))
            for t in competence_tables(c, _names(), _lang())
        ],
        everything=url_for("crm.figures_csv", as_of=day.isoformat()),
    )


@bp.get("/figures/export.csv")
@login_required
def figures_csv():
    """One table, or (without `chart`) every figure in the rows of `tasteget report --format csv`."""
    require_role("coordinator")
    form = AsOfForm(formdata=request.args)
    if not form.validate():
        abort(400)
    chart = request.args.get("chart")
    plan = _plan()
    if not chart:
        result = _figures_as_of(form, plan)
        day = result.as_of.isoformat()
        return csvfile.download(f"figures-{day}.csv", counts.REPORT_HEADER, result.rows())
    if chart in COMPETENCE_TABLES:
        as_of = form.as_of.data or agenda.local_today()
        c = _competence_as_of(as_of, plan)
        every = competence_tables(c, _names(), _lang())
    else:
        result = _figures_as_of(form)
        as_of, every = result.as_of, [*tables(result, _names(), _lang()), *_first_year(result.as_of)]
    table = next((t for t in every if t.key == chart), None)
    if table is None:
        abort(404)
    return csvfile.download(
        f"figures-{chart}-{as_of.isoformat()}.csv",
        (table.heading, *table.columns),
        ((name, *values) for name, values in table.rows),
    )
