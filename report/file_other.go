//go:build !unix

package report

import "os"

// dupFile is not available here: the descriptor's path is opened instead.
func dupFile(int, string) (*os.File, error) { return nil, nil }
