package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/macrolens/econ-api/internal/cache"
	"github.com/macrolens/econ-api/internal/store"
)

type ctxKey int

const ctxKeyOwner ctxKey = iota

// requestLogger logs each incoming request.
func requestLogger(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			logger.Info("request", "method", r.Method, "path", r.URL.Path)
			next.ServeHTTP(w, r)
		})
	}
}

// apiKeyAuth validates X-API-Key against HMAC-hashed keys in the database.
// Positive lookups are cached briefly so every request does not hit Postgres.
type apiKeyAuth struct {
	store  *store.Store
	secret []byte
	known  *cache.LRU[string, string]
	logger *slog.Logger
}

func newAPIKeyAuth(st *store.Store, secret string, logger *slog.Logger) *apiKeyAuth {
	return &apiKeyAuth{
		store:  st,
		secret: []byte(secret),
		known:  cache.NewLRU[string, string](1024, 5*time.Minute),
		logger: logger,
	}
}

func (a *apiKeyAuth) hash(key string) []byte {
	m := hmac.New(sha256.New, a.secret)
	m.Write([]byte(key))
	return m.Sum(nil)
}

func (a *apiKeyAuth) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("X-API-Key")
		if key == "" || len(key) > 128 {
			writeError(w, http.StatusUnauthorized, "missing or malformed API key")
			return
		}

		h := a.hash(key)
		cacheKey := string(h)
		owner, ok := a.known.Get(cacheKey)
		if !ok {
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
			defer cancel()
			var err error
			owner, err = a.store.APIKeyOwner(ctx, h)
			if errors.Is(err, store.ErrNotFound) {
				writeError(w, http.StatusUnauthorized, "invalid API key")
				return
			}
			if err != nil {
				a.logger.Error("api key lookup failed", "path", r.URL.Path, "err", err)
				writeError(w, http.StatusServiceUnavailable, "authentication unavailable")
				return
			}
			a.known.Add(cacheKey, owner)
		}

		ctx := context.WithValue(r.Context(), ctxKeyOwner, owner)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// requireAdmin guards operator endpoints with a static bearer token.
func requireAdmin(token string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer "+token {
				writeError(w, http.StatusUnauthorized, "admin token required")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// ipRateLimiter applies a token bucket per client address.
type ipRateLimiter struct {
	mu      sync.Mutex
	perMin  int
	burst   int
	clients map[string]*rate.Limiter
}

func newIPRateLimiter(perMinute, burst int) *ipRateLimiter {
	return &ipRateLimiter{perMin: perMinute, burst: burst, clients: make(map[string]*rate.Limiter)}
}

func (l *ipRateLimiter) get(addr string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.clients[addr]
	if !ok {
		lim = rate.NewLimiter(rate.Limit(float64(l.perMin)/60), l.burst)
		l.clients[addr] = lim
	}
	return lim
}

func (l *ipRateLimiter) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.get(r.RemoteAddr).Allow() {
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusTooManyRequests, "rate limit exceeded")
			return
		}
		next.ServeHTTP(w, r)
	})
}
