package providers

import (
	"context"
	"fmt"
	"log"
	"sort"
	"sync"
	"time"

	"github.com/exai-labs/exai-daemon/internal/config"
)

type Provider interface {
	Name() string
	Ping(ctx context.Context) error
	Complete(ctx context.Context, msgs []Message, temperature float64) (*Completion, error)
}

// Registry holds the providers that answered their startup probe.
type Registry struct {
	cfg       *config.Config
	mu        sync.RWMutex
	providers map[string]Provider
	detected  bool
}

func NewRegistry(cfg *config.Config) *Registry {
	return &Registry{cfg: cfg, providers: make(map[string]Provider)}
}

func (r *Registry) candidates() []Provider {
	var out []Provider
	if r.cfg.KimiAPIKey != "" {
		out = append(out, NewOpenAICompatible("kimi", r.cfg.KimiBaseURL, r.cfg.KimiAPIKey, r.cfg.KimiModel))
	}
	if r.cfg.GLMAPIKey != "" {
		out = append(out, NewOpenAICompatible("glm", r.cfg.GLMBaseURL, r.cfg.GLMAPIKey, r.cfg.GLMModel))
	}
	if len(out) == 0 {
		log.Printf("no provider API keys configured; set KIMI_API_KEY and/or GLM_API_KEY")
	}
	return out
}

// EnsureDetected runs provider detection if it has not happened yet.
func (r *Registry) EnsureDetected() {
	if r.detected {
		return
	}
	r.DetectAll()
}

func (r *Registry) DetectAll() {
	var wg sync.WaitGroup
	for _, p := range r.candidates() {
		wg.Add(1)
		go func(p Provider) {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := p.Ping(ctx); err != nil {
				log.Printf("provider %s unavailable: %v", p.Name(), err)
				return
			}
			r.providers[p.Name()] = p
			log.Printf("provider %s registered", p.Name())
		}(p)
	}
	wg.Wait()
	r.detected = true
}

func (r *Registry) Resolve(name string) (Provider, error) {
	if name == "" {
		name = r.cfg.DefaultProvider
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.providers[name]
	if !ok {
		return nil, fmt.Errorf("provider %q is not available", name)
	}
	return p, nil
}

func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.providers))
	for n := range r.providers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
