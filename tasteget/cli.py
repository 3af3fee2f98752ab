"""The `tasteget` command line: check content, build the site, write the field reference."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import click

from .content import reference
from .content.load import Report, check
from .site.routes import PREFIX

LANG_CONFIGS = {"sv": "mkdocs.yml", "en": "mkdocs.en.yml"}


def print_report(report: Report, verbose: bool = True) -> None:
    for problem in report.errors:
        click.echo(str(problem))
    for problem in report.warnings:
        click.echo(f"warning: {problem}")
    cov = report.coverage
    click.echo(f"Translation coverage: {cov.translated} of {cov.total} texts have English ({cov.percent:.0f} %).")
    if verbose and cov.missing:
        click.echo("Missing English (shown in Swedish with a note):")
        for item in cov.missing:
            click.echo(f"  {item}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Ta Steget: the relocation campaign's site, content and CRM."""


@main.command("check")
@click.option(
    "--content",
    "content_dir",
    default="content",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Content folder.",
)
@click.option(
    "--docs",
    "docs_dir",
    default="docs",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder that pictures are relative to.",
)
@click.option("-q", "--quiet", is_flag=True, help="Do not list each untranslated text.")
def check_command(content_dir: Path, docs_dir: Path, quiet: bool) -> None:
    """Validate all content; list every error, warning and untranslated text.

    Exits 1 when there is an error. Placeholder contacts are warnings: fill them in before launch.
    """
    if not content_dir.is_dir():
        raise click.ClickException(
            f"no content folder at {content_dir}/ (run from the project folder or pass --content)"
        )
    report = check(content_dir, docs_dir)
    print_report(report, verbose=not quiet)
    if report.errors:
        click.echo(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s).")
        sys.exit(1)
    site = report.site
    spaces = sum(len(m.coworking) for m in site.municipalities.values())
    click.echo(
        f"OK: {len(site.municipalities)} municipalities, {spaces} coworking spaces, "
        f"{len(site.stories)} stories; {len(report.warnings)} warning(s)."
    )


@main.command("build")
@click.option(
    "--root",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Project folder with mkdocs.yml and mkdocs.en.yml.",
)
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: site_dir in mkdocs.yml); English goes in its en/.",
)
def build_command(root: Path, site_dir: Path | None) -> None:
    """Check the content and build the site in both languages into site/ (English in site/en/)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    _mkdocs_logging()
    # Swedish first: its build empties site/, then the English build fills site/en/.
    for lang, name in LANG_CONFIGS.items():
        config_file = root / name
        if not config_file.is_file():
            raise click.ClickException(f"no {name} in {root.resolve()} (run from the project folder or pass --root)")
        started = time.perf_counter()
        try:
            overrides = {"site_dir": str(site_dir / PREFIX[lang].strip("/"))} if site_dir else {}
            build(load_config(config_file=str(config_file), **overrides))
        except PluginError as exc:
            raise click.ClickException(str(exc)) from None
        except Abort:
            raise click.ClickException(f"{name}: the site was not built; see the messages above") from None
        except ConfigurationError as exc:
            raise click.ClickException(f"{name}: {exc}") from None
        click.echo(f"Built the {lang} site from {name} in {time.perf_counter() - started:.1f} s.")


@main.command("reference")
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of printing."
)
def reference_command(output: Path | None) -> None:
    """Print the content field reference (Markdown), generated from the schema."""
    text = reference.markdown()
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}.")
    else:
        click.echo(text, nl=False)


def _mkdocs_logging() -> None:
    """Show MkDocs' warnings and errors as `WARNING - …` lines, as its own command does."""
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
