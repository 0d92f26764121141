package dispatch

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/exai-labs/exai-daemon/internal/config"
	"github.com/exai-labs/exai-daemon/internal/metrics"
	"github.com/exai-labs/exai-daemon/internal/providers"
	"github.com/exai-labs/exai-daemon/internal/storage"
	"github.com/exai-labs/exai-daemon/internal/validate"
)

type Request struct {
	ID        string
	SessionID string
	Tool      string
	Provider  string
	Arguments json.RawMessage
}

type Response struct {
	RequestID  string                `json:"request_id"`
	Tool       string                `json:"tool"`
	Completion *providers.Completion `json:"completion"`
	DurationMS int64                 `json:"duration_ms"`
}

type SemaphoreStats struct {
	InUse    int `json:"in_use"`
	Capacity int `json:"capacity"`
}

type Stats struct {
	Global    SemaphoreStats            `json:"global"`
	Providers map[string]SemaphoreStats `json:"providers"`
	Inflight  int                       `json:"inflight"`
}

type result struct {
	completion *providers.Completion
	err        error
}

type Dispatcher struct {
	cfg      *config.Config
	registry *providers.Registry
	store    *storage.ConversationStore

	global chan struct{}

	mu       sync.Mutex
	perProv  map[string]chan struct{}
	inflight map[string]time.Time
}

func New(cfg *config.Config, reg *providers.Registry, store *storage.ConversationStore) *Dispatcher {
	return &Dispatcher{
		cfg:      cfg,
		registry: reg,
		store:    store,
		global:   make(chan struct{}, cfg.MaxConcurrent),
		perProv:  make(map[string]chan struct{}),
		inflight: make(map[string]time.Time),
	}
}

func (d *Dispatcher) providerSem(name string) chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	sem, ok := d.perProv[name]
	if !ok {
		sem = make(chan struct{}, d.cfg.MaxPerProvider)
		d.perProv[name] = sem
	}
	return sem
}

func (d *Dispatcher) Handle(ctx context.Context, req Request) (*Response, error) {
	args, err := validate.ParseArgs(req.Arguments)
	if err != nil {
		return nil, err
	}
	prov, err := d.registry.Resolve(req.Provider)
	if err != nil {
		return nil, err
	}

	started := time.Now()
	d.mu.Lock()
	d.inflight[req.ID] = started
	d.mu.Unlock()
	metrics.Inflight.Inc()
	defer metrics.Inflight.Dec()

	select {
	case d.global <- struct{}{}:
		metrics.SemaphoreAcquired.WithLabelValues("global").Inc()
	case <-ctx.Done():
		metrics.SemaphoreExhausted.WithLabelValues("global").Inc()
		return nil, fmt.Errorf("daemon busy, no slot within deadline: %w", ctx.Err())
	}

	psem := d.providerSem(prov.Name())
	psem <- struct{}{}
	metrics.SemaphoreAcquired.WithLabelValues(prov.Name()).Inc()
	defer func() {
		<-psem
		metrics.SemaphoreReleased.WithLabelValues(prov.Name()).Inc()
	}()

	history, err := d.store.History(ctx, req.SessionID)
	if err != nil {
		log.Printf("history unavailable for session %s, continuing without it: %v", req.SessionID, err)
		history = nil
	}
	messages := buildMessages(req.Tool, args, history)

	tctx, cancel := context.WithTimeout(ctx, d.cfg.ToolTimeout)
	defer cancel()

	results := make(chan result)
	go func() {
		c, err := prov.Complete(tctx, messages, args.Temperature)
		results <- result{completion: c, err: err}
	}()

	select {
	case r := <-results:
		<-d.global
		metrics.SemaphoreReleased.WithLabelValues("global").Inc()
		elapsed := time.Since(started)
		if r.err != nil {
			return nil, r.err
		}

		now := time.Now()
		d.store.Append(ctx, req.SessionID,
			storage.Turn{Role: "user", Content: args.Prompt, At: started},
			storage.Turn{Role: "assistant", Content: r.completion.Content, At: now},
		)

		d.mu.Lock()
		delete(d.inflight, req.ID)
		d.mu.Unlock()

		return &Response{
			RequestID:  req.ID,
			Tool:       req.Tool,
			Completion: r.completion,
			DurationMS: elapsed.Milliseconds(),
		}, nil

	case <-tctx.Done():
		metrics.ToolTimeouts.WithLabelValues(req.Tool).Inc()
		return nil, fmt.Errorf("tool %q timed out after %s", req.Tool, d.cfg.ToolTimeout)
	}
}

func buildMessages(tool string, args *validate.ToolArgs, history []storage.Turn) []providers.Message {
	msgs := make([]providers.Message, 0, len(history)+2)
	msgs = append(msgs, providers.Message{Role: "system", Content: systemPrompt(tool)})
	for _, t := range history {
		msgs = append(msgs, providers.Message{Role: t.Role, Content: t.Content})
	}
	prompt := args.Prompt
	for _, f := range args.Files {
		prompt += "\n\n--- " + f.Path + " ---\n" + f.Content
	}
	return append(msgs, providers.Message{Role: "user", Content: prompt})
}

func systemPrompt(tool string) string {
	switch tool {
	case "codereview":
		return "You are a meticulous senior code reviewer. Report concrete issues with file and line."
	default:
		return "You are a helpful expert assistant."
	}
}

func (d *Dispatcher) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	st := Stats{
		Global:    SemaphoreStats{InUse: len(d.global), Capacity: cap(d.global)},
		Providers: make(map[string]SemaphoreStats, len(d.perProv)),
		Inflight:  len(d.inflight),
	}
	for name, sem := range d.perProv {
		st.Providers[name] = SemaphoreStats{InUse: len(sem), Capacity: cap(sem)}
	}
	return st
}
