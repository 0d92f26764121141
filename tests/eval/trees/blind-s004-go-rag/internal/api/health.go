package api

import "net/http"

// HealthHandler serves liveness and readiness probes.
type HealthHandler struct{}

// Live reports that the process is up.
func (h *HealthHandler) Live(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// Ready reports whether the service can take traffic. Postgres and Redis
// are verified during startup in main.
func (h *HealthHandler) Ready(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
