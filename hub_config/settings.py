"""One course's hub settings (``course.toml``) and every name and path derived from them.

The hub, the provisioning script and the tests all read a deployment through this class, so a
path or a group name is spelled in exactly one place.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_FILE = HERE / "course.toml"
ENV_VAR = "DLGRADE_HUB_SETTINGS"
LOGIN = re.compile(r"^[a-z_][a-z0-9_-]{0,30}$")
AUTHENTICATORS = ("dummy", "pam")


class SettingsError(Exception):
    pass


@dataclass(frozen=True)
class HubSettings:
    course_id: str
    assignments: tuple[str, ...]
    ip: str
    port: int
    hub_api_port: int
    proxy_api_port: int
    formgrader_port: int
    authenticator: str
    trial_password: str
    idle_timeout_seconds: int
    root: Path
    env: Path
    proxy: Path
    instructors: tuple[str, ...]
    tas: tuple[str, ...]
    students: tuple[str, ...]
    source: Path

    # -- names --------------------------------------------------------------------------------
    @property
    def grader_account(self) -> str:
        """The Unix account that owns the course directory and runs the formgrader service."""
        return f"grader-{self.course_id}"

    @property
    def staff_unix_group(self) -> str:
        return f"{self.course_id}-staff"

    @property
    def formgrade_group(self) -> str:
        return f"formgrade-{self.course_id}"

    @property
    def student_group(self) -> str:
        return f"nbgrader-{self.course_id}"

    @property
    def staff(self) -> tuple[str, ...]:
        return self.instructors + self.tas

    @property
    def people(self) -> tuple[str, ...]:
        return self.staff + self.students

    # -- paths --------------------------------------------------------------------------------
    @property
    def course_dir(self) -> Path:
        return self.root / "courses" / self.course_id

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def staff_dir(self) -> Path:
        """Staff only (mode 0750): dlgrade's hidden graders and reference solutions live here."""
        return self.root / "staff"

    @property
    def staff_code(self) -> Path:
        return self.staff_dir / "dlgrade"

    @property
    def staff_bin(self) -> Path:
        return self.staff_dir / "bin"

    @property
    def hub_state(self) -> Path:
        return self.root / "hub"

    @property
    def homes(self) -> Path:
        return self.root / "home"

    def jupyter_config(self, role: str) -> Path:
        """Jupyter and nbgrader configuration for ``student``, ``staff`` or ``formgrader`` servers."""
        return self.root / "etc" / role

    @property
    def hub_url(self) -> str:
        return f"http://{'127.0.0.1' if self.ip in ('0.0.0.0', '') else self.ip}:{self.port}"


def _every_assignment() -> tuple[str, ...]:
    """The default course: every assignment the platform knows (its folders), in order."""
    from autograder.assignments import known

    return tuple(known())


def load(path: str | Path | None = None) -> HubSettings:
    """Settings from ``path``, else ``$DLGRADE_HUB_SETTINGS``, else ``hub_config/course.toml``."""
    path = Path(path or os.environ.get(ENV_VAR) or DEFAULT_FILE)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"{path}: no such settings file; copy hub_config/course.toml and edit it") from None
    except tomllib.TOMLDecodeError as err:
        raise SettingsError(f"{path}: not valid TOML ({err})") from None

    def get(section: str, key: str, kind):
        try:
            value = data[section][key]
        except KeyError:
            raise SettingsError(f"{path}: [{section}] {key} is missing; see hub_config/course.toml") from None
        if not isinstance(value, kind):
            raise SettingsError(f"{path}: [{section}] {key} should be a {kind.__name__}, not {value!r}")
        return value

    people = {key: tuple(get("people", key, list)) for key in ("instructors", "tas", "students")}
    for key, names in people.items():
        for name in names:
            if not isinstance(name, str) or not LOGIN.match(name):
                raise SettingsError(f"{path}: [people] {key}: {name!r} is not a Unix login "
                                    "(lower case letters, digits, - and _, at most 31 characters)")
    everyone = [n for names in people.values() for n in names]
    if len(set(everyone)) != len(everyone):
        raise SettingsError(f"{path}: [people] someone is listed twice; each login has one role")
    authenticator = get("hub", "authenticator", str)
    if authenticator not in AUTHENTICATORS:
        raise SettingsError(f"{path}: [hub] authenticator must be one of {AUTHENTICATORS}, not {authenticator!r}")
    course_id = get("course", "id", str)
    if not LOGIN.match(course_id):
        raise SettingsError(f"{path}: [course] id {course_id!r} must be a short lower-case name")
    return HubSettings(
        course_id=course_id,
        assignments=tuple(get("course", "assignments", list)) if "assignments" in data.get("course", {})
        else _every_assignment(),
        ip=get("hub", "ip", str), port=get("hub", "port", int),
        hub_api_port=get("hub", "hub_api_port", int), proxy_api_port=get("hub", "proxy_api_port", int),
        formgrader_port=get("hub", "formgrader_port", int),
        authenticator=authenticator, trial_password=get("hub", "trial_password", str),
        idle_timeout_seconds=get("hub", "idle_timeout_seconds", int),
        root=Path(get("paths", "root", str)), env=Path(get("paths", "env", str)),
        proxy=Path(get("paths", "proxy", str)),
        source=path.resolve(), **people,
    )
