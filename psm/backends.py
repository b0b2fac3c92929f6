"""Which database, file storage, Celery broker and cache the environment selects.

Separate from settings.py so that file stays a readable list of settings (style.md item 5:
one env-driven file that fails loudly): the branches and the backend dicts live here, while
every environment variable's name and default is still read in settings.py and passed in.
Pure Python: settings.py imports this before Django is set up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured


def database_url(url: str) -> str:
    """DATABASE_URL, or the private server of `python -m psm.devdb start` when it is empty.

    `make run` / `make test` start that server; it is found through the port it recorded.
    """
    if url:
        return url
    from psm import devdb

    if not devdb.PORT_FILE.exists():
        raise ImproperlyConfigured(
            "DATABASE_URL is not set and no embedded PostgreSQL has been started. "
            "Use `make run` / `make test`, or run `python -m psm.devdb start`."
        )
    return devdb.url()


def database(
    url: str, *, conn_max_age: int, connect_timeout: int, test_name: str
) -> dict[str, Any]:
    """The default database of DATABASES: PostgreSQL only, there is no other code path."""
    config: dict[str, Any] = environ.Env.db_url_config(url)
    if not config["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("psm runs on PostgreSQL only; DATABASE_URL must be postgres://")
    config["CONN_MAX_AGE"] = conn_max_age
    config["CONN_HEALTH_CHECKS"] = True
    config.setdefault("OPTIONS", {})["connect_timeout"] = connect_timeout
    config["TEST"] = {"NAME": test_name}
    return config


def storages(*, storage_url: str, debug_or_testing: bool) -> dict[str, dict[str, Any]]:
    """STORAGES: media on disk or an S3-compatible store; static files hashed in production."""
    default: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if storage_url:
        # e.g. s3://key:secret@bucket?endpoint_url=https://minio.example — needs django-storages
        default = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"location": "media"}}
    return {
        "default": default,
        "staticfiles": {
            "BACKEND": (
                "django.contrib.staticfiles.storage.StaticFilesStorage"
                if debug_or_testing
                else "whitenoise.storage.CompressedManifestStaticFilesStorage"
            )
        },
    }


def celery_broker(
    *, redis_url: str, broker_dir: Path, visibility_timeout: int
) -> tuple[str, str | None, dict[str, Any]]:
    """CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT and the transport's options.

    With REDIS_URL: Redis, through psm.broker's transport (kombu's, without the fault that
    made a worker exit when Redis restarted). Without: kombu's filesystem transport under
    `broker_dir`, so `make run` still fires reminders with no server to install (its folders
    are created here).
    """
    if redis_url:
        return redis_url, "psm.broker:Transport", {"visibility_timeout": visibility_timeout}
    options = {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "processed_folder": str(broker_dir / "processed"),
        # kombu's default is ./control, which put exchange files into the repository.
        "control_folder": str(broker_dir / "control"),
        "store_processed": False,
    }
    for sub in ("queue", "processed", "control"):
        (broker_dir / sub).mkdir(parents=True, exist_ok=True)
    return "filesystem://", None, options


def caches(*, redis_url: str) -> dict[str, dict[str, Any]]:
    """CACHES, shared by every web node for the rate limits.

    Redis when a URL is given (atomic INCR); otherwise the database table `psm_cache`
    (created by a migration).
    """
    if redis_url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "psm_cache",
        }
    }
