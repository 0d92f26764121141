// Package rag implements retrieval and answer generation over the profile
// corpus.
package rag

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/profileagent/rag-agent/internal/store"
)

// Embedder turns text into vectors.
type Embedder interface {
	EmbedOne(ctx context.Context, text string) ([]float32, error)
}

// Searcher runs a nearest-neighbour query.
type Searcher interface {
	Search(ctx context.Context, embedding []float32, k int) ([]store.ScoredChunk, error)
}

type cachedResult struct {
	hits    []store.ScoredChunk
	expires time.Time
}

// Retriever embeds queries and fetches matching chunks. Results are cached
// per normalised query so repeated questions skip the embedding call.
type Retriever struct {
	embedder Embedder
	searcher Searcher
	minScore float64
	cacheTTL time.Duration

	mu    sync.Mutex
	cache map[string]cachedResult
}

// NewRetriever builds a retriever.
func NewRetriever(e Embedder, s Searcher, minScore float64, cacheTTL time.Duration) *Retriever {
	return &Retriever{
		embedder: e,
		searcher: s,
		minScore: minScore,
		cacheTTL: cacheTTL,
		cache:    make(map[string]cachedResult),
	}
}

// Retrieve returns up to k chunks relevant to query.
func (r *Retriever) Retrieve(ctx context.Context, query string, k int) ([]store.ScoredChunk, error) {
	key := cacheKey(query, k)

	r.mu.Lock()
	if entry, ok := r.cache[key]; ok && time.Now().Before(entry.expires) {
		r.mu.Unlock()
		return entry.hits, nil
	}
	r.mu.Unlock()

	vec, err := r.embedder.EmbedOne(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("embed query: %w", err)
	}
	hits, err := r.searcher.Search(ctx, vec, k)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}

	filtered := hits[:0]
	for _, h := range hits {
		if h.Score >= r.minScore {
			filtered = append(filtered, h)
		}
	}

	r.mu.Lock()
	r.cache[key] = cachedResult{hits: filtered, expires: time.Now().Add(r.cacheTTL)}
	r.mu.Unlock()
	return filtered, nil
}

func cacheKey(query string, k int) string {
	norm := strings.Join(strings.Fields(strings.ToLower(query)), " ")
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d|%s", k, norm)))
	return hex.EncodeToString(sum[:])
}
