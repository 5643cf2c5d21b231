"""What's changed: from a git repository whose commits have fixed dates, with a fixed build date; and outside git."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from generator.data.history import Event, history
from generator.site.build import build_site

from .conftest import ROOT, SAMPLE, make_data_dir

TODAY = dt.date(2026, 11, 30)  # the window is 1 October to 30 November
ATOM = "{http://www.w3.org/2005/Atom}"
WALKERS, CARERS, PANTRY, COMPUTERS = (
    "stroud-valleys-walkers",
    "gloucestershire-carers-line",
    "cinderford-community-pantry",
    "bishops-cleeve-computer-club",
)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")


def git(repo: Path, *args: str, when: str | None = None) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def commit(repo: Path, when: str, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-qm", message, when=when)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(tmp_path) -> Path:
    """A repository whose records folder has a history of commits at fixed dates."""
    root = tmp_path / "area"
    data = make_data_dir(root, {}, english_only=True)
    records = data / "assets"
    git(root, "init", "-q", "-b", "main")
    for name in (WALKERS, CARERS, PANTRY):
        shutil.copy(SAMPLE / "assets" / f"{name}.yaml", records)
    commit(root, "2026-08-01T12:00:00+01:00", "three records, long ago")
    edit(records / f"{WALKERS}.yaml", 'start: "10:00"', 'start: "10:30"')
    commit(root, "2026-10-15T09:00:00+01:00", "walkers start later")
    edit(records / f"{PANTRY}.yaml", "summary: ", "summary: Now, ")
    commit(root, "2026-11-10T09:00:00+00:00", "pantry summary reworded (does not matter to a referral)")
    shutil.copy(SAMPLE / "assets" / f"{COMPUTERS}.yaml", records)
    (records / f"{CARERS}.yaml").unlink()
    commit(root, "2026-11-20T23:30:00+00:00", "computer club added, carers line removed")
    edit(records / f"{WALKERS}.yaml", "cost:\n  type: free", "cost:\n  type: donation")
    commit(root, "2026-11-25T10:00:00+00:00", "walkers ask for a donation")
    edit(records / f"{WALKERS}.yaml", "  type: drop-in", "  type: self-referral")
    commit(root, "2026-11-25T15:00:00+00:00", "walkers: ring first")
    edit(records / f"{PANTRY}.yaml", "status: active", "status: paused")
    commit(root, "2026-12-05T10:00:00+00:00", "after the build date")
    return data


def test_history_lists_what_matters_newest_first(repo):
    events = history(repo / "assets", TODAY)
    walkers, computers, pantry = (
        "Stroud Valleys Walkers",
        "Bishop's Cleeve Computer Club",
        "Cinderford Community Pantry",
    )
    assert pantry  # (its only change in the window is wording: not listed)
    assert events == [
        Event(dt.date(2026, 11, 25), WALKERS, walkers, "changed", ("cost", "access")),
        Event(dt.date(2026, 11, 20), COMPUTERS, computers, "added"),
        Event(dt.date(2026, 11, 20), CARERS, "Carers Support Line", "removed"),
        Event(dt.date(2026, 10, 15), WALKERS, walkers, "changed", ("times",)),
    ]
    # a commit at 23:30 on 20 November (London) counts on that day; a build on the 19th does not see it
    assert [e.day for e in history(repo / "assets", dt.date(2026, 11, 20))][:1] == [dt.date(2026, 11, 20)]
    assert history(repo / "assets", dt.date(2026, 11, 19)) == events[-1:]


def test_untrusted_file_names_are_only_data(repo):
    records = repo / "assets"
    odd = records / 'x";rm -rf ~;"\n<b>.yaml'
    odd.write_text("name: <script>alert(1)</script>\n", encoding="utf-8")
    (records / "-n.yaml").write_text("name: dash\n", encoding="utf-8")
    (records / "sub").mkdir()
    (records / "sub" / "deeper.yaml").write_text("name: deeper\n", encoding="utf-8")
    commit(repo.parent, "2026-11-28T10:00:00+00:00", "odd names")
    events = history(records, TODAY)
    added = {e.id: e.name for e in events if e.day == dt.date(2026, 11, 28)}
    # (a name holding a line break is listed by its id: git cannot be asked for its text)
    assert added == {'x";rm -rf ~;"\n<b>': "", "-n": "dash"}


def test_no_git_means_no_history(tmp_path):
    data = make_data_dir(tmp_path, {}, english_only=True)
    assert history(data / "assets", TODAY) is None
    assert history(tmp_path / "missing", TODAY) is None


def build(data: Path, tmp: Path, incremental: bool = True):
    return build_site(
        data, tmp / "site", ROOT / "mkdocs.yml", today=TODAY, docs_dir=tmp / "docs", incremental=incremental
    )


def page_items(site: Path) -> list[str]:
    soup = BeautifulSoup((site / "changed" / "index.html").read_text(encoding="utf-8"), "html.parser")
    return [" ".join(li.get_text(" ", strip=True).split()) for li in soup.select(".cam-changed__list li")]


def feed(site: Path) -> ET.Element:
    root = ET.fromstring((site / "changed.xml").read_bytes())
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    for entry in root.findall(f"{ATOM}entry"):
        for tag in ("id", "title", "updated"):
            assert (entry.find(f"{ATOM}{tag}").text or "").strip(), tag
        dt.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
    ids = [e.find(f"{ATOM}id").text for e in root.findall(f"{ATOM}entry")]
    assert len(ids) == len(set(ids))
    return root


def test_the_page_and_feed_from_git(repo, tmp_path):
    site = tmp_path / "out"
    result = build(repo, site)
    items = page_items(site / "site")
    assert items == [
        "25 November 2026 : Stroud Valleys Walkers , changed: cost, how to get in",
        "20 November 2026 : Bishop's Cleeve Computer Club , added",
        "20 November 2026 : Carers Support Line, removed",
        "15 October 2026 : Stroud Valleys Walkers , changed: times",
    ]
    html = (site / "site" / "changed" / "index.html").read_text(encoding="utf-8")
    assert "cam-stale" not in html and 'href="../support/stroud-valleys-walkers/"' in html
    assert "support/gloucestershire-carers-line/" not in html  # removed: no page to link to
    entries = feed(site / "site").findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert titles[0] == "Stroud Valleys Walkers: changed: cost, how to get in" and len(titles) == 4
    assert result.pages > 0

    # a later commit (same build date): an incremental rebuild shows it
    git(repo.parent, "reset", "-q", "--hard", "HEAD~1")  # (without the December commit)
    edit(repo / "assets" / f"{PANTRY}.yaml", "status: active", "status: paused")
    commit(repo.parent, "2026-11-29T10:00:00+00:00", "pantry paused")
    again = build(repo, site)
    assert again.incremental
    assert page_items(site / "site")[0] == "29 November 2026 : Cinderford Community Pantry , changed: open or closed"
    assert len(feed(site / "site").findall(f"{ATOM}entry")) == 5


def test_outside_git_the_page_says_so(tmp_path):
    data = make_data_dir(tmp_path / "plain", {}, english_only=True)
    for name in (WALKERS, CARERS):
        shutil.copy(SAMPLE / "assets" / f"{name}.yaml", data / "assets")
    edit(data / "assets" / f"{WALKERS}.yaml", "last_checked: 2026-", "last_checked: 2026-11-02\n# was: 2026-")
    build(data, tmp_path / "out", incremental=False)
    site = tmp_path / "out" / "site"
    html = (site / "changed" / "index.html").read_text(encoding="utf-8")
    stale = BeautifulSoup(html, "html.parser").select_one(".cam-changed .cam-stale")
    assert stale is not None and "built without the records' history" in stale.get_text()
    assert page_items(site) == ["2 November 2026 : Stroud Valleys Walkers , checked"]  # (the other: 30 September)
    feed(site)


def test_untrusted_names_from_history_are_escaped_on_the_page_and_in_the_feed(repo, tmp_path):
    git(repo.parent, "reset", "-q", "--hard", "HEAD~1")  # (without the December commit)
    hostile = '</li><script>alert("x")</script> & ]]> <![CDATA['
    (repo / "assets" / "hostile.yaml").write_text(f"name: '{hostile}'\n", encoding="utf-8")
    commit(repo.parent, "2026-11-26T10:00:00+00:00", "a hostile record, not valid")
    (repo / "assets" / "hostile.yaml").unlink()
    commit(repo.parent, "2026-11-27T10:00:00+00:00", "and gone again")
    build(repo, tmp_path / "out", incremental=False)
    site = tmp_path / "out" / "site"
    html = (site / "changed" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert page_items(site)[:2] == [f"27 November 2026 : {hostile}, removed", f"26 November 2026 : {hostile}, added"]
    titles = [e.find(f"{ATOM}title").text for e in feed(site).findall(f"{ATOM}entry")]
    assert titles[:2] == [f"{hostile}: removed", f"{hostile}: added"]
