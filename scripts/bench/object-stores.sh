# Sourced by scripts/bench/run.sh: object store servers (the same ones the tests use, from npm) for the transfers
# through each backend. They run on CPU 1, beside the load generator: in production the store is another machine.

store_pid=""
STORE_ENV=()

# object_store_start KIND DIR PORT: starts the server for KIND and sets STORE_ENV to the registry's settings for it.
object_store_start() {
  local kind=$1 dir=$2 port=$3
  mkdir -p "$dir"
  case $kind in
    s3)
      taskset -c 1 node "$(npm_tool s3rver@3.7.1 s3rver/bin/s3rver.js)" -d "$dir" -a 127.0.0.1 -p "$port" -s >"$dir.log" 2>&1 &
      STORE_ENV=(REGISTRY_STORAGE_KIND=s3 REGISTRY_STORAGE_S3_BUCKET=bench "REGISTRY_STORAGE_S3_ENDPOINT=http://127.0.0.1:$port"
        REGISTRY_STORAGE_S3_FORCE_PATH_STYLE=true REGISTRY_STORAGE_S3_AUTH_METHOD=static
        REGISTRY_STORAGE_S3_ACCESS_KEY_ID=S3RVER REGISTRY_STORAGE_S3_SECRET_ACCESS_KEY=S3RVER)
      ;;
    azure)
      # azurite's well-known development account (devstoreaccount1 and its published key).
      taskset -c 1 node "$(npm_tool azurite@3.37.0 azurite/dist/src/blob/main.js)" --blobHost 127.0.0.1 --blobPort "$port" \
        --location "$dir" --silent --skipApiVersionCheck --loose >"$dir.log" 2>&1 &
      STORE_ENV=(REGISTRY_STORAGE_KIND=azure REGISTRY_STORAGE_AZURE_CONTAINER=bench REGISTRY_STORAGE_AZURE_ACCOUNT_NAME=devstoreaccount1
        REGISTRY_STORAGE_AZURE_ACCOUNT_KEY=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==
        "REGISTRY_STORAGE_AZURE_ENDPOINT=http://127.0.0.1:$port/devstoreaccount1")
      ;;
    gcs)
      # The Firebase suite's Cloud Storage emulator, started as the tests start it; no credentials (an emulator).
      local firebase
      firebase=$(npm_tool firebase-tools@15.34.2 firebase-tools/package.json)
      TMPDIR="$dir" taskset -c 1 node "$ROOT/tests/IntegrationTests/Infrastructure/gcs-emulator.js" "$(dirname "$firebase")" 127.0.0.1 "$port" bench >"$dir.log" 2>&1 &
      STORE_ENV=(REGISTRY_STORAGE_KIND=gcs REGISTRY_STORAGE_GCS_BUCKET=bench "REGISTRY_STORAGE_GCS_ENDPOINT=http://127.0.0.1:$port")
      ;;
    *) die "unknown object store kind '$kind' (BENCH_STORES: s3 azure gcs)" ;;
  esac
  store_pid=$!
  local deadline=$((SECONDS + 60))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    kill -0 "$store_pid" 2>/dev/null || die "the $kind server exited during start-up (see $dir.log)"
    [ $SECONDS -lt $deadline ] || die "the $kind server did not listen within 60 s"
    sleep 0.5
  done
  # The registry creates the bucket or container itself (REGISTRY_STORAGE_CREATE_IF_MISSING).
  STORE_ENV+=(REGISTRY_STORAGE_CREATE_IF_MISSING=true)
}

object_store_stop() {
  if [ -n "$store_pid" ]; then
    pkill -P "$store_pid" 2>/dev/null || true
    kill "$store_pid" 2>/dev/null || true
    wait "$store_pid" 2>/dev/null || true
  fi
  store_pid=""
}
