// Package colbuild holds append-only Arrow column builders for a parser
// that fills one record batch at a time.
//
// Arrow's own builders check capacity on every append, grow the validity
// bitmap bit by bit and zero every byte of capacity they reserve; in a
// log parser that appends tens of values per line, that bookkeeping cost
// about a quarter of the parse time. The builders here trade generality
// for speed: the caller reserves the rows of a batch once (Reserve), after
// which an append of a fixed-width value is a single store; a string
// append checks only the room left for its bytes, which grow by doubling.
// The validity bitmap starts all valid, so a valid append never touches it
// and a null clears one bit; a batch without nulls hands Arrow no bitmap.
//
// NewArray hands the buffers over to a standard Arrow array (an
// *array.Int64, *array.Timestamp, *array.String, ...): nothing is copied,
// and the builder starts the next batch with fresh buffers from its
// allocator. The builders never rely on the allocator returning zeroed
// memory: every byte an array can read is written.
//
// Builders are not safe for concurrent use.
package colbuild
