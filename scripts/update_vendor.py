"""Bring the browser libraries the site serves itself into generator/vendor/, from the npm registry.

The versions and their sha512 integrity are pinned in package-lock.json (change a version in
package.json, run `npm install --package-lock-only`, then this script). Each library's tarball is
downloaded from the registry, checked against the lock's integrity, and only the files the site
needs, with the library's licence, are extracted. generator/vendor/MANIFEST.json records the version,
licence and SHA-256 of every file; the tests check the folder against it. No Node.js is needed.

    python scripts/update_vendor.py            # download, check, extract, write the manifest
    python scripts/update_vendor.py --check    # only check generator/vendor/ against the manifest
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "generator" / "vendor"
REGISTRY = "https://registry.npmjs.org"

# library -> {path in the site under assets/vendor/<library>/: path inside the npm package}
FILES = {
    "leaflet": {
        "leaflet.js": "dist/leaflet.js",
        "leaflet.css": "dist/leaflet.css",
        "images/layers.png": "dist/images/layers.png",
        "images/layers-2x.png": "dist/images/layers-2x.png",
        "images/marker-icon.png": "dist/images/marker-icon.png",
        "images/marker-icon-2x.png": "dist/images/marker-icon-2x.png",
        "images/marker-shadow.png": "dist/images/marker-shadow.png",
        "LICENSE": "LICENSE",
    },
    "leaflet.markercluster": {
        "leaflet.markercluster.js": "dist/leaflet.markercluster.js",
        "MarkerCluster.css": "dist/MarkerCluster.css",
        "MarkerCluster.Default.css": "dist/MarkerCluster.Default.css",
        "MIT-LICENCE.txt": "MIT-LICENCE.txt",
    },
    "qrcode-generator": {
        "qrcode.js": "qrcode.js",  # its MIT licence notice is in the file's header
        "package.json": "package.json",
    },
}


def pinned() -> dict[str, dict]:
    """Each library's version, integrity and licence, from package-lock.json."""
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return {name: lock["packages"][f"node_modules/{name}"] for name in FILES}


def download(name: str, pin: dict) -> bytes:
    """The library's tarball from the registry, checked against the lock's sha512 integrity."""
    url = f"{REGISTRY}/{name}/-/{name.rsplit('/', 1)[-1]}-{pin['version']}.tgz"
    with urllib.request.urlopen(url, timeout=60) as response:
        data = response.read()
    algorithm, _, expected = pin["integrity"].partition("-")
    if algorithm != "sha512" or base64.b64encode(hashlib.sha512(data).digest()).decode() != expected:
        sys.exit(f"{url} does not match the integrity pinned in package-lock.json.")
    return data


def extract(name: str, data: bytes) -> dict[str, bytes]:
    """The files the site needs from the tarball (npm tarballs hold everything under package/)."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        out = {}
        for target, source in FILES[name].items():
            member = tar.getmember(f"package/{source}")
            if not member.isfile():
                sys.exit(f"{name}: package/{source} is not a regular file.")
            out[target] = tar.extractfile(member).read()
        return out


def manifest_of(pins: dict[str, dict], files: dict[str, dict[str, bytes]]) -> dict:
    """What MANIFEST.json records: version, licence and each file's SHA-256."""
    return {
        name: {
            "version": pins[name]["version"],
            "licence": pins[name].get("license", ""),
            "source": f"npm:{name}@{pins[name]['version']}",
            "files": {path: hashlib.sha256(content).hexdigest() for path, content in sorted(files[name].items())},
        }
        for name in FILES
    }


def check() -> list[str]:
    """Differences between generator/vendor/ and its manifest (and the lock's versions); empty when none."""
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text(encoding="utf-8"))
    pins = pinned()
    problems = []
    for name, entry in manifest.items():
        if entry["version"] != pins[name]["version"]:
            problems.append(f"{name}: {entry['version']} in the manifest, {pins[name]['version']} in package-lock.json")
        for path, sha in entry["files"].items():
            file = VENDOR / name / path
            if not file.is_file() or hashlib.sha256(file.read_bytes()).hexdigest() != sha:
                problems.append(f"{name}/{path} differs from the manifest")
    on_disk = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()}
    listed = {f"{n}/{p}" for n, e in manifest.items() for p in e["files"]} | {"MANIFEST.json"}
    problems += [f"{path} is not in the manifest" for path in sorted(on_disk - listed)]
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check generator/vendor/ against its manifest")
    if parser.parse_args().check:
        problems = check()
        print("\n".join(problems) or "generator/vendor/ matches its manifest.")
        sys.exit(1 if problems else 0)
    pins = pinned()
    files = {name: extract(name, download(name, pin)) for name, pin in pins.items()}
    shutil.rmtree(VENDOR, ignore_errors=True)
    for name, contents in files.items():
        for path, content in contents.items():
            target = VENDOR / name / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    manifest = json.dumps(manifest_of(pins, files), indent=2) + "\n"
    (VENDOR / "MANIFEST.json").write_text(manifest, encoding="utf-8")
    print(f"Wrote {sum(len(c) for c in files.values())} files of {len(files)} libraries into {VENDOR}.")


if __name__ == "__main__":
    main()
