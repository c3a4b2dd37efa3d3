"""A course directory in nbgrader's layout, driven through nbgrader's own library.

Everything here is nbgrader doing its job (generate, release, fetch, submit, collect); dlgrade
only configures it: the exchange root inside the course (nbgrader's default does not exist), the
gradebook URL, and ``alembic`` on PATH (nbgrader runs it when it creates a gradebook).

The gradebook URL is SQLAlchemy's: ``sqlite:///COURSE/gradebook.db`` by default, or a server's,
e.g. ``postgresql+psycopg://ROLE:PASSWORD@HOST/DATABASE`` for a course with several TAs
(hub_config/README.md). It lives in the course's ``nbgrader_config.py``
(``c.CourseDirectory.db_url``), where nbgrader's formgrader and every ``dlgrade`` command read it.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from datetime import timezone
from pathlib import Path

from traitlets.config import Config

from autograder.errors import DlgradeError

from .build import write_source_notebook
from .collect import REFUSED, Arrival, read_arrival

COLLECT = "grading.collect.TrustedCollect"  # nbgrader collects through it (see grading/collect.py)

DEFAULT_COURSE_ID = "dl101"


class CourseError(DlgradeError):
    pass


def _ensure_tools_on_path() -> None:
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def check_db_url(db_url: str) -> str:
    """``db_url`` if SQLAlchemy can open it here; otherwise a `CourseError` saying what to fix."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        url = make_url(db_url)
        dialect = url.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise CourseError(f"gradebook URL {shown_url(db_url)!r} is not one SQLAlchemy knows ({exc}); "
                          "use sqlite:///PATH or postgresql+psycopg://ROLE:PASSWORD@HOST:PORT/DATABASE") from None
    try:
        dialect.import_dbapi()
    except ImportError as exc:
        hint = "install it"
        if url.get_backend_name() == "postgresql":
            hint = "pip install 'dlgrade[postgres]'" + (
                "" if url.get_driver_name() == "psycopg" else ", which brings psycopg: postgresql+psycopg://...")
        raise CourseError(f"gradebook URL {shown_url(db_url)!r} needs the Python driver "
                          f"{exc.name or url.get_driver_name()!r}: {hint}") from None
    return db_url


def unreachable(db_url: str, exc: Exception) -> CourseError:
    """A gradebook that would not open (no server, wrong password, no such database), in one line."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return CourseError(f"cannot open the gradebook at {shown_url(db_url)}: "
                       f"{reason[0] if reason else type(exc).__name__}")


def shown_url(db_url: str) -> str:
    """The URL with its password masked, for messages and logs."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(db_url).render_as_string(hide_password=True)
    except Exception:
        return "<unreadable URL>"


class Course:
    def __init__(self, root: str | Path, course_id: str = DEFAULT_COURSE_ID, db_url: str | None = None,
                 exchange: str | Path | None = None):
        self.root = Path(root).resolve()
        self.course_id = course_id
        self.db_url = check_db_url(db_url) if db_url else f"sqlite:///{self.root / 'gradebook.db'}"
        # Inside the course by default (one-user demos); a hub shares one outside it (hub_config/).
        self.exchange = Path(exchange) if exchange else self.root / "exchange"
        _ensure_tools_on_path()

    @classmethod
    def open(cls, root: str | Path) -> "Course":
        """An existing course: its id and gradebook URL from its ``nbgrader_config.py``."""
        from traitlets.config.loader import PyFileConfigLoader

        root = Path(root).resolve()
        config_file = root / "nbgrader_config.py"
        if not config_file.is_file():
            raise CourseError(f"{root} is not a course directory (no nbgrader_config.py): "
                              "run `dlgrade demo --dir DIR` to make one, or point --course at yours")
        cfg = PyFileConfigLoader(config_file.name, path=str(root)).load_config()
        course_id = cfg.CourseDirectory.get("course_id") or DEFAULT_COURSE_ID
        return cls(root, course_id, cfg.CourseDirectory.get("db_url") or None, cfg.Exchange.get("root") or None)

    # -- configuration -------------------------------------------------------------------------
    def config(self, **extra) -> Config:
        cfg = Config()
        cfg.CourseDirectory.root = str(self.root)
        cfg.CourseDirectory.course_id = self.course_id
        cfg.CourseDirectory.db_url = self.db_url
        cfg.Exchange.root = str(self.exchange)
        # Demo and test submissions are all written by one Unix user; a hub deployment keeps this on.
        cfg.ExchangeCollect.check_owner = False
        cfg.ExchangeFactory.collect = COLLECT  # arrival times and identities the students cannot set
        for section, values in extra.items():
            for key, value in values.items():
                setattr(getattr(cfg, section), key, value)
        return cfg

    def write_config_file(self) -> Path:
        """``nbgrader_config.py`` so that nbgrader's CLI and formgrader see the same course."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / "nbgrader_config.py"
        path.write_text(
            "c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.root = {str(self.root)!r}\n"
            f"c.CourseDirectory.course_id = {self.course_id!r}\n"
            f"c.CourseDirectory.db_url = {self.db_url!r}\n"
            f"c.Exchange.root = {str(self.exchange)!r}\n"
            f"c.ExchangeFactory.collect = {COLLECT!r}\n",
            encoding="utf-8",
        )
        return path

    def _api(self, **extra):
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        cfg = self.config(**extra)
        api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
        api.log.setLevel(logging.ERROR)
        return api

    @staticmethod
    def _check(result: dict, what: str) -> None:
        if not result.get("success"):
            detail = (result.get("error") or result.get("log") or "").strip().splitlines()
            raise CourseError(f"nbgrader {what} failed: {detail[-1] if detail else 'no detail'}")

    # -- the instructor's side -----------------------------------------------------------------
    def setup(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.exchange.mkdir(parents=True, exist_ok=True)
        os.chmod(self.exchange, 0o777)  # every student writes into the exchange
        self.write_config_file()

    def generate(self, assignment_id: str) -> Path:
        """Build the source notebook from reference/ and let nbgrader make the student version."""
        write_source_notebook(assignment_id, self.root)
        self._check(self._api().generate_assignment(assignment_id), f"generate_assignment {assignment_id}")
        return self.root / "release" / assignment_id

    def set_due_date(self, assignment_id: str, due) -> None:
        """nbgrader's due date (shown in the formgrader); dlgrade's lateness comes from the policy."""
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url, course_id=self.course_id) as gb:
            utc = due.astimezone(timezone.utc) if due.tzinfo else due  # nbgrader keeps naive UTC
            gb.update_or_create_assignment(assignment_id, duedate=utc.replace(tzinfo=None))

    def is_released(self, assignment_id: str) -> bool:
        return (self.exchange / self.course_id / "outbound" / assignment_id).is_dir()

    def release(self, assignment_id: str, force: bool = False) -> None:
        api = self._api(ExchangeReleaseAssignment={"force": True}) if force else self._api()
        self._check(api.release_assignment(assignment_id), f"release_assignment {assignment_id}")

    def collect(self, assignment_id: str) -> None:
        self._check(self._api().collect(assignment_id), f"collect {assignment_id}")

    def release_feedback(self, assignment_id: str, student_id: str | None = None) -> None:
        """nbgrader's release_feedback, for every student or one."""
        self._check(self._api().release_feedback(assignment_id, student_id), f"release_feedback {assignment_id}")

    # -- the student's side --------------------------------------------------------------------
    def _student_app(self, kind: str, assignment_id: str, student_id: str, home: Path):
        from nbgrader.auth import Authenticator
        from nbgrader.coursedir import CourseDirectory
        from nbgrader.exchange import ExchangeFactory

        # Each student keeps their own submission cache, as each hub user has in their home; it is
        # what fetch_feedback matches feedback against.
        cfg = self.config(CourseDirectory={"student_id": student_id, "assignment_id": assignment_id},
                          Exchange={"assignment_dir": str(home), "cache": str(home / ".nbgrader_cache")})
        coursedir = CourseDirectory(config=cfg)
        factory = ExchangeFactory(config=cfg)
        app = getattr(factory, kind)(coursedir=coursedir, authenticator=Authenticator(config=cfg), config=cfg)
        app.log.setLevel(logging.ERROR)
        return app

    def fetch(self, assignment_id: str, student_id: str, home: Path) -> Path:
        """Fetch the released assignment into ``home`` as the student would; returns its folder."""
        from nbgrader.utils import capture_log

        home.mkdir(parents=True, exist_ok=True)
        self._check(capture_log(self._student_app("FetchAssignment", assignment_id, student_id, home)),
                    f"fetch_assignment {assignment_id} for {student_id}")
        return home / assignment_id

    def submit(self, assignment_id: str, student_id: str, home: Path) -> None:
        from nbgrader.utils import capture_log

        self._check(capture_log(self._student_app("Submit", assignment_id, student_id, home)),
                    f"submit {assignment_id} for {student_id}")

    def fetch_feedback(self, assignment_id: str, student_id: str, home: Path) -> list[Path]:
        """The student's released feedback files, fetched into ``home`` as nbgrader does."""
        from nbgrader.utils import capture_log

        self._check(capture_log(self._student_app("FetchFeedback", assignment_id, student_id, home)),
                    f"fetch_feedback {assignment_id} for {student_id}")
        return sorted((home / assignment_id / "feedback").rglob("*.html"))

    # -- where things are (the one owner of the course directory's layout) -----------------------
    def submitted(self, assignment_id: str) -> dict[str, Path]:
        """student id → the collected submission folder."""
        base = self.root / "submitted"
        return {p.parent.name: p for p in sorted(base.glob(f"*/{assignment_id}")) if p.is_dir()}

    def submission_time(self, student: str, assignment_id: str) -> Arrival:
        """When the collected submission arrived in the exchange (trusted) and when it claims it was made."""
        return read_arrival(self.root / "submitted" / student / assignment_id)

    def results_file(self, student: str, assignment_id: str) -> Path:
        return self.root / "autograded" / student / assignment_id / "results.json"

    def results(self, assignment_id: str) -> dict[str, Path]:
        """student id → results file of every graded submission of the assignment."""
        return {p.parent.parent.name: p for p in sorted((self.root / "autograded").glob(f"*/{assignment_id}/results.json"))}

    def feedback_dir(self, student: str, assignment_id: str) -> Path:
        return self.root / "feedback" / student / assignment_id

    def refused(self, assignment_id: str) -> list[dict]:
        """Submissions refused at collect (named for one student, written by another's account)."""
        report = self.root / REFUSED / assignment_id / "refused.json"
        return json.loads(report.read_text(encoding="utf-8")) if report.is_file() else []

    def inbound(self) -> Path:
        return self.exchange / self.course_id / "inbound"
