package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/lumen-tutor/gateway/internal/admin"
	"github.com/lumen-tutor/gateway/internal/auth"
	"github.com/lumen-tutor/gateway/internal/config"
	"github.com/lumen-tutor/gateway/internal/httpx"
	"github.com/lumen-tutor/gateway/internal/llm"
	"github.com/lumen-tutor/gateway/internal/metrics"
	"github.com/lumen-tutor/gateway/internal/ratelimit"
	"github.com/lumen-tutor/gateway/internal/session"
	"github.com/lumen-tutor/gateway/internal/store"
	"github.com/lumen-tutor/gateway/internal/ws"
)

func main() {
	cfg, err := config.Load()
	if err != nil {
		log.Fatalf("load config: %v", err)
	}
	log.Printf("starting gateway with config: %+v", cfg)

	st, err := store.Connect(cfg.MongoURI, cfg.MongoDatabase)
	if err != nil {
		log.Fatalf("connect mongo: %v", err)
	}

	stats := metrics.NewStats()
	sessions := session.NewManager()
	llmClient := llm.NewClient(cfg.LLMBaseURL, cfg.LLMAPIKey, cfg.LLMModel)
	jwtSvc := auth.NewJWT(cfg.JWTSecret, cfg.JWTTTL)

	origins := ws.NewOriginChecker(cfg.AllowedOrigins)
	hub := ws.NewHub()

	loginLimiter := ratelimit.New(cfg.LoginRateLimit, time.Minute)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("ok"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := st.Ping(r.Context()); err != nil {
			log.Printf("readiness: mongo ping failed: %v", err)
			http.Error(w, "mongo unavailable", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})

	authHandlers := auth.NewHandlers(st, jwtSvc)
	mux.Handle("POST /api/login", loginLimiter.Middleware(http.HandlerFunc(authHandlers.Login)))

	wsHandler := ws.NewHandler(hub, origins, sessions, llmClient, st, stats, jwtSvc)
	mux.Handle("GET /ws", wsHandler)

	adminHandlers := admin.NewHandlers(sessions, stats, origins, hub)
	mux.Handle("/admin/", jwtSvc.RequireRole("admin", adminHandlers.Routes()))

	srv := &http.Server{
		Addr:    ":" + cfg.Port,
		Handler: httpx.CORS(mux),
	}

	go func() {
		log.Printf("listening on %s", srv.Addr)
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatalf("http server: %v", err)
		}
	}()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	log.Println("shutting down")

	ctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()

	if err := srv.Shutdown(ctx); err != nil {
		log.Printf("http shutdown: %v", err)
	}
	hub.Shutdown(ctx)
	if err := st.Close(ctx); err != nil {
		log.Printf("mongo disconnect: %v", err)
	}
	log.Println("shutdown complete")
}
