# parcelguard — see README.md.
GO       ?= go
BIN      := bin/parcelguard
PKGS     := ./...
# The local ClickHouse that deploy/clickhouse.sh runs; tests find it here.
export PARCELGUARD_CLICKHOUSE ?= 127.0.0.1:19000

.PHONY: all build test test-deps vet bench bench-queries bench-e2e fuzz demo demo-score clickhouse clickhouse-stop clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/parcelguard

vet:
	$(GO) vet $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './var/*')); \
	  if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

## clickhouse: install (Debian's package) and start the local ClickHouse on loopback.
clickhouse:
	deploy/clickhouse.sh start

clickhouse-stop:
	deploy/clickhouse.sh stop

## test-deps: the tools the tests drive besides ClickHouse: kcat (a librdkafka
## client) and Chromium (the browser test of the web page), Debian's packages.
test-deps:
	@missing=""; \
	  command -v kcat >/dev/null || missing="$$missing kcat"; \
	  command -v chromium >/dev/null || missing="$$missing chromium"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing$$missing (Debian packages)"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  fi

## test: every test in the repository (what CI runs), against the local ClickHouse.
test: vet build clickhouse test-deps
	$(GO) test -count=1 -race -timeout 15m $(PKGS)
	PARCELGUARD_BENCH_ROWS=100000 $(GO) test -count=1 -run '^$$' -bench . -benchtime 1x $(PKGS) > /dev/null
	./$(BIN) rules test

## bench: the benchmarks, with the figures docs/performance.md quotes.
bench: clickhouse
	$(GO) test -run '^$$' -bench . -benchmem -cpu 1 -benchtime 2s ./manifest ./rules ./scorer ./synth
	$(GO) test -run '^$$' -bench 'Write|SpoolPut' -benchmem -benchtime 2s ./store

## bench-queries: the officers' queries on 10,000,000 generated assessments, loaded
## into ClickHouse on the first run (about 7 minutes) and kept for the next.
bench-queries: clickhouse
	$(GO) test -count=1 -run '^$$' -bench 'Queue10M|Detail10M' -benchtime 300x -timeout 60m ./store
	$(GO) test -count=1 -run '^$$' -bench 'Stats10M' -benchtime 3x -timeout 60m ./store

## bench-e2e: end-to-end figures: 1,000,000 manifests broker → ClickHouse, and latency at 5,000/s.
bench-e2e: clickhouse
	$(GO) test -count=1 -run '^$$' -bench EndToEnd1M -benchtime 1000000x -timeout 30m ./e2e
	$(GO) test -count=1 -run '^$$' -bench Latency5k -benchtime 100000x -timeout 30m ./e2e

## fuzz: the manifest decoder fuzzer for a minute.
fuzz:
	$(GO) test ./manifest -run '^$$' -fuzz FuzzDecode -fuzztime 60s

## demo: the whole system on this machine: ClickHouse (installed if missing), the
## embedded broker, the engine with the default pack, a producer of synthetic manifests.
demo: build clickhouse
	./$(BIN) demo

## demo-score: score 20,000 generated manifests from a file, no servers needed.
demo-score: build
	@mkdir -p var
	./$(BIN) generate --n 20000 --seed 7 --broken 0.005 > var/demo-manifests.ndjson
	./$(BIN) score --truth < var/demo-manifests.ndjson > var/demo-assessments.ndjson 2> var/demo-summary.txt || (cat var/demo-summary.txt; exit 1)
	@grep -v ': rejected: ' var/demo-summary.txt
	@echo "   $$(grep -c ': rejected: ' var/demo-summary.txt) rejected lines, e.g.:"; grep ': rejected: ' var/demo-summary.txt | head -3 | cut -c1-160
	@echo "== three parcels sent to inspection, with the reasons an officer reads:"
	@grep '"outcome":"inspect","sampled":false' var/demo-assessments.ndjson | head -3 | \
	  sed -E 's/"data_quality".*//; s/,"shadow_hits":\[\]//; s/\{"rule":/\n    {"rule":/g'

clean:
	rm -rf bin
