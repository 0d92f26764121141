// Command server runs the RAG profile agent API and its ingestion workers.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/profileagent/rag-agent/internal/analytics"
	"github.com/profileagent/rag-agent/internal/api"
	"github.com/profileagent/rag-agent/internal/config"
	"github.com/profileagent/rag-agent/internal/db"
	"github.com/profileagent/rag-agent/internal/ingest"
	"github.com/profileagent/rag-agent/internal/llm"
	"github.com/profileagent/rag-agent/internal/metrics"
	"github.com/profileagent/rag-agent/internal/rag"
	"github.com/profileagent/rag-agent/internal/session"
	"github.com/profileagent/rag-agent/internal/store"
	"github.com/profileagent/rag-agent/internal/worker"
)

func main() {
	cfg, err := config.Load()
	if err != nil {
		fmt.Fprintf(os.Stderr, "config: %v\n", err)
		os.Exit(1)
	}
	setupLogging(cfg)

	ctx := context.Background()

	pool, err := db.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		slog.Error("database unavailable", "err", err)
		os.Exit(1)
	}
	defer pool.Close()

	rdb := session.NewRedis(session.Options{Addr: cfg.RedisAddr, Password: cfg.RedisPass, DB: cfg.RedisDB})
	pingCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	err = rdb.Ping(pingCtx).Err()
	cancel()
	if err != nil {
		slog.Error("redis unavailable", "addr", cfg.RedisAddr, "err", err)
		os.Exit(1)
	}
	defer rdb.Close()

	llmClient := llm.New(llm.Options{
		BaseURL:        cfg.OpenAIBaseURL,
		APIKey:         cfg.OpenAIAPIKey,
		ChatModel:      cfg.ChatModel,
		EmbeddingModel: cfg.EmbeddingModel,
		Timeout:        cfg.LLMTimeout,
		MaxRetries:     cfg.LLMMaxRetries,
		Temperature:    cfg.ChatTemperature,
	})

	documents := store.NewDocumentStore(pool)
	conversations := store.NewConversationStore(pool)
	memory := session.NewMemory(rdb, cfg.SessionTTL, cfg.HistoryWindow)
	retriever := rag.NewRetriever(llmClient, documents, 0.25, 10*time.Minute)
	agent := rag.NewAgent(llmClient, retriever, cfg.RetrievalTopK)

	chunker := ingest.NewChunker(1200, 150, 2000)
	ingestPool := worker.NewPool(documents, llmClient, chunker, cfg.IngestWorkers, cfg.IngestQueueSize)
	ingestPool.Start(ctx)

	syncer := worker.NewSyncer(cfg.SyncSourceDir, cfg.SyncInterval, ingestPool)
	go syncer.Run(ctx)

	router := api.NewRouter(&api.Deps{
		Config:        cfg,
		Pool:          pool,
		Documents:     documents,
		Conversations: conversations,
		Memory:        memory,
		Agent:         agent,
		Retriever:     retriever,
		Ingest:        ingestPool,
		Syncer:        syncer,
		Analytics:     analytics.NewRecorder(pool),
		Metrics:       metrics.NewCollector(),
	})

	slog.Info("http server listening", "addr", cfg.HTTPAddr, "env", cfg.Environment)
	if err := http.ListenAndServe(cfg.HTTPAddr, router); err != nil {
		slog.Error("http server stopped", "err", err)
		os.Exit(1)
	}
}

func setupLogging(cfg *config.Config) {
	var level slog.Level
	switch strings.ToLower(cfg.LogLevel) {
	case "debug":
		level = slog.LevelDebug
	case "warn", "warning":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}

	var handler slog.Handler
	if cfg.IsProduction() {
		handler = slog.NewJSONHandler(os.Stdout, opts)
	} else {
		handler = slog.NewTextHandler(os.Stdout, opts)
	}
	slog.SetDefault(slog.New(handler))
}
