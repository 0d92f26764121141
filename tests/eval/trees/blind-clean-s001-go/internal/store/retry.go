package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"go.mongodb.org/mongo-driver/mongo"

	"github.com/northwind-labs/convo-gateway/internal/metrics"
)

// RetryPolicy controls application-level retries of idempotent operations.
// The driver's own retryable reads/writes cover a single retry after a
// failover; this adds a short backoff for longer elections and network blips.
type RetryPolicy struct {
	Attempts  int
	BaseDelay time.Duration
	MaxDelay  time.Duration
	OpTimeout time.Duration
}

// transientCodes are server error codes that indicate a topology change or
// a dropped connection rather than a problem with the request.
var transientCodes = []int{
	6,     // HostUnreachable
	7,     // HostNotFound
	89,    // NetworkTimeout
	91,    // ShutdownInProgress
	189,   // PrimarySteppedDown
	9001,  // SocketException
	10107, // NotWritablePrimary
	11600, // InterruptedAtShutdown
	11602, // InterruptedDueToReplStateChange
	13435, // NotPrimaryNoSecondaryOk
	13436, // NotPrimaryOrSecondary
}

// IsTransient reports whether err is worth retrying.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	if mongo.IsNetworkError(err) {
		return true
	}
	var se mongo.ServerError
	if errors.As(err, &se) {
		if se.HasErrorLabel("RetryableWriteError") || se.HasErrorLabel("TransientTransactionError") {
			return true
		}
		for _, code := range transientCodes {
			if se.HasErrorCode(code) {
				return true
			}
		}
	}
	// A per-attempt timeout (not the caller's deadline) is retryable; the
	// caller's context is checked separately in Do.
	return errors.Is(err, context.DeadlineExceeded)
}

// Do runs fn up to p.Attempts times, giving each attempt its own timeout and
// backing off exponentially with full jitter between attempts. Only use it
// for operations that are safe to repeat.
func (p RetryPolicy) Do(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	var err error
	for attempt := 0; attempt < p.Attempts; attempt++ {
		if attempt > 0 {
			metrics.MongoRetries.WithLabelValues(op).Inc()
			if werr := sleep(ctx, p.backoff(attempt)); werr != nil {
				return errors.Join(err, werr)
			}
		}
		attemptCtx, cancel := context.WithTimeout(ctx, p.OpTimeout)
		err = fn(attemptCtx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return errors.Join(err, ctx.Err())
		}
		if !IsTransient(err) {
			return err
		}
	}
	return err
}

func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.BaseDelay << (attempt - 1)
	if p.MaxDelay > 0 && (d > p.MaxDelay || d <= 0) {
		d = p.MaxDelay
	}
	if d <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(d)) + 1)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
