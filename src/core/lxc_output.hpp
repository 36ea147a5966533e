// Parsers for LXC tools' text output (lxc-ls has no JSON), and lxc-ls's layouts.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lxhost {

struct ContainerRow {
  std::string name;
  std::string state;              // as LXC prints it: RUNNING, STOPPED, FROZEN, ...
  std::vector<std::string> ipv4;  // every address, in LXC's order; empty for "-"
  std::vector<std::string> ipv6;
  std::string location;  // the LXD cluster member that holds it; "" on an LXC host

  bool operator==(const ContainerRow&) const = default;
};

// The fields `list` asks for, in this order.
inline constexpr std::string_view lxc_ls_fields = "NAME,STATE,IPV4,IPV6";

// Output of `lxc-ls -f -F NAME,STATE,IPV4,IPV6`: a header line, then one padded row per container;
// columns start where the header's names start; "-" means none; lists are "a, b".
// Lines may carry trailing spaces; an empty text means no containers.
// Throws Failure when the text is not that table (e.g. "Invalid key: ...").
std::vector<ContainerRow> parse_lxc_ls_fancy(std::string_view text);

// `ls --all-hosts`: what lxc-ls printed on each host, as one output in lxc-ls's own layout with
// every name HOST:NAME.
enum class LsLayout {
  names,  // the default: names padded to the longest, in columns a terminal's width allows
  lines,  // -1 / --line: one name a line
  table,  // -f / --fancy (with -F's columns or lxc-ls's own): a header, then a row a container
};
// The layout lxc-ls's arguments (the verb's, before any `--`) ask for, read as getopt reads them
// (`-1f`, a flag's value is no flag). -F alone changes nothing: lxc-ls needs -f for a table.
LsLayout ls_layout(std::span<const std::string> args);

struct HostLsOutput {
  std::string host;
  std::string text;  // lxc-ls's stdout on it, without a terminal
};
// One output: for LsLayout::names, laid out as lxc-ls does for a terminal `termwidth` columns wide
// (0: no terminal, one name a line); a table's columns as wide as their widest cell, each followed
// by a space as lxc-ls prints them. A table without a NAME column (-F STATE) gets a HOST column
// first. Throws Failure for a table whose rows do not fit its header.
std::string merge_ls_outputs(LsLayout layout, std::span<const HostLsOutput> outputs, std::size_t termwidth);

// lxc-ls's names layout: each name padded to the longest (at least 4, NAME's width), in columns a
// terminal `termwidth` columns wide allows (0: no terminal, one name a line).
std::string render_ls_names(std::span<const std::string> names, std::size_t termwidth);

// A table as lxc-ls -f prints one: a header, then a row a container with a cell under each name
// ("-" for none).
struct LsTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};
// Every column as wide as its widest cell and followed by a space; RAM and SWAP at least as wide
// as "0.00MB" (lxc-ls measures a stopped container's 0.00 too), their sizes to the right. Nothing
// for a table without a header.
std::string render_ls_table(const LsTable& table);

// Output of `lxc-info -n NAME -i -H`: one address per line, v4 and v6 mixed.
std::vector<std::string> parse_lxc_info_ips(std::string_view text);

}  // namespace lxhost
