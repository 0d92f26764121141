package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

var ErrDuplicate = errors.New("already exists")

type User struct {
	ID           string    `bson:"_id"`
	Username     string    `bson:"username"`
	PasswordHash []byte    `bson:"password_hash"`
	Role         string    `bson:"role"`
	Disabled     bool      `bson:"disabled"`
	CreatedAt    time.Time `bson:"created_at"`
}

type Session struct {
	ID        string    `bson:"_id" json:"id"`
	UserID    string    `bson:"user_id" json:"user_id"`
	Title     string    `bson:"title" json:"title"`
	CreatedAt time.Time `bson:"created_at" json:"created_at"`
	UpdatedAt time.Time `bson:"updated_at" json:"updated_at"`
	// TerminatedAt is set when an administrator ends the session; it can
	// no longer be joined.
	TerminatedAt *time.Time `bson:"terminated_at,omitempty" json:"terminated_at,omitempty"`
}

type Message struct {
	ID        primitive.ObjectID `bson:"_id" json:"id"`
	SessionID string             `bson:"session_id" json:"session_id"`
	Role      string             `bson:"role" json:"role"`
	Content   string             `bson:"content" json:"content"`
	CreatedAt time.Time          `bson:"created_at" json:"created_at"`
}

// FindUserByUsername returns ErrNotFound when no user matches.
func (s *Store) FindUserByUsername(ctx context.Context, username string) (*User, error) {
	var u User
	err := s.retry.Do(ctx, "find_user", func(ctx context.Context) error {
		return s.users.FindOne(ctx, bson.D{{Key: "username", Value: username}}).Decode(&u)
	})
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find user: %w", err)
	}
	return &u, nil
}

// CreateUser inserts a user. It is not retried: a retry after an ambiguous
// network error could report ErrDuplicate for a user that was just created.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	ctx, cancel := context.WithTimeout(ctx, s.retry.OpTimeout)
	defer cancel()
	_, err := s.users.InsertOne(ctx, u)
	if mongo.IsDuplicateKeyError(err) {
		return ErrDuplicate
	}
	if err != nil {
		return fmt.Errorf("insert user: %w", err)
	}
	return nil
}

// CreateSession inserts under a client-generated ID. A duplicate-key error
// on _id can only come from an earlier attempt of this same call that
// succeeded before its reply was lost, so it counts as success.
func (s *Store) CreateSession(ctx context.Context, sess *Session) error {
	return s.retry.Do(ctx, "create_session", func(ctx context.Context) error {
		_, err := s.sessions.InsertOne(ctx, sess)
		if mongo.IsDuplicateKeyError(err) {
			return nil
		}
		return err
	})
}

// GetSession returns the session only if it belongs to userID, unless
// userID is empty (admin access).
func (s *Store) GetSession(ctx context.Context, id, userID string) (*Session, error) {
	filter := bson.D{{Key: "_id", Value: id}}
	if userID != "" {
		filter = append(filter, bson.E{Key: "user_id", Value: userID})
	}
	var sess Session
	err := s.retry.Do(ctx, "get_session", func(ctx context.Context) error {
		return s.sessions.FindOne(ctx, filter).Decode(&sess)
	})
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get session: %w", err)
	}
	return &sess, nil
}

// ListSessions returns the user's most recently updated sessions.
func (s *Store) ListSessions(ctx context.Context, userID string, limit int64) ([]Session, error) {
	out := make([]Session, 0, limit)
	err := s.retry.Do(ctx, "list_sessions", func(ctx context.Context) error {
		out = out[:0]
		cur, err := s.sessions.Find(ctx,
			bson.D{{Key: "user_id", Value: userID}},
			options.Find().SetSort(bson.D{{Key: "updated_at", Value: -1}}).SetLimit(limit))
		if err != nil {
			return err
		}
		return cur.All(ctx, &out)
	})
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out, nil
}

// TerminateSession records that an administrator ended the session. The
// filter makes a repeat a no-op, so it is retried.
func (s *Store) TerminateSession(ctx context.Context, id string, at time.Time) error {
	return s.retry.Do(ctx, "terminate_session", func(ctx context.Context) error {
		_, err := s.sessions.UpdateOne(ctx,
			bson.D{{Key: "_id", Value: id}, {Key: "terminated_at", Value: bson.D{{Key: "$exists", Value: false}}}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "terminated_at", Value: at}, {Key: "updated_at", Value: at}}}})
		return err
	})
}

// AppendMessage stores a message under a client-generated ObjectID, so a
// retry after an ambiguous failure cannot duplicate it, and bumps the
// session's updated_at.
func (s *Store) AppendMessage(ctx context.Context, m *Message) error {
	if m.ID.IsZero() {
		m.ID = primitive.NewObjectID()
	}
	err := s.retry.Do(ctx, "append_message", func(ctx context.Context) error {
		_, err := s.messages.InsertOne(ctx, m)
		if mongo.IsDuplicateKeyError(err) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("append message: %w", err)
	}
	return s.retry.Do(ctx, "touch_session", func(ctx context.Context) error {
		_, err := s.sessions.UpdateOne(ctx,
			bson.D{{Key: "_id", Value: m.SessionID}},
			bson.D{{Key: "$max", Value: bson.D{{Key: "updated_at", Value: m.CreatedAt}}}})
		return err
	})
}

// RecentMessages returns up to limit messages older than before (or the
// newest if before is zero), oldest first.
func (s *Store) RecentMessages(ctx context.Context, sessionID string, before primitive.ObjectID, limit int64) ([]Message, error) {
	filter := bson.D{{Key: "session_id", Value: sessionID}}
	if !before.IsZero() {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: before}}})
	}
	out := make([]Message, 0, limit)
	err := s.retry.Do(ctx, "recent_messages", func(ctx context.Context) error {
		out = out[:0]
		cur, err := s.messages.Find(ctx, filter,
			options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(limit))
		if err != nil {
			return err
		}
		return cur.All(ctx, &out)
	})
	if err != nil {
		return nil, fmt.Errorf("recent messages: %w", err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// DeleteSession removes the messages first and the session last, so an
// interrupted delete leaves a session the owner can see and delete again
// rather than orphaned messages nobody can reach.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if err := s.retry.Do(ctx, "delete_messages", func(ctx context.Context) error {
		_, err := s.messages.DeleteMany(ctx, bson.D{{Key: "session_id", Value: id}})
		return err
	}); err != nil {
		return fmt.Errorf("delete messages: %w", err)
	}
	if err := s.retry.Do(ctx, "delete_session", func(ctx context.Context) error {
		_, err := s.sessions.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
		return err
	}); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// CountSessionsSince is used by the admin stats endpoint.
func (s *Store) CountSessionsSince(ctx context.Context, since time.Time) (int64, error) {
	var n int64
	err := s.retry.Do(ctx, "count_sessions", func(ctx context.Context) error {
		var err error
		n, err = s.sessions.CountDocuments(ctx, bson.D{{Key: "created_at", Value: bson.D{{Key: "$gte", Value: since}}}})
		return err
	})
	return n, err
}
