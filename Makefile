# lbtriage — make demo runs the main job on the embedded sample incident;
# make test runs every test, installing what the tests need first.

GO       ?= go
BIN      := bin/lbtriage
PKGS     := ./...
FUZZTIME ?= 60s
FUZZMINIMIZE ?= 5s

# Test prerequisites (the S3-compatible server, the browser) are added by
# the fragments in mk/: each appends its target to TEST_PREREQS.
TEST_PREREQS :=
-include mk/*.mk

.PHONY: all build test test-short bench bench-e2e fuzz demo lint fmt clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/lbtriage

test: $(TEST_PREREQS)
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout 30m $(PKGS)

# test-short skips the tests that need the S3 server or the browser.
test-short:
	$(GO) test -short -count=1 $(PKGS)

# Compare runs with: benchstat old.txt new.txt
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 1 $(PKGS)

# bench-e2e times analyze against the decompression floor on generated data
# of every family (docs/performance.md); BENCH_E2E_FLAGS passes flags, such
# as -mb 30 -runs 1 for a quick run.
BENCH_E2E_FLAGS ?=
bench-e2e: build
	$(GO) run ./cmd/benche2e -bin $(BIN) $(BENCH_E2E_FLAGS)

# Each fuzz target runs for FUZZTIME; the seed corpus is in testdata/fuzz.
# A new input is minimized for at most FUZZMINIMIZE, so a long one does not
# stall the run.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) $$pkg; \
	  done; \
	done

demo: build
	./$(BIN) demo

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin
