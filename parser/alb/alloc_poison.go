//go:build albpoison

package alb

// Built with -tags albpoison, every buffer the default allocator hands out
// is filled with 0xA5 first; the tests of parser/alb and analysis must pass
// unchanged with it.
func init() { poisonRecycled = true }
