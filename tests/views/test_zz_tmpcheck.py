import pytest
from django.contrib.auth.models import Group
from django_celery_beat.models import PeriodicTask

@pytest.mark.django_db
def test_groups_survive():
    assert Group.objects.count() >= 3, list(Group.objects.values_list("name", flat=True))
    assert PeriodicTask.objects.count() >= 1
