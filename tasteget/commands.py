"""The content and site commands: check the content, build and preview the site, print its
security policy, write the field reference, refresh the occupation data (`occupations refresh`).
They load neither Flask nor the intake."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from tasteget.content import fields
from tasteget.content.load import Report, check


def print_report(report: Report, verbose: bool = True, launch: bool = False) -> None:
    """Errors, then warnings; with `launch`, what a launch cannot have is an error too."""
    blockers = set(report.launch) if launch else set()
    for problem in report.errors:
        click.echo(str(problem))
    for problem in report.launch if launch else []:
        click.echo(str(problem))
    for problem in report.warnings:
        if problem not in blockers:
            click.echo(f"warning: {problem}")
    cov = report.coverage
    click.echo(f"Translation coverage: {cov.translated} of {cov.total} texts have English ({cov.shown_percent} %).")
    if verbose and cov.missing:
        click.echo("Missing English (shown in Swedish with a note):")
        for item in cov.missing:
            click.echo(f"  {item}")


ROOT_OPTION = click.option(
    "--root",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Project folder with mkdocs.yml and mkdocs.en.yml.",
)


def content_option(help_text: str):
    return click.option(
        "--content",
        "content_dir",
        default="content",
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help=help_text,
    )


LAUNCH_OPTION = click.option(
    "--launch",
    is_flag=True,
    help="Fail while anything a launch cannot have remains: placeholder contacts, .example addresses, "
    "a municipality without a photo or competence needs, no stories.",
)


@click.command("check")
@content_option("Content folder.")
@click.option(
    "--docs",
    "docs_dir",
    default="docs",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder that pictures are relative to.",
)
@click.option("-q", "--quiet", is_flag=True, help="Do not list each untranslated text.")
@LAUNCH_OPTION
def check_command(content_dir: Path, docs_dir: Path, quiet: bool, launch: bool) -> None:
    """Validate all content; list every error, warning and untranslated text.

    Exits 1 when there is an error. Placeholder contacts, a municipality without a photo or
    competence needs and no stories are warnings; with --launch they are errors.
    """
    if not content_dir.is_dir():
        raise click.ClickException(
            f"no content folder at {content_dir}/ (run from the project folder or pass --content)"
        )
    report = check(content_dir, docs_dir)
    print_report(report, verbose=not quiet, launch=launch)
    blockers = len(report.launch) if launch else 0
    if report.errors or blockers:
        warnings = len(report.warnings) - blockers
        click.echo(f"{len(report.errors) + blockers} error(s), {warnings} warning(s).")
        if blockers:
            click.echo(f"Not ready for launch: {blockers} thing(s) above a launch cannot have.")
        sys.exit(1)
    site = report.site
    spaces = sum(len(m.coworking) for m in site.municipalities.values())
    click.echo(
        f"OK: {len(site.municipalities)} municipalities, {spaces} coworking spaces, "
        f"{len(site.stories)} stories, {len(site.messages)} messages, {len(site.events)} events; "
        f"{len(report.warnings)} warning(s)."
        + (
            f" Not ready for launch: {len(report.launch)} of them (see `tasteget check --launch`)."
            if report.launch
            else ""
        )
    )


@click.command("build")
@ROOT_OPTION
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: site_dir in mkdocs.yml); English goes in its en/.",
)
@LAUNCH_OPTION
def build_command(root: Path, site_dir: Path | None, launch: bool) -> None:
    """Check the content and build the site in both languages into site/ (English in site/en/).

    With --launch (or TASTEGET_LAUNCH=true), the production build: it fails as `check --launch` does.
    """
    from tasteget.site.build import BuildFailed, build_site  # MkDocs: loaded only by the commands that build

    _mkdocs_logging()
    try:
        build_site(root, site_dir, progress=click.echo, launch=launch)
    except BuildFailed as exc:
        raise click.ClickException(str(exc)) from None


@click.command("csp")
@click.option(
    "--site-dir",
    default="site",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The built site.",
)
def csp_command(site_dir: Path) -> None:
    """Print the built site's Content-Security-Policy (its inline scripts by hash), for any web server or CDN.

    `tasteget build` also writes it as nginx lines to _shell/headers.nginx.conf in the site.
    """
    from tasteget.site import csp

    if not any(site_dir.glob("*.html")):
        raise click.ClickException(f"no built site in {site_dir}/: run `tasteget build` first")
    click.echo(csp.policy(csp.site_script_hashes(site_dir)))


@click.command("preview")
@ROOT_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, envvar="PORT", type=int, help="Port (or PORT).")
def preview_command(root: Path, host: str, port: int) -> None:
    """Serve both languages with live reload: pages rebuild when a content file changes, and while a
    file has errors every page shows them at the top (in Swedish), above the last good page."""
    from tasteget.site.preview import preview

    _mkdocs_logging(logging.INFO)
    try:
        preview(root, host, port)
    except OSError as exc:
        raise click.ClickException(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


@click.command("reference")
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of printing."
)
def reference_command(output: Path | None) -> None:
    """Print the content field reference (Markdown), generated from the schema."""
    text = fields.markdown()
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}.")
    else:
        click.echo(text, nl=False)


def _mkdocs_logging(level: int = logging.WARNING) -> None:
    """Show MkDocs' messages as `WARNING -  …` lines, as its own command does."""
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)


@click.group("occupations")
def occupations_group() -> None:
    """The occupation taxonomy and the Yrkesbarometer the site's skill needs use."""


@occupations_group.command("refresh")
@click.option(
    "--taxonomy-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The taxonomy dump the-ssyk-hierarchy-with-occupations.json, already downloaded.",
)
@click.option(
    "--barometer-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The official yrkesbarometer.json, already downloaded.",
)
@click.option("--lan", help='County (län) code whose rows to keep, e.g. "23" (default: `lan` in region.yml).')
@click.option("--only", type=click.Choice(["taxonomy", "barometer"]), help="Refresh one of the two (default: both).")
@content_option("Content folder whose region.yml gives the län.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder of the data files to replace (default: the package's own).",
)
def occupations_refresh_command(
    taxonomy_file: Path | None,
    barometer_file: Path | None,
    lan: str | None,
    only: str | None,
    content_dir: Path,
    data_dir: Path | None,
) -> None:
    """Rebuild the vendored taxonomy and Yrkesbarometer from the publishers' own files.

    Downloads them from Arbetsförmedlingen unless given as files; keeps the national barometer rows
    and those of the region's län. Every file is checked first: a wrong one changes nothing.
    """
    from tasteget.occupations import refresh, taxonomy

    lan = lan if lan is not None else _region_lan(content_dir)
    if lan is not None and not (len(lan) == 2 and lan.isdigit()):
        raise click.ClickException(f'--lan: expected a two-digit county code like "23", got "{lan}"')

    def fetch(path: Path | None, url: str) -> tuple[bytes, str]:
        if path:
            try:
                return path.read_bytes(), str(path)
            except OSError as exc:
                raise click.ClickException(f"cannot read {path}: {exc.strerror or exc}") from None
        raw = refresh.download(url, lambda line: click.echo(f"\r{line}", nl=False, err=True))
        click.echo(err=True)
        return raw, url

    try:
        wanted_taxonomy = only in (None, "taxonomy")
        wanted_barometer = only in (None, "barometer")
        new = refresh.rebuild(
            fetch(taxonomy_file, refresh.TAXONOMY_URL) if wanted_taxonomy else None,
            fetch(barometer_file, refresh.BAROMETER_URL) if wanted_barometer else None,
            lan,
            data_dir or taxonomy.DATA_DIR,
        )
    except refresh.RefreshError as exc:
        raise click.ClickException(f"{exc}; nothing was replaced") from None
    folder = data_dir or taxonomy.DATA_DIR
    if data := new.get("taxonomy.json"):
        english = sum(1 for g in data["groups"] if g.get("en"))
        click.echo(
            f"Taxonomy: {len(data['groups'])} groups ({english} with an English name), "
            f"{len(data['occupations'])} occupation names → {folder / 'taxonomy.json'}"
        )
    if data := new.get("barometer.json"):
        rows = data["rows"]
        rounds = sorted({row["omgang"] for row in rows})
        national = sum(1 for row in rows if row["lan"] == "00")
        regional = f", {len(rows) - national} for län {lan}" if lan else " (no län: set `lan` in region.yml)"
        click.echo(
            f"Yrkesbarometer round {', '.join(rounds)}: {national} national rows{regional} "
            f"→ {folder / 'barometer.json'}"
        )


def _region_lan(content_dir: Path) -> str | None:
    """The `lan` of the region's content, if it sets one."""
    from tasteget.content import yamlfile

    path = content_dir / "region.yml"
    try:
        data = yamlfile.parse(path.read_text(encoding="utf-8")).data
    except (OSError, UnicodeDecodeError, yamlfile.YamlSyntaxError):
        return None
    lan = data.get("lan") if isinstance(data, dict) else None
    return lan if isinstance(lan, str) else None
