# shellcheck shell=bash
# Sourced by the scripts in scripts/: makes sure a JDK (17 or newer) and Maven are there before a
# script builds or runs anything, on a fresh Debian machine too.
#
#   toolchain_jdk     finds a JDK 17+ ($JAVA_HOME, else javac on PATH); when there is none, installs
#                     Debian's openjdk-17-jdk-headless as root, and otherwise says what is missing and
#                     exits 2. Exports JAVA_HOME and puts its bin/ first on PATH, so that `java` and
#                     ./mvnw use the same JDK.
#   toolchain_maven   Maven through the Maven Wrapper (./mvnw; version pinned in
#                     .mvn/wrapper/maven-wrapper.properties): fetched from Maven Central on first use
#                     into ~/.m2/wrapper (or $MAVEN_USER_HOME/wrapper), for root and other users alike.
#   toolchain_missing_packages PKG...   prints those of the Debian packages PKG that are not installed.
#   toolchain_apt_install PKG...        as root: apt-get update (once per script), then installs PKG
#                                       without recommends.
#
# Messages start with "$toolchain_who: " (set it before sourcing; default: the script's name).

toolchain_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
toolchain_who="${toolchain_who:-$(basename "$0")}"

# The feature version (17, 21, ...) of the JDK at $1, or nothing when $1 is not a JDK home.
_toolchain_jdk_version() {
  local home="$1" version
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  version="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null)"
  [ -n "$version" ] || version="$("$home/bin/javac" -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p')"
  echo "$version"
}

# The first JDK 17+ among $JAVA_HOME, the javac on PATH and the homes given as arguments.
_toolchain_find_jdk() {
  local javac home version
  local homes=("${JAVA_HOME:-}")
  javac="$(command -v javac 2>/dev/null || true)"
  [ -z "$javac" ] || homes+=("$(dirname "$(dirname "$(readlink -f "$javac")")")")
  homes+=("$@")
  for home in "${homes[@]}"; do
    [ -n "$home" ] || continue
    version="$(_toolchain_jdk_version "$home")"
    if [ -n "$version" ] && [ "$version" -ge 17 ]; then
      echo "$home"
      return 0
    fi
  done
  return 1
}

toolchain_missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

toolchain_apt_install() {
  command -v apt-get >/dev/null || { echo "$toolchain_who: no apt-get here; install $* yourself" >&2; exit 2; }
  echo "$toolchain_who: installing $* (apt-get)" >&2
  # another apt-get may hold the lock for a while (unattended upgrades): wait for it instead of failing
  if [ -z "${_toolchain_apt_updated:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q >&2
    _toolchain_apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "$@" >&2
}

toolchain_jdk() {
  local home
  if ! home="$(_toolchain_find_jdk)"; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "$toolchain_who: no JDK 17+ found; run as root to install openjdk-17-jdk-headless, or install a JDK" \
        "(and put its bin/ on PATH or set JAVA_HOME)" >&2
      exit 2
    fi
    toolchain_apt_install openjdk-17-jdk-headless
    # the javac on PATH may still be another (older) JDK's: look where Debian put this one too
    home="$(_toolchain_find_jdk /usr/lib/jvm/java-17-openjdk-*)" \
      || { echo "$toolchain_who: openjdk-17-jdk-headless installed, but no JDK 17+ found" >&2; exit 2; }
  fi
  export JAVA_HOME="$home"
  export PATH="$home/bin:$PATH"
}

toolchain_maven() {
  local url name log
  url="$(sed -n 's/^distributionUrl=//p' "$toolchain_root/.mvn/wrapper/maven-wrapper.properties")"
  name="$(basename "$url" -bin.zip)"
  # ./mvnw keeps each distribution in wrapper/dists/NAME/HASH/
  if ! compgen -G "${MAVEN_USER_HOME:-$HOME/.m2}/wrapper/dists/$name/*/bin/mvn" >/dev/null; then
    echo "$toolchain_who: fetching $name through the Maven Wrapper (first use)" >&2
    log="$(mktemp)"
    if ! "$toolchain_root/mvnw" -v >"$log" 2>&1; then
      cat "$log" >&2
      rm -f "$log"
      echo "$toolchain_who: could not fetch Maven ($url)" >&2
      exit 2
    fi
    rm -f "$log"
  fi
}
