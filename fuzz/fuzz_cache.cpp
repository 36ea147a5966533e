// libFuzzer target: the completion cache reader over any bytes. A cache it accepts holds named,
// single-line entries and is canonical (written again, it is the same text); file_safe_name always
// gives a safe file name. abort() otherwise.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cache.hpp"
#include "core/state_files.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_cache(std::string_view text) {
  const std::optional<std::vector<lxhost::CachedContainer>> parsed = lxhost::parse_cache(text);
  if (!parsed) return;
  check(text.starts_with(lxhost::kCacheHeader));
  std::vector<lxhost::ContainerRow> rows;
  for (const lxhost::CachedContainer& c : *parsed) {
    check(!c.name.empty());
    check(c.name.find_first_of("\t\n") == std::string::npos);
    check(c.state.find_first_of("\t\n") == std::string::npos);
    rows.push_back({c.name, c.state, {}, {}, ""});
  }
  // render_cache leaves out rows with a '\r' (LXC names never hold one); without one, the
  // text is exactly what render_cache writes.
  if (text.find('\r') == std::string_view::npos) check(lxhost::render_cache(rows) == text);
}

void check_key(std::string_view host) {
  const std::string key = lxhost::file_safe_name(host);
  check(!key.empty() && key.front() != '.');
  check(key.size() == host.size() || key.size() == host.size() + 1);
  for (char c : key) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '-' || c == '_';
    check(safe);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_cache(text);
  check_key(text);
  return 0;
}
