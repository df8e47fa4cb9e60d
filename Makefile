# Bitgoeul: `make run` serves the Gwangju demo world; `make test` runs every test suite.
SWIFT ?= swift
PORT ?= 8080
VENV := .venv

.PHONY: run cluster federation test test-suites build release web-assets test-deps lint bench bots solar fuzz clean

## Build in release mode, fetch the web assets, and serve the Gwangju demo world on 127.0.0.1:$(PORT).
run: release web-assets
	@mkdir -p var
	.build/release/bitgoeul serve --host 127.0.0.1 --port $(PORT) --data var --world worlds/gwangju --world worlds/seoul --web Web \
		--stats-epsilon 0.08 --stats-daily-epsilon 2.0

## Three nodes of a cluster on ports 8080–8082 over a local PostgreSQL in var/pg (docs/cluster.md);
## PostgreSQL 15 from Debian when missing. Ctrl-C drains the nodes and stops PostgreSQL.
cluster: release web-assets
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq postgresql-15 \
		&& (pg_ctlcluster 15 main stop 2>/dev/null || true))
	scripts/cluster.sh

## Three cities of a federation on loopback (docs/federation.md): Gwangju on 8080, Daegu on 8090 and Jeju on 8100, each
## its own server with its own data, key and peers file (the other two) in var/federation/<city>. Ctrl-C stops the three.
federation: release web-assets
	scripts/federation.sh

release:
	$(SWIFT) build -c release --product bitgoeul

build:
	$(SWIFT) build --build-tests

web-assets:
	@scripts/fetch-web-assets.sh

## What the tests need that the machine may lack: osmium-tool, Chromium, chromium-driver, Korean fonts,
## openssl, TypeScript's checker for the browser code and PostgreSQL 15 (Debian), and a Python venv with the OpenAPI
## validator, pytest, websockets, pyproj, trimesh, numpy, Selenium, JuPedSim with shapely (the independent
## oracle for the crowd models) and schemathesis.
test-deps: $(VENV)/.installed
	@missing=""; \
	command -v osmium >/dev/null || missing="$$missing osmium-tool"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	[ -d /usr/share/fonts/opentype/noto ] || missing="$$missing fonts-noto-cjk"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	command -v tsc >/dev/null || missing="$$missing node-typescript"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql-15"; \
	if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq $$missing; fi; \
	case "$$missing" in *postgresql*) pg_ctlcluster 15 main stop 2>/dev/null || true ;; esac

$(VENV)/.installed: scripts/requirements-test.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-compile -r scripts/requirements-test.txt
	touch $@

## Swift formatting, every imported module declared in Package.swift, and the browser code's types: tsc checks the ES modules of Web/ (options in Web/tsconfig.json).
lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift
	mkdir -p .build && $(SWIFT) package describe --type json > .build/describe.json
	python3 scripts/code_shape.py .build/describe.json imports
	tsc --project Web --allowJs --checkJs --noEmit

## Lint, validate the OpenAPI document, build (debug), check the protocol with an independent Python
## client (vectors and a live server), compare the crowd models with JuPedSim, check the browser codec
## (node --test), then run every Swift test suite: the CPU-heavy crowd, solar and plan-effects suites on their own, so they
## do not starve the live-server tests' timing. Everything runs beside one throwaway PostgreSQL
## (scripts/postgres.sh run: its URL in BITGOEUL_TEST_PG), which the storage suite and the cluster
## tests use, stopped and removed at the end whatever the outcome.
CROWD_SUITES := SimulationTests|ShippedScenarioTests|FundamentalDiagramTests|SolarTests|PlanningRouteTests|AffectedRoofsTests
## The live cluster and federation suites start real server processes and time joins, failovers and trips: they run
## apart from the rest.
LIVE_CLUSTER_SUITES := ClusterNodeTests|ClusterFailoverTests|ClusterEventTests|ClusterDatabaseTests|LiveFederationTests
test: test-deps web-assets lint
	scripts/postgres.sh run $(MAKE) --no-print-directory test-suites

test-suites:
	$(VENV)/bin/python scripts/check_openapi.py Sources/BitgoeulServer/Resources/openapi.json
	$(SWIFT) build --build-tests
	$(VENV)/bin/python -m pytest -q --durations=12 tests_py
	node --test Web/tests/
	$(SWIFT) test --skip-build --filter '$(CROWD_SUITES)'
	$(SWIFT) test --skip-build --skip '$(CROWD_SUITES)|$(LIVE_CLUSTER_SUITES)'
	$(SWIFT) test --skip-build --no-parallel --filter '$(LIVE_CLUSTER_SUITES)'
	FUZZ_S=$(FUZZ_SMOKE_S) SWIFT=$(SWIFT) scripts/fuzz.sh

## Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of every parser of untrusted input, FUZZ_S seconds
## each (default 300) from the seeds in Fuzz/Corpus; `make test` runs each for FUZZ_SMOKE_S as a smoke test.
FUZZ_S ?= 300
FUZZ_SMOKE_S ?= 5
fuzz:
	FUZZ_S=$(FUZZ_S) SWIFT=$(SWIFT) scripts/fuzz.sh

## Benchmarks (not tests): the in-process tick, and bots against a running server.
bench: release
	.build/release/bitgoeul bench tick --avatars 1000,5000,10000

bots: release
	.build/release/bitgoeul bots --url ws://127.0.0.1:$(PORT) --count 200 --duration 30

## A year of sun on Yeouido's roofs (about a minute), where `make run` serves it and colours the roofs.
solar: release
	.build/release/bitgoeul solar roofs --world worlds/seoul --space seoul/yeouido --out var/solar/seoul/yeouido

clean:
	rm -rf .build $(VENV)
