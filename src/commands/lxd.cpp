// A verb on a host with `backend = "lxd"`: translated by the LXD table (core/lxd_verbs.hpp), sent
// to LXD's API socket on the host over the host's SSH session (Transport::exchange: a
// direct-streamlocal channel, through the mux master like every other channel), and LXD's answer
// printed as LXC's tool would print it (core/lxd_output.hpp). Asynchronous requests are waited
// for through their operation. So far: ls, info, start, stop, freeze and unfreeze; the other
// verbs LXD can do are refused (exit 1) until they are built, saying which LXD command does it.
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <string>
#include <type_traits>
#include <variant>

#include "commands/commands.hpp"
#include "commands/container_cache.hpp"
#include "commands/lxd_api.hpp"
#include "commands/remote_run.hpp"
#include "core/errors.hpp"
#include "core/legacy_verbs.hpp"
#include "core/lxd_output.hpp"
#include "core/lxd_verbs.hpp"
#include "core/remote_line.hpp"
#include "terminal.hpp"

namespace lxhost {
namespace {

std::size_t terminal_width() {
  return is_terminal(STDOUT_FILENO) ? static_cast<std::size_t>(terminal_size().cols) : 0;
}

// The LXD command that does what a verb not built yet would do.
std::string_view not_yet(std::string_view verb) {
  if (verb == "attach" || verb == "execute") return "lxc exec NAME -- CMD";
  if (verb == "copy" || verb == "clone") return "lxc copy NAME NEW";
  if (verb == "destroy") return "lxc delete NAME";
  if (verb == "snapshot") return "lxc snapshot NAME";
  if (verb == "start-ephemeral") return "lxc launch --ephemeral or lxc copy --ephemeral";
  return "lxc list NAME (polled)";
}

}  // namespace

int run_lxd(Context& ctx, const Verb& verb, std::span<const std::string> typed) {
  if (asks_for_help(typed)) return print_verb_help(ctx, verb);
  const std::vector<std::string> args = with_verb_defaults(ctx, verb, typed);
  const LxdScope scope{ctx.host().lxd_project.value};
  const LxdAction action = translate_lxd(verb.name, args, scope, "");
  return std::visit(
      [&](const auto& a) -> int {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, LxdList>) {
          Lxd lxd(ctx);
          fmt::print("{}", render_lxd_ls(parse_lxd_instances(lxd.sync(a.request)), a, terminal_width()));
          return 0;
        } else if constexpr (std::is_same_v<A, LxdInfo>) {
          Lxd lxd(ctx);
          fmt::print("{}", render_lxd_info(parse_lxd_instance(lxd.sync(a.request)), a));
          return 0;
        } else if constexpr (std::is_same_v<A, LxdStateChange>) {
          Lxd lxd(ctx);
          lxd.run(a.request, a.wait);  // lxc-stop -W: asked, not waited for
          if (verb.cache == CacheEffect::invalidate) invalidate_container_cache(ctx);
          return 0;
        } else {
          throw Failure(fmt::format("{} on an LXD host is not built into lxhost yet", verb.name),
                        fmt::format("on the host, LXD's own client does it: {}", not_yet(verb.name)));
        }
      },
      action);
}

}  // namespace lxhost
