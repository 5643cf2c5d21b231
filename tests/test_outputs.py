"""The build contract: outputs declare their scope; speed.outputs makes only what a plan says changed."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.data.check import check
from generator.opendata.publish import catalogue_site, render_open_data
from generator.render.contract import every_file
from generator.render.mapview import render_map_page
from generator.render.pages import environment, render_pages
from generator.render.sheets import render_sheets
from generator.render.strings import load_catalogue
from generator.speed.buildstate import KEEP, BuildState, Plan
from generator.speed.outputs import plan_tasks

from .conftest import ROOT, SAMPLE

TODAY = dt.date(2026, 12, 1)  # after every last_checked of the sample


@pytest.fixture(scope="module")
def model():
    checked = check(SAMPLE, today=TODAY)
    assert checked.ok
    site = catalogue_site(checked, load_catalogue(ROOT / "templates"), TODAY)
    env = environment(ROOT / "templates")
    outputs = [
        *render_pages(site, env),
        *render_sheets(site, env, checked.config.site_url),
        *render_map_page(site, env),
        *render_open_data(site, checked, env),
    ]
    return checked, site, outputs


def _run(tasks) -> dict:
    files: dict = {}
    for task in tasks:
        for made in task.run():
            assert not files.keys() & made.keys(), "each file comes from one task"
            files |= made
    return files


def test_a_full_plan_makes_every_file_every_output_declares(model):
    _checked, site, outputs = model
    made = _run(plan_tasks(outputs, site.assets, site.groups(), Plan(), lambda path: None, None))
    assert made == every_file(outputs, site.assets, site.groups())
    assert KEEP not in made.values()


def test_a_rebuild_plan_keeps_unchanged_assets_and_groups_and_makes_site_wide_files(model):
    _checked, site, outputs = model
    changed = site.assets[0]
    redo = {f"need/{changed.categories[0]}"}
    plan = Plan(BuildState("key"), frozenset(a.id for a in site.assets[1:]), redo)
    full = every_file(outputs, site.assets, site.groups())
    made = _run(plan_tasks(outputs, site.assets, site.groups(), plan, full.get, None))
    assert made.keys() == full.keys()
    remade = {path for path, content in made.items() if content is not KEEP}
    other = site.assets[1]
    assert f"support/{changed.id}.md" in remade and f"support/{other.id}.md" not in remade
    assert f"assets/data/asset/{changed.id}.json" in remade and f"assets/data/asset/{other.id}.json" not in remade
    of_groups = {p for p in remade if p.startswith(("need/", "area/", "sheets/")) and not p.endswith("/index.md")}
    assert of_groups == {f"{group}.md" for group in redo} | {f"sheets/{group}.md" for group in redo}
    site_wide = {"index.md", "map.md", "assets/data/map.json", "data/assets.geojson", "open-data.md"}
    assert site_wide | {"data/datapackage/assets.csv", "data/oruk/services.json"} <= remade
    assert {path: made[path] for path in remade} == {path: full[path] for path in remade}
