"""`make hub`: a trial hub for one course on 127.0.0.1, provisioned and started, with how to log in.

    sudo .venv/bin/python hub_config/trial.py [--settings course.toml]

Stop it with Ctrl-C; `python hub_config/provision.py --remove` removes the accounts and files.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hub_config.provision import ProvisionError, provision  # noqa: E402
from hub_config.settings import ENV_VAR, HubSettings, SettingsError, load  # noqa: E402


def start_hub(s: HubSettings, log_path: Path | None = None) -> subprocess.Popen:
    """JupyterHub (and its proxy and services) in a process group of its own."""
    env = dict(os.environ, **{ENV_VAR: str(s.source)})
    command = [str(s.env / "bin" / "jupyterhub"), "-f", str(s.staff_code / "hub_config" / "jupyterhub_config.py")]
    if log_path is None:
        return subprocess.Popen(command, cwd=s.hub_state, env=env, start_new_session=True)
    with open(log_path, "ab") as log:  # the hub keeps its own copy of the descriptor
        return subprocess.Popen(command, cwd=s.hub_state, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)


def wait_ready(s: HubSettings, hub: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if hub.poll() is not None:
            raise ProvisionError(f"JupyterHub exited with status {hub.returncode}; see its log")
        try:
            with urllib.request.urlopen(f"{s.hub_url}/hub/api/", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise ProvisionError(f"JupyterHub did not answer at {s.hub_url} within {timeout:g} s")


def stop_hub(s: HubSettings, hub: subprocess.Popen) -> None:
    """SIGTERM lets the hub stop user servers and its proxy; whatever is left is killed."""
    if hub.poll() is None:
        os.killpg(hub.pid, signal.SIGTERM)
        try:
            hub.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(hub.pid, signal.SIGKILL)
            hub.wait()
    subprocess.run(["pkill", "-KILL", "-f", "--", f"--api-port {s.proxy_api_port}"], check=False)


def login_help(s: HubSettings) -> str:
    password = (f"password for everyone: {s.trial_password}" if s.authenticator == "dummy"
                else "passwords: the accounts' Unix passwords (set them with `passwd NAME`)")
    return "\n".join([
        f"JupyterHub for course {s.course_id} is running at {s.hub_url}/",
        f"  instructors: {', '.join(s.instructors)}",
        f"  TAs:         {', '.join(s.tas)}",
        f"  students:    {', '.join(s.students)}",
        f"  {password}",
        f"Students: Nbgrader > Assignment List in JupyterLab to fetch and submit {', '.join(s.assignments)}.",
        f"Staff: the formgrader at {s.hub_url}/services/{s.course_id}/formgrader; in its terminal (File > New >",
        f"  Terminal) run `dlgrade autograde {s.assignments[0] if s.assignments else 'ASSIGNMENT'} --course .`, "
        "then `nbgrader release_feedback ...` and `dlgrade export --course . --format csv --out grades.csv`.",
        "Ctrl-C stops the hub; `sudo .venv/bin/python hub_config/provision.py --remove` removes the accounts.",
    ])


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="provision and start a trial hub")
    parser.add_argument("--settings", default=None)
    args = parser.parse_args(argv)
    try:
        s = load(args.settings)
        provision(s)
        hub = start_hub(s, s.hub_state / "jupyterhub.log")
        print(f"[hub] starting; its log is {s.hub_state / 'jupyterhub.log'}", flush=True)
        wait_ready(s, hub)
    except (ProvisionError, SettingsError, subprocess.CalledProcessError) as err:
        print(f"hub: {err}", file=sys.stderr)
        return 2
    print("\n" + login_help(s) + "\n", flush=True)
    # Ctrl-C or a plain kill stops the hub cleanly, even when started from a script that ignores SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        hub.wait()
    except KeyboardInterrupt:
        pass
    finally:
        print("[hub] stopping the hub and every user server", flush=True)
        for sig in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not cut the clean-up short
            signal.signal(sig, signal.SIG_IGN)
        stop_hub(s, hub)
    return 0


if __name__ == "__main__":
    sys.exit(main())
