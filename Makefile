# parcelguard — see README.md.
GO       ?= go
BIN      := bin/parcelguard
PKGS     := ./...

.PHONY: all build test vet bench fuzz demo clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/parcelguard

vet:
	$(GO) vet $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

## test: every test in the repository (what CI runs).
test: vet build
	$(GO) test -count=1 -race $(PKGS)
	$(GO) test -count=1 -run '^$$' -bench . -benchtime 1x $(PKGS) > /dev/null
	./$(BIN) rules test

## bench: the benchmarks, with the figures the docs quote.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s $(PKGS)

## fuzz: the manifest decoder fuzzer for a minute.
fuzz:
	$(GO) test ./manifest -run '^$$' -fuzz FuzzDecode -fuzztime 60s

clean:
	rm -rf bin
