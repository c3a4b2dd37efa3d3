"""JupyterHub for one course on one machine: real Unix users, nbgrader, dlgrade for the staff.

Run as root (the hub starts each user's server as that Unix user):
    /opt/dlgrade/env/bin/jupyterhub -f hub_config/jupyterhub_config.py
Per-course values come from course.toml (or $DLGRADE_HUB_SETTINGS); provision.py must have run.

Who sees what:
- students (hub group nbgrader-<course>): JupyterLab with nbgrader's assignment list only;
- every new submission of an assignment graded on submit (the policy's on_submit): the service
  <course>-on-submit grades it and releases its feedback to its student, within seconds;
- instructors and TAs (hub group formgrade-<course>): the formgrader service at
  /services/<course>/formgrader, which runs as the course's grader account and owns the course
  directory, and `dlgrade` on the PATH of their terminals (staff-only code, Unix group <course>-staff).
Unix permissions, not this file, keep students out of the course directory and the graders.
"""
import os
import pwd
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from hub_config.settings import load  # noqa: E402

s = load()
c = get_config()  # noqa: F821
env_bin = str(s.env / "bin")

# -- network and state ------------------------------------------------------------------------
c.JupyterHub.ip = s.ip
c.JupyterHub.port = s.port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = s.hub_api_port
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s.proxy_api_port}"
c.ConfigurableHTTPProxy.command = [str(s.proxy)]
c.JupyterHub.db_url = f"sqlite:///{s.hub_state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(s.hub_state / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(s.hub_state / "jupyterhub-proxy.pid")
c.JupyterHub.cleanup_servers = True

# -- who may log in ---------------------------------------------------------------------------
if s.authenticator == "dummy":
    # Trials only: anyone who knows the one password may log in as any listed person.
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = s.trial_password
else:
    # The machine's Unix passwords; for a campus login, see hub_config/README.md (OAuthenticator).
    c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(s.people)
c.Authenticator.admin_users = set(s.instructors)

# -- user servers -----------------------------------------------------------------------------
c.JupyterHub.spawner_class = "localprocess"  # each server runs as the user's own Unix account
c.Spawner.cmd = [f"{env_bin}/jupyterhub-singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120
# nbgrader's JupyterHub auth plugin asks the hub which course groups the user is in.
c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server", "read:users:groups!user",
                                 "read:users:name!user"]


def _role_environment(spawner):
    """Students get the assignment list; staff also get the course's nbgrader config and `dlgrade`."""
    name = spawner.user.name
    role = "staff" if name in s.staff else "student"
    spawner.environment["JUPYTER_CONFIG_PATH"] = str(s.jupyter_config(role))
    path = [env_bin, "/usr/local/bin", "/usr/bin", "/bin"]
    spawner.environment["PATH"] = os.pathsep.join(([str(s.staff_bin)] if role == "staff" else []) + path)
    if role == "staff":  # nbgrader's collect runs dlgrade's TrustedCollect from the staff-only code
        spawner.environment["PYTHONPATH"] = str(s.staff_code)
    if pwd.getpwnam(name).pw_uid == 0:
        spawner.args = [*spawner.args, "--allow-root"]  # a root login would otherwise refuse to start


c.Spawner.pre_spawn_hook = _role_environment

# -- course groups, the formgrader service and who reaches it --------------------------------------
c.JupyterHub.load_groups = {
    s.formgrade_group: {"users": list(s.staff)},
    s.student_group: {"users": list(s.students)},
}
c.JupyterHub.services = [
    {
        "name": s.course_id,
        "url": f"http://127.0.0.1:{s.formgrader_port}",
        "command": [f"{env_bin}/jupyterhub-singleuser", f"--ServerApp.root_dir={s.course_dir}"],
        "user": s.grader_account,
        "cwd": str(s.course_dir),
        "environment": {
            "JUPYTER_CONFIG_PATH": str(s.jupyter_config("formgrader")),
            "JUPYTERHUB_DEFAULT_URL": "/formgrader",
            "PATH": os.pathsep.join([str(s.staff_bin), env_bin, "/usr/bin", "/bin"]),
            "PYTHONPATH": str(s.staff_code),  # the formgrader's collect is dlgrade's TrustedCollect
            "HOME": str(s.homes / s.grader_account),
        },
        "oauth_no_confirm": True,
    },
    {
        # Grades each new submission of an assignment whose policy says on_submit, as the grader
        # account, in the sandbox, and releases its student's feedback (grading/on_submit.py).
        "name": f"{s.course_id}-on-submit",
        "command": [str(s.staff_bin / "dlgrade"), "watch", "--course", str(s.course_dir)],
        "user": s.grader_account,
        "cwd": str(s.course_dir),
        "environment": {
            "PATH": os.pathsep.join([str(s.staff_bin), env_bin, "/usr/bin", "/bin"]),
            "PYTHONPATH": str(s.staff_code),
            "HOME": str(s.homes / s.grader_account),
        },
    },
    {
        "name": "idle-culler",
        "command": [f"{env_bin}/python", "-m", "jupyterhub_idle_culler", f"--timeout={s.idle_timeout_seconds}"],
    },
]
c.JupyterHub.load_roles = [
    {"name": s.formgrade_group, "groups": [s.formgrade_group],
     "scopes": [f"access:services!service={s.course_id}"]},
    # nbgrader's formgrader adds students it is told about to the course's hub group.
    {"name": f"{s.course_id}-formgrader", "services": [s.course_id],
     "scopes": ["list:users", "read:users:groups", "list:groups", "read:groups",
                f"groups!group={s.student_group}"]},
    {"name": "idle-culler", "services": ["idle-culler"],
     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
]
