# Thin wrapper over meson/ninja for the README's commands.
BUILD     ?= build
BUILD_SAN ?= build-san
PYTHON    ?= /usr/bin/python3
NINJA_JOBS ?=

.PHONY: all build deps check check-unit demo bench fuzz-jit clean san

all: build

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release

$(BUILD_SAN)/build.ninja:
	meson setup $(BUILD_SAN) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

build: $(BUILD)/build.ninja
	ninja -C $(BUILD) $(NINJA_JOBS)

san: $(BUILD_SAN)/build.ninja
	ninja -C $(BUILD_SAN) $(NINJA_JOBS)

# Every test layer; ends with the line "N passed, N failed[, N skipped]".
check: deps build san
	$(PYTHON) tests/run.py --build $(BUILD) --san $(BUILD_SAN)

check-unit: build san
	$(PYTHON) tests/run.py --build $(BUILD) --san $(BUILD_SAN) --only unit

demo: deps build
	@scripts/demo.sh $(BUILD)

bench: deps build
	@bench/run.sh $(BUILD)

# The back-end differential fuzzer for longer than make check runs it
# (FUZZ_ITERS programs from FUZZ_SEED; make check runs 1500).
FUZZ_ITERS ?= 200000
FUZZ_SEED ?= 1
fuzz-jit: build
	MACHINA_JIT_FUZZ_ITERS=$(FUZZ_ITERS) MACHINA_JIT_FUZZ_SEED=$(FUZZ_SEED) \
	    $(BUILD)/tests/unit/test-jit-diff

clean:
	rm -rf $(BUILD) $(BUILD_SAN)
