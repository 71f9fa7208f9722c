"""The daily housekeeping: expired sessions and audit entries past their retention go."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.audit import Action, audit_record
from accounts.models import AuditEntry
from accounts.tasks import housekeeping

pytestmark = pytest.mark.django_db


def entry_aged(days: int) -> AuditEntry:
    entry = audit_record(action=Action.LOGIN_FAILED, summary=f"{days} days old", username="x")
    AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.now() - timedelta(days=days))
    return entry


def test_audit_entries_older_than_the_retention_are_deleted(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    entry_aged(366)
    kept = [entry_aged(364), entry_aged(0)]

    housekeeping.enqueue()  # the immediate backend in tests runs it now

    assert list(AuditEntry.objects.order_by("pk")) == kept


def test_a_retention_of_zero_keeps_the_audit_log_for_ever(settings):
    settings.AUDIT_RETENTION_DAYS = 0
    entry_aged(3650)

    housekeeping.enqueue()

    assert AuditEntry.objects.count() == 1


def test_expired_sessions_are_deleted_and_live_ones_kept(buyer_client):
    live = buyer_client.session.session_key
    Session.objects.create(
        session_key="expired0000000000000000000000000",
        session_data="",
        expire_date=timezone.now() - timedelta(seconds=1),
    )

    housekeeping.enqueue()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
