// Package testfs makes special files for tests: what a program must write
// through rather than replace.
package testfs
