package api

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/profileagent/rag-agent/internal/store"
	"github.com/profileagent/rag-agent/internal/worker"
)

// DocumentHandler serves the operator document API.
type DocumentHandler struct {
	store    *store.DocumentStore
	ingest   *worker.Pool
	syncer   *worker.Syncer
	maxBytes int64
}

var allowedExt = map[string]bool{".md": true, ".txt": true}

// Upload accepts a multipart file and queues it for ingestion.
func (h *DocumentHandler) Upload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, h.maxBytes+4096)
	if err := r.ParseMultipartForm(h.maxBytes); err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "file too large or malformed form")
		return
	}
	defer r.MultipartForm.RemoveAll()

	file, header, err := r.FormFile("file")
	if err != nil {
		writeError(w, http.StatusBadRequest, "missing file field")
		return
	}
	defer file.Close()

	ext := strings.ToLower(filepath.Ext(header.Filename))
	if !allowedExt[ext] {
		writeError(w, http.StatusUnsupportedMediaType, "only .md and .txt files are accepted")
		return
	}
	content, err := io.ReadAll(io.LimitReader(file, h.maxBytes))
	if err != nil {
		slog.Error("read upload", "filename", header.Filename, "err", err)
		writeError(w, http.StatusBadRequest, "could not read file")
		return
	}
	if !utf8.Valid(content) {
		writeError(w, http.StatusBadRequest, "file must be UTF-8 text")
		return
	}

	title := strings.TrimSpace(r.FormValue("title"))
	if title == "" {
		title = strings.TrimSuffix(filepath.Base(header.Filename), ext)
	}
	if len(title) > 200 {
		writeError(w, http.StatusBadRequest, "title too long")
		return
	}

	job := worker.Job{
		Source:  "upload:" + filepath.Base(header.Filename),
		Title:   title,
		Content: string(content),
	}
	if err := h.ingest.Submit(job); err != nil {
		if errors.Is(err, worker.ErrQueueFull) {
			w.Header().Set("Retry-After", "30")
			writeError(w, http.StatusServiceUnavailable, "ingestion queue is full, retry later")
			return
		}
		slog.Error("submit ingestion job", "source", job.Source, "err", err)
		writeError(w, http.StatusInternalServerError, "could not queue document")
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "queued", "source": job.Source})
}

// List returns stored documents.
func (h *DocumentHandler) List(w http.ResponseWriter, r *http.Request) {
	limit, ok := parseLimit(r, 50, 500)
	if !ok {
		writeError(w, http.StatusBadRequest, "limit must be between 1 and 500")
		return
	}
	docs, err := h.store.List(r.Context(), limit, 0)
	if err != nil {
		slog.Error("list documents", "err", err)
		writeError(w, http.StatusInternalServerError, "could not list documents")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"documents": docs})
}

// Get returns one document's metadata and ingestion status.
func (h *DocumentHandler) Get(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if _, err := uuid.Parse(id); err != nil {
		writeError(w, http.StatusBadRequest, "invalid document id")
		return
	}
	doc, err := h.store.Get(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "document not found")
		return
	}
	if err != nil {
		slog.Error("get document", "document_id", id, "err", err)
		writeError(w, http.StatusInternalServerError, "could not load document")
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

// Sync triggers an immediate scan of the profile source directory.
func (h *DocumentHandler) Sync(w http.ResponseWriter, r *http.Request) {
	go h.syncer.RunOnce()
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "sync started"})
}
