//go:build unix

package report

import (
	"os"
	"syscall"
)

// dupFile returns a duplicate of descriptor fd, which shares its offset, as
// a file to write and close.
func dupFile(fd int, name string) (*os.File, error) {
	d, err := syscall.Dup(fd)
	if err != nil {
		return nil, err
	}
	syscall.CloseOnExec(d)
	return os.NewFile(uintptr(d), name), nil
}
