"""A Dask cluster only the course can use: a real TLS scheduler and workers on 127.0.0.1, started as
README's "Scaling out with Dask" says, grading through `dlgrade autograde --tls`; plain TCP, another
CA's certificate, no certificate at all and a worker with another CA's certificate are refused."""
import json
import os
import shutil
import signal
import socket
import ssl
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.dask_security import DaskSecurityError, client_security, scheduler_connection
from grading.autograde import autograde
from grading.cli import main
from grading.demo import build_demo_course

ASSIGNMENT = "a1_mlp"
SIZE = 6  # the five special submissions (blank, corrupted, endless, duplicated and deleted cell) and one late
DASK = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")


def tls_options(folder: Path) -> list[str]:
    return ["--tls-ca-file", str(folder / "ca.pem"), "--tls-cert", str(folder / "cert.pem"),
            "--tls-key", str(folder / "key.pem")]


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    """The course's certificates and another course's, made by `dlgrade dask-certs`."""
    root = tmp_path_factory.mktemp("dask-certs")
    assert main(["dask-certs", str(root / "course")]) == 0
    assert main(["dask-certs", str(root / "other")]) == 0
    return root / "course", root / "other"


@pytest.fixture(scope="module")
def cluster(certs, tmp_path_factory):
    """A TLS scheduler, two workers with the course's certificate and a rogue one with another CA's.

    Yields (address, the folder of their logs, their processes by name)."""
    ours, other = certs
    tmp = tmp_path_factory.mktemp("cluster")
    scheduler_file = tmp / "scheduler.json"
    procs = {}

    def start(name: str, *cmd: str) -> None:
        with open(tmp / f"{name}.log", "wb") as log:
            procs[name] = subprocess.Popen([DASK, *cmd], stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True)

    try:
        start("scheduler", "scheduler", "--host", "tls://127.0.0.1", "--port", "0", "--scheduler-file",
              str(scheduler_file), "--dashboard-address", "127.0.0.1:0", *tls_options(ours / "scheduler"))
        deadline, address = time.monotonic() + 60, None
        while address is None:
            assert time.monotonic() < deadline and procs["scheduler"].poll() is None, \
                (tmp / "scheduler.log").read_text()
            time.sleep(0.1)
            try:
                address = json.loads(scheduler_file.read_text())["address"]
            except (FileNotFoundError, ValueError):  # not written yet, or half-written
                pass
        assert address.startswith("tls://127.0.0.1:")
        worker = ["worker", address, "--nthreads", "1", "--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0"]
        for i in (0, 1):
            start(f"worker{i}", *worker, "--name", str(i), *tls_options(ours / "worker"))
        # Knows the course's CA (ca.pem is no secret) but holds another CA's certificate.
        start("rogue", *worker, "--name", "rogue", "--tls-ca-file", str(ours / "worker" / "ca.pem"),
              "--tls-cert", str(other / "worker" / "cert.pem"), "--tls-key", str(other / "worker" / "key.pem"))
        from distributed import Client

        with Client(address, security=client_security(ours), timeout="30s") as client:
            client.wait_for_workers(2, timeout=90)
        yield address, tmp, procs
    finally:
        for proc in procs.values():  # each was started in a session of its own: its nanny's worker goes with it
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return build_demo_course(tmp_path_factory.mktemp("tls") / "course", size=SIZE, quiet=True)


def test_autograde_refuses_a_scheduler_without_tls_unless_told_loudly(certs, capsys, tmp_path):
    ours, _ = certs
    nowhere = str(tmp_path / "no-course")
    assert main(["autograde", ASSIGNMENT, "--course", nowhere, "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    err = capsys.readouterr().err
    assert "refusing tcp://127.0.0.1:8786" in err and "--insecure-scheduler-i-trust-its-network" in err
    assert main(["autograde", ASSIGNMENT, "--course", nowhere, "--scheduler", "127.0.0.1:8786"]) == 2
    assert "refusing" in capsys.readouterr().err
    assert main(["autograde", ASSIGNMENT, "--course", nowhere, "--scheduler", "tls://127.0.0.1:8786"]) == 2
    assert "--tls DIR" in capsys.readouterr().err
    assert main(["autograde", ASSIGNMENT, "--course", nowhere, "--scheduler", "tcp://127.0.0.1:8786",
                 "--tls", str(ours)]) == 2
    assert "tls://127.0.0.1:8786" in capsys.readouterr().err
    # The loud flag lets it through (and says so); here it then stops at the missing course.
    assert main(["autograde", ASSIGNMENT, "--course", nowhere, "--scheduler", "tcp://127.0.0.1:8786",
                 "--insecure-scheduler-i-trust-its-network"]) == 2
    err = capsys.readouterr().err
    assert "warning: tcp://127.0.0.1:8786 has no TLS" in err and "not a course directory" in err
    # With the certificates, a bare host:port means TLS.
    address, security = scheduler_connection("127.0.0.1:8786", ours)
    assert address == "tls://127.0.0.1:8786" and security.require_encryption


def test_dask_certs_keeps_keys_private_and_never_overwrites_silently(certs, capsys):
    ours, _ = certs
    for role in ("scheduler", "worker", "client"):
        assert stat.S_IMODE((ours / role / "key.pem").stat().st_mode) == 0o600
        assert (ours / role / "ca.pem").read_bytes() == (ours / "client" / "ca.pem").read_bytes()
    assert not list(ours.glob("**/*ca*key*"))  # the CA's key is not kept
    before = (ours / "client" / "cert.pem").read_bytes()
    assert main(["dask-certs", str(ours)]) == 2
    assert "--force" in capsys.readouterr().err
    assert (ours / "client" / "cert.pem").read_bytes() == before
    with pytest.raises(DaskSecurityError, match="has no ca.pem, cert.pem, key.pem"):
        client_security(ours / "scheduler" / "nothing-here")


def test_only_the_course_can_use_its_tls_cluster(cluster, certs, course, capsys, tmp_path):
    """One test, so that one cluster serves both halves (pytest -n 2 would otherwise start two)."""
    address, logs, procs = cluster
    ours, other = certs
    grades_as_locally(address, ours, course, capsys)
    intruders_are_refused(address, ours, other, course, capsys, tmp_path)
    from distributed import Client

    with Client(address, security=client_security(ours), timeout="30s") as client:
        names = {w["name"] for w in client.scheduler_info()["workers"].values()}
    assert names == {0, 1}, "only the course's workers joined"
    assert procs["rogue"].wait(timeout=60) != 0, "a worker with another CA's certificate gives up"
    assert "SSL" in (logs / "rogue.log").read_text()  # the alert, or the connection closed mid-handshake
    log = (logs / "scheduler.log").read_text()
    assert log.count("TLS handshake failed") >= 4  # the rogue worker, plain TCP, another CA's certificate, none
    assert "CERTIFICATE_VERIFY_FAILED" in log and "PEER_DID_NOT_RETURN_A_CERTIFICATE" in log


def grades_as_locally(address: str, ours: Path, course, capsys) -> None:
    assert main(["autograde", ASSIGNMENT, "--course", str(course.root), "--scheduler", address,
                 "--tls", str(ours), "--json"]) == 0
    on_dask = json.loads(capsys.readouterr().out)
    local = autograde(course, ASSIGNMENT, workers=2, force=True, progress=False)
    assert on_dask["graded"] == SIZE
    assert on_dask["scores"] == local.scores
    assert on_dask["errors"] == local.errors
    assert any(score == 10 for score in local.scores.values())


def intruders_are_refused(address: str, ours: Path, other: Path, course, capsys, tmp_path) -> None:
    from distributed import Client, Security

    port = int(address.rsplit(":", 1)[1])
    marker = tmp_path / "ran"

    def intrude():  # what an intruder would run on the workers
        marker.write_text("ran")

    intruders = {
        "plain tcp": dict(address=f"tcp://127.0.0.1:{port}"),
        "another CA": dict(address=address, security=client_security(other)),
        "another CA's certificate, our CA": dict(address=address, security=Security(
            require_encryption=True, tls_ca_file=str(ours / "client" / "ca.pem"),
            tls_client_cert=str(other / "client" / "cert.pem"), tls_client_key=str(other / "client" / "key.pem"))),
    }
    for who, kwargs in intruders.items():
        started = time.monotonic()
        with pytest.raises(OSError):
            with Client(timeout="5s", **kwargs) as client:
                client.submit(intrude).result()
        assert time.monotonic() - started < 10, who

    # No certificate at all, trusting our CA: the scheduler demands one.
    context = ssl.create_default_context(cafile=str(ours / "client" / "ca.pem"))
    context.check_hostname = False
    with pytest.raises(OSError):  # ssl.SSLError: certificate required, or the connection reset
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw, context.wrap_socket(raw) as tls:
            tls.sendall(b"hello")
            if not tls.recv(1):
                raise ConnectionResetError("closed")

    # dlgrade itself with another course's certificates: refused, one line, nothing graded.
    assert main(["autograde", ASSIGNMENT, "--course", str(course.root), "--scheduler", address,
                 "--tls", str(other), "--force", "--json"]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler" in err and "certificates from the same `dlgrade dask-certs`" in err
    assert not marker.exists()
