// Package store persists users, sessions and messages in MongoDB.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/readpref"

	"github.com/northwind-labs/convo-gateway/internal/config"
)

var ErrNotFound = errors.New("not found")

// Store wraps the Mongo client and the collections the gateway uses.
type Store struct {
	client   *mongo.Client
	db       *mongo.Database
	users    *mongo.Collection
	sessions *mongo.Collection
	messages *mongo.Collection
	retry    RetryPolicy
}

// Connect opens a pooled client and verifies the primary is reachable.
func Connect(ctx context.Context, cfg *config.Config) (*Store, error) {
	opts := options.Client().
		ApplyURI(cfg.MongoURI).
		SetAppName("convo-gateway").
		SetMaxPoolSize(uint64(cfg.MongoMaxPoolSize)).
		SetMinPoolSize(uint64(cfg.MongoMinPoolSize)).
		SetMaxConnIdleTime(5 * time.Minute).
		SetConnectTimeout(cfg.MongoConnectTimeout).
		SetServerSelectionTimeout(cfg.MongoConnectTimeout).
		SetRetryWrites(true).
		SetRetryReads(true)

	client, err := mongo.Connect(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("mongo connect: %w", err)
	}

	pingCtx, cancel := context.WithTimeout(ctx, cfg.MongoConnectTimeout)
	defer cancel()
	if err := client.Ping(pingCtx, readpref.Primary()); err != nil {
		discCtx, discCancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer discCancel()
		return nil, errors.Join(fmt.Errorf("mongo ping: %w", err), client.Disconnect(discCtx))
	}

	db := client.Database(cfg.MongoDatabase)
	return &Store{
		client:   client,
		db:       db,
		users:    db.Collection("users"),
		sessions: db.Collection("sessions"),
		messages: db.Collection("messages"),
		retry: RetryPolicy{
			Attempts:  cfg.MongoRetryAttempts,
			BaseDelay: cfg.MongoRetryDelay,
			MaxDelay:  2 * time.Second,
			OpTimeout: cfg.MongoOpTimeout,
		},
	}, nil
}

// EnsureIndexes creates the indexes the queries rely on. CreateMany is a
// no-op for indexes that already exist with the same definition.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	specs := map[*mongo.Collection][]mongo.IndexModel{
		s.users: {
			{Keys: bson.D{{Key: "username", Value: 1}}, Options: options.Index().SetUnique(true).SetName("username_unique")},
		},
		s.sessions: {
			{Keys: bson.D{{Key: "user_id", Value: 1}, {Key: "updated_at", Value: -1}}, Options: options.Index().SetName("user_recent")},
			{Keys: bson.D{{Key: "created_at", Value: 1}}, Options: options.Index().SetName("created_at")},
		},
		s.messages: {
			{Keys: bson.D{{Key: "session_id", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("session_messages")},
		},
	}
	for coll, models := range specs {
		ictx, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, err := coll.Indexes().CreateMany(ictx, models)
		cancel()
		if err != nil {
			return fmt.Errorf("create indexes on %s: %w", coll.Name(), err)
		}
	}
	return nil
}

// Ping checks that a primary is selectable within the timeout carried by
// ctx; readiness uses it.
func (s *Store) Ping(ctx context.Context) error {
	return s.client.Ping(ctx, readpref.Primary())
}

// Close disconnects, waiting for in-use connections until ctx expires.
func (s *Store) Close(ctx context.Context) error {
	return s.client.Disconnect(ctx)
}
