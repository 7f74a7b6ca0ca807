#!/bin/sh
# The middle of `npm test`, once the library is compiled: jest in the foreground with the arguments
# given (`npm test -- --seed=<seed>`), and meanwhile the checks that need only the compiled
# assembly (API.md freshness, the Python, Java, Go and .NET bindings), whose logs are printed when
# they fail. They read lib/ and .jsii and write under .tmp/ only, so they never touch what jest
# reads; on 2 cores they fill the time jest's script suites spend waiting on servers and timeouts.
# Exit status: jest's, else 1 when a check failed.
set -u
mkdir -p .tmp
npx projen api-md:check > .tmp/api-md-check.log 2>&1 &
api_md=$!
npx projen bindings > .tmp/bindings.log 2>&1 &
bindings=$!

# Every run takes the tests of each file in a new order and prints the seed that reproduces it:
# a test that needs another to run first fails where it was written. --ci: snapshots never update.
npx jest --randomize --showSeed --passWithNoTests --ci "$@"
status=$?

# Prints the log of a check that failed, and fails the run.
check() {
  if ! wait "$1"; then
    echo "npm test: $2 failed; its log, $3:" >&2
    cat "$3" >&2
    status=1
  fi
}
check "$api_md" "API.md is stale (run \"npx projen docgen\" and commit API.md)" .tmp/api-md-check.log
check "$bindings" "the jsii bindings (Python, Java, Go, .NET) could not be generated" .tmp/bindings.log
exit "$status"
