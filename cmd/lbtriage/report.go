package main

import "context"

func runReport(_ context.Context, m *Main, _ []string) int {
	return m.usageErr("report", "not available in this build yet")
}
