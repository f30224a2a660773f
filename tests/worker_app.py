"""The Celery app the real-worker tests start: the project's app, plus one test-only hook.

Transactional tests flush the test database, and the flush re-creates the content types under new ids.
A worker shared by the whole session would keep the old ids in ContentType's cache and write transition
log rows pointing at rows that no longer exist, so it forgets them before each task."""

from celery.signals import task_prerun

from config.celery import app

__all__ = ["app"]


@task_prerun.connect
def _forget_cached_content_types(**kwargs):
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
