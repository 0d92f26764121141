import logging
from collections import Counter
from datetime import datetime, time, timedelta, timezone

from sqlalchemy.dialects.postgresql import insert

from app.extensions import SessionLocal
from app.models import Conversation, DailyStat, Message
from app.tasks.celery_app import celery

log = logging.getLogger(__name__)


@celery.task(name="analytics.daily_rollup", acks_late=True)
def daily_rollup(day: str | None = None) -> dict:
    target = datetime.fromisoformat(day).date() if day else (datetime.now(timezone.utc) - timedelta(days=1)).date()
    start = datetime.combine(target, time.min, tzinfo=timezone.utc)
    end = start + timedelta(days=1)

    db = SessionLocal()
    try:
        rows = (
            db.query(Message, Conversation.user_id)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .filter(Message.created_at >= start, Message.created_at < end)
            .all()
        )
        conversations = Counter()
        users = set()
        for message, user_id in rows:
            conversations[message.conversation_id] += 1
            if user_id:
                users.add(user_id)

        stmt = insert(DailyStat).values(
            day=target, messages=len(rows), conversations=len(conversations), active_users=len(users)
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[DailyStat.day],
            set_={"messages": stmt.excluded.messages, "conversations": stmt.excluded.conversations,
                  "active_users": stmt.excluded.active_users},
        )
        db.execute(stmt)
        db.commit()
        print(f"analytics {target}: {len(rows)} messages, {len(conversations)} conversations, {len(users)} users")
        return {"day": target.isoformat(), "messages": len(rows)}
    except Exception:
        db.rollback()
        log.exception("daily rollup failed for %s", target)
        raise
    finally:
        db.close()
