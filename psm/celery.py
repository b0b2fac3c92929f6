import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psm.settings")


class AuditedTask(Task):
    """Every task's writes carry its name in the audit trail (django-pghistory context)."""

    def __call__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        import pghistory  # after Django is set up

        with pghistory.context(task=self.name):
            return super().__call__(*args, **kwargs)


app = Celery("psm", task_cls=AuditedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
