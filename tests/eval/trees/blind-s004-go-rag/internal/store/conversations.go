package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Conversation is a chat thread owned by a user.
type Conversation struct {
	ID           string    `json:"id"`
	UserID       string    `json:"user_id"`
	Title        *string   `json:"title,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	MessageCount int       `json:"message_count"`
}

// Message is a single turn in a conversation.
type Message struct {
	Role      string    `json:"role"`
	Content   string    `json:"content"`
	CreatedAt time.Time `json:"created_at"`
}

// ConversationStore persists conversations and messages.
type ConversationStore struct {
	pool *pgxpool.Pool
}

// NewConversationStore returns a store backed by pool.
func NewConversationStore(pool *pgxpool.Pool) *ConversationStore {
	return &ConversationStore{pool: pool}
}

// Create opens a new conversation and stores its first user message
// atomically.
func (s *ConversationStore) Create(ctx context.Context, userID, firstMessage string) (string, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return "", fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit

	var id string
	if err := tx.QueryRow(ctx,
		`INSERT INTO conversations (user_id) VALUES ($1) RETURNING id`, userID,
	).Scan(&id); err != nil {
		return "", fmt.Errorf("insert conversation: %w", err)
	}
	if _, err := tx.Exec(ctx,
		`INSERT INTO messages (conversation_id, role, content) VALUES ($1, 'user', $2)`,
		id, firstMessage); err != nil {
		return "", fmt.Errorf("insert first message: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return "", fmt.Errorf("commit conversation: %w", err)
	}
	return id, nil
}

// AppendMessage adds a message to an existing conversation.
func (s *ConversationStore) AppendMessage(ctx context.Context, conversationID, role, content string) error {
	_, err := s.pool.Exec(ctx,
		`INSERT INTO messages (conversation_id, role, content) VALUES ($1, $2, $3)`,
		conversationID, role, content)
	if err != nil {
		return fmt.Errorf("append message to %s: %w", conversationID, err)
	}
	return nil
}

// SetTitle stores a generated title.
func (s *ConversationStore) SetTitle(ctx context.Context, conversationID, title string) error {
	_, err := s.pool.Exec(ctx, `UPDATE conversations SET title = $2 WHERE id = $1`, conversationID, title)
	return err
}

// Get loads one conversation by id.
func (s *ConversationStore) Get(ctx context.Context, id string) (*Conversation, error) {
	var c Conversation
	err := s.pool.QueryRow(ctx,
		`SELECT id, user_id, title, created_at FROM conversations WHERE id = $1`, id,
	).Scan(&c.ID, &c.UserID, &c.Title, &c.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get conversation %s: %w", id, err)
	}
	return &c, nil
}

// ListForUser returns the user's conversations, newest first.
func (s *ConversationStore) ListForUser(ctx context.Context, userID string, limit int) ([]Conversation, error) {
	rows, err := s.pool.Query(ctx,
		`SELECT id, user_id, title, created_at FROM conversations
		 WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	convs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Conversation, error) {
		var c Conversation
		err := r.Scan(&c.ID, &c.UserID, &c.Title, &c.CreatedAt)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("collect conversations: %w", err)
	}

	for i := range convs {
		if err := s.pool.QueryRow(ctx,
			`SELECT count(*) FROM messages WHERE conversation_id = $1`, convs[i].ID,
		).Scan(&convs[i].MessageCount); err != nil {
			return nil, fmt.Errorf("count messages for %s: %w", convs[i].ID, err)
		}
	}
	return convs, nil
}

// Messages returns the most recent messages of a conversation in
// chronological order.
func (s *ConversationStore) Messages(ctx context.Context, conversationID string, limit int) ([]Message, error) {
	rows, err := s.pool.Query(ctx,
		`SELECT role, content, created_at FROM (
		     SELECT role, content, created_at FROM messages
		     WHERE conversation_id = $1 ORDER BY created_at DESC LIMIT $2
		 ) recent ORDER BY created_at ASC`, conversationID, limit)
	if err != nil {
		return nil, fmt.Errorf("load messages for %s: %w", conversationID, err)
	}

	var out []Message
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.Role, &m.Content, &m.CreatedAt); err != nil {
			return nil, fmt.Errorf("scan message: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
