module github.com/exai-labs/exai-daemon

go 1.22

require (
	github.com/gorilla/websocket v1.5.1
	github.com/prometheus/client_golang v1.19.0
	github.com/redis/go-redis/v9 v9.5.1
)
