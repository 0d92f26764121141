package main

import (
	"bytes"
	"io"
	"net/http"
)

var llmClient = &http.Client{}

func Stream(url string, prompt []byte) ([]byte, error) {
	resp, err := llmClient.Post(url+"/api/generate", "application/json", bytes.NewReader(prompt))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

func Ping(url string) bool {
	resp, err := http.Get(url + "/health")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == 200
}
