// Command server runs the conversation gateway: a WebSocket chat front end
// that streams replies from an LLM provider and stores conversations in
// MongoDB.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/northwind-labs/convo-gateway/internal/auth"
	"github.com/northwind-labs/convo-gateway/internal/config"
	"github.com/northwind-labs/convo-gateway/internal/httpapi"
	"github.com/northwind-labs/convo-gateway/internal/llm"
	"github.com/northwind-labs/convo-gateway/internal/metrics"
	"github.com/northwind-labs/convo-gateway/internal/ratelimit"
	"github.com/northwind-labs/convo-gateway/internal/session"
	"github.com/northwind-labs/convo-gateway/internal/store"
	"github.com/northwind-labs/convo-gateway/internal/ws"
)

func main() {
	healthcheck := flag.Bool("healthcheck", false, "probe the local /healthz endpoint and exit (for container HEALTHCHECK)")
	flag.Parse()
	if *healthcheck {
		os.Exit(probe())
	}
	if err := run(); err != nil {
		slog.Error("gateway exited with error", "error", err)
		os.Exit(1)
	}
}

// probe is used by the distroless image, which has no shell or curl.
func probe() int {
	addr := os.Getenv("HTTP_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	if strings.HasPrefix(addr, ":") {
		addr = "127.0.0.1" + addr
	}
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + addr + "/healthz")
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "healthcheck: status", resp.StatusCode)
		return 1
	}
	return 0
}

func run() error {
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}

	log := newLogger(cfg.LogLevel)
	slog.SetDefault(log)
	log.Info("starting convo-gateway", "env", cfg.Env, "addr", cfg.HTTPAddr, "model", cfg.LLMModel)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	startCtx, startCancel := context.WithTimeout(ctx, cfg.MongoConnectTimeout+30*time.Second)
	db, err := store.Connect(startCtx, cfg)
	if err != nil {
		startCancel()
		return err
	}
	if err := db.EnsureIndexes(startCtx); err != nil {
		startCancel()
		return errors.Join(err, closeStore(db))
	}
	startCancel()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := metrics.Register(reg); err != nil {
		return errors.Join(fmt.Errorf("register metrics: %w", err), closeStore(db))
	}

	passwords, err := auth.NewPasswordChecker(cfg.BcryptCost)
	if err != nil {
		return errors.Join(err, closeStore(db))
	}
	issuer := auth.NewIssuer(cfg.JWTSecret, cfg.JWTIssuer, cfg.JWTAudience, cfg.AccessTTL)

	limiters := map[string]*ratelimit.Limiter{
		"api":        ratelimit.New("api", cfg.APIRateLimit, cfg.APIRateWindow, cfg.RateLimitMaxKeys),
		"login_ip":   ratelimit.New("login_ip", cfg.LoginRateLimit, cfg.LoginRateWindow, cfg.RateLimitMaxKeys),
		"login_user": ratelimit.New("login_user", cfg.LoginRateLimit, cfg.LoginRateWindow, cfg.RateLimitMaxKeys),
		"admin":      ratelimit.New("admin", cfg.AdminRateLimit, cfg.AdminRateWindow, cfg.RateLimitMaxKeys),
		"ws_message": ratelimit.New("ws_message", cfg.WSMessagesPerMinute, time.Minute, cfg.RateLimitMaxKeys),
	}

	sessions := session.NewManager(cfg.SessionTTL, cfg.MaxActiveSessions, log,
		func(_ context.Context, id string, endedAt time.Time) {
			log.Debug("session released from memory", "session_id", id, "idle_since", endedAt)
		})
	tickets := ws.NewTicketStore(cfg.WSTicketTTL, cfg.WSMaxConnections, cfg.WSMaxConnsPerUser)
	hub := ws.NewHub(cfg.WSMaxConnections, cfg.WSMaxConnsPerUser)
	origins := ws.NewOriginPolicy(cfg.AllowedOrigins)
	stats := &metrics.ResponseTimes{}

	llmClient := llm.New(llm.Options{
		BaseURL:        cfg.LLMBaseURL,
		APIKey:         cfg.LLMAPIKey,
		Model:          cfg.LLMModel,
		MaxTokens:      cfg.LLMMaxTokens,
		ConnectTimeout: cfg.LLMConnectTimeout,
		HeaderTimeout:  cfg.LLMHeaderTimeout,
		StreamTimeout:  cfg.LLMStreamTimeout,
		IdleTimeout:    cfg.LLMIdleChunkTimeout,
		MaxRetries:     cfg.LLMMaxRetries,
		MaxConcurrency: cfg.LLMMaxConcurrency,
	}, log.With("component", "llm"))

	// connCtx is the parent of every WebSocket connection. It is cancelled
	// only after the hub has had its chance to close them gracefully.
	connCtx, connCancel := context.WithCancel(context.Background())
	defer connCancel()
	wsHandler := ws.NewHandler(connCtx, ws.Config{
		MaxMessageBytes: cfg.WSMaxMessageBytes,
		MaxContentChars: cfg.WSMaxContentChars,
		PingInterval:    cfg.WSPingInterval,
		PongWait:        cfg.WSPongWait,
		WriteWait:       cfg.WSWriteWait,
		SendBuffer:      cfg.WSSendBuffer,
		HistoryMessages: cfg.LLMHistoryMessages,
		PersistTimeout:  cfg.MongoOpTimeout * time.Duration(cfg.MongoRetryAttempts+1),
		DBTimeout:       cfg.MongoOpTimeout * time.Duration(cfg.MongoRetryAttempts+1),
	}, ws.Deps{
		Log: log.With("component", "ws"), Hub: hub, Tickets: tickets, Sessions: sessions,
		Store: db, LLM: llmClient, Limiter: limiters["ws_message"], Stats: stats, Origins: origins,
	})

	ips, err := httpapi.NewIPResolver(cfg.TrustedProxies)
	if err != nil {
		return errors.Join(err, closeStore(db))
	}
	var draining atomic.Bool
	api := &httpapi.API{
		Cfg: cfg, Log: log, Store: db, DB: db, Issuer: issuer,
		AuthMW: auth.NewMiddleware(issuer, log.With("component", "auth")), Passwords: passwords,
		Tickets: tickets, Hub: hub, Sessions: sessions, Stats: stats, Origins: origins, IPs: ips, WS: wsHandler,
		APILimiter: limiters["api"], LoginIPLimiter: limiters["login_ip"],
		LoginUserLimiter: limiters["login_user"], AdminLimiter: limiters["admin"],
		Draining: &draining, Started: time.Now(),
	}

	// Background sweepers stop when bgCtx is cancelled during shutdown.
	bgCtx, bgCancel := context.WithCancel(context.Background())
	var bg sync.WaitGroup
	goBackground := func(name string, fn func(context.Context)) {
		bg.Add(1)
		go func() {
			defer bg.Done()
			defer func() {
				if p := recover(); p != nil {
					log.Error("background worker panicked", "worker", name, "panic", p)
				}
			}()
			fn(bgCtx)
		}()
	}
	for name, l := range limiters {
		goBackground("ratelimit_"+name, func(ctx context.Context) {
			l.Run(ctx, cfg.RateLimitCleanupInterval, log)
		})
	}
	goBackground("session_cleanup", func(ctx context.Context) { sessions.Run(ctx, cfg.SessionCleanupInterval) })
	goBackground("ticket_cleanup", func(ctx context.Context) { tickets.Run(ctx, cfg.WSTicketTTL) })

	srv := &http.Server{
		Addr:              cfg.HTTPAddr,
		Handler:           api.Routes(),
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	metricsMux := http.NewServeMux()
	metricsMux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Timeout: 10 * time.Second}))
	metricsSrv := &http.Server{
		Addr:              cfg.MetricsAddr,
		Handler:           metricsMux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
	}

	serveErr := make(chan error, 2)
	for _, s := range []*http.Server{srv, metricsSrv} {
		go func() {
			log.Info("listening", "addr", s.Addr)
			if err := s.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				serveErr <- fmt.Errorf("listen on %s: %w", s.Addr, err)
			}
		}()
	}

	var runErr error
	select {
	case <-ctx.Done():
		log.Info("shutdown signal received")
	case runErr = <-serveErr:
		log.Error("server failed", "error", runErr)
	}
	stop() // a second signal now terminates immediately

	shutdown(log, cfg, runErr == nil, shutdownParts{
		draining: &draining, srv: srv, metricsSrv: metricsSrv, hub: hub, wsHandler: wsHandler,
		connCancel: connCancel, bgCancel: bgCancel, bg: &bg, db: db,
	})
	return runErr
}

type shutdownParts struct {
	draining   *atomic.Bool
	srv        *http.Server
	metricsSrv *http.Server
	hub        *ws.Hub
	wsHandler  *ws.Handler
	connCancel context.CancelFunc
	bgCancel   context.CancelFunc
	bg         *sync.WaitGroup
	db         *store.Store
}

// shutdown drains traffic in order: fail readiness, give the load balancer
// time to notice, stop accepting requests, close WebSockets, wait for
// in-flight replies to be saved, stop workers, then close the database.
// Every step shares one deadline.
func shutdown(log *slog.Logger, cfg *config.Config, drain bool, p shutdownParts) {
	p.draining.Store(true)
	if drain && cfg.DrainDelay > 0 {
		p.srv.SetKeepAlivesEnabled(false)
		time.Sleep(cfg.DrainDelay)
	}

	ctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout-cfg.DrainDelay)
	defer cancel()

	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := p.srv.Shutdown(ctx); err != nil {
			log.Warn("http shutdown incomplete", "error", err)
		}
	}()
	go func() {
		defer wg.Done()
		if err := p.hub.Shutdown(ctx); err != nil {
			log.Warn("websocket shutdown incomplete", "error", err)
		}
	}()
	wg.Wait()

	if err := p.wsHandler.Wait(ctx); err != nil {
		log.Warn("timed out waiting for websocket handlers", "error", err)
	}
	p.connCancel()

	p.bgCancel()
	p.bg.Wait()

	if err := p.metricsSrv.Shutdown(ctx); err != nil {
		log.Warn("metrics server shutdown incomplete", "error", err)
	}

	dbCtx, dbCancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer dbCancel()
	if err := p.db.Close(dbCtx); err != nil {
		log.Warn("mongo disconnect", "error", err)
	}
	log.Info("shutdown complete")
}

func closeStore(db *store.Store) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return db.Close(ctx)
}

func newLogger(level string) *slog.Logger {
	var lv slog.Level
	switch strings.ToLower(level) {
	case "debug":
		lv = slog.LevelDebug
	case "warn":
		lv = slog.LevelWarn
	case "error":
		lv = slog.LevelError
	default:
		lv = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: lv})).With("service", "convo-gateway")
}
