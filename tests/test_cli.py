"""The command line, through click's CliRunner: exit codes, formats and summaries."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from generator.cli.main import main

from .conftest import CASES, ROOT, SAMPLE


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_validate_sample_exits_zero():
    result = invoke("validate")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("Checked ")
    assert result.output.strip().endswith("assets: all valid.")


def test_validate_bad_data_exits_one_with_summary(data_factory):
    data = data_factory({"bad-time.yaml": (CASES / "invalid" / "bad-time.yaml").read_bytes()})
    result = invoke("validate", "--data", str(data))
    assert result.exit_code == 1
    assert result.output.splitlines()[-2:] == ["1 problem in 1 file.", "Checked 1 asset: with problems."]


def test_validate_json_format(data_factory):
    data = data_factory({"bad-time.yaml": (CASES / "invalid" / "bad-time.yaml").read_bytes()})
    doc = json.loads(invoke("validate", "--data", str(data), "--format", "json").output)
    assert doc["valid"] is False and doc["checked"] == 1
    assert doc["problems"][0] | {"hint": ""} == {
        "file": "assets_data/assets/bad-time.yaml",
        "line": 41,
        "field": "sessions[0].start",
        "code": "type-error",
        "message": "'25:00' is not a time of day (HH:MM, 24-hour).",
        "hint": "",
        "severity": "error",
    }


def test_validate_github_annotations(data_factory):
    data = data_factory({"bad-time.yaml": (CASES / "invalid" / "bad-time.yaml").read_bytes()})
    output = invoke("validate", "--data", str(data), "--format", "github").output
    assert output.splitlines()[0].startswith(
        "::error file=assets_data/assets/bad-time.yaml,line=41,title=sessions[0].start::'25:00' is not a time of day"
    )


def test_strict_fails_on_warnings(data_factory, base_record):
    data = data_factory(
        {"valid-case.yaml": base_record.replace("last_checked: 2026-10-01", "last_checked: 2020-01-01")}
    )
    assert invoke("validate", "--data", str(data)).exit_code == 0
    assert invoke("validate", "--data", str(data), "--strict").exit_code == 1


def test_usage_error_exits_two(tmp_path):
    result = invoke("validate", "--data", str(tmp_path))
    assert result.exit_code == 2
    assert "has no config.yaml" in result.output


def test_unknown_format_is_a_usage_error():
    assert invoke("validate", "--format", "xml").exit_code == 2


def test_the_command_leaves_without_walking_what_is_left_in_memory():
    """At exit the interpreter collects every reference cycle still there, calling finalisers; the
    command freezes what is left instead (generator/speed/shutdown.py). A cycle with a finaliser shows
    which happened."""
    script = (
        "import gc, sys\n"
        "class Loop:\n"
        "    def __del__(self): print('finalised', flush=True)\n"
        "gc.disable()\n"
        "loop = Loop(); loop.me = loop; del loop\n"
        "if sys.argv[1:]:\n"
        "    from generator.cli.main import main\n"
        "    main(sys.argv[1:])\n"
    )
    left = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert left.stdout == "finalised\n"  # the collector's last walk
    command = subprocess.run(
        [sys.executable, "-c", script, "validate", "--data", str(SAMPLE)], cwd=ROOT, capture_output=True, text=True
    )
    assert command.returncode == 0, command.stderr
    assert "valid" in command.stdout and "finalised" not in command.stdout
