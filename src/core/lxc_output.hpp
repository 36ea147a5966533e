// Parsers for LXC tools' text output (lxc-ls has no JSON).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lxhost {

struct ContainerRow {
  std::string name;
  std::string state;              // as LXC prints it: RUNNING, STOPPED, FROZEN, ...
  std::vector<std::string> ipv4;  // every address, in LXC's order; empty for "-"
  std::vector<std::string> ipv6;

  bool operator==(const ContainerRow&) const = default;
};

// The fields `list` asks for, in this order.
inline constexpr std::string_view lxc_ls_fields = "NAME,STATE,IPV4,IPV6";

// Output of `lxc-ls -f -F NAME,STATE,IPV4,IPV6`: a header line, then one padded row per container;
// columns start where the header's names start; "-" means none; lists are "a, b".
// Lines may carry trailing spaces; an empty text means no containers.
// Throws Failure when the text is not that table (e.g. "Invalid key: ...").
std::vector<ContainerRow> parse_lxc_ls_fancy(std::string_view text);

// Output of `lxc-info -n NAME -i -H`: one address per line, v4 and v6 mixed.
std::vector<std::string> parse_lxc_info_ips(std::string_view text);

}  // namespace lxhost
