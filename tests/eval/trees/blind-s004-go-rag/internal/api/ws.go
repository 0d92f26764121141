package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

var upgrader = websocket.Upgrader{
	ReadBufferSize:  4096,
	WriteBufferSize: 4096,
	CheckOrigin: func(r *http.Request) bool {
		return true
	},
}

type wsIncoming struct {
	Message        string `json:"message"`
	UserID         string `json:"user_id"`
	ConversationID string `json:"conversation_id"`
}

type wsOutgoing struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id,omitempty"`
	Answer         string `json:"answer,omitempty"`
	Route          string `json:"route,omitempty"`
	Sources        any    `json:"sources,omitempty"`
	Error          string `json:"error,omitempty"`
}

const (
	wsPongWait   = 60 * time.Second
	wsPingPeriod = 50 * time.Second
	wsWriteWait  = 10 * time.Second
)

// WebSocket serves the streaming chat used by the web widget. Each inbound
// frame is one user turn; the server replies with one answer frame.
func (h *ChatHandler) WebSocket(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		slog.Warn("websocket upgrade failed", "remote", r.RemoteAddr, "err", err)
		return
	}
	defer conn.Close()

	conn.SetReadDeadline(time.Now().Add(wsPongWait))
	conn.SetPongHandler(func(string) error {
		return conn.SetReadDeadline(time.Now().Add(wsPongWait))
	})

	done := make(chan struct{})
	defer close(done)
	go func() {
		ticker := time.NewTicker(wsPingPeriod)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
				if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(wsWriteWait)); err != nil {
					return
				}
			}
		}
	}()

	ctx := r.Context()
	for {
		_, raw, err := conn.ReadMessage()
		if err != nil {
			if websocket.IsUnexpectedCloseError(err, websocket.CloseGoingAway, websocket.CloseNormalClosure) {
				slog.Warn("websocket read", "remote", r.RemoteAddr, "err", err)
			}
			return
		}

		var in wsIncoming
		if err := json.Unmarshal(raw, &in); err != nil {
			h.send(conn, wsOutgoing{Type: "error", Error: "invalid message format"})
			continue
		}
		query := in.Message

		convID := in.ConversationID
		if convID == "" {
			convID, err = h.conversations.Create(ctx, in.UserID, query)
			if err != nil {
				slog.Error("ws create conversation", "err", err)
				h.send(conn, wsOutgoing{Type: "error", Error: "could not start conversation"})
				continue
			}
		} else if err := h.conversations.AppendMessage(ctx, convID, "user", query); err != nil {
			slog.Error("ws store user message", "conversation_id", convID, "err", err)
			h.send(conn, wsOutgoing{Type: "error", Error: "could not store message"})
			continue
		}

		answer, err := h.answer(ctx, in.UserID, convID, query)
		if err != nil {
			h.send(conn, wsOutgoing{Type: "error", ConversationID: convID, Error: err.Error()})
			continue
		}
		h.send(conn, wsOutgoing{
			Type:           "answer",
			ConversationID: convID,
			Answer:         answer.Text,
			Route:          string(answer.Route),
			Sources:        answer.Sources,
		})
	}
}

// send writes one frame. gorilla/websocket allows only one concurrent
// writer; the ping goroutine uses WriteControl, which is safe alongside it.
func (h *ChatHandler) send(conn *websocket.Conn, msg wsOutgoing) {
	conn.SetWriteDeadline(time.Now().Add(wsWriteWait))
	if err := conn.WriteJSON(msg); err != nil {
		slog.Debug("websocket write", "err", err)
	}
}
