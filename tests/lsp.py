"""A minimal Language Server Protocol client for yaml-language-server (npm, pinned in
package.json): the editor side of the schema, driven as VS Code's YAML extension drives it."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "node_modules" / ".bin" / "yaml-language-server"
SETTINGS = {"validate": True, "hover": True, "completion": True, "schemaStore": {"enable": False}}


class YamlLanguageServer:
    def __init__(self, workspace: Path) -> None:
        self._proc = subprocess.Popen(
            [str(SERVER), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self._ids = iter(range(1, 1_000_000))
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        assert self._proc.stdout is not None
        self._reader = threading.Thread(target=self._read, args=(self._proc.stdout,), daemon=True)
        self._reader.start()
        capabilities = {
            "textDocument": {"hover": {"contentFormat": ["markdown"]}},
            "workspace": {"configuration": True},
        }
        self.request(
            "initialize",
            {"processId": None, "rootUri": workspace.as_uri(), "capabilities": capabilities},
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": SETTINGS}})

    def _read(self, stream: IO[bytes]) -> None:
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if not line.strip():
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self._inbox.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self._proc.stdin is not None
        self._proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self._proc.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any]) -> Any:
        rid = next(self._ids)
        self._send({"id": rid, "method": method, "params": params})
        while True:
            message = self._handle(timeout=30)
            if message is not None and message.get("id") == rid and "method" not in message:
                return message.get("result")

    def _handle(self, timeout: float) -> dict[str, Any] | None:
        """One message from the server; requests are answered, diagnostics recorded."""
        try:
            message = self._inbox.get(timeout=timeout)
        except queue.Empty:
            return None
        method = message.get("method")
        if method and "id" in message:  # the server asks for its settings
            items = message.get("params", {}).get("items", [])
            result = [SETTINGS if i.get("section") == "yaml" else {} for i in items]
            self._send(
                {
                    "id": message["id"],
                    "result": result if method.endswith("configuration") else None,
                }
            )
        elif method == "textDocument/publishDiagnostics":
            self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
        return message

    def open(self, path: Path) -> str:
        uri = path.resolve().as_uri()
        doc = {"uri": uri, "languageId": "yaml", "version": 1, "text": path.read_text("utf-8")}
        self.notify("textDocument/didOpen", {"textDocument": doc})
        return uri

    def wait_for_diagnostics(self, uri: str, seconds: float = 20) -> list[dict[str, Any]]:
        end = time.monotonic() + seconds
        while uri not in self.diagnostics and time.monotonic() < end:
            self._handle(timeout=0.2)
        return self.diagnostics[uri]

    def hover(self, uri: str, line: int, character: int) -> str:
        result = self.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        return result["contents"]["value"] if result else ""

    def completion(self, uri: str, line: int, character: int) -> list[str]:
        result = self.request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        items = result.get("items", []) if isinstance(result, dict) else result or []
        return [item["label"] for item in items]

    def close(self) -> None:
        """Stop the server and close both pipes (pytest turns a leaked file into an error)."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.close()
        self._proc.kill()
        self._proc.wait()
        self._reader.join(timeout=10)  # it ends at the end of the server's output
        self._proc.stdout.close()
