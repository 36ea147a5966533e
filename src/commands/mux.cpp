// `mux status|stop [--all]`, and `__mux-master` (what a client starts: see src/mux/).
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include <fmt/format.h>

#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "core/host_spec.hpp"
#include "core/mux/protocol.hpp"
#include "core/state_files.hpp"
#include "core/text_table.hpp"
#include "file_lock.hpp"
#include "mux/master.hpp"
#include "mux/socket.hpp"

namespace lxhost {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kAnswerBound = std::chrono::seconds(2);

std::vector<std::string> files_in(const std::string& dir, std::string_view suffix) {
  std::vector<std::string> paths;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* entry = ::readdir(d)) {
      const std::string name = entry->d_name;
      if (name.ends_with(suffix)) paths.push_back(dir + "/" + name);
    }
    ::closedir(d);
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// Asks the master at `path` for `request` (status or stop) after hello. nullopt: nothing answers;
// then `dead` says whether nothing listens there at all (a master that died left its socket).
struct Answer {
  mux::Hello hello;
  std::optional<mux::Frame> reply;
};
std::optional<Answer> ask(const std::string& path, mux::Type request, std::uint32_t version, bool* dead = nullptr) {
  const int fd = mux::connect_socket(path);
  if (dead) *dead = fd < 0 && (errno == ECONNREFUSED || errno == ENOENT);
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

// What masters that are gone left: their sockets (nothing listens), and lock files of starters
// that are gone (one a starter still holds is left to it).
void remove_leftovers(Context& ctx, const std::string& dir, const std::vector<std::string>& dead) {
  for (const std::string& path : dead) {
    ctx.log().debug("mux: no master listens at {}: removed", path);
    ::unlink(path.c_str());
  }
  for (const std::string& path : files_in(dir, kLockSuffix)) {
    try {
      if (auto lock = FileLock::try_lock(path)) lock.reset();  // nobody held it: let go, it is removed
    } catch (const Failure&) {
      // not ours to clean
    }
  }
}

int status(Context& ctx) {
  const std::string dir = mux::private_dir(ctx.paths());
  std::vector<std::vector<std::string>> table = {{"HOST", "PID", "UPTIME", "CHANNELS", "CLIENTS", "QUEUED", "SOCKET"}};
  std::vector<std::string> dead;
  for (const std::string& path : files_in(dir, kSocketSuffix)) {
    bool nothing_listens = false;
    const auto answer = ask(path, mux::Type::status, ctx.mux_protocol(), &nothing_listens);
    if (nothing_listens) {
      dead.push_back(path);
    } else if (!answer) {  // it listens and does not answer: hung, for the user to see
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
  remove_leftovers(ctx, dir, dead);
  if (table.size() == 1) {
    fmt::print("no mux masters in {}\n", dir);
    return 0;
  }
  fmt::print("{}", render_table(table));
  return 0;
}

int stop(Context& ctx, bool all) {
  const std::vector<std::string> paths = all ? files_in(mux::private_dir(ctx.paths()), kSocketSuffix)
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
  if (all) remove_leftovers(ctx, mux::private_dir(ctx.paths()), {});
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

// Until it is ready, what stops the master reaches the client that started it as a typed report.
int run_mux_master(Context& ctx, std::span<const std::string>) {
  try {
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
  } catch (const Error& e) {
    mux::report_startup_failure(e);
    return e.code();
  }
}

}  // namespace lxhost
