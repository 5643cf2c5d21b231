"""`assetmap serve`: serves the site on localhost and rebuilds when a record changes."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from .conftest import make_data_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(condition, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError("timed out")


def test_serve_rebuilds_when_a_record_changes(tmp_path):
    project = tmp_path / "project"  # an area as init makes it: its data only, no mkdocs.yml, no templates
    project.mkdir()
    data = make_data_dir(project, {}, with_sample=True)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "serve",
            "--data",
            str(data),
            "--out",
            str(project / "site"),
            "--port",
            str(port),
        ],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    page = f"http://127.0.0.1:{port}/support/stroud-valleys-walkers/"
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True).start()
    try:
        wait_for(lambda: "Stroud Valleys Walkers" in fetch(page))
        record = data / "assets" / "stroud-valleys-walkers.yaml"
        record.write_text(record.read_text().replace("name: Stroud Valleys Walkers", "name: Stroud Valley Ramblers"))
        wait_for(lambda: "Stroud Valley Ramblers" in fetch(page))
        record.write_text(record.read_text().replace('start: "10:00"', 'start: "25:00"', 1))
        wait_for(lambda: any("is not a time of day" in line for line in lines))  # the failing rebuild ran
        assert "Stroud Valley Ramblers" in fetch(page), "a failed rebuild keeps the last good site served"
    finally:
        server.terminate()
        server.wait(timeout=10)
    output = "".join(lines)
    assert "Serving" in output and "rebuilding" in output.lower()
    assert "is not a time of day" in output
    assert Path(project / "site" / "index.html").is_file()


def test_serve_accepts_python_name_tags_in_mkdocs_yml(tmp_path):
    from .test_config import EMOJI, project_copy

    project, data = project_copy(tmp_path, EMOJI)
    about = project / "site_src" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nWith thanks :material-heart:\n", encoding="utf-8")
    port = free_port()
    command = ["serve", "--data", str(data), "--out", str(project / "site"), "--config", str(project / "mkdocs.yml")]
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", *command, "--port", str(port)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: 'class="twemoji"' in fetch(f"http://127.0.0.1:{port}/about/"))
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert "Serving" in output and "Traceback" not in output
