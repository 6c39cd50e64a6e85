package main

// A progress line on standard error while objects are read:
//
//	  37/120 objects  412.5 MiB / 1.3 GiB  96.2 MiB/s  ETA 0:09
//
// Use with input.ScanOptions:
//
//	p := newProgress(m, mode, len(objects), totalSize)
//	opts.OnBytes, opts.OnObject = p.AddBytes, p.OnObject
//	... input.Scan ...
//	p.Finish()
//
// The line is drawn only when standard error is a terminal (mode "auto"),
// and only once the run has lasted a second, so short runs and redirected
// output stay clean. It is written in place with a carriage return and
// erased by Finish, so that nothing of it is left among the report's
// lines. Written here rather than taken from a progress-bar library: what
// is needed (a delayed start, three modes, lock-free counters fed from many
// workers) is a few dozen lines, and none of the libraries does the delay.

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/lbtriage/lbtriage/internal/numfmt"
	"github.com/lbtriage/lbtriage/parser/input"
)

// Progress modes (--progress).
const (
	progressAuto   = "auto"
	progressAlways = "always"
	progressNever  = "never"
)

// progressDelay is how long a run lasts before the line appears;
// progressTick how often it is redrawn.
const (
	progressDelay = time.Second
	progressTick  = 250 * time.Millisecond
)

// registerProgressFlag adds --progress=auto|always|never to fs.
func registerProgressFlag(fs *pflag.FlagSet) *string {
	return fs.String("progress", progressAuto, "progress line on stderr: auto (when stderr is a terminal), always or never")
}

// checkProgressMode returns an error for a mode other than auto, always
// and never.
func checkProgressMode(mode string) error {
	switch mode {
	case progressAuto, progressAlways, progressNever, "":
		return nil
	}
	return fmt.Errorf("--progress is %q: want auto, always or never", mode)
}

// progress counts objects and stored bytes read and draws them. Its
// methods are safe for concurrent use; the zero of totals means unknown.
type progress struct {
	w            io.Writer
	now          func() time.Time
	start        time.Time
	totalObjects int
	totalBytes   int64

	bytes   atomic.Int64
	objects atomic.Int64

	stop     chan struct{}
	done     chan struct{}
	finished sync.Once
	shown    bool // written by the drawing goroutine only, read after done
}

// newProgress returns a progress for a run of totalObjects objects holding
// totalBytes stored bytes (0 when unknown), drawn on m.Stderr as mode says.
func newProgress(m *Main, mode string, totalObjects int, totalBytes int64) *progress {
	now := m.Now
	if now == nil {
		now = time.Now
	}
	p := &progress{w: m.Stderr, now: now, start: now(), totalObjects: totalObjects, totalBytes: totalBytes}
	if !progressEnabled(m.Stderr, mode) {
		return p
	}
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	go p.run()
	return p
}

func progressEnabled(w io.Writer, mode string) bool {
	switch mode {
	case progressAlways:
		return w != nil
	case progressNever:
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// AddBytes counts n stored bytes read (input.ScanOptions.OnBytes).
func (p *progress) AddBytes(n int64) { p.bytes.Add(n) }

// ObjectDone counts one object done, read whole or not.
func (p *progress) ObjectDone() { p.objects.Add(1) }

// OnObject counts one object done (input.ScanOptions.OnObject).
func (p *progress) OnObject(input.ObjectResult) { p.ObjectDone() }

// Finish stops drawing and erases the line. It is safe to call twice.
func (p *progress) Finish() {
	p.finished.Do(func() {
		if p.stop == nil {
			return
		}
		close(p.stop)
		<-p.done
		if p.shown {
			fmt.Fprint(p.w, "\r\x1b[K")
		}
	})
}

func (p *progress) run() {
	defer close(p.done)
	delay := time.NewTimer(progressDelay)
	defer delay.Stop()
	select {
	case <-p.stop:
		return
	case <-delay.C:
	}
	t := time.NewTicker(progressTick)
	defer t.Stop()
	for {
		fmt.Fprint(p.w, "\r"+p.line(p.now())+"\x1b[K")
		p.shown = true
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
	}
}

// line is the progress text at now (numfmt.Bytes formats the sizes).
func (p *progress) line(now time.Time) string {
	done, read := p.objects.Load(), p.bytes.Load()
	elapsed := now.Sub(p.start).Seconds()
	var b strings.Builder
	if p.totalObjects > 0 {
		fmt.Fprintf(&b, "%*d/%d objects", len(fmt.Sprint(p.totalObjects)), done, p.totalObjects)
	} else {
		fmt.Fprintf(&b, "%d objects", done)
	}
	b.WriteString("  " + numfmt.Bytes(read))
	if p.totalBytes > 0 {
		b.WriteString(" / " + numfmt.Bytes(p.totalBytes))
	}
	if elapsed <= 0 {
		return b.String()
	}
	rate := float64(read) / elapsed
	b.WriteString("  " + numfmt.Bytes(int64(rate)) + "/s")
	// ETA from bytes when the sizes are known, else from objects.
	var left float64 = -1
	switch {
	case p.totalBytes > 0 && read > 0:
		left = float64(p.totalBytes-read) / rate
	case p.totalObjects > 0 && done > 0:
		left = float64(int64(p.totalObjects)-done) * elapsed / float64(done)
	}
	if left >= 0 {
		b.WriteString("  ETA " + clock(time.Duration(left*float64(time.Second))))
	}
	return b.String()
}

// clock writes d as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s < 0 {
		s = 0
	}
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
