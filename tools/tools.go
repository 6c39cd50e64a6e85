//go:build tools

// Package tools pins the programs the tests need, so that their versions are
// recorded in go.mod and `go build` in this folder builds them:
//
//	cd tools && go build -o bin/versitygw github.com/versity/versitygw/cmd/versitygw
package tools

import _ "github.com/versity/versitygw/cmd/versitygw"
