package main

import (
	"log"
	"net/http"
	"time"

	"github.com/exai-labs/exai-daemon/internal/config"
	"github.com/exai-labs/exai-daemon/internal/dispatch"
	"github.com/exai-labs/exai-daemon/internal/providers"
	"github.com/exai-labs/exai-daemon/internal/server"
	"github.com/exai-labs/exai-daemon/internal/storage"
)

var version = "dev"

func main() {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	cfg := config.Load()
	log.Printf("exai daemon %s starting (max_concurrent=%d per_provider=%d tool_timeout=%s)",
		version, cfg.MaxConcurrent, cfg.MaxPerProvider, cfg.ToolTimeout)

	store := storage.Conversations()
	reg := providers.NewRegistry(cfg)
	go reg.DetectAll()

	disp := dispatch.New(cfg, reg, store)
	sessions := server.NewSessionManager()
	ws := server.NewWSServer(cfg, disp, sessions, reg, store)

	healthSrv := &http.Server{
		Addr:              cfg.HealthAddr,
		Handler:           server.HealthMux(cfg, disp, sessions, reg),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
	}
	go func() {
		log.Printf("health/metrics listening on %s", cfg.HealthAddr)
		if err := healthSrv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
			log.Fatalf("health server: %v", err)
		}
	}()

	go func() {
		for range time.Tick(time.Minute) {
			sessions.Broadcast(server.ProviderStatus(reg))
		}
	}()

	mux := http.NewServeMux()
	mux.Handle("/ws", ws)
	srv := &http.Server{Addr: cfg.ListenAddr, Handler: mux}

	log.Printf("websocket daemon listening on %s", cfg.ListenAddr)
	if err := srv.ListenAndServe(); err != nil {
		log.Fatalf("websocket server: %v", err)
	}
}
