// Package llm is a streaming client for an OpenAI-compatible chat
// completions API.
package llm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/northwind-labs/convo-gateway/internal/metrics"
)

var (
	ErrBusy        = errors.New("llm: too many concurrent requests")
	ErrIdleTimeout = errors.New("llm: stream stalled")
	ErrTimeout     = errors.New("llm: stream exceeded time limit")
)

// maxLineBytes bounds a single SSE line; provider chunks are a few hundred
// bytes, so anything near this is malformed.
const maxLineBytes = 1 << 20

// StatusError is a non-2xx response from the provider.
type StatusError struct {
	Code int
	Body string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("llm: provider returned %d: %s", e.Code, e.Body)
}

type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type Options struct {
	BaseURL        string
	APIKey         string
	Model          string
	MaxTokens      int
	ConnectTimeout time.Duration
	HeaderTimeout  time.Duration
	StreamTimeout  time.Duration
	IdleTimeout    time.Duration
	MaxRetries     int
	MaxConcurrency int
}

type Client struct {
	opts Options
	http *http.Client
	sem  chan struct{}
	log  *slog.Logger
}

func New(opts Options, log *slog.Logger) *Client {
	transport := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   opts.ConnectTimeout,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		TLSHandshakeTimeout:   opts.ConnectTimeout,
		ResponseHeaderTimeout: opts.HeaderTimeout,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   opts.MaxConcurrency,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &Client{
		opts: opts,
		// No Client.Timeout: it would cut off long streams. Every request
		// carries a context deadline (StreamTimeout) and an idle watchdog
		// instead, and the transport bounds connect and header time.
		http: &http.Client{Transport: transport},
		sem:  make(chan struct{}, opts.MaxConcurrency),
		log:  log,
	}
}

type chatRequest struct {
	Model     string    `json:"model"`
	Messages  []Message `json:"messages"`
	MaxTokens int       `json:"max_tokens"`
	Stream    bool      `json:"stream"`
	User      string    `json:"user,omitempty"`
}

type chunk struct {
	Choices []struct {
		Delta struct {
			Content string `json:"content"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
}

// Result summarises a completed stream.
type Result struct {
	Text         string
	FinishReason string
	FirstToken   time.Duration
	Total        time.Duration
}

// Stream sends the conversation and calls onDelta for every content
// fragment. onDelta runs on the caller's goroutine; returning an error
// aborts the stream. userRef is an opaque per-user identifier forwarded to
// the provider for abuse tracking.
func (c *Client) Stream(ctx context.Context, userRef string, msgs []Message, onDelta func(string) error) (Result, error) {
	select {
	case c.sem <- struct{}{}:
		defer func() { <-c.sem }()
	default:
		metrics.LLMRequests.WithLabelValues("busy").Inc()
		return Result{}, ErrBusy
	}

	start := time.Now()
	ctx, cancel := context.WithTimeoutCause(ctx, c.opts.StreamTimeout, ErrTimeout)
	defer cancel()

	body, err := json.Marshal(chatRequest{
		Model: c.opts.Model, Messages: msgs, MaxTokens: c.opts.MaxTokens, Stream: true, User: userRef,
	})
	if err != nil {
		return Result{}, fmt.Errorf("llm: encode request: %w", err)
	}

	resp, err := c.open(ctx, body)
	if err != nil {
		metrics.LLMRequests.WithLabelValues(outcome(err)).Inc()
		return Result{}, err
	}
	defer resp.Body.Close()

	res, err := c.read(ctx, cancel, resp.Body, onDelta, start)
	res.Total = time.Since(start)
	metrics.LLMRequests.WithLabelValues(outcome(err)).Inc()
	return res, err
}

// open performs the request, retrying connection errors, 429 and 5xx
// responses. Nothing has been delivered to the caller yet, so a retry is
// invisible to them.
func (c *Client) open(ctx context.Context, body []byte) (*http.Response, error) {
	var lastErr error
	for attempt := 0; attempt <= c.opts.MaxRetries; attempt++ {
		if attempt > 0 {
			metrics.LLMRetries.Inc()
			if err := wait(ctx, backoff(attempt, lastErr)); err != nil {
				return nil, errors.Join(lastErr, cause(ctx, err))
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost,
			strings.TrimRight(c.opts.BaseURL, "/")+"/chat/completions", bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("llm: build request: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+c.opts.APIKey)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "text/event-stream")

		resp, err := c.http.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, cause(ctx, err)
			}
			lastErr = fmt.Errorf("llm: request: %w", err)
			c.log.Warn("llm request failed", "attempt", attempt+1, "error", err)
			continue
		}
		if resp.StatusCode == http.StatusOK {
			return resp, nil
		}

		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		resp.Body.Close()
		se := &StatusError{Code: resp.StatusCode, Body: strings.TrimSpace(string(snippet))}
		if !retryableStatus(resp.StatusCode) {
			return nil, se
		}
		lastErr = &retryAfterError{StatusError: se, after: parseRetryAfter(resp.Header.Get("Retry-After"))}
		c.log.Warn("llm provider returned retryable status", "attempt", attempt+1, "status", resp.StatusCode)
	}
	return nil, lastErr
}

func (c *Client) read(ctx context.Context, cancel context.CancelFunc, r io.Reader, onDelta func(string) error, start time.Time) (Result, error) {
	var (
		res     Result
		text    strings.Builder
		stalled atomic.Bool
	)
	watchdog := time.AfterFunc(c.opts.IdleTimeout, func() {
		stalled.Store(true)
		cancel()
	})
	defer watchdog.Stop()

	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 16<<10), maxLineBytes)
	for sc.Scan() {
		watchdog.Reset(c.opts.IdleTimeout)
		line := sc.Bytes()
		if !bytes.HasPrefix(line, []byte("data:")) {
			continue // comments, event names and keep-alive blank lines
		}
		data := bytes.TrimSpace(line[len("data:"):])
		if bytes.Equal(data, []byte("[DONE]")) {
			res.Text = text.String()
			return res, nil
		}
		var ch chunk
		if err := json.Unmarshal(data, &ch); err != nil {
			return res, fmt.Errorf("llm: decode chunk: %w", err)
		}
		for _, choice := range ch.Choices {
			if choice.FinishReason != nil {
				res.FinishReason = *choice.FinishReason
			}
			if choice.Delta.Content == "" {
				continue
			}
			if res.FirstToken == 0 {
				res.FirstToken = time.Since(start)
				metrics.LLMFirstToken.Observe(res.FirstToken.Seconds())
			}
			text.WriteString(choice.Delta.Content)
			if err := onDelta(choice.Delta.Content); err != nil {
				res.Text = text.String()
				return res, err
			}
		}
	}
	res.Text = text.String()
	if stalled.Load() {
		return res, ErrIdleTimeout
	}
	if err := sc.Err(); err != nil {
		return res, cause(ctx, err)
	}
	if ctx.Err() != nil {
		return res, cause(ctx, ctx.Err())
	}
	return res, io.ErrUnexpectedEOF
}

type retryAfterError struct {
	*StatusError
	after time.Duration
}

func (e *retryAfterError) Unwrap() error { return e.StatusError }

func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusBadGateway ||
		code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout ||
		code == http.StatusInternalServerError
}

func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}

const (
	baseBackoff = 250 * time.Millisecond
	maxBackoff  = 8 * time.Second
)

func backoff(attempt int, lastErr error) time.Duration {
	var ra *retryAfterError
	if errors.As(lastErr, &ra) && ra.after > 0 {
		return min(ra.after, maxBackoff)
	}
	d := min(baseBackoff<<(attempt-1), maxBackoff)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// cause prefers the context's cancellation cause (for example ErrTimeout)
// over the generic error the transport reports.
func cause(ctx context.Context, err error) error {
	if c := context.Cause(ctx); c != nil && !errors.Is(err, c) {
		return fmt.Errorf("%w: %v", c, err)
	}
	return err
}

func outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrBusy):
		return "busy"
	case errors.Is(err, ErrTimeout), errors.Is(err, ErrIdleTimeout):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	default:
		return "error"
	}
}
