package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

type ctxKey int

const userIDKey ctxKey = iota

// Authenticator validates bearer tokens and admin API keys.
type Authenticator struct {
	secret    []byte
	adminKeys [][]byte
}

// NewAuthenticator builds an authenticator. Tokens are HS256 JWTs issued by
// the account service with the shared secret.
func NewAuthenticator(secret string, adminKeys []string) *Authenticator {
	keys := make([][]byte, 0, len(adminKeys))
	for _, k := range adminKeys {
		keys = append(keys, []byte(k))
	}
	return &Authenticator{secret: []byte(secret), adminKeys: keys}
}

// ParseToken validates a JWT and returns its subject.
func (a *Authenticator) ParseToken(raw string) (string, error) {
	claims := &jwt.RegisteredClaims{}
	tok, err := jwt.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		return a.secret, nil
	}, jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired())
	if err != nil {
		return "", err
	}
	if !tok.Valid || claims.Subject == "" {
		return "", errors.New("invalid token")
	}
	return claims.Subject, nil
}

// RequireUser rejects requests without a valid bearer token and stores the
// user id in the request context.
func (a *Authenticator) RequireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		raw, ok := strings.CutPrefix(header, "Bearer ")
		if !ok || raw == "" {
			writeError(w, http.StatusUnauthorized, "missing bearer token")
			return
		}
		userID, err := a.ParseToken(raw)
		if err != nil {
			writeError(w, http.StatusUnauthorized, "invalid token")
			return
		}
		ctx := context.WithValue(r.Context(), userIDKey, userID)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// RequireAdminKey protects operator endpoints with a static API key.
func (a *Authenticator) RequireAdminKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("X-API-Key"))
		if len(got) == 0 {
			writeError(w, http.StatusUnauthorized, "missing api key")
			return
		}
		for _, k := range a.adminKeys {
			if subtle.ConstantTimeCompare(got, k) == 1 {
				next.ServeHTTP(w, r)
				return
			}
		}
		writeError(w, http.StatusForbidden, "invalid api key")
	})
}

// UserID returns the authenticated user id from ctx.
func UserID(ctx context.Context) string {
	id, _ := ctx.Value(userIDKey).(string)
	return id
}
