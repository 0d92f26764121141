package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/profileagent/rag-agent/internal/analytics"
	"github.com/profileagent/rag-agent/internal/llm"
	"github.com/profileagent/rag-agent/internal/metrics"
	"github.com/profileagent/rag-agent/internal/rag"
	"github.com/profileagent/rag-agent/internal/session"
	"github.com/profileagent/rag-agent/internal/store"
)

const (
	maxMessageChars = 4000
	maxChatBody     = 64 << 10
)

// ChatHandler serves the REST and WebSocket chat endpoints.
type ChatHandler struct {
	agent         *rag.Agent
	conversations *store.ConversationStore
	memory        *session.Memory
	analytics     *analytics.Recorder
	metrics       *metrics.Collector
}

type chatRequest struct {
	Message        string `json:"message"`
	ConversationID string `json:"conversation_id,omitempty"`
}

type chatResponse struct {
	ConversationID string              `json:"conversation_id"`
	Answer         string              `json:"answer"`
	Route          rag.Route           `json:"route"`
	Sources        []store.ScoredChunk `json:"sources,omitempty"`
}

func validateMessage(msg string) (string, error) {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return "", errors.New("message must not be empty")
	}
	if utf8.RuneCountInString(msg) > maxMessageChars {
		return "", errors.New("message too long")
	}
	return msg, nil
}

// Post handles one chat turn over plain HTTP.
func (h *ChatHandler) Post(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	userID := UserID(ctx)

	r.Body = http.MaxBytesReader(w, r.Body, maxChatBody)
	var req chatRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body")
		return
	}
	msg, err := validateMessage(req.Message)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}

	convID := req.ConversationID
	if convID == "" {
		convID, err = h.conversations.Create(ctx, userID, msg)
		if err != nil {
			slog.Error("create conversation", "user_id", userID, "err", err)
			writeError(w, http.StatusInternalServerError, "could not start conversation")
			return
		}
		go h.generateTitle(convID, msg)
	} else {
		conv, err := h.conversations.Get(ctx, convID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && conv.UserID != userID) {
			writeError(w, http.StatusNotFound, "conversation not found")
			return
		}
		if err != nil {
			slog.Error("load conversation", "conversation_id", convID, "err", err)
			writeError(w, http.StatusInternalServerError, "could not load conversation")
			return
		}
		if err := h.conversations.AppendMessage(ctx, convID, "user", msg); err != nil {
			slog.Error("store user message", "conversation_id", convID, "err", err)
			writeError(w, http.StatusInternalServerError, "could not store message")
			return
		}
	}

	answer, err := h.answer(ctx, userID, convID, msg)
	if err != nil {
		slog.Error("answer chat turn", "conversation_id", convID, "user_id", userID, "err", err)
		writeError(w, http.StatusBadGateway, "the assistant is unavailable, please retry")
		return
	}
	writeJSON(w, http.StatusOK, chatResponse{
		ConversationID: convID,
		Answer:         answer.Text,
		Route:          answer.Route,
		Sources:        answer.Sources,
	})
}

// answer runs the agent with the conversation's short-term memory and
// persists the assistant's reply.
func (h *ChatHandler) answer(ctx context.Context, userID, convID, msg string) (*rag.Answer, error) {
	history, err := h.memory.History(ctx, convID)
	if err != nil {
		slog.Warn("history unavailable, answering without it", "conversation_id", convID, "err", err)
		history = nil
	}

	answer, err := h.agent.Ask(ctx, msg, history)
	h.metrics.Inc("chat_requests_total")
	if err != nil {
		h.metrics.Inc("chat_errors_total")
		return nil, err
	}
	h.metrics.ObserveLatency(answer.Duration)

	if err := h.memory.Append(ctx, convID, llm.Message{Role: "user", Content: msg}); err != nil {
		slog.Warn("append user history", "conversation_id", convID, "err", err)
	}
	if err := h.memory.Append(ctx, convID, llm.Message{Role: "assistant", Content: answer.Text}); err != nil {
		slog.Warn("append assistant history", "conversation_id", convID, "err", err)
	}
	if err := h.conversations.AppendMessage(ctx, convID, "assistant", answer.Text); err != nil {
		return nil, err
	}
	h.analytics.Record(ctx, analytics.Event{
		UserID:    userID,
		Route:     string(answer.Route),
		LatencyMS: int(answer.Duration / time.Millisecond),
		Tokens:    answer.Tokens,
	})
	return answer, nil
}

func (h *ChatHandler) generateTitle(convID, firstMessage string) {
	title, err := h.agent.Title(context.Background(), firstMessage)
	if err != nil {
		slog.Warn("generate title", "conversation_id", convID, "err", err)
		return
	}
	if err := h.conversations.SetTitle(context.Background(), convID, title); err != nil {
		slog.Warn("store title", "conversation_id", convID, "err", err)
	}
}

// Search exposes raw retrieval results, used by the front end's
// "show sources" panel.
func (h *ChatHandler) Search(ret *rag.Retriever) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, err := validateMessage(r.URL.Query().Get("q"))
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		k := 5
		if raw := r.URL.Query().Get("k"); raw != "" {
			k, err = strconv.Atoi(raw)
			if err != nil {
				writeError(w, http.StatusBadRequest, "k must be an integer")
				return
			}
		}
		hits, err := ret.Retrieve(r.Context(), q, k)
		if err != nil {
			slog.Error("search", "err", err)
			writeError(w, http.StatusBadGateway, "search unavailable")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"results": hits})
	}
}
