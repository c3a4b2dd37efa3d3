"""The course on a real JupyterHub: real Unix accounts, configurable-http-proxy, nbgrader's exchange,
the formgrader service and dlgrade in a staff terminal. Needs root (it creates and removes the
accounts) and the runtime that `make test` installs (hub_config/provision.py)."""
from __future__ import annotations

import csv
import grp
import io
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from autograder import assignments
from grading.demo.cohort import fill_solutions
from grading.exams import manifest as manifests
from grading.exams.exam_file import ExamFileError
from grading.gradebook import CourseGradebook
from hub_config import exam as hub_exam
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


def _action(session: Session, action: str, assignment: str = ASSIGNMENT) -> list[dict]:
    r = session.server("POST", f"assignments/{action}", data={"course_id": COURSE, "assignment_id": assignment})
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


EXAM = "exam_hubtest"
EXAM_NOTEBOOK = f"{COURSE}/{EXAM}/{EXAM}.ipynb"  # in each home: nbgrader's folder, which Submit sends
WINDOW, EXTRA = 0.3, 0.25  # minutes: LATE has the bare window, everyone else EXTRA minutes more


def _write_exam(hub) -> Path:
    """A three-question exam in a folder of its own that root and the grader account can read."""
    folder = Path(tempfile.mkdtemp(prefix="dlgrade-exam-", dir="/tmp")) / EXAM
    folder.mkdir()
    start = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    (folder / "exam.toml").write_text(f"""[exam]
id = "{EXAM}"
title = "Hub test exam"
start = {start}
duration_minutes = {WINDOW}

[[zones]]
title = "Convolutions"
shuffle = true
slots = [
    {{ id = "q01", points = 1, templates = ["conv_output_size"] }},
    {{ id = "q02", points = 2, templates = ["conv_output_size"] }},
    {{ id = "q03", points = 1, templates = ["conv_output_size"] }},
]
""")
    staff = grp.getgrnam(hub.staff_unix_group).gr_gid
    for path, mode in ((folder.parent, 0o750), (folder, 0o750), (folder / "exam.toml", 0o640)):
        os.chown(path, 0, staff)
        os.chmod(path, mode)
    return folder / "exam.toml"


def _fill_exam(session: Session, answers: dict[str, str]) -> None:
    """The student types answers into their own copy (through their server's contents API)."""
    nb = session.read_notebook(f"user/{session.name}", EXAM_NOTEBOOK)
    for cell in nb["cells"]:
        slot = cell["metadata"].get("dlgrade", {}).get("slot")
        if slot in answers:
            cell["source"] = answers[slot]
    session.write_notebook(f"user/{session.name}", EXAM_NOTEBOOK, nb)


def _wait_for(what: str, ready, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert time.monotonic() < deadline, f"waited {timeout:g} s for {what}"
        time.sleep(0.3)


def test_exam_per_student_variants_privacy_copies_and_the_window(hub):
    """A 3-question exam on the hub: released as the grader account, delivered and snapshotted by
    root (hub_config/exam.py), answered through each student's own server, graded as the grader."""
    s = hub
    sessions = {name: _login(hub, name) for name in (CORRECT, BUGGY, LATE)}
    source = _write_exam(hub)
    folder = s.course_dir / "exams" / EXAM
    snapper = None
    try:
        hub_exam.release(s, source)  # as grader-dlt, with the staff copy of dlgrade
        # Staff only: the manifest, the secret and every student's notebook.
        staff_only = [folder, folder / "manifest.json", folder / "secret.key", folder / "notebooks",
                      folder / "notebooks" / CORRECT / f"{EXAM}.ipynb"]
        assert os.stat(folder).st_mode & 0o7777 == 0o2770
        assert (os.stat(folder).st_uid, os.stat(folder).st_gid) == (pwd.getpwnam(s.grader_account).pw_uid,
                                                                      grp.getgrnam(s.staff_unix_group).gr_gid)
        assert set(_probe(BUGGY, s, staff_only).values()) == {"denied"}
        assert set(_probe(s.grader_account, s, staff_only).values()) == {"ok"}
        assert _probe(TA, s, [folder])[str(folder)] == "ok"

        # LATE fetches the exam's placeholder from the Assignments tab before the exam starts.
        _action(sessions[LATE], "fetch", EXAM)
        placeholder = sessions[LATE].read_notebook(f"user/{LATE}", EXAM_NOTEBOOK)
        assert "dlgrade" not in placeholder["metadata"]
        with open(folder / "extensions.csv", "w") as fh:  # what the staff write for extra time
            fh.write("student,minutes\n" + "".join(f"{who},{EXTRA}\n" for who in (CORRECT, BUGGY, BROWSER)))

        # BROWSER plants a link where their copy goes, to a folder of root's: delivery (root) must
        # neither write through it nor give that folder away.
        decoy = source.parent.parent / "decoy"
        decoy.mkdir(mode=0o755)
        subprocess.run(["runuser", "-u", BROWSER, "--", "sh", "-c", f"mkdir -p ~/{COURSE} && ln -s {decoy} "
                        f"~/{COURSE}/{EXAM}"], check=True, cwd="/")
        started = datetime.now(timezone.utc)
        with pytest.raises(ExamFileError, match=f"{BROWSER}: .*'{EXAM}' is a link or not a folder"):
            hub_exam.deliver(s, source, start=started)
        assert (list(decoy.iterdir()), os.stat(decoy).st_uid, os.stat(decoy).st_mode & 0o777) == ([], 0, 0o755)
        subprocess.run(["runuser", "-u", BROWSER, "--", "sh", "-c", f"rm ~/{COURSE}/{EXAM}"], check=True, cwd="/")
        assert hub_exam.deliver(s, source, start=started) == [BROWSER]  # the others' copies stay as they are
        late_end = started + timedelta(minutes=WINDOW)
        log = open(ARTIFACTS / "exam-snapshot.log", "w")
        snapper = subprocess.Popen([sys.executable, str(REPO / "hub_config" / "exam.py"), "snapshot", str(source),
                                    "--wait", "--settings", str(s.source)], stdout=log, stderr=subprocess.STDOUT)
        manifest = manifests.read(folder)
        key = {who: {slot: f"{slot} = {v['answer']!r}" for slot, v in entry["slots"].items()}
               for who, entry in manifest["variants"].items()}

        # (a) Two students, two variants: each reads their own copy through their own server.
        delivered = {who: sessions[who].read_notebook(f"user/{who}", EXAM_NOTEBOOK) for who in (CORRECT, BUGGY)}
        for who, nb in delivered.items():
            assert nb["metadata"]["dlgrade"]["student"] == who
            texts = "\n".join(c["source"] for c in nb["cells"] if c["cell_type"] == "markdown")
            for slot, v in manifest["variants"][who]["slots"].items():
                assert v["text"] in texts
        params = {who: {slot: v["params"] for slot, v in manifest["variants"][who]["slots"].items()}
                  for who in (CORRECT, BUGGY)}
        assert params[CORRECT] != params[BUGGY]
        assert delivered[CORRECT]["cells"] != delivered[BUGGY]["cells"]
        home_copy = s.homes / CORRECT / COURSE / EXAM / f"{EXAM}.ipynb"
        info, parent = os.stat(home_copy), os.stat(home_copy.parent)
        assert (info.st_uid, info.st_mode & 0o777, parent.st_uid, parent.st_mode & 0o777) == \
            (pwd.getpwnam(CORRECT).pw_uid, 0o600, pwd.getpwnam(CORRECT).pw_uid, 0o700)
        # The placeholder LATE fetched was replaced by LATE's own copy.
        late_nb = sessions[LATE].read_notebook(f"user/{LATE}", EXAM_NOTEBOOK)
        assert late_nb["metadata"]["dlgrade"]["student"] == LATE

        # In time: CORRECT answers everything; LATE answers one question; BUGGY puts CORRECT's
        # answered notebook (shared with them, taken here as root) in place of their own.
        _fill_exam(sessions[CORRECT], key[CORRECT])
        first = manifest["variants"][LATE]["order"][0]
        _fill_exam(sessions[LATE], {first: key[LATE][first]})
        shared = json.loads(home_copy.read_text())
        sessions[BUGGY].write_notebook(f"user/{BUGGY}", EXAM_NOTEBOOK, shared)
        assert datetime.now(timezone.utc) < late_end, "too slow: the answers above must land inside LATE's window"

        # (b) BUGGY cannot read CORRECT's copy: not through CORRECT's server, not through their own
        # (a link in their home to it), not as their Unix account.
        r = sessions[BUGGY].call(f"user/{CORRECT}", "GET", f"api/contents/{EXAM_NOTEBOOK}")
        assert r.status_code == 403 and "cells" not in r.text, r.status_code
        terminal = sessions[BUGGY].terminal(f"user/{BUGGY}")
        status, out = terminal.run(f"ln -sfn {home_copy} ~/peek.ipynb")
        assert status == 0, out
        r = sessions[BUGGY].server("GET", "api/contents/peek.ipynb", params={"type": "notebook"})
        # BUGGY's server runs as BUGGY: opening the link fails with EACCES (jupyter_server answers 500)
        assert r.status_code in (403, 404, 500) and "cells" not in r.text, (r.status_code, r.text[:200])
        terminal.run("rm -f ~/peek.ipynb")
        terminal.close()
        assert set(_probe(BUGGY, s, [home_copy, home_copy.parent, s.homes / CORRECT / COURSE]).values()) == {"denied"}

        # (d) LATE's window ends; root's snapshot takes their copy then. LATE answers everything
        # afterwards and submits from the Assignments tab.
        late_taken = folder / "snapshots" / LATE / "taken.json"
        _wait_for("the snapshot at the end of LATE's window", late_taken.is_file, timeout=WINDOW * 60 + 60)
        assert datetime.now(timezone.utc) > late_end
        _fill_exam(sessions[LATE], key[LATE])
        after = _action(sessions[LATE], "submit", EXAM)
        assert any(a["status"] == "submitted" and a["student_id"] == LATE for a in after)
        assert snapper.wait(timeout=(WINDOW + EXTRA) * 60 + 90) == 0, (ARTIFACTS / "exam-snapshot.log").read_text()
        snapper = None
        ends = {who: datetime.fromisoformat(json.loads((folder / "snapshots" / who / "taken.json").read_text())
                                            ["window_end"]) for who in (CORRECT, LATE)}
        assert ends[CORRECT] - ends[LATE] == timedelta(minutes=EXTRA)  # extensions.csv
        snap = folder / "snapshots" / CORRECT / f"{EXAM}.ipynb"
        assert (os.stat(snap).st_uid, os.stat(snap).st_mode & 0o777) == (pwd.getpwnam(s.grader_account).pw_uid, 0o660)
        assert _probe(TA, s, [snap])[str(snap)] == "ok"
        assert _probe(BUGGY, s, [snap])[str(snap)] == "denied"

        # The TA collects in the formgrader and grades in its terminal, both as the grader account.
        ta = _login(hub, TA, start=False)
        r = ta.call(f"services/{COURSE}", "POST", f"formgrader/api/assignment/{EXAM}/collect")
        assert r.status_code == 200 and r.json()["success"], r.text
        assert f"Collecting submission: {LATE} {EXAM}" in r.json()["log"]
        collected = json.loads((s.course_dir / "submitted" / LATE / EXAM / f"{EXAM}.ipynb").read_text())
        assert {c["metadata"]["dlgrade"]["slot"]: "".join(c["source"]) for c in collected["cells"]
                if "slot" in c["metadata"].get("dlgrade", {})} == key[LATE]  # everything, but too late
        terminal = ta.terminal(f"services/{COURSE}")
        status, out = terminal.run(f"dlgrade exam grade {source} --course . --json", timeout=600)
        terminal.close()
        assert status == 0, out
        results = json.loads((folder / "results.json").read_text())
        shutil.copy(folder / "results.json", ARTIFACTS / "exam-results.json")
        got = {r["student"]: r for r in results["students"]}
        gradebook = CourseGradebook(f"sqlite:///{s.course_dir / 'gradebook.db'}", COURSE)
        cells = {who: {c.cell: c for c in gradebook.submission_scores(EXAM, who).cells}
                 for who in (CORRECT, BUGGY, LATE)}

        # (e) CORRECT, in time: full marks per question in nbgrader's gradebook, nothing to review.
        assert got[CORRECT]["copy"] == "snapshot" and got[CORRECT]["flags"] == [] and got[CORRECT]["total"] == 4
        assert {c: (x.score, x.needs_review) for c, x in cells[CORRECT].items()} == \
            {"q01": (1, False), "q02": (2, False), "q03": (1, False)}
        # (c) BUGGY's notebook carries CORRECT's tag: flagged as copied, every cell kept for review.
        assert got[BUGGY]["flags"][0].startswith("copied") and CORRECT in got[BUGGY]["flags"][0], got[BUGGY]
        assert all(x.needs_review for x in cells[BUGGY].values())
        # (d) LATE: the submission after the window is named and not graded; the snapshot taken at
        # the end counts, with the one answer given before it.
        assert got[LATE]["copy"] == "snapshot"
        assert any("after the window ended" in f and "not graded" in f for f in got[LATE]["flags"]), got[LATE]
        assert got[LATE]["total"] == manifest["variants"][LATE]["slots"][first]["points"]
        assert {x["slot"] for x in got[LATE]["slots"] if x["answered"]} == {first}
        assert sum(x.score for x in cells[LATE].values()) == got[LATE]["total"]
        assert got[BROWSER]["copy"] == "snapshot" and got[BROWSER]["total"] == 0
    finally:
        if snapper is not None:
            snapper.kill()
            snapper.wait()
        shutil.rmtree(source.parent.parent, ignore_errors=True)


def _fetched(session: Session) -> None:
    """ASSIGNMENT in the student's home: fetched now unless an earlier test fetched it."""
    listed = session.server("GET", "assignments", params={"course_id": COURSE}).json()["value"]
    if not any(a["assignment_id"] == ASSIGNMENT and a["status"] != "released" for a in listed):
        _action(session, "fetch")


def _feedback_ready(session: Session, name: str, after: str | None) -> dict | None:
    """The student's submission of ASSIGNMENT whose feedback waits in the exchange, newer than ``after``."""
    listed = session.server("GET", "assignments", params={"course_id": COURSE}).json()["value"]
    for entry in listed:
        for sub in entry.get("submissions", [entry]):
            if (sub.get("assignment_id") == ASSIGNMENT and sub.get("student_id") == name
                    and sub.get("has_exchange_feedback") and (after is None or sub.get("timestamp", "") > after)):
                return sub
    return None


def test_a_submission_is_graded_on_submit_and_its_feedback_read_in_jupyterlab(hub):
    """The course turns on grading on submit for A1 (two graded submissions an hour); a student who
    submitted from JupyterLab reads the graded feedback within seconds, without a TA; a third
    submission that hour waits, while another student's is graded at once."""
    from playwright.sync_api import sync_playwright

    policy = hub.course_dir / "policy.toml"
    original = policy.read_text(encoding="utf-8")
    history = hub.course_dir / "on_submit" / ASSIGNMENT
    graded = lambda name: json.loads((history / f"{name}.json").read_text()) if (history / f"{name}.json").is_file() else []
    bug = dict(assignments.variants(assignments.load(ASSIGNMENT)).BUGGY[BUG].overrides)
    student = _login(hub, BROWSER)
    _fetched(student)
    _answer(student, bug)
    _action(student, "submit")
    try:
        # The instructor's edit: the watcher reads the policy each round, no restart.
        started = time.monotonic()
        policy.write_text(original.replace(f'id = "{ASSIGNMENT}"',
                                           f'id = "{ASSIGNMENT}"\non_submit = {{ show = "messages", per_hour = 2 }}', 1),
                          encoding="utf-8")
        _wait_for("graded feedback after submitting", lambda: _feedback_ready(student, BROWSER, None), timeout=180)
        seconds = time.monotonic() - started
        state = _action(student, "fetch_feedback")
        fetched = [s for a in state if a["assignment_id"] == ASSIGNMENT and a["status"] == "submitted"
                   for s in a["submissions"] if s["has_local_feedback"]][-1]
        assert fetched["student_id"] == BROWSER
        page = f"{fetched['local_feedback_path']}/{ASSIGNMENT}.html"
        text = student.server("GET", f"api/contents/{page}", params={"format": "text"}).json()["content"]
        assert "To fix" in text and "transpose" in text.lower(), "the feedback leads with the named mistake"
        for secret in ("def test_", "check_array", "reference"):
            assert secret not in text

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                tab = browser.new_page(viewport={"width": 1300, "height": 1000})
                tab.set_default_timeout(60_000)
                tab.goto(f"{hub.hub_url}/hub/login")
                tab.fill("#username_input", BROWSER)
                tab.fill("#password_input", hub.trial_password)
                tab.click("#login_submit")
                tab.wait_for_selector(".jp-LabShell", timeout=120_000)
                tab.goto(f"{hub.hub_url}/user/{BROWSER}/files/{page}")
                tab.wait_for_selector("h2")
                assert tab.locator("h2", has_text="To fix").count() == 1
                assert "Linear" in tab.locator("section.fn").first.inner_text()
                tab.screenshot(path=str(ARTIFACTS / "on-submit-feedback.png"), full_page=True)
            finally:
                browser.close()

        # The gradebook holds what the TA's own batch gives for the same submission.
        ta = _login(hub, TA, start=False)
        terminal = ta.terminal(f"services/{COURSE}")
        status, out = terminal.run(f"dlgrade autograde {ASSIGNMENT} --course . --force --json", timeout=600)
        assert status == 0, out
        batch = json.loads(out[out.index("{"):out.rindex("}") + 1])["scores"][BROWSER]
        assert len(graded(BROWSER)) == 1 and graded(BROWSER)[0]["score"] == batch < 10 and graded(BROWSER)[0]["counted"]
        terminal.close()

        # Two graded an hour: the second is graded, the third waits; another student is not held up.
        _answer(student, {})
        _action(student, "submit")
        _wait_for("the second graded submission", lambda: len(graded(BROWSER)) == 2, timeout=180)
        assert graded(BROWSER)[1]["score"] == 10
        _action(student, "submit")
        other = _login(hub, LATE)
        _fetched(other)
        before = len(graded(LATE))
        _answer(other, {})
        _action(other, "submit")
        _wait_for("the other student's grading", lambda: len(graded(LATE)) == before + 1, timeout=180)
        assert graded(LATE)[-1]["score"] == 10
        time.sleep(5)  # a few more rounds of the watcher
        assert len(graded(BROWSER)) == 2, "the third submission within the hour waits its turn"
        print(f"on submit: feedback ready {seconds:.1f} s after the policy turned it on")
    finally:
        policy.write_text(original, encoding="utf-8")
