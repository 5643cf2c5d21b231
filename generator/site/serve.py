"""Local preview: serve the built site on localhost and rebuild when a watched file changes."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable
from pathlib import Path

from generator.site.write import GENERATED


def _snapshot(paths: list[Path], docs_dir: Path) -> dict[Path, float]:
    """Modification times of every watched file, leaving out the generated part of the docs folder."""
    generated = [docs_dir / g for g in GENERATED]
    stamps = {}
    for root in paths:
        files = [root] if root.is_file() else root.rglob("*") if root.is_dir() else []
        for path in files:
            if path.is_file() and not any(path == g or g in path.parents for g in generated):
                stamps[path] = path.stat().st_mtime
    return stamps


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # quiet: the build prints what matters
        pass


def serve(
    rebuild: Callable[[], bool], out: Path, port: int, watch: list[Path], docs_dir: Path, interval: float = 1.0
) -> None:
    """Build, then serve out on 127.0.0.1:port, rebuilding whenever a watched file changes.

    Files the build itself writes into the generated part of docs_dir are not watched.
    """
    seen = _snapshot(watch, docs_dir)
    rebuild()
    handler = functools.partial(_Handler, directory=str(Path(out).resolve()))

    class Server(http.server.ThreadingHTTPServer):
        allow_reuse_address = True

    server = Server(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Serving {out}/ at http://127.0.0.1:{port}/ (Ctrl+C to stop); rebuilding when records or templates change.")
    try:
        while True:
            time.sleep(interval)
            now = _snapshot(watch, docs_dir)
            if now != seen:
                # what this rebuild starts from: a change made while it runs is seen next time round
                seen = now
                print("Change seen; rebuilding…")
                rebuild()
                # the server serves from a folder that the swap replaced: point it at the new one
                server.RequestHandlerClass = functools.partial(_Handler, directory=str(Path(out).resolve()))
    except KeyboardInterrupt:
        print("Stopped.")
    finally:
        server.shutdown()
