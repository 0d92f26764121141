package fred

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// UpcomingReleases lists scheduled releases for the next `days` days. It is
// used by the calendar widget and called from the hourly worker only, so it
// bypasses the shared limiter.
func (c *Client) UpcomingReleases(ctx context.Context, days int) ([]ReleaseDate, error) {
	now := time.Now().UTC()
	params := url.Values{
		"api_key":                            {c.apiKey},
		"file_type":                          {"json"},
		"realtime_start":                     {now.Format("2006-01-02")},
		"realtime_end":                       {now.AddDate(0, 0, days).Format("2006-01-02")},
		"include_release_dates_with_no_data": {"true"},
		"sort_order":                         {"asc"},
		"limit":                              {"200"},
	}

	resp, err := http.Get(c.baseURL + "/releases/dates?" + params.Encode())
	if err != nil {
		return nil, fmt.Errorf("fred release dates: %w", err)
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		return nil, &APIError{StatusCode: resp.StatusCode}
	}

	var out releaseDatesResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("decode release dates: %w", err)
	}
	return out.ReleaseDates, nil
}
