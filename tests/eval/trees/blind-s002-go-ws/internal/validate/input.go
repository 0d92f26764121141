package validate

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

const maxFiles = 32

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

var knownTools = map[string]string{
	"chat":       "General conversation with the selected provider",
	"analyze":    "Analyse code or documents",
	"codereview": "Structured code review",
	"debug":      "Hypothesis-driven debugging",
	"planner":    "Step-by-step planning",
	"thinkdeep":  "Extended reasoning on a hard question",
}

type File struct {
	Path    string `json:"path"`
	Content string `json:"content"`
}

type ToolArgs struct {
	Prompt      string  `json:"prompt"`
	Files       []File  `json:"files,omitempty"`
	Temperature float64 `json:"temperature,omitempty"`
}

type ToolInfo struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

func KnownTools() []ToolInfo {
	out := make([]ToolInfo, 0, len(knownTools))
	for n, d := range knownTools {
		out = append(out, ToolInfo{Name: n, Description: d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ToolCall checks the envelope of a call_tool message.
func ToolCall(requestID, name string, args json.RawMessage) error {
	if !requestIDPattern.MatchString(requestID) {
		return fmt.Errorf("request_id must match %s", requestIDPattern)
	}
	if len(args) == 0 {
		return errors.New("arguments are required")
	}
	return nil
}

// ParseArgs decodes and checks tool arguments.
func ParseArgs(raw json.RawMessage) (*ToolArgs, error) {
	var a ToolArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("arguments: %w", err)
	}
	if strings.TrimSpace(a.Prompt) == "" {
		return nil, errors.New("arguments.prompt is required")
	}
	if len(a.Files) > maxFiles {
		return nil, fmt.Errorf("at most %d files per call", maxFiles)
	}
	if a.Temperature < 0 || a.Temperature > 2 {
		return nil, errors.New("arguments.temperature must be between 0 and 2")
	}
	return &a, nil
}
