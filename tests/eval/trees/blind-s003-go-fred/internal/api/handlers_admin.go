package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/macrolens/econ-api/internal/service"
	"github.com/macrolens/econ-api/internal/worker"
)

type adminHandler struct {
	refresher *worker.Refresher
	svc       *service.SeriesService
	logger    *slog.Logger
}

// GET /admin/status
func (h *adminHandler) status(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, h.refresher.Status())
}

// POST /admin/refresh kicks off a full refresh of tracked series.
func (h *adminHandler) refreshAll(w http.ResponseWriter, _ *http.Request) {
	go h.refresher.RefreshAll(context.Background())
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "refresh started"})
}

// POST /admin/refresh/{id} refreshes one series synchronously.
func (h *adminHandler) refreshOne(w http.ResponseWriter, r *http.Request) {
	id, ok := seriesParam(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 60*time.Second)
	defer cancel()

	n, err := h.svc.Refresh(ctx, id)
	if err != nil {
		internalError(w, r, h.logger, "admin_refresh_one", err)
		return
	}
	h.logger.Info("manual refresh", "series", id, "rows", n)
	writeJSON(w, http.StatusOK, map[string]any{"series_id": id, "rows": n})
}
