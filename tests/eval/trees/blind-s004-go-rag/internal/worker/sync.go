package worker

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Syncer periodically scans a directory of profile documents and submits
// new or changed files to the ingestion pool.
type Syncer struct {
	dir      string
	interval time.Duration
	pool     *Pool
	lastRun  time.Time
	seen     map[string]time.Time
}

// NewSyncer builds a syncer for dir.
func NewSyncer(dir string, interval time.Duration, pool *Pool) *Syncer {
	return &Syncer{dir: dir, interval: interval, pool: pool, seen: make(map[string]time.Time)}
}

// Run scans on every tick until ctx is cancelled.
func (s *Syncer) Run(ctx context.Context) {
	s.RunOnce()
	ticker := time.NewTicker(s.interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			s.RunOnce()
		}
	}
}

// RunOnce performs a single scan of the source directory.
func (s *Syncer) RunOnce() {
	fmt.Printf("[sync] scanning %s\n", s.dir)
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		fmt.Printf("[sync] cannot read %s: %v\n", s.dir, err)
		return
	}

	submitted := 0
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		ext := strings.ToLower(filepath.Ext(name))
		if ext != ".md" && ext != ".txt" {
			continue
		}

		info, err := e.Info()
		if err != nil {
			continue
		}
		if prev, ok := s.seen[name]; ok && !info.ModTime().After(prev) {
			continue
		}

		path := filepath.Join(s.dir, name)
		content, err := os.ReadFile(path)
		if err != nil {
			fmt.Printf("[sync] read %s: %v\n", path, err)
			continue
		}

		job := Job{
			Source:  "file:" + name,
			Title:   strings.TrimSuffix(name, ext),
			Content: string(content),
		}
		if err := s.pool.Submit(job); err != nil {
			continue
		}
		s.seen[name] = info.ModTime()
		submitted++
	}
	s.lastRun = time.Now()
	fmt.Printf("[sync] done: %d files submitted\n", submitted)
}
