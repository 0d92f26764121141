// Package fred is a client for the St. Louis Fed FRED API.
package fred

import (
	"fmt"
	"strconv"
	"time"
)

// SeriesInfo is series metadata as returned by /series and /series/search.
type SeriesInfo struct {
	ID                 string `json:"id"`
	Title              string `json:"title"`
	Frequency          string `json:"frequency_short"`
	Units              string `json:"units_short"`
	SeasonalAdjustment string `json:"seasonal_adjustment_short"`
	ObservationStart   string `json:"observation_start"`
	ObservationEnd     string `json:"observation_end"`
	LastUpdated        string `json:"last_updated"`
	Popularity         int    `json:"popularity"`
	Notes              string `json:"notes,omitempty"`
}

type seriesResponse struct {
	Series []SeriesInfo `json:"seriess"`
}

type searchResponse struct {
	Count  int          `json:"count"`
	Series []SeriesInfo `json:"seriess"`
}

// rawObservation is FRED's wire format: values are strings and "." marks a gap.
type rawObservation struct {
	Date  string `json:"date"`
	Value string `json:"value"`
}

type observationsResponse struct {
	Count        int              `json:"count"`
	Observations []rawObservation `json:"observations"`
}

// Observation is a parsed data point. Value is nil for missing observations.
type Observation struct {
	Date  time.Time `json:"date"`
	Value *float64  `json:"value"`
}

func (r rawObservation) parse() (Observation, error) {
	d, err := time.Parse("2006-01-02", r.Date)
	if err != nil {
		return Observation{}, fmt.Errorf("bad observation date %q: %w", r.Date, err)
	}
	o := Observation{Date: d}
	if r.Value == "." || r.Value == "" {
		return o, nil
	}
	v, err := strconv.ParseFloat(r.Value, 64)
	if err != nil {
		return Observation{}, fmt.Errorf("bad observation value %q on %s: %w", r.Value, r.Date, err)
	}
	o.Value = &v
	return o, nil
}

// ReleaseDate is one scheduled data release.
type ReleaseDate struct {
	ReleaseID   int    `json:"release_id"`
	ReleaseName string `json:"release_name"`
	Date        string `json:"date"`
}

type releaseDatesResponse struct {
	ReleaseDates []ReleaseDate `json:"release_dates"`
}

// APIError is a non-200 response from FRED.
type APIError struct {
	StatusCode int
	Message    string `json:"error_message"`
}

func (e *APIError) Error() string {
	if e.Message != "" {
		return fmt.Sprintf("fred: HTTP %d: %s", e.StatusCode, e.Message)
	}
	return fmt.Sprintf("fred: HTTP %d", e.StatusCode)
}
