"""The embedded filesystem broker keeps all its files under CELERY_BROKER_DIR, none in the repo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_filesystem_broker_writes_its_control_files_under_the_broker_dir(tmp_path: Path):
    broker = tmp_path / "broker"
    env = {
        **os.environ,
        "REDIS_URL": "",
        "CELERY_BROKER_DIR": str(broker),
        "DJANGO_SETTINGS_MODULE": "psm.settings",
        "PSM_TESTING": "1",
        "PYTHONPATH": str(REPO),
    }
    code = (
        "import django; django.setup()\n"
        "from kombu import Exchange, Queue\n"
        "from psm.celery import app\n"
        "with app.connection_for_write() as conn:\n"
        "    Queue('psm-probe', Exchange('psm-probe', 'direct'), 'probe')(conn).declare()\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True, timeout=60)
    assert (broker / "control" / "psm-probe.exchange").exists()
    assert not (tmp_path / "control").exists(), "kombu wrote into the working directory"
