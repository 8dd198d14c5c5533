# Benchmarks and load tests (docs/benchmarks.md), included from the Makefile.
#   make bench               full scale, about 25 minutes (seeding included the first time)
#   make bench SCALE=small   about 2 minutes of load
#   make bench SCALE=tiny    a smoke run, about 20 seconds of load on a tiny dataset
#   make bench-quick SCALE=small   cold CPU per page and the wrk ceiling ratios only
SCALE ?= full

.PHONY: bench bench-quick bench-three-node

bench: install
	scripts/install_wrk.sh
	eval "$$(scripts/services.sh)" && $(PY) -m bench.run --scale $(SCALE)

# Only the cold CPU per page and the wrk ceiling ratios (bare Django vs the site), a few minutes.
bench-quick: install
	scripts/install_wrk.sh
	eval "$$(scripts/services.sh)" && $(PY) -m bench.run --scale $(SCALE) --quick

# A reader with 10,000 followers posts while readers load their feeds: fan-out seconds, feed
# page req/s and p95 alone and during it, CPU per process group (bench/fanout.py). About 2 minutes.
.PHONY: bench-fanout

bench-fanout: install
	scripts/install_wrk.sh
	eval "$$(scripts/services.sh)" && $(PY) -m bench.run --scale $(SCALE) --fanout

# One node vs two web nodes behind a proxy on a primary and its streaming replica, the
# long-tail readers on both (bench/three_node.py). About 4 minutes at SCALE=small.
bench-three-node: install
	eval "$$(scripts/services.sh)" && $(PY) -m bench.run --scale $(SCALE) --three-node

# The import wave (docs/benchmarks.md): 200 readers upload a 2,000-row file at once while the
# load mix runs; page p95 with and without it, import rows/s. About 15 minutes at SCALE=small.
IMPORTS_SCALE ?= small
IMPORTS_ARGS ?=

.PHONY: bench-imports

bench-imports: install
	eval "$$(scripts/services.sh)" && $(PY) -m bench.imports --scale $(IMPORTS_SCALE) $(IMPORTS_ARGS)
