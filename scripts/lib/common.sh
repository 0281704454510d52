# Shared helpers for the scripts/ commands. Source it after cd-ing to the
# repository root:  source scripts/lib/common.sh

# Debian's interpreter: it is the one python3-grpcio and python3-protobuf
# install into, whatever else is first on PATH.
readonly CRM_PYTHON=/usr/bin/python3

# One progress line, prefixed with the command's name.
step() {
  printf '%s: %s\n' "$(basename "$0")" "$*"
}

# Prints an error line on stderr and exits non-zero.
die() {
  printf '%s: error: %s\n' "$(basename "$0")" "$*" >&2
  exit 1
}

# Prints a TCP port on 127.0.0.1 that is free right now (the kernel picks it).
free_port() {
  "$CRM_PYTHON" -c '
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])'
}

# Configures and builds everything into build/. Configuring every time is
# cheap and picks up a newly added service folder.
build_all() {
  step "configuring build/"
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  step "building"
  cmake --build build -j2
}
