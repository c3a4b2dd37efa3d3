"""A small client for a running hub, as people use it: log in, start a server, call its REST API,
and type into a terminal. Only the hub's and Jupyter server's public HTTP and websocket APIs."""
from __future__ import annotations

import json
import re
import time
import uuid

import requests
import websocket


class HubError(Exception):
    pass


class Session:
    """One person logged in to the hub (``POST /hub/api/users/NAME/tokens`` with their password)."""

    def __init__(self, hub_url: str, name: str, password: str):
        self.hub_url, self.name = hub_url.rstrip("/"), name
        r = requests.post(f"{self.hub_url}/hub/api/users/{name}/tokens", timeout=30,
                          json={"auth": {"username": name, "password": password}, "note": "dlgrade e2e"})
        if r.status_code != 201:
            raise HubError(f"login as {name}: {r.status_code} {r.text[:200]}")
        self.token = r.json()["token"]
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {self.token}"

    def hub(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.http.request(method, f"{self.hub_url}/hub/api/{path.lstrip('/')}", timeout=60, **kwargs)

    def start_server(self, timeout: float = 120) -> None:
        r = self.hub("POST", f"users/{self.name}/server")
        if r.status_code not in (201, 202, 400):  # 400: already running
            raise HubError(f"start server for {self.name}: {r.status_code} {r.text[:200]}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.hub("GET", f"users/{self.name}").json().get("servers", {}).get("", {})
            if server.get("ready"):
                return
            time.sleep(0.5)
        raise HubError(f"{self.name}'s server did not become ready in {timeout:g} s")

    def call(self, base: str, method: str, path: str, **kwargs) -> requests.Response:
        """``base``: ``user/NAME`` or ``services/COURSE``."""
        return self.http.request(method, f"{self.hub_url}/{base}/{path.lstrip('/')}", timeout=120, **kwargs)

    def server(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.call(f"user/{self.name}", method, path, **kwargs)

    # -- notebooks through the contents API -----------------------------------------------------
    def read_notebook(self, base: str, path: str) -> dict:
        r = self.call(base, "GET", f"api/contents/{path}", params={"type": "notebook", "content": 1})
        r.raise_for_status()
        return r.json()["content"]

    def write_notebook(self, base: str, path: str, nb: dict) -> None:
        r = self.call(base, "PUT", f"api/contents/{path}", json={"type": "notebook", "format": "json", "content": nb})
        r.raise_for_status()

    def terminal(self, base: str) -> "Terminal":
        r = self.call(base, "POST", "api/terminals")
        r.raise_for_status()
        return Terminal(self, base, r.json()["name"])


class Terminal:
    """A Jupyter terminal (terminado over a websocket): type a command, read what it prints.

    Echo and prompt are switched off first, so what ``run`` returns is the command's own output,
    never the typed command line (which would contain whatever a test looks for)."""

    def __init__(self, session: Session, base: str, name: str):
        url = session.hub_url.replace("http", "ws", 1) + f"/{base}/terminals/websocket/{name}"
        self.ws = websocket.create_connection(url, header=[f"Authorization: token {session.token}"], timeout=5)
        self.run("stty -echo; PS1=''; PS2=''; unset PROMPT_COMMAND")

    def run(self, command: str, timeout: float = 300) -> tuple[int, str]:
        """Run ``command`` in the terminal's shell; its exit status and what it printed."""
        marker = uuid.uuid4().hex
        self.ws.send(json.dumps(["stdin", f"{command}; echo {marker}:$?\r"]))
        out, deadline = "", time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                kind, *payload = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                continue
            if kind == "stdout":
                out += payload[0]
                # "marker:$?" may be echoed before echo is off; the result line has the digits
                match = re.search(f"{marker}:(\\d+)\\s*\\n", out)
                if match:
                    typed = out.rfind(f"{marker}:$?", 0, match.start())
                    begin = out.find("\n", typed) + 1 if typed >= 0 else 0
                    return int(match[1]), out[begin:match.start()]
        raise HubError(f"terminal command did not finish in {timeout:g} s: {command}\n{out[-2000:]}")

    def close(self) -> None:
        self.ws.close()
