package auth

import (
	"errors"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const testKey = "Zr8uN2xQ5vK9mB3tH7wL1pD6yF4cJ0aS"

func TestIssueVerifyRoundTrip(t *testing.T) {
	iss := NewIssuer(testKey, "gw", "clients", 15*time.Minute)
	tok, exp, err := iss.Issue("u1", RoleAdmin, "tid-1")
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if time.Until(exp) <= 0 {
		t.Fatalf("expiry %s is not in the future", exp)
	}
	p, err := iss.Verify(tok)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if p.UserID != "u1" || !p.IsAdmin() {
		t.Fatalf("unexpected principal %+v", p)
	}
}

func TestVerifyRejectsExpired(t *testing.T) {
	iss := NewIssuer(testKey, "gw", "clients", time.Minute)
	iss.now = func() time.Time { return time.Now().Add(-time.Hour) }
	tok, _, err := iss.Issue("u1", RoleUser, "tid-2")
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if _, err := iss.Verify(tok); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("expected ErrInvalidToken, got %v", err)
	}
}

func TestVerifyRejectsWrongAudienceAndAlg(t *testing.T) {
	other := NewIssuer(testKey, "gw", "someone-else", time.Minute)
	tok, _, _ := other.Issue("u1", RoleUser, "tid-3")
	iss := NewIssuer(testKey, "gw", "clients", time.Minute)
	if _, err := iss.Verify(tok); err == nil {
		t.Fatal("token for another audience accepted")
	}

	none := jwt.NewWithClaims(jwt.SigningMethodNone, Claims{Role: RoleAdmin, RegisteredClaims: jwt.RegisteredClaims{
		Subject: "u1", Issuer: "gw", Audience: jwt.ClaimStrings{"clients"},
		ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Minute)),
	}})
	unsigned, err := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatalf("sign none: %v", err)
	}
	if _, err := iss.Verify(unsigned); err == nil {
		t.Fatal("alg=none token accepted")
	}
}

func TestPasswordChecker(t *testing.T) {
	pc, err := NewPasswordChecker(10)
	if err != nil {
		t.Fatalf("NewPasswordChecker: %v", err)
	}
	if err := pc.Check(nil, "anything"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("unknown user: got %v", err)
	}
	long := make([]byte, MaxPasswordBytes+1)
	for i := range long {
		long[i] = 'a'
	}
	if err := pc.Check(pc.dummyHash, string(long)); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("over-long password: got %v", err)
	}
}
