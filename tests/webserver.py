"""Debian's nginx, started and stopped by the tests, serving a built site under a sub-path
with its stock MIME types (/etc/nginx/mime.types), as a portal would."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

NGINX = Path("/usr/sbin/nginx")
MIME_TYPES = Path("/etc/nginx/mime.types")
SETUP = "run `bash scripts/setup-browser-tests` (installs Debian's nginx)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _config(site: Path, prefix: str, port: int, work: Path) -> str:
    # As root, nginx's workers would run as nobody, who cannot read pytest's private
    # temporary folders: they run as the user running the tests.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"  {name}_temp_path {work / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}worker_processes 1;
daemon off;
pid {work / "nginx.pid"};
error_log {work / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
  include {MIME_TYPES};
  default_type application/octet-stream;
  access_log off;
{temp}
  server {{
    listen 127.0.0.1:{port};
    location {prefix} {{
      alias {site.resolve()}/;
      index index.html;
    }}
  }}
}}
"""


@contextlib.contextmanager
def nginx(site: Path, prefix: str = "/xxgk/ndbg/") -> Iterator[str]:
    """Serve ``site`` at http://127.0.0.1:<free port><prefix>; yields that base URL."""
    if not NGINX.is_file() or not MIME_TYPES.is_file():
        raise RuntimeError(f"nginx not found at {NGINX}: {SETUP}")
    with tempfile.TemporaryDirectory(prefix="nianbao-nginx-") as folder:
        work = Path(folder)
        port = _free_port()
        conf = work / "nginx.conf"
        conf.write_text(_config(site, prefix, port, work), "utf-8")
        proc = subprocess.Popen(
            [str(NGINX), "-c", str(conf), "-p", str(work), "-e", str(work / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 15
            while True:
                if proc.poll() is not None:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    raise RuntimeError(f"nginx did not start: {err}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("nginx did not listen within 15 s") from None
                    time.sleep(0.05)
            yield f"http://127.0.0.1:{port}{prefix}"
        finally:
            proc.terminate()  # SIGTERM: nginx's fast shutdown, master and its worker
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stderr:
                proc.stderr.close()
