package main

import "context"

func runParse(_ context.Context, m *Main, _ []string) int {
	return m.usageErr("parse", "not available in this build yet")
}
