package llm

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"strings"
)

// TutorPrompt is the system prompt prepended to every conversation.
const TutorPrompt = "You are a patient tutor. Guide the student towards the answer with questions; " +
	"do not simply give the final answer."

type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Client talks to an OpenAI-compatible chat completions API.
type Client struct {
	baseURL    string
	apiKey     string
	model      string
	streamHTTP *http.Client
}

func NewClient(baseURL, apiKey, model string) *Client {
	return &Client{
		baseURL:    strings.TrimRight(baseURL, "/"),
		apiKey:     apiKey,
		model:      model,
		streamHTTP: &http.Client{},
	}
}

type chatRequest struct {
	Model    string    `json:"model"`
	Messages []Message `json:"messages"`
	Stream   bool      `json:"stream"`
}

// Stream starts a streaming completion. Text deltas arrive on the first
// channel, which is closed when the stream ends; the final error (or nil)
// is then available on the second.
func (c *Client) Stream(msgs []Message) (<-chan string, <-chan error) {
	out := make(chan string)
	errc := make(chan error, 1)
	go func() {
		defer close(out)
		errc <- c.stream(msgs, out)
	}()
	return out, errc
}

func (c *Client) stream(msgs []Message, out chan<- string) error {
	body, err := json.Marshal(chatRequest{Model: c.model, Messages: msgs, Stream: true})
	if err != nil {
		return fmt.Errorf("llm stream: encode: %w", err)
	}
	log.Printf("llm: stream request model=%s payload=%s", c.model, body)

	req, err := http.NewRequest(http.MethodPost, c.baseURL+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("llm stream: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")

	resp, err := c.streamHTTP.Do(req)
	if err != nil {
		return fmt.Errorf("llm stream: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("llm stream: unexpected status %d", resp.StatusCode)
	}
	defer resp.Body.Close()

	scanner := bufio.NewScanner(resp.Body)
	scanner.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for scanner.Scan() {
		line := scanner.Text()
		if !strings.HasPrefix(line, "data: ") {
			continue
		}
		payload := strings.TrimPrefix(line, "data: ")
		if payload == "[DONE]" {
			return nil
		}
		var chunk struct {
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal([]byte(payload), &chunk); err != nil {
			return fmt.Errorf("llm stream: decode chunk: %w", err)
		}
		for _, ch := range chunk.Choices {
			if ch.Delta.Content != "" {
				out <- ch.Delta.Content
			}
		}
	}
	if err := scanner.Err(); err != nil {
		return fmt.Errorf("llm stream: read: %w", err)
	}
	return nil
}
