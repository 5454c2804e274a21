# Kring: `make run` serves the explorer and API with the bundled knowledge base;
# `make test` runs every check CI runs.
GO      ?= go
BIN     := ./kring
ADDR    ?= 127.0.0.1:8080
DATA    ?= ./data
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: run build explorer explorer-deps test test-go check-generated check-format vet test-explorer test-e2e conformance bench bench-load fuzz abuse clean

run: build
	$(BIN) serve --addr $(ADDR) --data $(DATA)

build: explorer
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) .

explorer-deps:
	cd explorer && npm ci --no-audit --no-fund

explorer: explorer-deps
	cd explorer && npm run build
	touch explorer/dist/.keep

test: check-format vet check-generated test-go build test-explorer conformance test-e2e

check-format:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# Generated gqlgen code must match the schema.
check-generated:
	$(GO) generate ./...
	@git diff --exit-code -- resolvers/ || (echo "generated code is stale: run 'go generate ./...' and commit"; exit 1)

test-go:
	$(GO) test -race -count=1 ./...

test-explorer: explorer-deps
	cd explorer && npm test

conformance: build
	cd conformance && npm ci --no-audit --no-fund
	scripts/with-server.sh $(BIN) node conformance/audit.mjs

test-e2e: build
	KRING_E2E_TOKEN=e2e-$$(date +%s%N) scripts/with-server.sh $(BIN) sh -c 'cd explorer && npm run e2e'

bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x -timeout 40m ./...

# The explorer's page queries under load (issue 14): req/s, p50, p99 and errors at 32 and 128
# clients against a spawned `kring serve` (and, with KRING_TEST_POSTGRES set, two replicas on a
# fresh PostgreSQL schema plus the kill -9 drill), with and without batch loads, each against a
# net/http hello-world server measured in the same run (scripts/benchload).
BENCH_LOAD_FLAGS ?=
bench-load: build
	$(GO) run ./scripts/benchload --bin $(BIN) $(if $(KRING_TEST_POSTGRES),--pg '$(KRING_TEST_POSTGRES)') $(BENCH_LOAD_FLAGS)

fuzz:
	@for t in FuzzParseBibTeX FuzzParseRIS FuzzParseCSLJSON; do $(GO) test ./ingest -run '^$$' -fuzz $$t -fuzztime 30s || exit 1; done
	@for t in FuzzPOSTBody FuzzGETQuery FuzzMultipart; do $(GO) test ./resolvers -run '^$$' -fuzz "^$$t\$$" -fuzztime 30s || exit 1; done

# The abuse suite (issue 10): every attack against the real server, asserting the coded refusal;
# then each attack against a spawned `kring serve` over the small generated KB, printing the
# time and peak RSS it cost (scripts/abuse; numbers printed, not asserted).
ABUSE_DATA ?= $(or $(TMPDIR),/tmp)/kring-abuse-small
abuse: build
	$(GO) test . -run '^TestAbuse' -count=1 -v
	$(GO) test ./resolvers -run '^(TestLimitsBeforeValidation|TestIntrospectionQuery|TestCostOnSmallKB|TestOneReadModelPerRequest)$$' -count=1 -v
	@test -d $(ABUSE_DATA) || $(BIN) gen --scale small --data $(ABUSE_DATA)
	$(GO) run ./scripts/abuse --bin $(BIN) --data $(ABUSE_DATA)

clean:
	rm -rf $(BIN) explorer/dist/assets explorer/dist/*.html
