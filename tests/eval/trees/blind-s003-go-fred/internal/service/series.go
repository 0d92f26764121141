// Package service contains the read/refresh logic shared by the HTTP layer
// and the background worker.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/macrolens/econ-api/internal/cache"
	"github.com/macrolens/econ-api/internal/fred"
	"github.com/macrolens/econ-api/internal/store"
)

// revisionWindow is how far back a refresh re-fetches to pick up revisions.
const revisionWindow = 90 * 24 * time.Hour

// FREDFactory returns a FRED client. A fresh client per unit of work lets a
// rotated FRED_API_KEY take effect without restarting the service.
type FREDFactory func() *fred.Client

// Snapshot is the latest value of one series plus display metadata.
type Snapshot struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Units     string    `json:"units"`
	Frequency string    `json:"frequency"`
	Date      time.Time `json:"date"`
	Value     *float64  `json:"value"`
	Source    string    `json:"source"`
}

// SeriesService coordinates the database, Redis and FRED.
type SeriesService struct {
	store   *store.Store
	cache   *cache.Cache
	meta    *cache.LRU[string, store.Series]
	newFRED FREDFactory
	logger  *slog.Logger
}

// NewSeriesService wires a SeriesService.
func NewSeriesService(st *store.Store, c *cache.Cache, newFRED FREDFactory, logger *slog.Logger) *SeriesService {
	return &SeriesService{
		store:   st,
		cache:   c,
		meta:    cache.NewLRU[string, store.Series](512, 30*time.Minute),
		newFRED: newFRED,
		logger:  logger.With("component", "series_service"),
	}
}

// Current returns the latest value for each requested series, preferring the
// database and falling back to FRED for anything not stored yet.
func (s *SeriesService) Current(ctx context.Context, ids []string) ([]Snapshot, error) {
	latest, err := s.store.LatestForSeries(ctx, ids)
	if err != nil {
		return nil, err
	}

	fc := s.newFRED()
	defer fc.Close()

	out := make([]Snapshot, 0, len(ids))
	for _, id := range ids {
		meta, err := s.metadata(ctx, fc, id)
		if err != nil {
			return nil, fmt.Errorf("metadata %s: %w", id, err)
		}
		snap := Snapshot{ID: id, Title: meta.Title, Units: meta.Units, Frequency: meta.Frequency}

		if p, ok := latest[id]; ok {
			snap.Date, snap.Value, snap.Source = p.Date, p.Value, "db"
		} else {
			obs, err := fc.Latest(ctx, id)
			if err != nil {
				return nil, fmt.Errorf("latest %s: %w", id, err)
			}
			snap.Date, snap.Value, snap.Source = obs.Date, obs.Value, "fred"
		}
		out = append(out, snap)
	}
	return out, nil
}

// metadata resolves series metadata from the in-process LRU, the database, or FRED.
func (s *SeriesService) metadata(ctx context.Context, fc *fred.Client, id string) (store.Series, error) {
	if m, ok := s.meta.Get(id); ok {
		return m, nil
	}
	m, err := s.store.GetSeries(ctx, id)
	if err == nil {
		s.meta.Add(id, m)
		return m, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return store.Series{}, err
	}

	info, err := fc.Series(ctx, id)
	if err != nil {
		return store.Series{}, err
	}
	if err := s.store.UpsertSeries(ctx, info); err != nil {
		s.logger.Warn("could not persist series metadata", "series", id, "err", err)
	}
	m = store.Series{ID: info.ID, Title: info.Title, Frequency: info.Frequency, Units: info.Units,
		SeasonalAdjustment: info.SeasonalAdjustment, Popularity: info.Popularity}
	s.meta.Add(id, m)
	return m, nil
}

// Observations returns the observation range for a series, served from Redis
// when warm.
func (s *SeriesService) Observations(ctx context.Context, id string, start, end time.Time) ([]fred.Observation, error) {
	key := cache.Key("obs", id, start.Format("20060102"), end.Format("20060102"))

	var cached []fred.Observation
	if ok, err := s.cache.GetJSON(ctx, key, &cached); err == nil && ok {
		return cached, nil
	}

	fc := s.newFRED()
	obs, err := fc.Observations(ctx, id, start, end)
	if err != nil {
		return nil, err
	}

	if err := s.cache.SetJSON(ctx, key, obs); err != nil {
		s.logger.Warn("cache write failed", "key", key, "err", err)
	}

	go func() {
		if err := s.store.UpsertObservations(context.Background(), id, obs); err != nil {
			s.logger.Warn("write-through failed", "series", id, "err", err)
		}
	}()
	return obs, nil
}

// History returns stored observations.
func (s *SeriesService) History(ctx context.Context, id string, start, end time.Time, limit int) ([]store.Point, error) {
	return s.store.History(ctx, id, start, end, limit)
}

// List returns a page of stored series.
func (s *SeriesService) List(ctx context.Context, sortBy string, limit, offset int) ([]store.Series, error) {
	return s.store.ListSeries(ctx, sortBy, limit, offset)
}

// Search runs a FRED full-text search, cached in Redis.
func (s *SeriesService) Search(ctx context.Context, text string, limit int) ([]fred.SeriesInfo, error) {
	norm := strings.ToLower(strings.Join(strings.Fields(text), " "))
	key := cache.Key("search", norm, fmt.Sprint(limit))

	var cached []fred.SeriesInfo
	if ok, err := s.cache.GetJSON(ctx, key, &cached); err == nil && ok {
		return cached, nil
	}

	fc := s.newFRED()
	defer fc.Close()
	results, err := fc.Search(ctx, text, limit)
	if err != nil {
		return nil, err
	}

	// Search results for a given phrase barely change; keep them around.
	if err := s.cache.SetJSONWithTTL(ctx, key, results, 0); err != nil {
		s.logger.Warn("cache write failed", "key", key, "err", err)
	}
	return results, nil
}

// Releases returns upcoming release dates, cached for an hour.
func (s *SeriesService) Releases(ctx context.Context, days int) ([]fred.ReleaseDate, error) {
	key := cache.Key("releases", fmt.Sprint(days), time.Now().UTC().Format("20060102"))

	var cached []fred.ReleaseDate
	if ok, err := s.cache.GetJSON(ctx, key, &cached); err == nil && ok {
		return cached, nil
	}

	fc := s.newFRED()
	defer fc.Close()
	rel, err := fc.UpcomingReleases(ctx, days)
	if err != nil {
		return nil, err
	}
	if err := s.cache.SetJSONWithTTL(ctx, key, rel, time.Hour); err != nil {
		s.logger.Warn("cache write failed", "key", key, "err", err)
	}
	return rel, nil
}

// Refresh pulls metadata and recent observations for one series from FRED
// and stores them. It is called by the worker and the admin endpoint.
func (s *SeriesService) Refresh(ctx context.Context, id string) (int, error) {
	fc := s.newFRED()
	defer fc.Close()

	info, err := fc.Series(ctx, id)
	if err != nil {
		return 0, fmt.Errorf("fetch metadata: %w", err)
	}
	if err := s.store.UpsertSeries(ctx, info); err != nil {
		return 0, err
	}

	since, err := s.store.LastObservationDate(ctx, id)
	if err != nil {
		return 0, err
	}
	if !since.IsZero() {
		since = since.Add(-revisionWindow)
	}

	obs, err := fc.Observations(ctx, id, since, time.Time{})
	if rerr := s.store.RecordFetch(ctx, id, len(obs), err); rerr != nil {
		s.logger.Warn("fetch log insert failed", "series", id, "err", rerr)
	}
	if err != nil {
		return 0, fmt.Errorf("fetch observations: %w", err)
	}
	if err := s.store.UpsertObservations(ctx, id, obs); err != nil {
		return 0, err
	}

	s.meta.Add(id, store.Series{ID: info.ID, Title: info.Title, Frequency: info.Frequency,
		Units: info.Units, SeasonalAdjustment: info.SeasonalAdjustment, Popularity: info.Popularity})
	return len(obs), nil
}
