# Heron: the two commands of the quick start are `make demo` and `make test`.
# Every target installs what is missing (tools/install-deps.sh), builds what is stale, and runs.

PRESET      ?= release
BUILD_DIR   := build/$(PRESET)
HERON       := $(BUILD_DIR)/heron
JOBS        ?= $(shell nproc)
FUZZ_SECONDS ?= 60

.PHONY: all deps build demo test unit integration package test-asan bench bench-smtp bench-imap bench-relay fuzz format clean

all: build

deps:
	@./tools/install-deps.sh

$(BUILD_DIR)/build.ninja: | deps
	cmake --preset $(PRESET)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build --preset $(PRESET) -j $(JOBS)

demo: build
	$(HERON) serve --demo

# Unit tests (GoogleTest) and integration tests (the real binary on loopback), through ctest.
test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -E '^integration\.'

integration: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -R '^integration\.'

# The Debian package: $(BUILD_DIR)/heron_<version>_<arch>.deb, then `apt install ./...deb`
# (docs/admin.md, "Install"). Only the program is built: the package holds nothing else built.
package: deps $(BUILD_DIR)/build.ninja
	cmake --build --preset $(PRESET) -j $(JOBS) --target heron
	cd $(BUILD_DIR) && cpack -G DEB

# Unit tests under AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan: deps
	cmake --preset asan-ubsan
	cmake --build --preset asan-ubsan -j $(JOBS) --target heron_unit_tests
	./build/asan-ubsan/tests/heron_unit_tests

# Benchmarks against Postfix (SMTP) and Dovecot (IMAP); see docs/bench.md.
bench: build
	HERON_BIN=$(abspath $(HERON)) ./bench/run.sh

bench-smtp: build
	HERON_BIN=$(abspath $(HERON)) ./bench/run.sh smtp

bench-imap: build
	HERON_BIN=$(abspath $(HERON)) ./bench/run.sh imap

bench-relay: build
	HERON_BIN=$(abspath $(HERON)) ./bench/run.sh relay

# Builds every libFuzzer target with clang and runs each for FUZZ_SECONDS on its corpus.
fuzz: deps
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)
	./tools/run-fuzzers.sh build/fuzz/fuzz $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf build
