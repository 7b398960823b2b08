# shellcheck shell=bash
# Sourced by the scripts: the bundled jar, built when missing or older than the sources, under
# a lock so two commands started together do not build over each other.

yt8m_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
yt8m_jar="$yt8m_root/pipelines/target/yt8m-beam.jar"

yt8m_jar_is_stale() {
  [[ ! -f "$yt8m_jar" ]] && return 0
  local newer
  newer="$(find "$yt8m_root/pom.xml" "$yt8m_root/model" "$yt8m_root/transforms" \
    "$yt8m_root/pipelines" -name target -prune -o -type f \
    \( -path '*/src/main/*' -o -name pom.xml \) -newer "$yt8m_jar" -print -quit)"
  [[ -n "$newer" ]]
}

yt8m_ensure_jar() {
  yt8m_jar_is_stale || return 0
  exec 9>"$yt8m_root/.yt8m-build.lock"
  if ! flock -n 9; then
    echo "yt8m: waiting for another command that is building the bundled jar..." >&2
    flock 9
  fi
  if yt8m_jar_is_stale; then # another command may have built it while this one waited
    echo "yt8m: building the bundled jar (first run or sources changed; takes a minute)..." >&2
    (cd "$yt8m_root" && mvn -B -q -ntp -DskipTests package -pl pipelines -am) >&2
  fi
  flock -u 9
  exec 9>&-
}

# The JVM flags of YT8M_JAVA_OPTS as words (no glob expansion); unless they size the heap, a
# heap of half the machine's memory (the JVM's own default is a quarter; TensorFlow's native
# memory and the page cache share the other half). The JVM reads the memory, container limits
# included, so this holds on Linux and macOS alike.
yt8m_java_opts() {
  read -r -a yt8m_java_flags <<<"${YT8M_JAVA_OPTS:-}"
  local flag
  for flag in "${yt8m_java_flags[@]}"; do
    case "$flag" in
      -Xmx* | -XX:MaxHeapSize=* | -XX:MaxRAMPercentage=* | -XX:MaxRAM=*) return 0 ;;
    esac
  done
  yt8m_java_flags+=("-XX:MaxRAMPercentage=50")
}

# Class-data sharing: an archive of the classes a pipeline loads ($yt8m_jar.jsa), recorded once
# per build of the jar by a small `generate` run, lets every later command map them instead of
# loading and verifying them (about 0.7 s of the 6 s that `inspect` of four real shards takes
# on 2 cores). The JVM checks the archive against the jar and the JVM; one that does not fit
# is ignored, silently. YT8M_CLASS_ARCHIVE=off turns it off.
yt8m_class_archive() {
  [[ "${YT8M_CLASS_ARCHIVE:-on}" != off ]] || return 0
  local archive="$yt8m_jar.jsa"
  if [[ ! -f "$archive" || "$yt8m_jar" -nt "$archive" ]]; then
    exec 9>"$yt8m_root/.yt8m-build.lock"
    flock 9
    if [[ ! -f "$archive" || "$yt8m_jar" -nt "$archive" ]]; then
      local scratch
      scratch="$(mktemp -d)"
      if TF_CPP_MIN_LOG_LEVEL=3 java -XX:ArchiveClassesAtExit="$archive.$$.tmp" \
          -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$yt8m_jar" generate \
          --outputDir="$scratch" --split=validate --numVideos=200 --numShards=2 \
          >/dev/null 2>&1 && [[ -f "$archive.$$.tmp" ]]; then
        mv -f "$archive.$$.tmp" "$archive"
      else
        rm -f "$archive.$$.tmp"
      fi
      rm -rf "$scratch"
    fi
    flock -u 9
    exec 9>&-
  fi
  if [[ -f "$archive" ]]; then
    yt8m_java_flags+=("-XX:SharedArchiveFile=$archive" "-Xlog:cds=off" "-Xlog:cds+dynamic=off")
  fi
}
