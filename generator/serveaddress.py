"""Where ``serve`` listens: the port as given, and the address it really gets (checked
before anything is announced)."""

from __future__ import annotations

import errno
import socket

from tornado.netutil import bind_sockets


def parse_port(text: str) -> int | None:
    """The port as given: 0 (any free port) to 65535, or None."""
    if not text.isascii() or not text.isdigit() or len(text) > 5 or int(text) > 65535:
        return None
    return int(text)


def claim(host: str, port: int) -> tuple[int, str]:
    """The port that serving on (host, port) will really use (port 0 picks a free one), or
    0 and the reason it cannot, in Chinese: checked before anything is announced."""
    try:
        sockets = bind_sockets(port, host)
    except socket.gaierror:
        return 0, f"找不到地址 {host}（--host 应为本机的地址，如 127.0.0.1）"
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            return (
                0,
                f"端口 {port} 已被占用；请用 --port 换一个端口（如 --port 0 任选一个空闲端口）",
            )
        if e.errno == errno.EADDRNOTAVAIL:
            return 0, f"地址 {host} 不是本机的地址（--host 应为本机的地址，如 127.0.0.1）"
        if e.errno == errno.EACCES:
            return 0, f"没有权限使用端口 {port}（1024 以下的端口需要管理员权限）；请换一个端口"
        return 0, f"无法在 {host}:{port} 上启动预览：{e.strerror or e}"
    real = int(sockets[0].getsockname()[1])
    for s in sockets:  # released at once; the server binds the same port again (SO_REUSEADDR)
        s.close()
    return real, ""


def address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"
