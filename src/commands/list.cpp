#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "atomic_file.hpp"
#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "commands/remote_run.hpp"
#include "core/discovery.hpp"
#include "core/lxc_output.hpp"
#include "core/mdns_misses.hpp"
#include "core/state_files.hpp"
#include "core/text_table.hpp"

namespace lxhost {
namespace {

std::string joined(const std::vector<std::string>& values) {
  if (values.empty()) return "-";
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : ",") + value;
  return text;
}

void print_table(const std::vector<ContainerRow>& rows, const std::vector<std::string>& mdns) {
  std::vector<std::vector<std::string>> cells = {{"NAME", "STATE", "IPV4", "IPV6", "MDNS"}};
  for (size_t i = 0; i < rows.size(); ++i) {
    const ContainerRow& row = rows[i];
    cells.push_back({row.name, row.state, joined(row.ipv4), joined(row.ipv6), mdns[i].empty() ? "-" : mdns[i]});
  }
  fmt::print("{}", render_table(cells));
}

void print_json(const std::vector<ContainerRow>& rows, const std::vector<std::string>& mdns, const std::string& host) {
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    const ContainerRow& row = rows[i];
    list.push_back({{"host", host},
                    {"name", row.name},
                    {"state", row.state},
                    {"ipv4", row.ipv4},
                    {"ipv6", row.ipv6},
                    {"mdns", mdns[i].empty() ? nlohmann::json(nullptr) : nlohmann::json(mdns[i])}});
  }
  fmt::print("{}\n", list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

// The addresses remembered as having no name (mdns-misses.tsv), as the file holds them.
std::vector<MdnsMiss> read_misses(Context& ctx) {
  return parse_misses(read_cache_text(mdns_misses_file(ctx.paths().cache_dir)));
}

// What this lookup found, merged with what was remembered; written only when it changed.
void remember_misses(Context& ctx, const std::vector<MdnsMiss>& before, const std::vector<std::string>& asked,
                     const std::vector<std::string>& names, std::int64_t now) {
  const std::string text = render_misses(update_misses(before, asked, names, now));
  if (text == render_misses(before)) return;
  try {
    write_file_atomically(mdns_misses_file(ctx.paths().cache_dir), text, 0600);
  } catch (const Error& e) {
    ctx.log().warn("{}", e.what());  // only a cache
  }
}

// The `.local` name that answers for each container's addresses, or "" per row: reverse mDNS
// lookups, all in parallel, over once the first answers decide (or every name came, with
// `wait`). Addresses that found no name a moment ago are not waited for. No mDNS daemon: no
// names, and one warning that says why (an empty column would otherwise read as "nobody
// announces these").
std::vector<std::string> mdns_names(Context& ctx, const std::vector<ContainerRow>& rows, bool wait) {
  std::vector<std::string> names(rows.size());
  ReverseRequest request;
  for (const ContainerRow& row : rows) {
    request.addresses.insert(request.addresses.end(), row.ipv4.begin(), row.ipv4.end());
    request.addresses.insert(request.addresses.end(), row.ipv6.begin(), row.ipv6.end());
  }
  if (request.addresses.empty()) return names;
  request.timeout = std::chrono::milliseconds(ctx.config().discovery.resolve_timeout_ms.value);
  request.wait = wait ? LookupWait::every_answer : LookupWait::first_answers;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::vector<MdnsMiss> misses = read_misses(ctx);
  if (!wait) {
    for (const std::string& address : remembered_misses(misses, now))
      if (std::find(request.addresses.begin(), request.addresses.end(), address) != request.addresses.end())
        request.remembered_misses.push_back(address);
    if (!request.remembered_misses.empty())
      ctx.log().debug("list: {} address(es) found no mDNS name in the last {} s: only the daemon's cache is asked for them",
                      request.remembered_misses.size(), kRememberMissesFor.count());
  }
  std::vector<std::string> answers;
  try {
    answers = ctx.discovery().reverse(request);
  } catch (const MdnsUnavailable& e) {
    ctx.log().warn("list: no mDNS names: {}", e.what());
    return names;
  }
  remember_misses(ctx, misses, request.addresses, answers, now);
  size_t next = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const size_t count = rows[i].ipv4.size() + rows[i].ipv6.size();
    for (size_t k = next; k < next + count && k < answers.size(); ++k)
      if (names[i].empty()) names[i] = answers[k];
    next += count;
  }
  return names;
}

}  // namespace

int run_list(Context& ctx, std::span<const std::string> args) {
  const auto parsed = parse_args("list", args);
  if (!parsed) return 0;
  const bool json = parsed->has("--json");
  const bool mdns_wait = parsed->has("--mdns-wait") || ctx.config().discovery.list_mdns_wait.value;

  const std::vector<std::string> argv = {"lxc-ls", "-f", "-F", std::string(lxc_ls_fields)};
  std::string output;
  {
    // The mDNS libraries load (a few ms) while the host lists its containers.
    Discovery& discovery = ctx.discovery();
    const std::jthread prepare([&discovery] { discovery.prepare(); });
    output = capture_remote(ctx, tool_line(argv, ctx.remote_context()), "lxc-ls");
  }
  const std::vector<ContainerRow> rows = parse_lxc_ls_fancy(output);
  const std::vector<std::string> mdns = mdns_names(ctx, rows, mdns_wait);
  if (json) print_json(rows, mdns, ctx.host().name);
  else print_table(rows, mdns);
  return 0;
}

}  // namespace lxhost
