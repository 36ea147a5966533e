# README's Architecture section and docs/ARCHITECTURE.md name every file and folder of src/ (a
# file as src/DIR/NAME.EXT or, for a header and its source, src/DIR/NAME.*), and every src/ path
# they name exists: a file added, moved or removed without its line fails here.
set -euo pipefail
: "${LXHOST_SOURCE_DIR:?set by ctest}"
cd "$LXHOST_SOURCE_DIR"

T=$(mktemp -d /tmp/lxhost-arch.XXXXXX)
trap 'rm -rf "$T"' EXIT
FAILURES=0
CHECKS=0
fail() { printf 'FAIL: %s\n' "$*"; FAILURES=$((FAILURES + 1)); }

# README's "## Architecture" section, up to the next "## " heading.
awk '/^## Architecture$/ { on = 1; next } on && /^## / { exit } on' README.md >"$T/README-architecture"
cp docs/ARCHITECTURE.md "$T/ARCHITECTURE.md"
[ -s "$T/README-architecture" ] || fail "README.md has no '## Architecture' section"

find src -type f | sort >"$T/files"
find src -mindepth 1 -type d | sort >"$T/dirs"
for doc in README-architecture ARCHITECTURE.md; do
  while IFS= read -r file; do
    CHECKS=$((CHECKS + 1))
    grep -qF -e "$file" -e "${file%.*}.*" "$T/$doc" || fail "$doc does not name $file"
  done <"$T/files"
  while IFS= read -r dir; do
    CHECKS=$((CHECKS + 1))
    grep -qF "$dir/" "$T/$doc" || fail "$doc does not name the folder $dir/"
  done <"$T/dirs"
  # Every src/ path it names is there: a file, a folder, or NAME.* for files that exist.
  grep -oE 'src/[A-Za-z0-9_./*-]+' "$T/$doc" | sed 's/[.,]$//' | sort -u >"$T/named"
  while IFS= read -r path; do
    CHECKS=$((CHECKS + 1))
    case $path in
      *'.*') compgen -G "$path" >/dev/null || fail "$doc names $path, which matches no file" ;;
      */) [ -d "$path" ] || fail "$doc names the folder $path, which does not exist" ;;
      *) [ -e "$path" ] || fail "$doc names $path, which does not exist" ;;
    esac
  done <"$T/named"
done

printf '%d checks, %d failed\n' "$CHECKS" "$FAILURES"
((FAILURES == 0))
