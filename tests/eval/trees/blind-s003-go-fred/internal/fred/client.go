package fred

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/time/rate"

	"github.com/macrolens/econ-api/internal/config"
)

// Client talks to the FRED REST API. The limiter is shared across clients so
// the process as a whole stays under FRED's per-key request budget.
type Client struct {
	apiKey     string
	baseURL    string
	maxRetries int
	http       *http.Client
	limiter    *rate.Limiter
	logger     *slog.Logger
}

// NewClient builds a client with its own connection pool.
func NewClient(cfg config.FREDConfig, limiter *rate.Limiter, logger *slog.Logger) *Client {
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		MaxIdleConns:          20,
		MaxIdleConnsPerHost:   10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &Client{
		apiKey:     cfg.APIKey,
		baseURL:    cfg.BaseURL,
		maxRetries: cfg.MaxRetries,
		http:       &http.Client{Timeout: cfg.Timeout, Transport: transport},
		limiter:    limiter,
		logger:     logger.With("component", "fred"),
	}
}

// Close releases idle connections held by the client's transport.
func (c *Client) Close() {
	c.http.CloseIdleConnections()
}

// Series returns metadata for one series.
func (c *Client) Series(ctx context.Context, seriesID string) (SeriesInfo, error) {
	var resp seriesResponse
	if err := c.get(ctx, "/series", url.Values{"series_id": {seriesID}}, &resp); err != nil {
		return SeriesInfo{}, err
	}
	if len(resp.Series) == 0 {
		return SeriesInfo{}, fmt.Errorf("fred: series %s not found", seriesID)
	}
	return resp.Series[0], nil
}

// Observations returns observations between start and end inclusive. Zero
// times leave the corresponding bound open.
func (c *Client) Observations(ctx context.Context, seriesID string, start, end time.Time) ([]Observation, error) {
	params := url.Values{"series_id": {seriesID}, "sort_order": {"asc"}}
	if !start.IsZero() {
		params.Set("observation_start", start.Format("2006-01-02"))
	}
	if !end.IsZero() {
		params.Set("observation_end", end.Format("2006-01-02"))
	}
	var resp observationsResponse
	if err := c.get(ctx, "/series/observations", params, &resp); err != nil {
		return nil, err
	}
	return parseObservations(resp.Observations)
}

// Latest returns the most recent non-missing observation.
func (c *Client) Latest(ctx context.Context, seriesID string) (Observation, error) {
	params := url.Values{"series_id": {seriesID}, "sort_order": {"desc"}, "limit": {"10"}}
	var resp observationsResponse
	if err := c.get(ctx, "/series/observations", params, &resp); err != nil {
		return Observation{}, err
	}
	obs, err := parseObservations(resp.Observations)
	if err != nil {
		return Observation{}, err
	}
	for _, o := range obs {
		if o.Value != nil {
			return o, nil
		}
	}
	return Observation{}, fmt.Errorf("fred: no recent values for %s", seriesID)
}

// Search runs a full-text series search.
func (c *Client) Search(ctx context.Context, text string, limit int) ([]SeriesInfo, error) {
	params := url.Values{
		"search_text": {text},
		"limit":       {fmt.Sprint(limit)},
		"order_by":    {"popularity"},
		"sort_order":  {"desc"},
	}
	var resp searchResponse
	if err := c.get(ctx, "/series/search", params, &resp); err != nil {
		return nil, err
	}
	return resp.Series, nil
}

func (c *Client) get(ctx context.Context, path string, params url.Values, out any) error {
	params.Set("api_key", c.apiKey)
	params.Set("file_type", "json")
	endpoint := c.baseURL + path + "?" + params.Encode()

	var lastErr error
	for attempt := 0; attempt <= c.maxRetries; attempt++ {
		if err := c.limiter.Wait(ctx); err != nil {
			return fmt.Errorf("fred rate limiter: %w", err)
		}

		req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
		if err != nil {
			return fmt.Errorf("build fred request: %w", err)
		}
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", "macrolens-api/2.3")

		c.logger.Debug("fred request", "url", endpoint, "attempt", attempt)
		start := time.Now()
		resp, err := c.http.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			lastErr = fmt.Errorf("fred %s: %w", path, err)
			c.logger.Warn("fred request failed", "path", path, "attempt", attempt, "err", err)
			time.Sleep(backoff(attempt))
			continue
		}

		if resp.StatusCode != http.StatusOK {
			apiErr := &APIError{StatusCode: resp.StatusCode}
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			_ = json.Unmarshal(body, apiErr)
			lastErr = apiErr
			c.logger.Warn("fred non-200", "path", path, "status", resp.StatusCode, "attempt", attempt)
			time.Sleep(backoff(attempt))
			continue
		}

		err = json.NewDecoder(resp.Body).Decode(out)
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("decode fred %s: %w", path, err)
		}
		c.logger.Debug("fred response", "path", path, "duration_ms", time.Since(start).Milliseconds())
		return nil
	}
	return lastErr
}

func backoff(attempt int) time.Duration {
	base := 500 * time.Millisecond << attempt
	if base > 8*time.Second {
		base = 8 * time.Second
	}
	jitter := time.Duration(rand.Int63n(int64(base / 2)))
	return base/2 + jitter
}

func parseObservations(raw []rawObservation) ([]Observation, error) {
	out := make([]Observation, 0, len(raw))
	for _, r := range raw {
		o, err := r.parse()
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// IsNotFound reports whether err is a FRED 400 for an unknown series.
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest
}
