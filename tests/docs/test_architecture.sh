# README's Architecture section and docs/ARCHITECTURE.md name every file and folder of src/ (a
# file as src/DIR/NAME.EXT or, for a header and its source, src/DIR/NAME.*), and every src/ path
# they name exists: a file added, moved or removed without its line fails here.
set -euo pipefail
: "${LXHOST_SOURCE_DIR:?set by ctest}"
cd "$LXHOST_SOURCE_DIR"

T=$(mktemp -d /tmp/lxhost-arch.XXXXXX)
trap 'rm -rf "$T"' EXIT
source tests/checks.sh

# README's "## Architecture" section, up to the next "## " heading.
awk '/^## Architecture$/ { on = 1; next } on && /^## / { exit } on' README.md >"$T/README-architecture"
cp docs/ARCHITECTURE.md "$T/ARCHITECTURE.md"
check "README.md has a '## Architecture' section" test -s "$T/README-architecture"

find src -type f | sort >"$T/files"
find src -mindepth 1 -type d | sort >"$T/dirs"
for doc in README-architecture ARCHITECTURE.md; do
  while IFS= read -r file; do
    check "$doc names $file" grep -qF -e "$file" -e "${file%.*}.*" "$T/$doc"
  done <"$T/files"
  while IFS= read -r dir; do
    check "$doc names the folder $dir/" grep -qF "$dir/" "$T/$doc"
  done <"$T/dirs"
  # Every src/ path it names is there: a file, a folder, or NAME.* for files that exist.
  grep -oE 'src/[A-Za-z0-9_./*-]+' "$T/$doc" | sed 's/[.,]$//' | sort -u >"$T/named"
  while IFS= read -r path; do
    case $path in
      *'.*') check "$doc names $path, which matches a file" compgen -G "$path" ;;
      */) check "$doc names the folder $path, which exists" test -d "$path" ;;
      *) check "$doc names $path, which exists" test -e "$path" ;;
    esac
  done <"$T/named"
done

finish
