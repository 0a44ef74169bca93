# Vitrina — the two commands: `make run` and `make test`.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VITRINA_DATA_DIR ?= ./var
VITRINA_PORT ?= 8080
export VITRINA_DATA_DIR VITRINA_PORT

RELEASE_BIN := build/release/src/app/vitrina
WEB_STAMP := web/dist/index.html
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/package.json web/vite.config.ts

.PHONY: help deps build build-asan web run run-cluster test bench bench-nodes bench-dashboard bench-live chaos fuzz format clean
FUZZ_SECONDS ?= 30
TEST_FUZZ_SECONDS ?= 10

help:
	@echo "make run    install what is missing, build, seed demo data, start on http://127.0.0.1:$(VITRINA_PORT)"
	@echo "make test   install, build with ASan+UBSan, run every test (unit, integration, browser e2e), short fuzz runs"
	@echo "make run-cluster  the same on several nodes: PostgreSQL, 2 servers behind nginx on :$(VITRINA_PORT), 2 workers, 2 Janus nodes"
	@echo "make build  build the release binary and the web UI"
	@echo "make bench  run the benchmarks"
	@echo "make bench-nodes  message POST on one server (SQLite, PostgreSQL) and on two servers behind nginx"
	@echo "make bench-dashboard  the analysts' dashboards over 10 million generated calls (~10 min)"
	@echo "make bench-live  live captions and warnings: latency in a browser call, CPU per live participant (~4 min, root)"
	@echo "make fuzz   build the libFuzzer targets with clang and run each for FUZZ_SECONDS"
	@echo "make chaos  the long chaos test: 100 SIGKILLs of servers, workers and Janus under load, then the invariants (~15 min)"

deps:
	@scripts/install-deps

$(WEB_STAMP): $(WEB_SOURCES) web/package-lock.json
	cd web && npm run build --silent

web: deps $(WEB_STAMP)

build: deps web
	cmake --preset release >/dev/null
	cmake --build --preset release --target vitrina

build-asan: deps web
	cmake --preset asan >/dev/null
	cmake --build --preset asan

run: build
	$(RELEASE_BIN) migrate
	$(RELEASE_BIN) demo-seed
	@echo "Open http://127.0.0.1:$(VITRINA_PORT)  (Ctrl-C stops the server)"
	exec $(RELEASE_BIN) serve --static-dir web/dist

# Several nodes on this machine (docs/deployment.md "Several nodes"): a throwaway PostgreSQL,
# two servers behind nginx, two job workers, two Janus nodes; demo data seeded. Ctrl-C stops all.
run-cluster: build
	exec scripts/run-cluster --bin $(RELEASE_BIN) --web-dist web/dist --port $(VITRINA_PORT)

test: build-asan
	cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	  ctest --output-on-failure --timeout 600 -j2
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)

bench: build
	@scripts/install-deps --bench
	cmake --build --preset release --target vitrina_bench vitrina_analytics_bench vitrina_dashboard_bench vitrina_store_bench
	build/release/bench/vitrina_bench
	build/release/bench/vitrina_analytics_bench
	build/release/bench/vitrina_dashboard_bench --calls 1000000
	bench/wrk_vs_nginx.sh $(RELEASE_BIN)
	bench/abuse_bench.sh $(RELEASE_BIN)
	bench/nodes_bench.sh $(RELEASE_BIN)
	build/release/bench/vitrina_store_bench

# Several nodes (issue 14): message POST with wrk -c64 on one server on SQLite, one on
# PostgreSQL, and two on PostgreSQL behind nginx (docs/PERFORMANCE.md "Store backends").
bench-nodes: build
	@scripts/install-deps --bench
	bench/nodes_bench.sh $(RELEASE_BIN)

# The dashboards at the scale of the goal: 10 million calls (about 10 minutes, 6 GB of disk).
bench-dashboard: build
	cmake --build --preset release --target vitrina_dashboard_bench
	build/release/bench/vitrina_dashboard_bench --calls 10000000

# Live captions and warnings (docs/live.md): phrase end → caption / warning on the other page and
# the tap's CPU per live participant, in one browser call through the embedded Janus
# (docs/PERFORMANCE.md "Live captions and warnings"). LIVE_BIN as CHAOS_BIN below; LIVE_CALLS
# calls of LIVE_PHRASES phrases each. Needs root (a network namespace for the call).
LIVE_BIN ?= $(RELEASE_BIN)
LIVE_CALLS ?= 1
LIVE_PHRASES ?= 30
bench-live: $(if $(filter $(RELEASE_BIN),$(LIVE_BIN)),build,web)
	VITRINA_BIN=$(LIVE_BIN) VITRINA_WEB_DIST=web/dist LIVE_BENCH_CALLS=$(LIVE_CALLS) LIVE_BENCH_PHRASES=$(LIVE_PHRASES) \
	  tests/e2e/run-in-netns node bench/live_latency.mjs

# The long chaos test (docs/postgres.md "Chaos test"): CHAOS_KILLS SIGKILLs over a workload with
# CHAOS_CALLS browser calls, on the release binary (built first), or CHAOS_BIN (e.g.
# build/asan/src/app/vitrina, used as it is); CHAOS_SEED repeats a kill schedule. Needs root (a
# network namespace for the calls).
CHAOS_BIN ?= $(RELEASE_BIN)
CHAOS_KILLS ?= 100
CHAOS_CALLS ?= 10
chaos: $(if $(filter $(RELEASE_BIN),$(CHAOS_BIN)),build,web)
	VITRINA_BIN=$(CHAOS_BIN) VITRINA_WEB_DIST=web/dist tests/e2e/run-in-netns \
	  node tests/chaos/chaos.mjs --kills $(CHAOS_KILLS) --calls $(CHAOS_CALLS) $(if $(CHAOS_SEED),--seed $(CHAOS_SEED))

fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz --target fuzz_http_target fuzz_json_body fuzz_janus_events fuzz_search_query fuzz_rtp_stream
	for t in http_target json_body janus_events search_query rtp_stream; do \
	  mkdir -p build/fuzz/corpus/$$t && \
	  build/fuzz/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    build/fuzz/corpus/$$t fuzz/corpus/$$t 2>&1 | grep -E '^(Done|==|SUMMARY|stat::number_of_executed_units)' ; \
	  test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

format:
	find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf build web/dist
