package main

import "context"

func runDemo(_ context.Context, m *Main, _ []string) int {
	return m.usageErr("demo", "not available in this build yet")
}
