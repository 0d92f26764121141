package auth

import (
	"crypto/rand"
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// MaxPasswordBytes is bcrypt's input limit; longer inputs are rejected
// rather than silently truncated.
const MaxPasswordBytes = 72

var ErrBadCredentials = errors.New("invalid credentials")

// PasswordChecker compares passwords against bcrypt hashes. When the user
// does not exist it still performs one comparison against a throwaway hash
// so response timing does not reveal which usernames are registered.
type PasswordChecker struct {
	dummyHash []byte
}

// NewPasswordChecker hashes a random value at the configured cost to use as
// the comparison target for unknown users.
func NewPasswordChecker(cost int) (*PasswordChecker, error) {
	random := make([]byte, 32)
	if _, err := rand.Read(random); err != nil {
		return nil, fmt.Errorf("generate dummy password: %w", err)
	}
	// bcrypt accepts at most 72 bytes of input; 32 random bytes fit.
	h, err := bcrypt.GenerateFromPassword(random, cost)
	if err != nil {
		return nil, fmt.Errorf("hash dummy password: %w", err)
	}
	return &PasswordChecker{dummyHash: h}, nil
}

// Check returns nil only if hash is non-nil and matches password.
func (c *PasswordChecker) Check(hash []byte, password string) error {
	if len(password) == 0 || len(password) > MaxPasswordBytes {
		_ = bcrypt.CompareHashAndPassword(c.dummyHash, []byte("x"))
		return ErrBadCredentials
	}
	if hash == nil {
		_ = bcrypt.CompareHashAndPassword(c.dummyHash, []byte(password))
		return ErrBadCredentials
	}
	if err := bcrypt.CompareHashAndPassword(hash, []byte(password)); err != nil {
		return ErrBadCredentials
	}
	return nil
}
