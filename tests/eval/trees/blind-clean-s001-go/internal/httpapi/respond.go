package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/northwind-labs/convo-gateway/internal/ratelimit"
)

type errorBody struct {
	Error     string `json:"error"`
	RequestID string `json:"request_id,omitempty"`
}

func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		// The status line is already sent; all we can do is record it.
		loggerFrom(r.Context()).Warn("write response body", "error", err)
	}
}

func writeError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	writeJSON(w, r, status, errorBody{Error: msg, RequestID: requestIDFrom(r.Context())})
}

// internalError logs err with the request's context and returns a generic
// message, so storage or provider details never reach the client.
func internalError(w http.ResponseWriter, r *http.Request, msg string, err error) {
	loggerFrom(r.Context()).Error(msg, "error", err)
	writeError(w, r, http.StatusInternalServerError, "internal error")
}

func tooManyRequests(w http.ResponseWriter, r *http.Request, retry int) {
	w.Header().Set("Retry-After", strconv.Itoa(retry))
	writeError(w, r, http.StatusTooManyRequests, "rate limit exceeded")
}

func limited(w http.ResponseWriter, r *http.Request, l *ratelimit.Limiter, key string) bool {
	ok, retry := l.Allow(key)
	if !ok {
		tooManyRequests(w, r, ratelimit.RetryAfterSeconds(retry))
	}
	return !ok
}

// decodeJSON reads exactly one JSON object of at most maxBytes into dst,
// rejecting unknown fields.
func decodeJSON(w http.ResponseWriter, r *http.Request, maxBytes int64, dst any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return fmt.Errorf("request body exceeds %d bytes", mbe.Limit)
		case errors.Is(err, io.EOF):
			return errors.New("request body is empty")
		default:
			return errors.New("request body is not valid JSON for this endpoint")
		}
	}
	if dec.More() {
		return errors.New("request body must contain a single JSON object")
	}
	return nil
}

func loggerFrom(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}
