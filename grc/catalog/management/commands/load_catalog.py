from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grc.catalog.loader import DATA_DIR, CatalogError, catalog_load, catalog_read

ACTIONS = (
    ("created", "created"),
    ("updated", "updated"),
    ("unchanged", "unchanged"),
    ("kept_local_edit", "kept local edit"),
    ("deleted", "deleted"),
)


class Command(BaseCommand):
    help = "Validate the control catalog (YAML) and load it into the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
        parser.add_argument("--check", action="store_true", help="validate only, write nothing")

    def handle(self, *args: Any, data_dir: Path, check: bool, **options: Any) -> None:
        try:
            if check:
                catalog = catalog_read(data_dir)
            else:
                load = catalog_load(data_dir)
        except CatalogError as exc:
            raise CommandError(
                f"{len(exc.errors)} problem(s) in {data_dir}:\n" + "\n".join(exc.errors)
            ) from exc
        if check:
            self.stdout.write(
                f"catalog {catalog.version} is valid: {len(catalog.frameworks)} frameworks, "
                f"{len(catalog.controls)} controls"
            )
            return
        self.stdout.write(f"loaded catalog {load.catalog_version}")
        for entity, actions in load.summary["counts"].items():
            counts = ", ".join(
                f"{actions[action]} {label}" for action, label in ACTIONS if actions.get(action)
            )
            self.stdout.write(f"  {entity}: {counts or 'nothing to do'}")
        for key, label in (
            ("kept_local_edit", "kept local edits (not updated)"),
            ("custom_ref_conflict", "custom controls holding a catalog ref (not touched)"),
            ("not_in_catalog", "catalog controls no longer in the catalog (kept)"),
        ):
            if load.summary[key]:
                self.stdout.write(f"  {label}: {', '.join(load.summary[key])}")
