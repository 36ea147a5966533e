// The hidden `__complete` command the completion scripts call, and `__refresh-cache`.
// `__complete` never prompts, never writes to stderr and always exits 0: anything that goes
// wrong just means fewer candidates.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "atomic_file.hpp"
#include "commands/commands.hpp"
#include "commands/container_cache.hpp"
#include "core/completion.hpp"
#include "core/discovered_hosts.hpp"
#include "core/errors.hpp"
#include "core/state_files.hpp"

namespace lxhost {
namespace {

// The containers of the line's host as NAME, and of every other configured host as HOST:NAME
// (from each host's own cache; one without a cache gets a refresh started and is offered from a
// later TAB: only the line's host is waited for). Nothing when the line already names one of them.
void add_containers(Context& line, const CompletionPlan& plan, NameFilter filter, std::vector<Candidate>& out) {
  struct Listed {
    std::string tag;  // "" or "HOST:"
    std::vector<CachedContainer> containers;
  };
  std::vector<Listed> hosts;
  hosts.push_back({"", cached_containers(line)});
  try {
    const std::string here = line.host().name;
    for (const HostConfig& host : line.config().hosts) {
      std::string tag = host.name + ":";
      const bool may_match = tag.starts_with(plan.prefix) || plan.prefix.starts_with(tag) || !plan.unless_one_of.empty();
      if (host.name == here || !may_match) continue;
      Context other = line.for_host(host);
      hosts.push_back({std::move(tag), cached_containers(other, std::chrono::milliseconds(0))});
    }
  } catch (const Error&) {
    // A broken config: the line's host's names only.
  }
  const std::vector<std::string>& named = plan.unless_one_of;
  for (const Listed& host : hosts)
    for (const CachedContainer& container : host.containers)
      if (std::find(named.begin(), named.end(), host.tag + container.name) != named.end()) return;
  for (const Listed& host : hosts)
    for (const CachedContainer& container : host.containers)
      if (state_matches(container.state, filter) && (host.tag + container.name).starts_with(plan.prefix))
        out.push_back({plan.value_prefix + host.tag + container.name, container.state});
}

// `discover`'s hosts that announced SSH, unforgotten, without the line's host's containers
// (which announce `NAME.local` too, and are no hosts to run lxc-* on) as its cache knows them: a
// TAB after -H never waits for the host.
std::vector<std::string> discovered_ssh_hosts(Context& ctx) {
  const std::string text = read_cache_text(discovered_hosts_file(ctx.paths().cache_dir));
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  std::vector<std::string> hosts = ssh_hosts(parse_discovered(text), now.count());
  if (hosts.empty()) return hosts;
  const std::vector<CachedContainer> containers = containers_on_disk(ctx);
  std::erase_if(hosts, [&](const std::string& host) {
    return std::any_of(containers.begin(), containers.end(),
                       [&](const CachedContainer& c) { return host == c.name + ".local"; });
  });
  return hosts;
}

// Configured hosts, then the hosts `discover` saw announce SSH.
void add_hosts(Context& ctx, const std::string& prefix, std::vector<Candidate>& out) {
  auto add = [&](const std::string& name, const std::string& description) {
    if (!name.starts_with(prefix)) return;
    for (const Candidate& c : out)
      if (c.value == name) return;
    out.push_back({name, description});
  };
  try {
    for (const HostConfig& host : ctx.config().hosts) add(host.name, host.address.value);
  } catch (const Error&) {
  }
  for (const std::string& host : discovered_ssh_hosts(ctx)) add(host, "discovered");
}

// A Context for the line being completed: its own -H and -c, if it has them.
Context context_for(const Context& ctx, const CompletionPlan& plan) {
  Invocation invocation = ctx.invocation();
  if (plan.host) invocation.options.host = Setting<std::string>{*plan.host, {Origin::Kind::flag, "-H"}};
  if (plan.config_file) invocation.options.config_file = Setting<std::string>{*plan.config_file, {Origin::Kind::flag, "-c"}};
  invocation.options.verbosity = -1;
  return Context(std::move(invocation), ctx.env(), ctx.paths(), ctx.services());
}

int complete_words(Context& ctx, std::span<const std::string> words) {
  const CompletionPlan plan = plan_completion(words);
  if (plan.files != CompletionPlan::Files::none) {
    fmt::print("{}\n", plan.files == CompletionPlan::Files::dirs ? ":dirs" : ":files");
    return 0;
  }
  std::vector<Candidate> candidates = plan.fixed;
  if (plan.containers || plan.hosts) {
    Context line = context_for(ctx, plan);
    if (plan.containers) add_containers(line, plan, *plan.containers, candidates);
    if (plan.hosts) add_hosts(line, plan.prefix, candidates);
  }
  fmt::print("{}", render_candidates(candidates));
  return 0;
}

std::optional<NameFilter> filter_named(std::string_view name) {
  if (name == "running") return NameFilter::running;
  if (name == "stopped") return NameFilter::stopped;
  if (name == "frozen") return NameFilter::frozen;
  if (name == "defined") return NameFilter::defined;
  return std::nullopt;
}

// `containers [--state S] [--host H]`
int complete_containers(Context& ctx, std::span<const std::string> args) {
  NameFilter filter = NameFilter::defined;
  CompletionPlan plan;
  for (size_t i = 0; i + 1 < args.size(); i += 2) {
    if (args[i] == "--state") {
      if (auto f = filter_named(args[i + 1])) filter = *f;
    } else if (args[i] == "--host") {
      plan.host = args[i + 1];
    }
  }
  Context line = context_for(ctx, plan);
  for (const CachedContainer& container : cached_containers(line))
    if (state_matches(container.state, filter)) fmt::print("{}\n", container.name);
  return 0;
}

}  // namespace

int run_complete(Context& ctx, std::span<const std::string> args) {
  try {
    if (args.empty()) return 0;
    const std::string& what = args[0];
    auto rest = args.subspan(1);
    if (what == "words") {
      if (!rest.empty() && rest[0] == "--") rest = rest.subspan(1);
      return complete_words(ctx, rest);
    }
    if (what == "containers") return complete_containers(ctx, rest);
    if (what == "tools") {
      for (const Verb& verb : verb_table()) fmt::print("{}\n", verb.tool);
      return 0;
    }
  } catch (...) {
    // Completion must stay silent: no candidates is the answer to every failure.
  }
  return 0;
}

int run_refresh_cache(Context& ctx, std::span<const std::string>) { return refresh_container_cache(ctx); }

}  // namespace lxhost
