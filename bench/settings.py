"""Production settings for the benchmark run, plus one bench-only URL (the minimal view).

Everything comes from psm.settings; the runner sets DEBUG=False, a random SECRET_KEY,
SECURE_SSL_REDIRECT=False and ALLOWED_HOSTS=127.0.0.1 in the environment. Only the URLconf
and the collectstatic target differ, so no bench URL ever exists in the real app.
"""

import os

from psm.settings import *  # noqa: F403
from psm.settings import STATIC_ROOT as _STATIC_ROOT

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", str(_STATIC_ROOT))
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "bench.storage.BenchStaticStorage"},
}

# `python -m bench field` (F1) counts request bodies; absent from every other run.
if os.environ.get("BENCH_FIELD_LOG"):
    MIDDLEWARE = ["bench.field.BodySizeLog", *MIDDLEWARE]  # noqa: F405
