package api

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/profileagent/rag-agent/internal/store"
)

// ConversationHandler serves conversation history.
type ConversationHandler struct {
	store *store.ConversationStore
}

func parseLimit(r *http.Request, def, max int) (int, bool) {
	raw := r.URL.Query().Get("limit")
	if raw == "" {
		return def, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > max {
		return 0, false
	}
	return n, true
}

// List returns the caller's conversations.
func (h *ConversationHandler) List(w http.ResponseWriter, r *http.Request) {
	limit, ok := parseLimit(r, 20, 100)
	if !ok {
		writeError(w, http.StatusBadRequest, "limit must be between 1 and 100")
		return
	}
	userID := UserID(r.Context())
	convs, err := h.store.ListForUser(r.Context(), userID, limit)
	if err != nil {
		slog.Error("list conversations", "user_id", userID, "err", err)
		writeError(w, http.StatusInternalServerError, "could not list conversations")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"conversations": convs})
}

// Messages returns the messages of one conversation.
func (h *ConversationHandler) Messages(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if _, err := uuid.Parse(id); err != nil {
		writeError(w, http.StatusBadRequest, "invalid conversation id")
		return
	}
	limit, ok := parseLimit(r, 50, 200)
	if !ok {
		writeError(w, http.StatusBadRequest, "limit must be between 1 and 200")
		return
	}

	msgs, err := h.store.Messages(r.Context(), id, limit)
	if err != nil {
		slog.Error("load messages", "conversation_id", id, "err", err)
		writeError(w, http.StatusInternalServerError, "could not load messages")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"conversation_id": id, "messages": msgs})
}
