# Vigil: `make run` starts the app, `make test` runs every test. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The development build (.ci/build-dev, as cargo-leptos in debug mode) uses this flag; using it
# for tests too lets them reuse the same compiled dependencies instead of building everything twice.
LEPTOS_RUSTFLAGS := --cfg erase_components
CARGO_TEST_FEATURES := --workspace --features app/ssr

RELEASE_SITE := target/release-site
# The optimized bundle: type-erased views (smaller; the server must be built with the same flag,
# or hydration fails), and each page in its own lazily loaded file (`vigil_split`, with
# cargo-leptos --split; see app/src/app.rs).
RELEASE_FRONT_RUSTFLAGS := $(LEPTOS_RUSTFLAGS) --cfg vigil_split
RELEASE_TOOLS := $(CURDIR)/target/tools/node_modules/.bin

.PHONY: help tools release-tools release test-deps build run test test-rust test-content test-e2e test-e2e-release e2e-deps bench fuzz reliability lint fmt clean

help: ## Show the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

tools: ## Install the pinned build tools that are missing (wasm32 target, wasm-bindgen, cargo-nextest)
	@.ci/ensure-tools

test-deps: ## Install the test servers the tests start (aiosmtpd for SMTP) into target/test-tools
	@.ci/ensure-test-deps

build: ## Build the server and the browser bundle (debug), installing the wasm32 target and wasm-bindgen if missing
	.ci/build-dev

run: build ## Build and run Vigil on http://127.0.0.1:3000 with data in data/vigil.db (demo organisation on first run)
	VIGIL_DEMO=true ./target/debug/vigil serve

test: build lint test-rust test-content test-e2e ## Run every test: lint, unit, database, HTTP, content and browser
	@echo "All tests passed."

test-rust: tools test-deps e2e-deps ## Unit, repository (SQLite, and PostgreSQL if TEST_POSTGRES_URL is set) and HTTP tests
	RUSTFLAGS="$(LEPTOS_RUSTFLAGS)" cargo nextest run $(CARGO_TEST_FEATURES) --no-fail-fast

test-content: build ## Validate the course tree in content/
	./target/debug/vigil content check content/

e2e-deps: ## Install the end-to-end test packages and check for Chromium
	@.ci/ensure-e2e

test-e2e: build e2e-deps test-deps ## Browser tests, with and without JavaScript
	cd end2end && npx playwright test

release-tools: ## Install cargo-leptos and wasm-opt (npm binaryen, pinned, into target/tools) for optimized bundles
	@.ci/ensure-release-tools

release: tools release-tools ## Build the optimized server (target/release/vigil) and site (target/release-site)
	rm -rf $(RELEASE_SITE)
	LEPTOS_SITE_ROOT=$(RELEASE_SITE) PATH="$(RELEASE_TOOLS):$$PATH" RUSTFLAGS="$(RELEASE_FRONT_RUSTFLAGS)" cargo leptos build --release --frontend-only --split
	VIGIL_EMBED_SITE=$(CURDIR)/$(RELEASE_SITE) RUSTFLAGS="$(LEPTOS_RUSTFLAGS)" cargo build --release -p server --bin vigil --no-default-features --features embed-site

test-e2e-release: release e2e-deps test-deps ## Browser tests against the optimized build (its pages load lazily)
	cd end2end && VIGIL_E2E_BINARY=../target/release/vigil VIGIL_E2E_SITE=../$(RELEASE_SITE) npx playwright test

bench: release test-e2e-release ## Benchmarks against the release build at several sizes (BENCH_SIZES; on PostgreSQL too with TEST_POSTGRES_URL), written to docs/performance.md
	VIGIL_BENCH_SITE=$(RELEASE_SITE) python3 .ci/bench/bench.py
	VIGIL_BENCH_SITE=$(RELEASE_SITE) python3 .ci/bench/bench_pg.py
	VIGIL_BENCH_SITE=$(RELEASE_SITE) python3 .ci/bench/ledger.py 10000
	RUSTFLAGS="$(LEPTOS_RUSTFLAGS)" cargo bench -p app --features ssr

fuzz: tools ## Fuzz Markdown parsing and rendering for FUZZ_SECONDS (default 600)
	VIGIL_FUZZ_SECONDS=$${FUZZ_SECONDS:-600} RUSTFLAGS="$(LEPTOS_RUSTFLAGS)" cargo nextest run -p app --features ssr -E 'test(random_markdown_never_panics)' --no-capture

reliability: tools ## kill -9 Vigil under load RELIABILITY_CYCLES times (default 1000) and check nothing acknowledged is lost
	RELIABILITY_CYCLES=$${RELIABILITY_CYCLES:-1000} RUSTFLAGS="$(LEPTOS_RUSTFLAGS)" cargo nextest run $(CARGO_TEST_FEATURES) -E 'binary(reliability)' --no-capture

lint: ## Clippy for the server and the wasm bundle, and formatting
	RUSTFLAGS="$(LEPTOS_RUSTFLAGS)" cargo clippy $(CARGO_TEST_FEATURES) --all-targets -- -D warnings
	cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings
	cargo fmt --check

fmt: ## Format the code
	cargo fmt

clean: ## Remove build output (keeps data/)
	cargo clean
