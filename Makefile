# Two entry points, as README.md promises.
.PHONY: run test build

# Install what is missing, build, and start the app.
run: build
	./target/debug/downtime-desk

build:
	bash scripts/setup.sh

# Every test: core, CLI, bindings, UI, end-to-end.
test:
	bash scripts/test.sh
