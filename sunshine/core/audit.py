"""Writing and checking the audit log: ``audit.record(...)`` and ``audit.verify()``."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from sunshine.core.audit_models import GENESIS_HASH, AuditEntry, AuditHead


def _plain(payload: dict | None) -> dict:
    """Dates, decimals and UUIDs become strings, so the stored JSON hashes the same when read."""
    return json.loads(json.dumps(payload or {}, cls=DjangoJSONEncoder))


def entry_hash(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    payload: dict,
    prev_hash: str,
) -> str:
    body = {
        "seq": seq,
        "time": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_name": actor_name,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    actor=None,
    payload: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one entry. Call it inside the transaction of the change it records."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    payload = _plain(payload)
    with transaction.atomic():
        # Lock the head row: two writers appending at once would otherwise both chain onto the
        # same previous entry and fork the log.
        AuditHead.objects.get_or_create(id=1)
        head = AuditHead.objects.select_for_update().get(id=1)
        entry = AuditEntry(
            seq=head.seq + 1,
            created_at=datetime.now(UTC),
            actor=actor,
            actor_name=(str(actor) if actor else "")[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id)[:64],
            object_repr=object_repr[:200],
            payload=payload,
            prev_hash=head.hash,
        )
        entry.hash = _hash_of(entry)
        entry._sealed = True
        entry.save()
        head.seq, head.hash = entry.seq, entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry


def _hash_of(entry: AuditEntry) -> str:
    return entry_hash(
        seq=entry.seq,
        created_at=entry.created_at,
        actor_id=entry.actor_id,
        actor_name=entry.actor_name,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        object_repr=entry.object_repr,
        payload=entry.payload,
        prev_hash=entry.prev_hash,
    )


@dataclass
class Verification:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def verify(batch_size: int = 2000) -> Verification:
    """Walk the chain in order; report the first entry that was edited, removed or inserted."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            return Verification(
                False, checked, expected_seq, f"entry #{expected_seq} is missing (deleted)"
            )
        if entry.prev_hash != expected_prev:
            return Verification(
                False,
                checked,
                entry.seq,
                f"entry #{entry.seq} does not follow entry #{entry.seq - 1} (previous hash differs)",
            )
        if _hash_of(entry) != entry.hash:
            return Verification(
                False, checked, entry.seq, f"entry #{entry.seq} was edited (its hash differs)"
            )
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        return Verification(
            False,
            checked,
            expected_seq,
            f"the log ends at #{expected_seq - 1} but #{head.seq} was written (entries removed "
            "from the end)",
        )
    return Verification(True, checked)
