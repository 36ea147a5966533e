#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <vector>

#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "commands/remote_run.hpp"
#include "lxc_output.hpp"

namespace lxhost {
namespace {

std::string joined(const std::vector<std::string>& values) {
  if (values.empty()) return "-";
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : ",") + value;
  return text;
}

void print_table(const std::vector<ContainerRow>& rows) {
  std::vector<std::array<std::string, 4>> cells;
  cells.push_back({"NAME", "STATE", "IPV4", "IPV6"});
  for (const ContainerRow& row : rows) cells.push_back({row.name, row.state, joined(row.ipv4), joined(row.ipv6)});
  std::array<size_t, 4> width{};
  for (const auto& line : cells)
    for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  for (const auto& line : cells)
    fmt::print("{:<{}}  {:<{}}  {:<{}}  {}\n", line[0], width[0], line[1], width[1], line[2], width[2], line[3]);
}

void print_json(const std::vector<ContainerRow>& rows, const std::string& host) {
  nlohmann::json list = nlohmann::json::array();
  for (const ContainerRow& row : rows)
    list.push_back({{"host", host},
                    {"name", row.name},
                    {"state", row.state},
                    {"ipv4", row.ipv4},
                    {"ipv6", row.ipv6},
                    {"mdns", nullptr}});
  fmt::print("{}\n", list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

int run_list(Context& ctx, std::span<const std::string> args) {
  CLI::App app{"Containers on the host with their state and every IPv4 and IPv6 address.", "lxhost list"};
  bool json = false;
  app.add_flag("--json", json, "print a JSON array: host, name, state, ipv4, ipv6, mdns");
  if (!parse_args(app, args)) return 0;

  const std::vector<std::string> argv = {"lxc-ls", "-f", "-F", std::string(lxc_ls_fields)};
  const std::string output = capture_remote(ctx, tool_line(argv, ctx.remote_context()), "lxc-ls");
  const std::vector<ContainerRow> rows = parse_lxc_ls_fancy(output);
  if (json) print_json(rows, ctx.host().name);
  else print_table(rows);
  return 0;
}

}  // namespace lxhost
