package main

import "os"

type Config struct {
	Port      string
	JWTSecret string
	LLMURL    string
}

func LoadConfig() Config {
	secret := os.Getenv("JWT_SECRET")
	if secret == "" {
		secret = "secret"
	}
	return Config{Port: getenv("PORT", "8080"), JWTSecret: secret, LLMURL: getenv("LLM_URL", "http://localhost:11434")}
}

func getenv(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}
