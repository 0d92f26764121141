// Package ingest splits documents into overlapping chunks for embedding.
package ingest

import (
	"strings"
	"unicode/utf8"
)

// Chunker splits text on paragraph boundaries into chunks of roughly
// MaxChars characters, carrying Overlap characters between neighbours.
type Chunker struct {
	MaxChars  int
	Overlap   int
	MaxChunks int
}

// NewChunker returns a chunker with sane bounds.
func NewChunker(maxChars, overlap, maxChunks int) *Chunker {
	if maxChars < 200 {
		maxChars = 200
	}
	if overlap < 0 || overlap >= maxChars/2 {
		overlap = maxChars / 10
	}
	if maxChunks <= 0 {
		maxChunks = 2000
	}
	return &Chunker{MaxChars: maxChars, Overlap: overlap, MaxChunks: maxChunks}
}

// Split returns the chunks of text. Empty paragraphs are dropped; a single
// paragraph longer than MaxChars is cut on word boundaries.
func (c *Chunker) Split(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	paragraphs := strings.Split(text, "\n\n")

	var (
		chunks []string
		cur    strings.Builder
	)
	flush := func() {
		s := strings.TrimSpace(cur.String())
		if s != "" {
			chunks = append(chunks, s)
		}
		cur.Reset()
		if c.Overlap > 0 && s != "" {
			cur.WriteString(tail(s, c.Overlap))
			cur.WriteString(" ")
		}
	}

	for _, p := range paragraphs {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		for _, piece := range c.cutLong(p) {
			if utf8.RuneCountInString(cur.String())+utf8.RuneCountInString(piece) > c.MaxChars {
				flush()
			}
			cur.WriteString(piece)
			cur.WriteString("\n\n")
		}
		if len(chunks) >= c.MaxChunks {
			break
		}
	}
	flush()

	if len(chunks) > c.MaxChunks {
		chunks = chunks[:c.MaxChunks]
	}
	return chunks
}

func (c *Chunker) cutLong(p string) []string {
	if utf8.RuneCountInString(p) <= c.MaxChars {
		return []string{p}
	}
	words := strings.Fields(p)
	var (
		out []string
		b   strings.Builder
	)
	for _, w := range words {
		if b.Len() > 0 && utf8.RuneCountInString(b.String())+len(w)+1 > c.MaxChars-c.Overlap {
			out = append(out, b.String())
			b.Reset()
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

func tail(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	t := string(r[len(r)-n:])
	if i := strings.IndexByte(t, ' '); i >= 0 && i < len(t)-1 {
		t = t[i+1:]
	}
	return t
}
