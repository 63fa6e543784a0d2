# spinlab: two set-up commands, `make demo` and `make test`.
# Each installs missing Debian packages (idempotent), configures, builds into build/, then runs.
SHELL := /bin/bash
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEB_PACKAGES := cmake g++ make libgtest-dev libgmock-dev libbenchmark-dev librandom123-dev \
                libcli11-dev nlohmann-json3-dev libfmt-dev \
                libopenblas-dev libopenblas0-pthread libpng-dev zlib1g-dev python3-numpy \
                python3-sklearn dataset-fashion-mnist libigraph-dev libcpp-httplib-dev pkg-config chromium nodejs
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

WEB_TEST := web/test

.PHONY: all deps web-test-deps configure build demo test bench bench-micro gset bench-rbm hub-table clean

all: build

# Install only what is missing; `apt-get update` runs once, and only when something is missing.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# The browser test's driver: playwright-core from the committed lock file, no browser download
# (the test uses Debian's chromium). npm comes with nodesource's nodejs, else Debian's npm package.
web-test-deps: deps
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm; }
	@[ -f $(WEB_TEST)/node_modules/playwright-core/package.json ] || \
	  (cd $(WEB_TEST) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	./$(BUILD)/spinlab demo

test: build web-test-deps
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE validate

# Kernel throughput table (`spinlab bench`, about a minute) and the Google Benchmark micro rows.
bench: build
	./$(BUILD)/spinlab bench

bench-micro: build
	./$(BUILD)/spinlab_bench --benchmark_min_time=0.2

# The Gset MaxCut table of the README (GSET_ARGS e.g. "--seeds 3 --time-limit 5").
gset: build
	/usr/bin/python3 bench/gset.py --binary ./$(BUILD)/spinlab $(GSET_ARGS)

# spinlab's RBM vs scikit-learn's BernoulliRBM on Fashion-MNIST (the README table; RBM_ARGS e.g.
# "--seeds 3 --json"). numpy must reach OpenBLAS through libblas.so.3, not Debian's reference BLAS.
bench-rbm: build
	@update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | grep -q '^Value: .*openblas' || \
	  $(SUDO) update-alternatives --set libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3
	/usr/bin/python3 bench/rbm_vs_sklearn.py --binary ./$(BUILD)/spinlab $(RBM_ARGS)

# The hub-targeting table of the README: BA vs ER at equal mean degree (about 40 s).
hub-table: build
	/usr/bin/python3 bench/hub_targeting.py --binary ./$(BUILD)/spinlab $(HUB_ARGS)

clean:
	rm -rf $(BUILD)
