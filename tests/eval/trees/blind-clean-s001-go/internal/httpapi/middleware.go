package httpapi

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/northwind-labs/convo-gateway/internal/auth"
	"github.com/northwind-labs/convo-gateway/internal/metrics"
	"github.com/northwind-labs/convo-gateway/internal/ratelimit"
	"github.com/northwind-labs/convo-gateway/internal/ws"
)

type (
	loggerKey    struct{}
	requestIDKey struct{}
	clientIPKey  struct{}
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func clientIPFrom(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}

// statusRecorder captures the status code for logs and metrics. It forwards
// Flush and Hijack so streaming and WebSocket upgrades keep working behind it.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := s.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("response writer does not support hijacking")
	}
	if s.status == 0 {
		s.status = http.StatusSwitchingProtocols
	}
	return h.Hijack()
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// IPResolver finds the client address, trusting X-Forwarded-For only when
// the direct peer is a configured proxy.
type IPResolver struct {
	trusted []netip.Prefix
}

func NewIPResolver(proxies []string) (*IPResolver, error) {
	r := &IPResolver{}
	for _, p := range proxies {
		if pfx, err := netip.ParsePrefix(p); err == nil {
			r.trusted = append(r.trusted, pfx.Masked())
			continue
		}
		addr, err := netip.ParseAddr(p)
		if err != nil {
			return nil, fmt.Errorf("TRUSTED_PROXIES entry %q is not an IP or CIDR", p)
		}
		r.trusted = append(r.trusted, netip.PrefixFrom(addr, addr.BitLen()))
	}
	return r, nil
}

func (ir *IPResolver) isTrusted(a netip.Addr) bool {
	for _, p := range ir.trusted {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// Resolve walks X-Forwarded-For from the right and returns the first hop
// that is not a trusted proxy.
func (ir *IPResolver) Resolve(r *http.Request) string {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	addr := peer.Addr().Unmap()
	if !ir.isTrusted(addr) {
		return addr.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		hop = hop.Unmap()
		if !ir.isTrusted(hop) {
			return hop.String()
		}
		addr = hop
	}
	return addr.String()
}

// Observe assigns a request ID, resolves the client IP, logs one line per
// request and recovers panics. Only the path is logged: query strings can
// carry WebSocket tickets.
func Observe(base *slog.Logger, ips *IPResolver) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			id := r.Header.Get("X-Request-ID")
			if !requestIDPattern.MatchString(id) {
				b := make([]byte, 12)
				_, _ = rand.Read(b)
				id = hex.EncodeToString(b)
			}
			ip := ips.Resolve(r)
			log := base.With("request_id", id)
			ctx := context.WithValue(r.Context(), requestIDKey{}, id)
			ctx = context.WithValue(ctx, loggerKey{}, log)
			ctx = context.WithValue(ctx, clientIPKey{}, ip)
			w.Header().Set("X-Request-ID", id)

			rec := &statusRecorder{ResponseWriter: w}
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					log.Error("panic serving request", "panic", p, "path", r.URL.Path, "stack", string(debug.Stack()))
					if rec.status == 0 {
						writeError(rec, r.WithContext(ctx), http.StatusInternalServerError, "internal error")
					}
				}
				level := slog.LevelInfo
				switch {
				case rec.status >= 500:
					level = slog.LevelError
				case r.URL.Path == "/healthz" || r.URL.Path == "/readyz":
					level = slog.LevelDebug
				}
				log.Log(ctx, level, "http request",
					"method", r.Method, "path", r.URL.Path, "status", rec.status,
					"bytes", rec.bytes, "duration_ms", time.Since(start).Milliseconds(),
					"client_ip", ip, "user_agent", r.UserAgent())
			}()
			next.ServeHTTP(rec, r.WithContext(ctx))
		})
	}
}

// Instrument records Prometheus metrics under the route pattern rather than
// the raw path, which keeps label cardinality fixed.
func Instrument(route string, next http.Handler) http.Handler {
	method, _, _ := strings.Cut(route, " ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		code := rec.status
		if code == 0 {
			code = http.StatusOK
		}
		metrics.HTTPRequests.WithLabelValues(route, method, strconv.Itoa(code/100)+"xx").Inc()
		metrics.HTTPDuration.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
	})
}

// CORS answers preflights and sets response headers for allow-listed
// origins only. Auth uses bearer tokens, not cookies, so credentials are
// never allowed.
func CORS(origins *ws.OriginPolicy) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			w.Header().Add("Vary", "Origin")
			if origin == "" {
				next.ServeHTTP(w, r)
				return
			}
			allowed := origins.Allowed(origin)
			preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
			if preflight {
				w.Header().Add("Vary", "Access-Control-Request-Method")
				w.Header().Add("Vary", "Access-Control-Request-Headers")
				if !allowed {
					w.WriteHeader(http.StatusForbidden)
					return
				}
				h := w.Header()
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-ID")
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
			if allowed {
				w.Header().Set("Access-Control-Allow-Origin", origin)
				w.Header().Set("Access-Control-Expose-Headers", "X-Request-ID, Retry-After")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// SecureHeaders sets headers appropriate for a JSON API.
func SecureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		next.ServeHTTP(w, r)
	})
}

// RateLimitByIP limits unauthenticated endpoints per client address.
func RateLimitByIP(l *ratelimit.Limiter) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if limited(w, r, l, "ip:"+clientIPFrom(r.Context())) {
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// RateLimitByUser limits authenticated endpoints per user. It must run
// after the auth middleware.
func RateLimitByUser(l *ratelimit.Limiter) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, ok := auth.FromContext(r.Context())
			if !ok {
				writeError(w, r, http.StatusUnauthorized, "unauthenticated")
				return
			}
			if limited(w, r, l, "user:"+p.UserID) {
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
