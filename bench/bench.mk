# Benchmarks and load tests (docs/benchmarks.md), included from the Makefile.
#   make bench               full scale, about 25 minutes (seeding included the first time)
#   make bench SCALE=small   about 2 minutes of load
#   make bench SCALE=tiny    a smoke run, about 20 seconds of load on a tiny dataset
SCALE ?= full

.PHONY: bench

bench: install
	eval "$$(scripts/services.sh)" && $(PY) -m bench.run --scale $(SCALE)
