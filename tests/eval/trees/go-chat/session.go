package main

import (
	"fmt"
	"math/rand"
)

func newSessionID() string {
	return fmt.Sprintf("%d", rand.Int63())
}
