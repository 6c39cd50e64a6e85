package main

import "context"

func runAnalyze(_ context.Context, m *Main, _ []string) int {
	return m.usageErr("analyze", "not available in this build yet")
}
