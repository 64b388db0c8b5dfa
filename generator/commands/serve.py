"""`playbook serve`: MkDocs' live-reload server, with the problems of a broken edit shown and the last
good site kept.

Each rebuild goes into a fresh folder that replaces the served one only when the build succeeded. When it
fails, the problems (file:line:col) go to the terminal, and every page request gets an error page that
lists them and reloads itself once the files are fixed; the last good site stays one link away. A failed
rebuild still moves the server's epoch on, so no page request waits for a build that will not come
(MkDocs' own serve leaves them hanging).
"""

from __future__ import annotations

import html
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from mkdocs.livereload import LiveReloadServer

from ..build import build_into, new_directory_mode, replace_directory
from ..errors import PlaybookError

#: The query that bypasses the error page, to look at the last good version of a page.
LAST_GOOD = "last-good"

ERROR_PAGE = """<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>The playbook has problems</title>
<style>body{{font:1rem/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
pre{{white-space:pre-wrap;background:#fff4f4;border-left:4px solid #b00020;padding:1rem}}</style>
<body>
<h1>The playbook has problems</h1>
<p>The site was not rebuilt. Fix these, save, and this page reloads by itself.</p>
<pre>{problems}</pre>
<p>{last_good}</p>
</body>
</html>
"""


class PlaybookServer(LiveReloadServer):  # type: ignore[misc]  # MkDocs is untyped here
    """Serves the last good site, or, while the last rebuild failed, an error page for every page."""

    problems: str | None = None

    def _serve_request(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes] | None:
        path = environ["PATH_INFO"]
        is_page = path.endswith(("/", ".html"))
        if self.problems is None or not is_page or LAST_GOOD in environ.get("QUERY_STRING", ""):
            return super()._serve_request(environ, start_response)  # type: ignore[no-any-return]
        with self._epoch_cond:
            epoch = self._visible_epoch
        has_site = (Path(self.root) / "index.html").exists()
        last_good = (f'<a href="?{LAST_GOOD}">Show the last good version of this page</a>' if has_site
                     else "There is no good version of the site yet.")
        page = ERROR_PAGE.format(problems=html.escape(self.problems), last_good=last_good).encode()
        content = self._inject_js_into_html(page, epoch)  # type: ignore[no-untyped-call]
        start_response("500 Internal Server Error", [("Content-Type", "text/html; charset=utf-8"),
                                                     ("Content-Length", str(len(content))),
                                                     ("Cache-Control", "no-store")])
        return [content]


def serve(config_file: Path, host: str, port: int, report: Callable[[str], None]) -> None:
    """Serve the site of ``config_file`` on ``host:port`` until interrupted, rebuilding on every change."""
    from mkdocs.config import load_config

    served = Path(tempfile.mkdtemp(prefix="playbook-serve-"))
    served.chmod(new_directory_mode())

    def builder(config: Any = None) -> None:  # noqa: ARG001  (MkDocs may pass the configuration)
        staging = Path(tempfile.mkdtemp(prefix="playbook-serve-new-"))
        try:
            build_into(config_file, staging)
        except PlaybookError as exc:
            server.problems = str(exc)
            report(f"{exc}\nThe site was not rebuilt; the browser shows these problems until they are fixed.")
            shutil.rmtree(staging, ignore_errors=True)
            return
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        replace_directory(staging, served)
        if server.problems is not None:
            report("Fixed: the site is rebuilt.")
        server.problems = None

    server = PlaybookServer(builder=builder, host=host, port=port, root=str(served))
    config = load_config(str(config_file))
    try:
        builder()
        server.watch(config.docs_dir)
        server.watch(str(config_file))
        config.plugins.on_serve(server, config=config, builder=builder)  # the plugin watches playbook.yml, templates/
        try:
            server.serve()  # type: ignore[no-untyped-call]
        except KeyboardInterrupt:
            report("Shutting down...")
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(served, ignore_errors=True)
