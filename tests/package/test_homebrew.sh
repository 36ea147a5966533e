# The Homebrew formula (macOS's install path): valid Ruby (`ruby -c`; it cannot be built here),
# the dependencies the build finds with Homebrew, and the completion files and man pages the build
# renders, installed in Homebrew's places.
set -euo pipefail
: "${LXHOST_SOURCE_DIR:?set by ctest}" "${LXHOST_BUILD_DIR:?set by ctest}"
formula=$LXHOST_SOURCE_DIR/packaging/homebrew/lxhost.rb
source "$LXHOST_SOURCE_DIR/tests/checks.sh"
has() { grep -qE -- "$1" "$formula"; }

check "ruby -c: Syntax OK" test "$(ruby -c "$formula" 2>&1)" = "Syntax OK"
for dep in libssh cli11 fmt tomlplusplus nlohmann-json; do
  check "depends_on \"$dep\"" has "^  depends_on \"$dep\""
done
check "license MIT" has '^  license "MIT"$'
check "a test do block" has '^  test do$'
# Each file the formula installs from the build is one the build makes.
while IFS= read -r file; do
  check "the build makes $file" test -s "$LXHOST_BUILD_DIR/${file#build/}"
done < <(grep -oE '"build/rendered/[^"]+"' "$formula" | tr -d '"')
for place in bash_completion zsh_completion man1 man5; do
  check "it installs into Homebrew's $place" has "^    $place\.install \"build/rendered/"
done

finish
