module github.com/lumen-tutor/gateway

go 1.22

require (
	github.com/golang-jwt/jwt/v5 v5.2.0
	github.com/gorilla/websocket v1.5.1
	go.mongodb.org/mongo-driver v1.13.1
	golang.org/x/crypto v0.18.0
)
