package main

import "testing"

func TestNewHub(t *testing.T) {
	if NewHub().Count() != 0 {
		t.Fatal("new hub has sessions")
	}
}
