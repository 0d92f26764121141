module github.com/northwind-labs/convo-gateway

go 1.22

require (
	github.com/golang-jwt/jwt/v5 v5.2.1
	github.com/gorilla/websocket v1.5.3
	github.com/prometheus/client_golang v1.19.1
	go.mongodb.org/mongo-driver v1.16.0
	golang.org/x/crypto v0.25.0
	golang.org/x/time v0.5.0
)
