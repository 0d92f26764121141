// Package store contains the PostgreSQL repositories.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pgvector/pgvector-go"
)

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("not found")

// Document is a source profile document.
type Document struct {
	ID          string    `json:"id"`
	Source      string    `json:"source"`
	Title       string    `json:"title"`
	ContentHash string    `json:"content_hash"`
	Status      string    `json:"status"`
	Error       *string   `json:"error,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Chunk is a piece of a document with its embedding.
type Chunk struct {
	DocumentID string
	Ordinal    int
	Content    string
	Embedding  []float32
}

// ScoredChunk is a retrieval hit.
type ScoredChunk struct {
	DocumentID string  `json:"document_id"`
	Title      string  `json:"title"`
	Content    string  `json:"content"`
	Score      float64 `json:"score"`
}

// DocumentStore persists documents and their chunks.
type DocumentStore struct {
	pool *pgxpool.Pool
}

// NewDocumentStore returns a store backed by pool.
func NewDocumentStore(pool *pgxpool.Pool) *DocumentStore {
	return &DocumentStore{pool: pool}
}

// Upsert inserts a document or refreshes its metadata, returning its id and
// whether the content changed since the last ingestion.
func (s *DocumentStore) Upsert(ctx context.Context, source, title, hash string) (string, bool, error) {
	var (
		id      string
		oldHash string
	)
	err := s.pool.QueryRow(ctx,
		`SELECT id, content_hash FROM documents WHERE source = $1`, source,
	).Scan(&id, &oldHash)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		err = s.pool.QueryRow(ctx,
			`INSERT INTO documents (source, title, content_hash, status)
			 VALUES ($1, $2, $3, 'pending') RETURNING id`,
			source, title, hash,
		).Scan(&id)
		if err != nil {
			return "", false, fmt.Errorf("insert document %q: %w", source, err)
		}
		return id, true, nil
	case err != nil:
		return "", false, fmt.Errorf("lookup document %q: %w", source, err)
	}

	if oldHash == hash {
		return id, false, nil
	}
	_, err = s.pool.Exec(ctx,
		`UPDATE documents SET title = $2, content_hash = $3, status = 'pending', updated_at = now()
		 WHERE id = $1`, id, title, hash)
	if err != nil {
		return "", false, fmt.Errorf("update document %q: %w", source, err)
	}
	return id, true, nil
}

// ReplaceChunks swaps the stored chunks of a document for a new set.
func (s *DocumentStore) ReplaceChunks(ctx context.Context, documentID string, chunks []Chunk) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM chunks WHERE document_id = $1`, documentID); err != nil {
		return fmt.Errorf("delete chunks for %s: %w", documentID, err)
	}
	for _, c := range chunks {
		_, err := s.pool.Exec(ctx,
			`INSERT INTO chunks (document_id, ordinal, content, embedding) VALUES ($1, $2, $3, $4)`,
			documentID, c.Ordinal, c.Content, pgvector.NewVector(c.Embedding))
		if err != nil {
			return fmt.Errorf("insert chunk %d for %s: %w", c.Ordinal, documentID, err)
		}
	}
	return nil
}

// SetStatus records the ingestion outcome for a document.
func (s *DocumentStore) SetStatus(ctx context.Context, documentID, status string, cause error) error {
	var msg *string
	if cause != nil {
		m := cause.Error()
		msg = &m
	}
	_, err := s.pool.Exec(ctx,
		`UPDATE documents SET status = $2, error = $3, updated_at = now() WHERE id = $1`,
		documentID, status, msg)
	if err != nil {
		return fmt.Errorf("set status %s on %s: %w", status, documentID, err)
	}
	return nil
}

// Get returns a single document.
func (s *DocumentStore) Get(ctx context.Context, id string) (*Document, error) {
	var d Document
	err := s.pool.QueryRow(ctx,
		`SELECT id, source, title, content_hash, status, error, created_at, updated_at
		 FROM documents WHERE id = $1`, id,
	).Scan(&d.ID, &d.Source, &d.Title, &d.ContentHash, &d.Status, &d.Error, &d.CreatedAt, &d.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get document %s: %w", id, err)
	}
	return &d, nil
}

// List returns documents ordered by most recent update, paginated.
func (s *DocumentStore) List(ctx context.Context, limit, offset int) ([]Document, error) {
	rows, err := s.pool.Query(ctx,
		`SELECT id, source, title, content_hash, status, error, created_at, updated_at
		 FROM documents ORDER BY updated_at DESC LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()

	docs := make([]Document, 0, limit)
	for rows.Next() {
		var d Document
		if err := rows.Scan(&d.ID, &d.Source, &d.Title, &d.ContentHash, &d.Status, &d.Error, &d.CreatedAt, &d.UpdatedAt); err != nil {
			return nil, fmt.Errorf("scan document: %w", err)
		}
		docs = append(docs, d)
	}
	return docs, rows.Err()
}

// Search returns the k chunks closest to the query embedding.
func (s *DocumentStore) Search(ctx context.Context, embedding []float32, k int) ([]ScoredChunk, error) {
	rows, err := s.pool.Query(ctx,
		`SELECT c.document_id, d.title, c.content, 1 - (c.embedding <=> $1) AS score
		 FROM chunks c JOIN documents d ON d.id = c.document_id
		 WHERE d.status = 'ready'
		 ORDER BY c.embedding <=> $1
		 LIMIT $2`, pgvector.NewVector(embedding), k)
	if err != nil {
		return nil, fmt.Errorf("vector search: %w", err)
	}
	defer rows.Close()

	var hits []ScoredChunk
	for rows.Next() {
		var h ScoredChunk
		if err := rows.Scan(&h.DocumentID, &h.Title, &h.Content, &h.Score); err != nil {
			return nil, fmt.Errorf("scan hit: %w", err)
		}
		hits = append(hits, h)
	}
	return hits, rows.Err()
}
