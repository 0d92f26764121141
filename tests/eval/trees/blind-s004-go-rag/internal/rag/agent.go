package rag

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/profileagent/rag-agent/internal/llm"
	"github.com/profileagent/rag-agent/internal/store"
)

// Route is the path a query takes through the agent.
type Route string

const (
	RouteSmallTalk Route = "small_talk"
	RouteProfile   Route = "profile"
	RouteFollowUp  Route = "follow_up"
)

// Chatter produces chat completions.
type Chatter interface {
	Chat(ctx context.Context, msgs []llm.Message, maxTokens int) (*llm.Completion, error)
}

// Answer is what the agent returns for one user turn.
type Answer struct {
	Text     string              `json:"answer"`
	Route    Route               `json:"route"`
	Sources  []store.ScoredChunk `json:"sources,omitempty"`
	Tokens   int                 `json:"tokens"`
	Duration time.Duration       `json:"-"`
}

// Agent routes a question, retrieves context and asks the model.
type Agent struct {
	chat      Chatter
	retriever *Retriever
	topK      int
	maxTokens int
}

// NewAgent builds an agent.
func NewAgent(chat Chatter, retriever *Retriever, topK int) *Agent {
	return &Agent{chat: chat, retriever: retriever, topK: topK, maxTokens: 800}
}

const systemPrompt = `You are a profile assistant. Answer questions about the people and
organisations described in the provided context. If the context does not
contain the answer, say you do not know. Cite sources by their title.`

var smallTalk = []string{"hi", "hello", "hey", "thanks", "thank you", "good morning", "bye"}

func classify(query string, history []llm.Message) Route {
	q := strings.ToLower(strings.TrimSpace(query))
	for _, s := range smallTalk {
		if q == s || strings.HasPrefix(q, s+" ") && len(q) < 30 {
			return RouteSmallTalk
		}
	}
	if len(history) > 0 {
		for _, p := range []string{"what about", "and ", "also", "tell me more", "why"} {
			if strings.HasPrefix(q, p) {
				return RouteFollowUp
			}
		}
	}
	return RouteProfile
}

// Ask answers query given the prior conversation history.
func (a *Agent) Ask(ctx context.Context, query string, history []llm.Message) (*Answer, error) {
	start := time.Now()
	route := classify(query, history)

	msgs := []llm.Message{{Role: "system", Content: systemPrompt}}
	var sources []store.ScoredChunk

	if route != RouteSmallTalk {
		retrievalQuery := query
		if route == RouteFollowUp && len(history) > 0 {
			retrievalQuery = history[len(history)-1].Content + "\n" + query
		}
		hits, err := a.retriever.Retrieve(ctx, retrievalQuery, a.topK)
		if err != nil {
			return nil, fmt.Errorf("retrieve: %w", err)
		}
		sources = hits
		msgs = append(msgs, llm.Message{Role: "system", Content: formatContext(hits)})
	}

	msgs = append(msgs, history...)
	msgs = append(msgs, llm.Message{Role: "user", Content: query})

	completion, err := a.chat.Chat(ctx, msgs, a.maxTokens)
	if err != nil {
		return nil, fmt.Errorf("chat: %w", err)
	}
	return &Answer{
		Text:     completion.Content,
		Route:    route,
		Sources:  sources,
		Tokens:   completion.Usage.TotalTokens,
		Duration: time.Since(start),
	}, nil
}

// Title asks the model for a short conversation title.
func (a *Agent) Title(ctx context.Context, firstMessage string) (string, error) {
	completion, err := a.chat.Chat(ctx, []llm.Message{
		{Role: "system", Content: "Summarise the user's question as a title of at most six words. Reply with the title only."},
		{Role: "user", Content: firstMessage},
	}, 20)
	if err != nil {
		return "", err
	}
	return strings.Trim(strings.TrimSpace(completion.Content), `"`), nil
}

func formatContext(hits []store.ScoredChunk) string {
	if len(hits) == 0 {
		return "Context: (no relevant documents found)"
	}
	var b strings.Builder
	b.WriteString("Context:\n")
	for i, h := range hits {
		fmt.Fprintf(&b, "[%d] %s\n%s\n\n", i+1, h.Title, h.Content)
	}
	return b.String()
}
