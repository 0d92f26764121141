// Package auth issues and verifies access tokens and provides the HTTP
// middleware that enforces them.
package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Role names carried in the token.
const (
	RoleUser  = "user"
	RoleAdmin = "admin"
)

var ErrInvalidToken = errors.New("invalid token")

// Claims is the access-token payload.
type Claims struct {
	Role string `json:"role"`
	jwt.RegisteredClaims
}

// Principal is the authenticated caller attached to a request context.
type Principal struct {
	UserID string
	Role   string
}

func (p Principal) IsAdmin() bool { return p.Role == RoleAdmin }

// Issuer signs and verifies HS256 tokens.
type Issuer struct {
	key      []byte
	issuer   string
	audience string
	ttl      time.Duration
	now      func() time.Time
	parser   *jwt.Parser
}

// NewIssuer expects a secret that already passed config.ValidateJWTSecret.
func NewIssuer(secret, issuer, audience string, ttl time.Duration) *Issuer {
	return &Issuer{
		key:      []byte(secret),
		issuer:   issuer,
		audience: audience,
		ttl:      ttl,
		now:      time.Now,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithIssuer(issuer),
			jwt.WithAudience(audience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(30*time.Second),
		),
	}
}

// Issue returns a signed token for the user and its expiry.
func (i *Issuer) Issue(userID, role, tokenID string) (string, time.Time, error) {
	now := i.now()
	exp := now.Add(i.ttl)
	claims := Claims{
		Role: role,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   userID,
			Issuer:    i.issuer,
			Audience:  jwt.ClaimStrings{i.audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
			ID:        tokenID,
		},
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(i.key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign token: %w", err)
	}
	return signed, exp, nil
}

// Verify parses and validates a token string.
func (i *Issuer) Verify(token string) (Principal, error) {
	claims := &Claims{}
	_, err := i.parser.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) {
		return i.key, nil
	})
	if err != nil {
		return Principal{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	if claims.Subject == "" {
		return Principal{}, fmt.Errorf("%w: missing subject", ErrInvalidToken)
	}
	switch claims.Role {
	case RoleUser, RoleAdmin:
	default:
		return Principal{}, fmt.Errorf("%w: unknown role", ErrInvalidToken)
	}
	return Principal{UserID: claims.Subject, Role: claims.Role}, nil
}

type principalKey struct{}

// WithPrincipal stores p in ctx.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal set by the middleware.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
