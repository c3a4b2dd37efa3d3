"""The course on a real JupyterHub: real Unix accounts, configurable-http-proxy, nbgrader's exchange,
the formgrader service and dlgrade in a staff terminal. Needs root (it creates and removes the
accounts) and the runtime that `make test` installs (hub_config/provision.py)."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from autograder import assignments
from grading.demo.cohort import fill_solutions
from hub_config.provision import provision, remove
from hub_config.settings import load
from hub_config.trial import start_hub, stop_hub, wait_ready
from hubclient import Session

pytestmark = [
    pytest.mark.hub,  # `make test` runs these in a process of their own: `pytest -m hub`
    pytest.mark.skipif(os.geteuid() != 0, reason="the hub tests create Unix accounts: run them as root"),
]
REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts" / "hub"
COURSE, ASSIGNMENT = "dlt", "a1_mlp"
INSTRUCTOR, TA, CORRECT, BUGGY, BROWSER, LATE = "dlt-ins", "dlt-ta", "dlt-s1", "dlt-s2", "dlt-s3", "dlt-s4"
BUG = "linear_dW_transposed"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def hub():
    if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
        # xdist would spread these over workers, each provisioning the same accounts.
        pytest.skip("the hub tests share one hub and its accounts: run them in one process, "
                    "as `make test` does (pytest -m hub)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="dlgrade-hub-", dir="/tmp"))
    os.chmod(base, 0o755)  # the accounts must reach their homes below it
    template = (REPO / "hub_config" / "course.toml").read_text()
    replacements = {'id = "dlf"': f'id = "{COURSE}"', 'root = "/srv/dlgrade"': f'root = "{base / "deploy"}"',
                    'instructors = ["instructor"]': f'instructors = ["{INSTRUCTOR}"]', 'tas = ["ta"]': f'tas = ["{TA}"]',
                    'students = ["student1", "student2", "student3"]': f'students = ["{CORRECT}", "{BUGGY}", "{BROWSER}", "{LATE}"]'}
    for key in ("port", "hub_api_port", "proxy_api_port", "formgrader_port"):
        line = next(line for line in template.splitlines() if line.startswith(f"{key} ="))
        replacements[line] = f"{key} = {_free_port()}"
    for old, new in replacements.items():
        assert old in template, old
        template = template.replace(old, new)
    (base / "course.toml").write_text(template)
    s = load(base / "course.toml")
    remove(s)  # accounts a crashed earlier run may have left
    try:
        provision(s)
        process = start_hub(s, ARTIFACTS / "jupyterhub.log")
        try:
            wait_ready(s, process)
            yield s
        finally:
            stop_hub(s, process)
    finally:  # even when provisioning failed half-way
        remove(s)
        shutil.rmtree(base, ignore_errors=True)


def _login(s, name: str, start: bool = True) -> Session:
    session = Session(s.hub_url, name, s.trial_password)
    if start:
        session.start_server()
    return session


def _answer(session: Session, overrides: dict[str, str]) -> None:
    path = f"{COURSE}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"  # nbgrader fetches into COURSE/ASSIGNMENT
    nb = session.read_notebook(f"user/{session.name}", path)
    fill_solutions(assignments.load(ASSIGNMENT), nb["cells"], overrides)
    session.write_notebook(f"user/{session.name}", path, nb)


def _action(session: Session, action: str) -> list[dict]:
    r = session.server("POST", f"assignments/{action}", data={"course_id": COURSE, "assignment_id": ASSIGNMENT})
    r.raise_for_status()
    reply = r.json()
    assert reply["success"], reply
    return reply["value"]


def test_only_staff_reach_the_formgrader(hub):
    staff = _login(hub, TA, start=False)
    student = _login(hub, CORRECT, start=False)
    r = staff.call(f"services/{COURSE}", "GET", "formgrader/api/assignments")
    assert r.status_code == 200 and sorted(a["name"] for a in r.json()) == sorted(assignments.known())
    assert student.call(f"services/{COURSE}", "GET", "formgrader/api/assignments").status_code == 403
    assert student.hub("GET", f"users/{CORRECT}").json()["groups"] == [f"nbgrader-{COURSE}"]


def test_staff_terminals_have_dlgrade_and_student_terminals_cannot_load_it(hub):
    ta = _login(hub, TA)
    terminal = ta.terminal(f"user/{TA}")
    status, out = terminal.run("dlgrade autograde --help")
    assert status == 0 and "--course" in out, out
    terminal.close()
    student = _login(hub, BUGGY)
    terminal = student.terminal(f"user/{BUGGY}")
    status, out = terminal.run("python -c 'import numpy, torch, nbgrader; print(6 * 7)'")
    assert status == 0 and "42" in out, out  # the course's Python, not the system one
    status, out = terminal.run(f"PYTHONPATH={hub.staff_code} python -c 'import autograder.checks'")
    assert status == 1 and "No module named 'autograder'" in out, out  # the staff-only copy is out of reach
    status, _ = terminal.run("command -v dlgrade")
    assert status != 0
    terminal.close()


def test_release_fetch_submit_collect_autograde_feedback_export(hub):
    students = {CORRECT: {}, BUGGY: dict(assignments.variants(assignments.load(ASSIGNMENT)).BUGGY[BUG].overrides)}
    sessions = {name: _login(hub, name) for name in students}
    for name, overrides in students.items():
        listed = sessions[name].server("GET", "assignments", params={"course_id": COURSE}).json()["value"]
        released = sorted((a["assignment_id"], a["status"]) for a in listed)
        assert released == [(aid, "released") for aid in assignments.known()]  # the hub offers every one
        _action(sessions[name], "fetch")
        _answer(sessions[name], overrides)
        after = _action(sessions[name], "submit")
        assert any(a["status"] == "submitted" and a["student_id"] == name for a in after)

    # The TA works through the formgrader service, which runs as the course's grader account.
    ta = _login(hub, TA, start=False)
    r = ta.call(f"services/{COURSE}", "POST", f"formgrader/api/assignment/{ASSIGNMENT}/collect")
    assert r.status_code == 200 and r.json()["success"], r.text
    assert all(f"Collecting submission: {name} {ASSIGNMENT}" in r.json()["log"] for name in students)
    terminal = ta.terminal(f"services/{COURSE}")
    status, out = terminal.run(f"dlgrade autograde {ASSIGNMENT} --course . --json", timeout=600)
    assert status == 0, out
    summary = json.loads(out[out.index("{"):out.rindex("}") + 1])
    assert summary["graded"] == 2 and sorted(summary["scores"]) == sorted(students) and not summary["errors"]
    assert summary["scores"][CORRECT] == 10 and summary["scores"][BUGGY] < 10
    status, out = terminal.run(f"nbgrader release_feedback {ASSIGNMENT}")
    assert status == 0 and out.count("Feedback released") == 2, out
    status, out = terminal.run("dlgrade export --course . --format csv --out grades.csv")
    assert status == 0, out
    terminal.close()
    r = ta.call(f"services/{COURSE}", "GET", "api/contents/grades.csv", params={"type": "file", "format": "text"})
    rows = {row["student"]: row for row in csv.DictReader(io.StringIO(r.json()["content"]))}
    assert float(rows[CORRECT]["a1_mlp_raw"]) == 10
    assert 0 < float(rows[BUGGY]["a1_mlp_raw"]) < 10
    assert rows[CORRECT]["a1_mlp_status"] == rows[BUGGY]["a1_mlp_status"] == "graded"

    # Each student fetches their own feedback, which names their bug but shows no hidden test.
    for name in students:
        state = _action(sessions[name], "fetch_feedback")
        mine = next(a for a in state if a["status"] == "submitted")["submissions"][-1]
        assert mine["student_id"] == name and mine["has_local_feedback"]
        folder = sessions[name].server("GET", f"api/contents/{mine['local_feedback_path']}").json()
        pages = [c["path"] for c in folder["content"] if c["name"].endswith(".html")]
        assert len(pages) == 1
        html = sessions[name].server("GET", f"api/contents/{pages[0]}", params={"format": "text"}).json()["content"]
        other = next(o for o in students if o != name)
        assert f"<b>{name}</b>" in html and f"<b>{other}</b>" not in html
        for secret in ("def test_", "import torch", "check_array", "torch.", "reference"):
            assert secret not in html, f"{secret!r} leaked into {name}'s feedback"
    buggy_html = sessions[BUGGY].server("GET", f"api/contents/{pages[0]}", params={"format": "text"}).json()["content"]
    assert "transpose" in buggy_html.lower(), "the buggy student's feedback should name the likely mistake"


def _probe(user: str, s, paths: list[Path]) -> dict[str, str]:
    """What ``user`` gets when listing (folders) or reading (files) each path: ok or denied."""
    script = ("import json, os, sys\nout = {}\nfor p in sys.argv[1:]:\n"
              "    try:\n        os.listdir(p) if os.path.isdir(p) else open(p, 'rb').read(1)\n        out[p] = 'ok'\n"
              "    except PermissionError:\n        out[p] = 'denied'\n"
              "    except FileNotFoundError:\n        out[p] = 'missing'\nprint(json.dumps(out))\n")
    done = subprocess.run(["runuser", "-u", user, "--", str(s.env / "bin" / "python"), "-c", script,
                           *map(str, paths)], capture_output=True, text=True, check=True, cwd="/")
    return json.loads(done.stdout)


def test_unix_permissions_keep_students_out_and_let_staff_in(hub):
    s = hub
    grader = next((s.staff_code / "autograder" / ASSIGNMENT).glob("test_*.py"))
    secret = {
        "course directory": s.course_dir,
        "gradebook": s.course_dir / "gradebook.db",
        "collected submissions": s.course_dir / "submitted",
        "hidden grader": grader,
        "reference solution": s.staff_code / "reference" / "a1_mlp" / "layers.py",
        "staff dlgrade": s.staff_bin / "dlgrade",
        "hub database": s.hub_state / "jupyterhub.sqlite",
    }
    others_work = {
        "another student's home": s.homes / CORRECT,
        "another student's notebook": s.homes / CORRECT / COURSE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
        "everyone's submissions": s.exchange / COURSE / "inbound",
        "everyone's feedback": s.exchange / COURSE / "feedback",
    }
    for path in [*secret.values(), *others_work.values()]:
        assert path.exists(), f"{path} should exist after the course ran (as root we see it)"
    as_student = _probe(BUGGY, s, [*secret.values(), *others_work.values(), s.exchange / COURSE / "outbound"])
    for what, path in {**secret, **others_work}.items():
        assert as_student[str(path)] == "denied", f"a student can read the {what} ({path})"
    assert as_student[str(s.exchange / COURSE / "outbound")] == "ok", "students must see released assignments"

    as_ta = _probe(TA, s, list(secret.values())[:6])
    for what, path in list(secret.items())[:6]:
        assert as_ta[str(path)] == "ok", f"a TA cannot read the {what} ({path})"
    assert _probe(TA, s, [s.homes / CORRECT])[str(s.homes / CORRECT)] == "denied"  # homes stay private


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"]


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make test installs it as root)")
def test_student_path_in_jupyterlab_in_a_real_browser(hub):
    """Log in, open the assignment list, fetch, open the notebook, submit; a screenshot at each step."""
    from playwright.sync_api import sync_playwright

    shots = []

    def shot(page, name):
        path = ARTIFACTS / f"browser-{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(path))
        shots.append(path)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(60_000)
            page.goto(f"{hub.hub_url}/hub/login")
            page.fill("#username_input", BROWSER)
            page.fill("#password_input", hub.trial_password)
            shot(page, "login")
            page.click("#login_submit")
            page.wait_for_selector(".jp-LabShell", timeout=120_000)
            shot(page, "jupyterlab")

            page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
            labels = [t.strip() for t in page.locator(".lm-Menu-itemLabel").all_inner_texts() if t.strip()]
            assert labels == ["Assignment List"], f"a student's Nbgrader menu should hold only the list: {labels}"
            page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
            released = page.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT)
            released.wait_for()
            shot(page, "assignment-list")

            released.locator("button", has_text="Fetch").click()
            fetched = page.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT).first
            fetched.wait_for()
            fetched.locator(".assignment-notebooks-link").click()
            shot(page, "fetched")
            page.locator(f"#nbgrader-{COURSE}-{ASSIGNMENT} a", has_text=ASSIGNMENT).click()
            page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
            page.wait_for_timeout(1500)  # let the notebook render its markdown before the picture
            shot(page, "notebook")
            assert page.locator(".jp-NotebookPanel .jp-Cell").count() > 10

            page.locator(".lm-TabBar-tabLabel", has_text="Assignments").click()
            page.locator("#fetched_assignments_list button", has_text="Submit").click()
            submitted = page.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT).first
            submitted.wait_for()
            shot(page, "submitted")
        finally:
            browser.close()
    inbound = [p.name for p in (hub.exchange / COURSE / "inbound").iterdir()]
    assert any(name.startswith(f"{BROWSER}+{ASSIGNMENT}+") for name in inbound), inbound
    assert [p.name for p in shots] == ["browser-01-login.png", "browser-02-jupyterlab.png",
                                       "browser-03-assignment-list.png", "browser-04-fetched.png",
                                       "browser-05-notebook.png", "browser-06-submitted.png"]


FORK_BOMB = '''
import os, time
children = 0
try:
    for _ in range(300):
        if os.fork() == 0:
            time.sleep(3)
            os._exit(0)
        children += 1
except OSError:
    pass

def forked():
    return children
'''


def test_the_sandbox_caps_processes_when_the_grader_account_is_not_root(hub):
    """On the hub dlgrade runs as the course's grader account, so bwrap gives no uid of its own:
    the process cap must hold inside the sandbox's user namespace."""
    script = ("from autograder.sandbox.bwrap import Limits\n"
              "from autograder.sandbox.proxy import Sandbox, SandboxStudent\n"
              "import sys\n"
              f"sandbox = Sandbox([{FORK_BOMB!r}], cell_timeout=20)\n"
              "sandbox.start()\n"
              "print(SandboxStudent(sandbox).forked(), Limits().processes)\n"
              "sandbox.stop()\n")
    done = subprocess.run(["runuser", "-u", hub.grader_account, "--", "env", f"PYTHONPATH={hub.staff_code}",
                           str(hub.env / "bin" / "python"), "-c", script],
                          capture_output=True, text=True, check=True, cwd="/")
    forked, cap = map(int, done.stdout.split())
    assert 0 < forked < cap <= 64, done.stdout


# What a student's account can do to the exchange by hand: write a submission folder with any name,
# any timestamp.txt and any mtime. (nbgrader's own submit writes the same layout.)
FORGE = """
import os, shutil, sys
from datetime import datetime, timedelta, timezone
inbound, named, notebook, days = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
when = datetime.now(timezone.utc) - timedelta(days=days)
stamp = when.strftime("%Y-%m-%d %H:%M:%S.%f %Z")
folder = os.path.join(inbound, f"{named}+a1_mlp+{stamp}+f{os.getpid()}")
os.mkdir(folder)
shutil.copy(notebook, os.path.join(folder, "a1_mlp.ipynb"))
with open(os.path.join(folder, "timestamp.txt"), "w") as out:
    out.write(stamp)
for path in (os.path.join(folder, "a1_mlp.ipynb"), os.path.join(folder, "timestamp.txt"), folder):
    os.utime(path, (when.timestamp(), when.timestamp()))
"""


def _forge(hub, account: str, named: str, days_ago: float) -> None:
    notebook = hub.homes / account / COURSE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    subprocess.run(["runuser", "-u", account, "--", str(hub.env / "bin" / "python"), "-c", FORGE,
                    str(hub.exchange / COURSE / "inbound"), named, str(notebook), str(days_ago)],
                   check=True, cwd="/", capture_output=True, text=True)


def test_a_forged_early_time_and_a_submission_in_another_name_do_not_pass_collect(hub):
    """The deadline was yesterday. dlt-s4 submits today by hand, claiming the day before yesterday;
    dlt-s2's account drops a submission named for dlt-s1. The TA collects in the formgrader."""
    policy = hub.course_dir / "policy.toml"
    yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).replace(microsecond=0).isoformat()
    text = policy.read_text()
    policy.write_text(re.sub(r'(id = "a1_mlp"(?:\n(?!\[).*)*?\ndue = )\S+', rf"\g<1>{yesterday}", text, count=1))
    assert yesterday in policy.read_text()

    late = _login(hub, LATE)
    _action(late, "fetch")
    _answer(late, {})
    _forge(hub, LATE, LATE, days_ago=2)  # before the deadline, says the folder
    _forge(hub, BUGGY, CORRECT, days_ago=-0.05)  # in dlt-s1's name, and newer than dlt-s1's own

    ta = _login(hub, TA, start=False)
    r = ta.call(f"services/{COURSE}", "POST", f"formgrader/api/assignment/{ASSIGNMENT}/collect")
    assert r.status_code == 200 and r.json()["success"], r.text
    assert f"named for {CORRECT} but written by {BUGGY}'s account" in r.json()["log"]
    terminal = ta.terminal(f"services/{COURSE}")
    status, out = terminal.run(f"dlgrade autograde {ASSIGNMENT} --course . --json", timeout=600)
    assert status == 0, out
    summary = json.loads(out[out.index("{"):out.rindex("}") + 1])
    assert [(r["named_for"], r["owner"]) for r in summary["refused"]] == [(CORRECT, BUGGY)]
    assert list(summary["times"]) == [LATE] and "lateness uses the arrival" in summary["times"][LATE]
    assert summary["scores"][LATE] == 10
    for command in ("dlgrade export --course . --format csv --out grades.csv", "dlgrade report --course ."):
        status, out = terminal.run(command)
        assert status == 0, out
    terminal.close()

    def read(path):
        r = ta.call(f"services/{COURSE}", "GET", f"api/contents/{path}", params={"type": "file", "format": "text"})
        return r.json()["content"]

    rows = {row["student"]: row for row in csv.DictReader(io.StringIO(read("grades.csv")))}
    forger = rows[LATE]
    assert forger["a1_mlp_status"] == "late" and float(forger["a1_mlp_late_hours"]) > 20
    assert float(forger["a1_mlp_penalty"]) > 0 and "claims" in forger["a1_mlp_note"]
    assert float(rows[CORRECT]["a1_mlp_raw"]) == 10 and rows[CORRECT]["a1_mlp_note"] == ""  # still their own
    report = read("report/report.html")
    checks = report[report.index('id="submission-checks"'):report.index('id="not-passed"')]
    assert LATE in checks and "claims" in checks
    row = {k: v for k, v in forger.items() if k.startswith(("student", "a1_mlp"))}
    (ARTIFACTS / "forged-timestamp.txt").write_text(  # for people: what the staff see
        f"grade sheet row of {LATE}:\n{json.dumps(row, indent=1)}\n\nautograde summary: "
        + json.dumps({"times": summary["times"], "refused": summary["refused"]}, indent=1)
        + "\n\nthe report's 'Submission times to check':\n" + re.sub(r"<[^>]+>", " ", checks))
