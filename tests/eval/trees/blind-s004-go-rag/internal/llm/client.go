// Package llm talks to an OpenAI-compatible API for chat completions and
// embeddings.
package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net/http"
	"strings"
	"time"
)

// Message is one chat message in OpenAI wire format.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Usage reports token consumption of a completion.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Completion is the parsed result of a chat call.
type Completion struct {
	Content string
	Usage   Usage
}

// APIError is a non-2xx response from the provider.
type APIError struct {
	StatusCode int
	Body       string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("llm api: status %d: %s", e.StatusCode, e.Body)
}

// Retryable reports whether the request may succeed if repeated.
func (e *APIError) Retryable() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// Options configures a Client.
type Options struct {
	BaseURL        string
	APIKey         string
	ChatModel      string
	EmbeddingModel string
	Timeout        time.Duration
	MaxRetries     int
	Temperature    float64
}

// Client is safe for concurrent use.
type Client struct {
	baseURL     string
	apiKey      string
	chatModel   string
	embedModel  string
	temperature float64
	maxRetries  int
	http        *http.Client
}

// New builds a client with its own HTTP transport.
func New(opts Options) *Client {
	transport := &http.Transport{
		MaxIdleConns:          50,
		MaxIdleConnsPerHost:   20,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: opts.Timeout,
	}
	return &Client{
		baseURL:     strings.TrimRight(opts.BaseURL, "/"),
		apiKey:      opts.APIKey,
		chatModel:   opts.ChatModel,
		embedModel:  opts.EmbeddingModel,
		temperature: opts.Temperature,
		maxRetries:  opts.MaxRetries,
		http:        &http.Client{Timeout: opts.Timeout, Transport: transport},
	}
}

type chatRequest struct {
	Model       string    `json:"model"`
	Messages    []Message `json:"messages"`
	Temperature float64   `json:"temperature"`
	MaxTokens   int       `json:"max_tokens,omitempty"`
}

type chatResponse struct {
	Choices []struct {
		Message Message `json:"message"`
	} `json:"choices"`
	Usage Usage `json:"usage"`
}

// Chat sends a completion request, retrying rate limits and server errors
// with jittered exponential backoff.
func (c *Client) Chat(ctx context.Context, msgs []Message, maxTokens int) (*Completion, error) {
	body, err := json.Marshal(chatRequest{
		Model:       c.chatModel,
		Messages:    msgs,
		Temperature: c.temperature,
		MaxTokens:   maxTokens,
	})
	if err != nil {
		return nil, fmt.Errorf("encode chat request: %w", err)
	}

	var lastErr error
	for attempt := 0; attempt <= c.maxRetries; attempt++ {
		if attempt > 0 {
			delay := backoff(attempt)
			slog.Warn("retrying chat completion", "attempt", attempt, "delay", delay, "err", lastErr)
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(delay):
			}
		}

		var out chatResponse
		lastErr = c.post(ctx, "/chat/completions", body, &out)
		if lastErr == nil {
			if len(out.Choices) == 0 {
				return nil, errors.New("llm api: empty choices")
			}
			return &Completion{Content: out.Choices[0].Message.Content, Usage: out.Usage}, nil
		}

		var apiErr *APIError
		if errors.As(lastErr, &apiErr) && !apiErr.Retryable() {
			return nil, lastErr
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	return nil, fmt.Errorf("chat completion failed after %d attempts: %w", c.maxRetries+1, lastErr)
}

func (c *Client) post(ctx context.Context, path string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.apiKey)

	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("call %s: %w", path, err)
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		return &APIError{StatusCode: resp.StatusCode, Body: string(snippet)}
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(out); err != nil {
		return fmt.Errorf("decode %s response: %w", path, err)
	}
	return nil
}

func backoff(attempt int) time.Duration {
	base := 500 * time.Millisecond * time.Duration(1<<uint(attempt-1))
	if base > 8*time.Second {
		base = 8 * time.Second
	}
	jitter := time.Duration(rand.Int63n(int64(base / 2)))
	return base/2 + jitter
}
