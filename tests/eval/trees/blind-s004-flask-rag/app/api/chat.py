import logging
import time

from flask import Blueprint, jsonify, request

from app.extensions import SessionLocal
from app.metrics import metrics
from app.models import Conversation, Message
from app.services import llm, memory, retrieval
from app.tasks.document_sync import sync_documents

log = logging.getLogger(__name__)

bp = Blueprint("chat", __name__)


@bp.post("/chat")
def chat():
    started = time.perf_counter()
    data = request.get_json(silent=True) or {}
    message = data.get("message")
    conversation_id = data.get("conversation_id")
    user_id = data.get("user_id")

    db = SessionLocal()
    conversation = db.get(Conversation, conversation_id) if conversation_id else None
    if conversation is None:
        conversation = Conversation(user_id=user_id)
        db.add(conversation)
        db.flush()

    history = memory.load(conversation.id)
    try:
        context = retrieval.search(message, doc_type=data.get("doc_type"))
        reply = llm.answer(message, history, context)
    except Exception as e:
        db.rollback()
        log.exception("chat request failed conversation=%s", conversation.id)
        return jsonify({"error": str(e)}), 500

    db.add(Message(conversation_id=conversation.id, role="user", content=message))
    db.add(Message(conversation_id=conversation.id, role="assistant", content=reply))
    db.commit()

    memory.append(conversation.id, "user", message)
    memory.append(conversation.id, "assistant", reply)
    metrics.record("chat", time.perf_counter() - started)

    return jsonify(
        {
            "conversation_id": conversation.id,
            "reply": reply,
            "sources": [{"title": c["title"], "distance": round(float(c["distance"]), 4)} for c in context],
        }
    )


@bp.get("/conversations")
def list_conversations():
    user_id = request.args.get("user_id", "")
    limit = min(max(request.args.get("limit", 20, type=int), 1), 100)
    rows = (
        SessionLocal()
        .query(Conversation)
        .filter(Conversation.user_id == user_id)
        .order_by(Conversation.created_at.desc())
        .limit(limit)
        .all()
    )
    return jsonify([{"id": c.id, "created_at": c.created_at.isoformat()} for c in rows])


@bp.get("/conversations/<conversation_id>")
def get_conversation(conversation_id: str):
    db = SessionLocal()
    conversation = db.get(Conversation, conversation_id)
    if conversation is None:
        return jsonify({"error": "not found"}), 404
    messages = (
        db.query(Message)
        .filter(Message.conversation_id == conversation_id)
        .order_by(Message.created_at)
        .limit(500)
        .all()
    )
    return jsonify(
        {
            "id": conversation.id,
            "user_id": conversation.user_id,
            "messages": [{"role": m.role, "content": m.content, "at": m.created_at.isoformat()} for m in messages],
        }
    )


@bp.post("/documents/sync")
def trigger_document_sync():
    task = sync_documents.delay()
    return jsonify({"task_id": task.id}), 202


@bp.get("/metrics/summary")
def metrics_summary():
    return jsonify(metrics.summary())
