// Package worker runs document ingestion in a fixed pool of goroutines.
package worker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/profileagent/rag-agent/internal/ingest"
	"github.com/profileagent/rag-agent/internal/store"
)

// ErrQueueFull is returned by Submit when the queue has no free slot.
var ErrQueueFull = errors.New("ingestion queue full")

// ErrStopped is returned by Submit after Stop.
var ErrStopped = errors.New("ingestion pool stopped")

// Job is one document to ingest.
type Job struct {
	Source  string
	Title   string
	Content string
}

// Embedder produces embeddings for a batch of texts.
type Embedder interface {
	Embed(ctx context.Context, inputs []string) ([][]float32, error)
}

// Pool ingests documents: chunk, embed, store.
type Pool struct {
	docs     *store.DocumentStore
	embedder Embedder
	chunker  *ingest.Chunker
	workers  int

	jobs    chan Job
	wg      sync.WaitGroup
	mu      sync.RWMutex
	stopped bool
}

// NewPool builds a pool; call Start to launch the workers.
func NewPool(docs *store.DocumentStore, e Embedder, c *ingest.Chunker, workers, queueSize int) *Pool {
	return &Pool{
		docs:     docs,
		embedder: e,
		chunker:  c,
		workers:  workers,
		jobs:     make(chan Job, queueSize),
	}
}

// Start launches the worker goroutines.
func (p *Pool) Start(ctx context.Context) {
	for i := 0; i < p.workers; i++ {
		p.wg.Add(1)
		go func(id int) {
			defer p.wg.Done()
			for job := range p.jobs {
				p.process(ctx, id, job)
			}
		}(i)
	}
	slog.Info("ingestion pool started", "workers", p.workers, "queue", cap(p.jobs))
}

// Submit enqueues a job without blocking.
func (p *Pool) Submit(job Job) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.stopped {
		return ErrStopped
	}
	select {
	case p.jobs <- job:
		return nil
	default:
		return ErrQueueFull
	}
}

// Stop closes the queue and waits for in-flight jobs to finish.
func (p *Pool) Stop() {
	p.mu.Lock()
	if !p.stopped {
		p.stopped = true
		close(p.jobs)
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// QueueDepth reports how many jobs are waiting.
func (p *Pool) QueueDepth() int { return len(p.jobs) }

func (p *Pool) process(ctx context.Context, workerID int, job Job) {
	log := slog.With("worker", workerID, "source", job.Source)
	start := time.Now()

	sum := sha256.Sum256([]byte(job.Content))
	hash := hex.EncodeToString(sum[:])

	docID, changed, err := p.docs.Upsert(ctx, job.Source, job.Title, hash)
	if err != nil {
		log.Error("upsert document", "err", err)
		return
	}
	if !changed {
		log.Debug("document unchanged, skipping")
		return
	}

	err = p.ingestDocument(ctx, docID, job)
	status := "ready"
	if err != nil {
		status = "failed"
		log.Error("ingest document", "document_id", docID, "err", err)
	}
	if serr := p.docs.SetStatus(ctx, docID, status, err); serr != nil {
		log.Error("record ingestion status", "document_id", docID, "status", status, "err", serr)
		return
	}
	log.Info("document ingested", "document_id", docID, "status", status, "took", time.Since(start))
}

func (p *Pool) ingestDocument(ctx context.Context, docID string, job Job) error {
	pieces := p.chunker.Split(job.Content)
	if len(pieces) == 0 {
		return errors.New("document has no text")
	}

	var (
		vecs [][]float32
		err  error
	)
	for attempt := 0; attempt < 5; attempt++ {
		vecs, err = p.embedder.Embed(ctx, pieces)
		if err == nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("embed %d chunks: %w", len(pieces), err)
	}

	chunks := make([]store.Chunk, len(pieces))
	for i, text := range pieces {
		chunks[i] = store.Chunk{DocumentID: docID, Ordinal: i, Content: text, Embedding: vecs[i]}
	}
	return p.docs.ReplaceChunks(ctx, docID, chunks)
}
