//go:build poison

package rowbatch

// Built with -tags poison, every buffer a Recycler hands out is filled with
// 0xA5 first; the tests of the decoders and of analysis must pass unchanged
// with it.
func init() { poisonRecycled = true }
