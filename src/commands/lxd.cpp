// A verb on a host with `backend = "lxd"`: translated by the LXD table (core/lxd_verbs.hpp), sent
// to LXD's API socket on the host over the host's SSH session (Transport::exchange: a
// direct-streamlocal channel, through the mux master like every other channel), and LXD's answer
// printed as LXC's tool would print it (core/lxd_output.hpp). Asynchronous requests are waited
// for through their operation. So far: ls, info, start, stop, freeze and unfreeze; the other
// verbs LXD can do are refused (exit 1) until they are built, saying which LXD command does it.
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <variant>

#include "commands/commands.hpp"
#include "commands/container_cache.hpp"
#include "commands/remote_run.hpp"
#include "core/errors.hpp"
#include "core/http_framing.hpp"
#include "core/legacy_verbs.hpp"
#include "core/lxd_output.hpp"
#include "core/lxd_verbs.hpp"
#include "core/remote_line.hpp"
#include "terminal.hpp"

namespace lxhost {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

// A synchronous answer (a list, a state) is LXD's own database read: seconds at most, even with
// a member lost (it answers for it at once, ERROR). An operation is waited for on LXD's side for
// kOperationWait, and the request that waits gets a little more.
constexpr milliseconds kRequestBound{10000};
constexpr seconds kOperationWait{120};

// LXD's socket on the host: the configured one, else the first of the usual places that exists.
std::string lxd_socket(Context& ctx) {
  const std::string& configured = ctx.host().lxd_socket.value;
  if (!configured.empty()) return configured;
  const Captured found = ctx.transport().capture(
      "for s in /var/snap/lxd/common/lxd/unix.socket /var/lib/lxd/unix.socket /var/lib/incus/unix.socket; "
      "do if [ -S \"$s\" ]; then printf '%s\\n' \"$s\"; exit 0; fi; done; exit 1");
  if (found.exit_code != 0 || found.out.empty())
    throw Failure(fmt::format("{} has no LXD socket in any of the usual places", ctx.host().name),
                  "set lxd_socket in the host's table of the config (lxd_socket = \"/path/to/unix.socket\")");
  return found.out.substr(0, found.out.find('\n'));
}

class Lxd {
 public:
  explicit Lxd(Context& ctx) : ctx_(ctx), socket_(lxd_socket(ctx)) {}

  // The answer to one request, whatever its status.
  HttpResponse send(const HttpRequest& request, milliseconds bound = kRequestBound) {
    const std::string bytes = render_request(request);
    ctx_.log().debug("lxd: {} {} ({} bytes) to {}", request.method, request.target, bytes.size(), socket_);
    HttpResponseReader reader;
    ctx_.transport().exchange(socket_, bytes, [&reader](std::string_view got) { return reader.feed(got); }, bound);
    if (!reader.done() && !reader.finish())
      throw ConnectError(fmt::format("LXD on {} closed the connection before its whole answer", ctx_.host().name));
    return reader.response();
  }

  // A synchronous request's metadata; LXD's error as a Failure.
  std::string sync(const HttpRequest& request) {
    const HttpResponse response = send(request);
    if (response.status != 200) fail(response);
    return response.body;
  }

  // An asynchronous request, waited for until its operation ends (unless `wait` is false); its
  // failure as a Failure.
  void run(const HttpRequest& request, bool wait = true) {
    const HttpResponse response = send(request);
    if (response.status != 202 && response.status != 200) fail(response);
    if (!wait) return;
    const json body = parse(response.body);
    if (body.value("type", "") != "async") return;
    const std::string id = body.at("metadata").value("id", "");
    if (id.empty()) throw Failure(fmt::format("LXD on {} started an operation without an id", ctx_.host().name));
    const HttpRequest waiting{"GET",
                           in_project(fmt::format("/1.0/operations/{}/wait?timeout={}", url_segment(id), kOperationWait.count()),
                                      LxdScope{ctx_.host().lxd_project.value}),
                           ""};
    const HttpResponse done = send(waiting, std::chrono::duration_cast<milliseconds>(kOperationWait) + kRequestBound);
    if (done.status != 200) fail(done);
    const json operation = parse(done.body).at("metadata");
    if (operation.value("status", "") != "Success") {
      const std::string err = operation.value("err", "");
      throw Failure(fmt::format("LXD on {}: {}", ctx_.host().name, err.empty() ? operation.value("status", "failed") : err));
    }
  }

 private:
  json parse(const std::string& body) {
    try {
      return json::parse(body);
    } catch (const json::exception&) {
      throw Failure(fmt::format("unexpected answer from LXD on {}: not JSON", ctx_.host().name));
    }
  }
  [[noreturn]] void fail(const HttpResponse& response) {
    std::string said;
    try {
      said = json::parse(response.body).value("error", "");
    } catch (const json::exception&) {
    }
    if (said.empty()) said = fmt::format("HTTP {} {}", response.status, response.reason);
    throw Failure(fmt::format("LXD on {}: {}", ctx_.host().name, said));
  }

  Context& ctx_;
  std::string socket_;
};

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
