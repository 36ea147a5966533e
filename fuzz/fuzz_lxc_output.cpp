// libFuzzer target: the lxc-ls -f and lxc-info -iH parsers over any bytes. Only Failure may come
// out; rows and addresses are trimmed, single-line values; and the rows, written to the completion
// cache as `lxhost` does after each lxc-ls, read back from it. abort() otherwise.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/cache.hpp"
#include "core/errors.hpp"
#include "core/lxc_output.hpp"

namespace {

constexpr std::string_view blanks = " \t\r\n\v\f";

void check(bool ok) {
  if (!ok) std::abort();
}

// Not empty, no line break, no blank at either end.
void check_value(std::string_view value) {
  check(!value.empty());
  check(value.find('\n') == std::string_view::npos);
  check(blanks.find(value.front()) == std::string_view::npos);
  check(blanks.find(value.back()) == std::string_view::npos);
}

void check_ls(std::string_view text) {
  std::vector<lxhost::ContainerRow> rows;
  try {
    rows = lxhost::parse_lxc_ls_fancy(text);
  } catch (const lxhost::Failure&) {
    return;
  }
  std::vector<lxhost::ContainerRow> cacheable;
  for (const lxhost::ContainerRow& row : rows) {
    check_value(row.name);
    if (!row.state.empty()) check_value(row.state);
    for (const auto* ips : {&row.ipv4, &row.ipv6}) {
      for (const std::string& ip : *ips) {
        check_value(ip);
        check(ip.find(',') == std::string::npos);
      }
    }
    if (row.name.find_first_of("\t\r\n") == std::string::npos && row.state.find_first_of("\t\r\n") == std::string::npos)
      cacheable.push_back(row);
  }

  const auto cached = lxhost::parse_cache(lxhost::render_cache(rows));
  check(cached.has_value());
  check(cached->size() == cacheable.size());
  for (std::size_t i = 0; i < cacheable.size(); ++i) {
    check((*cached)[i].name == cacheable[i].name);
    check((*cached)[i].state == cacheable[i].state);
  }
}

void check_info(std::string_view text) {
  for (const std::string& ip : lxhost::parse_lxc_info_ips(text)) check_value(ip);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_ls(text);
  check_info(text);
  return 0;
}
