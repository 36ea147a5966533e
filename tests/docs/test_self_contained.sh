# The repository stands alone: no file points to documents outside it (another checkout's design
# notes, an issue tracker). Where a rule matters, the file says the rule itself.
set -euo pipefail
: "${LXHOST_SOURCE_DIR:?set by ctest}"
cd "$LXHOST_SOURCE_DIR"

# The patterns, spelled so that this file does not match them itself.
shared='\.\./'shared
design='\bDES''IGN\b'
issue='\b(the|this|that|an?|packaging|ssh-config|mdns) iss''ue\b|\biss''ue ?#?[0-9]+'
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  files() { git ls-files -z --cached --others --exclude-standard; }
else
  files() { find . -path ./build -prune -o -path './build-*' -prune -o -type f -print0; }
fi
self=tests/docs/test_self_contained.sh
hits=$(files | grep -zv "^\(\./\)\?$self\$" | xargs -0 grep -nIE -e "$shared" -e "$design" -- 2>/dev/null || true)
hits+=$(files | grep -zv "^\(\./\)\?$self\$" | xargs -0 grep -nIiE -e "$issue" -- 2>/dev/null || true)
if [ -n "$hits" ]; then
  printf 'FAIL: files that point outside the repository (say the rule itself instead):\n%s\n' "$hits"
  exit 1
fi
echo "no file points outside the repository ($(files | tr -cd '\0' | wc -c) files)"
