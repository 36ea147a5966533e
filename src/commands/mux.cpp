// `mux status|stop [--all]`, and `__mux-master` (what a client starts: see src/mux/).
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "commands/table.hpp"
#include "host_spec.hpp"
#include "mux/master.hpp"
#include "mux/protocol.hpp"
#include "mux/socket.hpp"

namespace lxhost {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kAnswerBound = std::chrono::seconds(2);

std::vector<std::string> sockets_in(const std::string& dir) {
  std::vector<std::string> paths;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* entry = ::readdir(d)) {
      const std::string name = entry->d_name;
      if (name.ends_with(".sock")) paths.push_back(dir + "/" + name);
    }
    ::closedir(d);
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// Asks the master at `path` for `request` (status or stop) after hello. nullopt: nothing answers.
struct Answer {
  mux::Hello hello;
  std::optional<mux::Frame> reply;
};
std::optional<Answer> ask(const std::string& path, mux::Type request, std::uint32_t version) {
  const int fd = mux::connect_socket(path);
  if (fd < 0) return std::nullopt;
  Answer answer;
  try {
    mux::Decoder decoder;
    mux::send_all(fd, mux::encode_hello_request(version));
    const auto hello = mux::read_frame(fd, decoder, Clock::now() + kAnswerBound);
    if (!hello) throw ConnectError("no answer");
    answer.hello = mux::decode_hello(*hello, true);
    // `stop` is understood by every version; `status` only by ours.
    if (request == mux::Type::stop || answer.hello.version == version) {
      mux::send_all(fd, mux::encode(request));
      answer.reply = mux::read_frame(fd, decoder, Clock::now() + kAnswerBound);
    }
  } catch (const ConnectError&) {
    ::close(fd);
    return std::nullopt;
  }
  ::close(fd);
  return answer;
}

std::string duration(std::uint32_t s) {
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
}

int status(Context& ctx) {
  const std::string dir = mux::private_dir(ctx.paths());
  std::vector<std::vector<std::string>> table = {{"HOST", "PID", "UPTIME", "CHANNELS", "CLIENTS", "QUEUED", "SOCKET"}};
  for (const std::string& path : sockets_in(dir)) {
    const auto answer = ask(path, mux::Type::status, ctx.mux_protocol());
    if (!answer) {
      table.push_back({"(not answering)", "-", "-", "-", "-", "-", path});
    } else if (!answer->reply) {
      table.push_back({fmt::format("(protocol {})", answer->hello.version), std::to_string(answer->hello.pid), "-", "-", "-",
                 "-", path});
    } else {
      const mux::StatusReply s = mux::decode_status(*answer->reply);
      table.push_back({s.host, std::to_string(s.pid), duration(s.uptime_s), std::to_string(s.channels),
                 std::to_string(s.clients), std::to_string(s.queued), path});
    }
  }
  if (table.size() == 1) {
    fmt::print("no mux masters in {}\n", dir);
    return 0;
  }
  fmt::print("{}", render_table(table));
  return 0;
}

int stop(Context& ctx, bool all) {
  const std::vector<std::string> paths = all ? sockets_in(mux::private_dir(ctx.paths()))
                                             : std::vector<std::string>{ctx.mux_socket_path()};
  int stopped = 0;
  for (const std::string& path : paths) {
    if (const auto answer = ask(path, mux::Type::stop, ctx.mux_protocol())) {
      fmt::print("stopped the master at {} (pid {})\n", path, answer->hello.pid);
      ++stopped;
    } else if (all) {
      ::unlink(path.c_str());  // nothing answers there: a stale socket
    }
  }
  if (stopped == 0) fmt::print("no master was running\n");
  return 0;
}

}  // namespace

int run_mux(Context& ctx, std::span<const std::string> args) {
  const auto parsed = parse_args("mux", args);
  if (!parsed) return 0;
  if (parsed->subcommand()->name == "status") return status(ctx);
  return stop(ctx, parsed->has("--all"));
}

int run_mux_master(Context& ctx, std::span<const std::string>) {
  const HostConfig& host = ctx.host();
  mux::MasterSetup setup{host,
                         ctx.paths(),
                         ctx.log(),
                         [&ctx](std::string_view name) { return ctx.resolve_local(name); },
                         ctx.mux_socket_path(),
                         fmt::format("{} ({})", host.name, endpoint_text(host.user.value, host.address.value,
                                                                         host.port.value)),
                         ctx.config().mux,
                         ctx.mux_protocol()};
  return mux::run_master(setup);
}

}  // namespace lxhost
