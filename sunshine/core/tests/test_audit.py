import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sunshine.core import audit
from sunshine.core.audit_models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db


def _three(user=None):
    return [
        audit.record("test.one", actor=user, payload={"n": 1}),
        audit.record("test.two", object_type="x", object_id="7", payload={"名字": "檀木林"}),
        audit.record("test.three", payload={"when": "2020-07-20"}),
    ]


def test_it_chains_entries(demo):
    a, b, c = _three(demo["inspector_zlj"])
    assert b.prev_hash == a.hash and c.prev_hash == b.hash
    assert audit.verify().ok
    call_command("audit_verify")


def test_it_refuses_updates_and_deletes(db):
    entry, *_ = _three()
    entry.action = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_it_names_an_entry_edited_by_raw_sql(db):
    a, b, c = _three()
    _raw(f"UPDATE {AuditEntry._meta.db_table} SET payload = %s WHERE id = %s", ['{"n": 2}', a.id])
    result = audit.verify()
    assert not result.ok and result.broken_seq == a.seq and "edited" in result.reason
    with pytest.raises(CommandError, match=f"#{a.seq}"):
        call_command("audit_verify")


def test_it_names_a_deleted_entry(db):
    a, b, c = _three()
    _raw(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [b.id])
    result = audit.verify()
    assert not result.ok and result.broken_seq == b.seq


def test_it_notices_entries_cut_from_the_end(db):
    a, b, c = _three()
    _raw(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [c.id])
    result = audit.verify()
    assert not result.ok and result.broken_seq == c.seq


def test_it_notices_a_rewritten_hash(db):
    a, b, c = _three()
    _raw(
        f"UPDATE {AuditEntry._meta.db_table} SET action = %s, hash = %s WHERE id = %s",
        ["forged", "f" * 64, b.id],
    )
    result = audit.verify()
    assert not result.ok and result.broken_seq == b.seq
