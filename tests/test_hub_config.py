"""hub_config without a hub: the settings file's checks, what jupyterhub_config.py configures from
it, and the zero-to-jupyterhub values (parsed and their Python compiled; not deployed here)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from traitlets.config.loader import PyFileConfigLoader

from hub_config.settings import DEFAULT_FILE, ENV_VAR, SettingsError, load

HUB = Path(__file__).resolve().parents[1] / "hub_config"


def _variant(tmp_path, old: str, new: str) -> Path:
    text = DEFAULT_FILE.read_text()
    assert old in text
    path = tmp_path / "course.toml"
    path.write_text(text.replace(old, new))
    return path


def test_the_shipped_settings_derive_every_name_from_the_course_id():
    s = load(DEFAULT_FILE)
    assert (s.course_id, s.grader_account, s.staff_unix_group) == ("dlf", "grader-dlf", "dlf-staff")
    assert (s.formgrade_group, s.student_group) == ("formgrade-dlf", "nbgrader-dlf")
    assert s.course_dir == Path("/srv/dlgrade/courses/dlf") and s.staff == ("instructor", "ta")


def test_the_course_releases_every_known_assignment_unless_it_lists_them(tmp_path):
    from autograder.assignments import known

    assert load(DEFAULT_FILE).assignments == tuple(known()) and "a1_mlp" in known()
    listed = _variant(tmp_path, 'id = "dlf"', 'id = "dlf"\nassignments = ["a1_mlp"]')
    assert load(listed).assignments == ("a1_mlp",)


@pytest.mark.parametrize("old, new, message", [
    ('tas = ["ta"]', 'tas = ["student1"]', "listed twice"),
    ('tas = ["ta"]', 'tas = ["Bad Name"]', "not a Unix login"),
    ('authenticator = "dummy"', 'authenticator = "ldap"', "must be one of"),
    ('port = 8000', 'port = "8000"', "should be a int"),
    ('idle_timeout_seconds = 3600', '', "[hub] idle_timeout_seconds is missing"),
])
def test_bad_settings_are_named_with_the_fix(tmp_path, old, new, message):
    with pytest.raises(SettingsError) as err:
        load(_variant(tmp_path, old, new))
    assert message in str(err.value) and "course.toml" in str(err.value)


def test_jupyterhub_config_wires_groups_roles_services_from_the_settings(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(_variant(tmp_path, 'id = "dlf"', 'id = "ml2"')))
    c = PyFileConfigLoader("jupyterhub_config.py", path=str(HUB)).load_config()
    assert c.JupyterHub.load_groups == {"formgrade-ml2": {"users": ["instructor", "ta"]},
                                        "nbgrader-ml2": {"users": ["student1", "student2", "student3"]}}
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert roles["formgrade-ml2"]["groups"] == ["formgrade-ml2"]
    assert roles["formgrade-ml2"]["scopes"] == ["access:services!service=ml2"]
    service = next(sv for sv in c.JupyterHub.services if sv["name"] == "ml2")
    assert service["user"] == "grader-ml2" and service["cwd"] == "/srv/dlgrade/courses/ml2"
    culler = next(sv for sv in c.JupyterHub.services if sv["name"] == "idle-culler")
    assert "--timeout=3600" in culler["command"]
    assert c.Authenticator.allowed_users == {"instructor", "ta", "student1", "student2", "student3"}
    assert c.Authenticator.admin_users == {"instructor"} and c.DummyAuthenticator.password == "dlgrade-trial"
    assert "read:users:groups!user" in c.Spawner.server_token_scopes  # nbgrader's hub auth plugin needs it


def test_z2jh_values_parse_and_their_python_compiles():
    values = yaml.safe_load((HUB / "z2jh" / "values.yaml").read_text())
    assert {"hub", "singleuser", "cull"} <= set(values)
    for name, code in values["hub"]["extraConfig"].items():
        compile(code, f"values.yaml:hub.extraConfig.{name}", "exec")
    nbgrader_config = values["singleuser"]["extraFiles"]["nbgrader-config"]["stringData"]
    compile(nbgrader_config, "values.yaml:nbgrader_config.py", "exec")
    assert "configureExchange" in nbgrader_config  # ngshare: no shared exchange folder on Kubernetes
    roles = values["hub"]["loadRoles"]
    assert roles["formgrade-dlf"]["scopes"] == ["access:services!service=dlf"]
    assert values["cull"]["enabled"] is True
