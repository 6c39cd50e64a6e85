package parser

import "io"

// Block is a part of an object's decompressed text that a Reader reads on
// its own, apart from the lines before and after it, so that the blocks of
// one object can be parsed at once by several workers while it is still
// being decompressed (input.Scan with ScanOptions.Split). It is an
// io.Reader, given to a Decoder's NewReader; a LineReader over a Block
// reads its Text in place, without copying it.
//
// Text holds whole lines: it ends with a '\n', unless it is the last block
// of the object, which ends where the object does (or where Err cut it).
type Block struct {
	// Text is the block's bytes.
	Text []byte
	// Line is the number of lines of the object before Text: a LineReader
	// numbers Text's first line Line+1, so that rejected lines keep their
	// place in the object. Zero for an object's first block.
	Line int64
	// Carry is what the decoder's Splitter.Carry returned for the text
	// before this block (nil for the first block).
	Carry []byte
	// Err is the read error that ended the object after Text, nil for a
	// clean end or a block other than the last. The last line of such a
	// block, cut short, is LineCut.
	Err error
	// Rest, when set, is the rest of the object, read after Text: the
	// block is the object's last, read through a LineReader's buffer as
	// any stream (Scan's way past a line longer than a block can hold).
	Rest io.Reader

	off int
}

// Read reads Text, then Rest when set, else returns Err, or io.EOF.
func (b *Block) Read(p []byte) (int, error) {
	if b.off < len(b.Text) {
		n := copy(p, b.Text[b.off:])
		b.off += n
		return n, nil
	}
	if b.Rest != nil {
		return b.Rest.Read(p)
	}
	if b.Err != nil {
		return 0, b.Err
	}
	return 0, io.EOF
}

// Splitter is a Decoder whose objects may be read in Blocks, each by its
// own Reader, in any order and at once: the rows, rejected lines and Stats
// of an object's blocks add up to those of the object read whole. The ELB
// decoders' lines stand alone; a CloudFront line depends on the "#Fields"
// header before it, which Carry hands on.
//
// A Reader over a Block other than an object's first (Line > 0) reads it
// as the middle of an object: it does not look for the head of one.
type Splitter interface {
	Decoder
	// Carry returns what the Reader of the block after text must be told
	// of the lines before it, given carry, what text's own Reader was told
	// (nil for an object's first block). The result must not alias text,
	// which is reused. A decoder whose lines stand alone returns nil.
	Carry(carry, text []byte) []byte
}
