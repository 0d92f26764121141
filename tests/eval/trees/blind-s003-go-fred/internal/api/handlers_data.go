package api

import (
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/macrolens/econ-api/internal/fred"
	"github.com/macrolens/econ-api/internal/service"
)

const (
	maxCurrentSeries = 20
	maxPageSize      = 100
	maxSearchLen     = 100
	maxReleaseDays   = 90
)

var seriesIDPattern = regexp.MustCompile(`^[A-Z0-9_]{1,40}$`)

var defaultCurrent = []string{"GDP", "UNRATE", "CPIAUCSL", "FEDFUNDS", "DGS10"}

type dataHandler struct {
	svc    *service.SeriesService
	logger *slog.Logger
}

// GET /data/current?series=GDP,UNRATE
func (h *dataHandler) current(w http.ResponseWriter, r *http.Request) {
	ids := defaultCurrent
	if raw := r.URL.Query().Get("series"); raw != "" {
		ids = make([]string, 0, 8)
		for _, id := range strings.Split(raw, ",") {
			id = strings.ToUpper(strings.TrimSpace(id))
			if !seriesIDPattern.MatchString(id) {
				writeError(w, http.StatusBadRequest, "invalid series id: "+id)
				return
			}
			ids = append(ids, id)
		}
		if len(ids) > maxCurrentSeries {
			writeError(w, http.StatusBadRequest, "too many series requested")
			return
		}
	}

	snaps, err := h.svc.Current(r.Context(), ids)
	if err != nil {
		if fred.IsNotFound(err) {
			writeError(w, http.StatusNotFound, "unknown series")
			return
		}
		internalError(w, r, h.logger, "current", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": snaps, "as_of": time.Now().UTC()})
}

// GET /data/series?sort=popularity+DESC&limit=50&offset=0
func (h *dataHandler) listSeries(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"), 50)
	if err != nil || limit < 1 || limit > maxPageSize {
		writeError(w, http.StatusBadRequest, "limit must be between 1 and 100")
		return
	}
	offset, err := intParam(q.Get("offset"), 0)
	if err != nil || offset < 0 {
		writeError(w, http.StatusBadRequest, "offset must be a non-negative integer")
		return
	}

	series, err := h.svc.List(r.Context(), q.Get("sort"), limit, offset)
	if err != nil {
		internalError(w, r, h.logger, "list_series", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": series, "limit": limit, "offset": offset})
}

// GET /data/series/{id}?start=2020-01-01&end=2024-12-31
func (h *dataHandler) observations(w http.ResponseWriter, r *http.Request) {
	id, ok := seriesParam(w, r)
	if !ok {
		return
	}
	start, end, ok := dateRange(w, r, time.Time{})
	if !ok {
		return
	}

	obs, err := h.svc.Observations(r.Context(), id, start, end)
	if err != nil {
		if fred.IsNotFound(err) {
			writeError(w, http.StatusNotFound, "unknown series")
			return
		}
		internalError(w, r, h.logger, "observations", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"series_id": id, "count": len(obs), "observations": obs})
}

// GET /data/series/{id}/history?start=...&end=...&limit=500
func (h *dataHandler) history(w http.ResponseWriter, r *http.Request) {
	id, ok := seriesParam(w, r)
	if !ok {
		return
	}
	start, end, ok := dateRange(w, r, time.Now().UTC().AddDate(-10, 0, 0))
	if !ok {
		return
	}
	limit, err := intParam(r.URL.Query().Get("limit"), 500)
	if err != nil || limit < 1 {
		writeError(w, http.StatusBadRequest, "limit must be a positive integer")
		return
	}

	points, err := h.svc.History(r.Context(), id, start, end, limit)
	if err != nil {
		internalError(w, r, h.logger, "history", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"series_id": id, "count": len(points), "points": points})
}

// GET /data/search?q=inflation&limit=20
func (h *dataHandler) search(w http.ResponseWriter, r *http.Request) {
	text := strings.TrimSpace(r.URL.Query().Get("q"))
	if text == "" || len(text) > maxSearchLen {
		writeError(w, http.StatusBadRequest, "q is required and must be at most 100 characters")
		return
	}
	limit, err := intParam(r.URL.Query().Get("limit"), 20)
	if err != nil || limit < 1 || limit > maxPageSize {
		writeError(w, http.StatusBadRequest, "limit must be between 1 and 100")
		return
	}

	results, err := h.svc.Search(r.Context(), text, limit)
	if err != nil {
		h.logger.Error("search failed", "q", text, "err", err)
		writeError(w, http.StatusBadGateway, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"query": text, "results": results})
}

// GET /data/releases?days=14
func (h *dataHandler) releases(w http.ResponseWriter, r *http.Request) {
	days, err := intParam(r.URL.Query().Get("days"), 14)
	if err != nil || days < 1 || days > maxReleaseDays {
		writeError(w, http.StatusBadRequest, "days must be between 1 and 90")
		return
	}
	rel, err := h.svc.Releases(r.Context(), days)
	if err != nil {
		internalError(w, r, h.logger, "releases", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"days": days, "releases": rel})
}

func seriesParam(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := strings.ToUpper(chi.URLParam(r, "id"))
	if !seriesIDPattern.MatchString(id) {
		writeError(w, http.StatusBadRequest, "invalid series id")
		return "", false
	}
	return id, true
}

func dateRange(w http.ResponseWriter, r *http.Request, defaultStart time.Time) (time.Time, time.Time, bool) {
	q := r.URL.Query()
	start, end := defaultStart, time.Now().UTC()
	var err error
	if s := q.Get("start"); s != "" {
		if start, err = time.Parse("2006-01-02", s); err != nil {
			writeError(w, http.StatusBadRequest, "start must be YYYY-MM-DD")
			return time.Time{}, time.Time{}, false
		}
	}
	if e := q.Get("end"); e != "" {
		if end, err = time.Parse("2006-01-02", e); err != nil {
			writeError(w, http.StatusBadRequest, "end must be YYYY-MM-DD")
			return time.Time{}, time.Time{}, false
		}
	}
	if !start.IsZero() && end.Before(start) {
		writeError(w, http.StatusBadRequest, "end must not be before start")
		return time.Time{}, time.Time{}, false
	}
	return start, end, true
}

func intParam(raw string, def int) (int, error) {
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, errors.New("not an integer")
	}
	return n, nil
}
