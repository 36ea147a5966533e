// `lxhost publish [-H HOST]...`: a NAME.local on the laptop's network for every running container
// of the hosts, until SIGINT/SIGTERM. Each host is followed through its mux master (whose watch
// sends a listing whenever the host's containers change); the names follow from the listings
// (core/publish_names.*); the Publisher (src/discovery/) keeps the laptop's mDNS responder's
// records equal to them. One thread here: the hosts' feeds, the publisher's notes and the
// signals are all read by one poll; a host being connected is waited for on a thread of its own.
// `--install`/`--uninstall` write or remove the per-user service that runs it at login.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "atomic_file.hpp"
#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "core/lxc_output.hpp"
#include "core/publish_names.hpp"
#include "core/publish_service.hpp"
#include "core/state_files.hpp"
#include "fd_util.hpp"
#include "file_lock.hpp"
#include "mux/client.hpp"
#include "self_path.hpp"
#include "terminal.hpp"

namespace lxhost {
namespace {

using Clock = std::chrono::steady_clock;

// A host that cannot be followed is tried again after 1 s, then twice as long each time, up to 30 s.
constexpr auto kFirstRetry = std::chrono::seconds(1);
constexpr auto kLongestRetry = std::chrono::seconds(30);
// A host whose master went away keeps its names this long while it is followed again (a new
// master takes a few hundred ms): names that come and go would make every peer flush and ask.
constexpr auto kKeepWhileLost = std::chrono::seconds(30);
// A container seen starting is given its name only this long after: its own avahi-daemon (if it
// runs one) claims the name first, and the check then finds it taken. Published sooner, lxhost's
// record would win the daemon's probe and the container would rename itself NAME-2.local.
// Containers already running when publish first lists the host are not held back.
constexpr auto kLetItsOwnDaemonFirst = std::chrono::seconds(3);
// SIGINT/SIGTERM: the responder withdraws every record within this, or lxhost exits without it.
constexpr auto kWithdrawBound = std::chrono::seconds(2);

void say(std::string_view line) {
  fmt::print(stderr, "lxhost: publish: {}\n", line);
  (void)std::fflush(stderr);
}

// Whether this machine has a route to `address` (a UDP connect sends nothing: the kernel only
// picks the route). An address the laptop cannot reach is not worth a name on its network.
bool routable(const std::string& address) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_INET;
  if (auto* v4 = reinterpret_cast<sockaddr_in*>(&storage); ::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(9);
    length = sizeof(sockaddr_in);
  } else if (auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
             ::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(9);
    length = sizeof(sockaddr_in6);
    family = AF_INET6;
  } else {
    return false;  // not an address (lxc-ls printed something else)
  }
  const int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return true;  // cannot tell: let the responder have it
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&storage), length);
  const int error = errno;
  ::close(fd);
  return rc == 0 || (error != ENETUNREACH && error != EHOSTUNREACH);
}

// The publisher's notes, from its thread to the loop: queued, and a byte on a pipe wakes the poll.
class NoteQueue {
 public:
  void push(const PublishNote& note) {
    {
      const std::lock_guard lock(mutex_);
      notes_.push_back(note);
    }
    wake_.wake();
  }
  std::vector<PublishNote> take() {
    wake_.drain();
    const std::lock_guard lock(mutex_);
    return std::exchange(notes_, {});
  }
  int fd() const { return wake_.fd(); }

 private:
  WakePipe wake_{"pipe"};
  std::mutex mutex_;
  std::vector<PublishNote> notes_;
};

// One host followed: its feed (or the connection being made), its last listing, and when to try
// again after trouble.
struct Followed {
  HostConfig host;
  std::unique_ptr<mux::ContainerFeed> feed;
  std::future<std::unique_ptr<mux::ContainerFeed>> connecting;
  std::optional<std::vector<ContainerRow>> rows;  // none until its first listing, or lost too long
  Clock::time_point retry_at{};
  Clock::time_point lost_at{};
  Clock::duration pause = kFirstRetry;
  std::string trouble;  // what was last said about it (said once until it changes)
  bool followed_once = false;
  // Containers seen going to RUNNING, and when: held back until kLetItsOwnDaemonFirst has passed.
  std::map<std::string, Clock::time_point> started;
};

class PublishLoop {
 public:
  PublishLoop(Context& ctx, std::vector<HostConfig> hosts) : ctx_(ctx), file_(published_names_file(ctx.paths().cache_dir)) {
    for (HostConfig& host : hosts) {
      followed_.emplace_back();
      followed_.back().host = std::move(host);
    }
  }
  int run();

 private:
  void connect(Followed& f);
  void read(Followed& f);
  void lost(Followed& f, const Error& error);
  void republish();
  void handle(const PublishNote& note);
  void write_state();
  void reap_masters();

  Context& ctx_;
  std::string file_;
  std::vector<Followed> followed_;
  NoteQueue notes_;
  std::unique_ptr<Publisher> publisher_;
  std::vector<PublishedName> wanted_;
  std::set<std::string> established_;  // names the responder has published
  std::set<std::string> said_;         // skipped lines already said
  bool changed_ = false;
};

void PublishLoop::connect(Followed& f) {
  if (f.connecting.valid()) {
    if (f.connecting.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
    try {
      f.feed = f.connecting.get();
      if (!f.trouble.empty()) say(fmt::format("{}: following its containers again", f.host.name));
      f.trouble.clear();
      f.pause = kFirstRetry;
      f.followed_once = true;
    } catch (const ConnectError& e) {
      lost(f, e);
    }
    return;
  }
  if (f.feed || Clock::now() < f.retry_at) return;
  Context& ctx = ctx_;
  const HostConfig host = f.host;
  // Starting a master takes up to its connect bound: the other hosts and the signals go on meanwhile.
  f.connecting = std::async(std::launch::async, [&ctx, host] { return ctx.services().follow(ctx, host); });
}

void PublishLoop::lost(Followed& f, const Error& error) {
  f.feed.reset();
  const auto now = Clock::now();
  if (f.trouble.empty()) f.lost_at = now;
  // A master that went away is followed again at once the first time (`mux stop`, a killed one).
  const bool at_once = f.trouble.empty() && f.followed_once;
  f.retry_at = at_once ? now : now + f.pause;
  if (!at_once) f.pause = std::min<Clock::duration>(f.pause * 2, kLongestRetry);
  const std::string trouble = error.what();
  if (trouble != f.trouble)
    say(fmt::format("{}: {}; following it again{}", f.host.name, trouble,
                    at_once ? "" : fmt::format(" in {} s", std::chrono::ceil<std::chrono::seconds>(f.retry_at - now).count())));
  f.trouble = trouble;
}

void PublishLoop::read(Followed& f) {
  try {
    const auto listings = f.feed->take();
    if (listings.empty()) return;
    auto rows = parse_lxc_ls_fancy(listings.back());
    if (rows != f.rows) {
      const auto now = Clock::now();
      for (const ContainerRow& row : rows) {
        const bool was_running = f.rows && std::any_of(f.rows->begin(), f.rows->end(), [&](const ContainerRow& r) {
                                   return r.name == row.name && r.state == "RUNNING";
                                 });
        if (f.rows && row.state == "RUNNING" && !was_running) f.started[row.name] = now;
        if (row.state != "RUNNING") f.started.erase(row.name);
      }
      f.rows = std::move(rows);
      changed_ = true;
    }
  } catch (const ConnectError& e) {
    lost(f, e);
  } catch (const Failure& e) {  // the master refused (it does not watch), or a listing that is none
    lost(f, e);
  }
}

void PublishLoop::republish() {
  std::vector<HostListing> listings;
  for (Followed& f : followed_) {
    if (f.rows && !f.trouble.empty() && Clock::now() - f.lost_at > kKeepWhileLost) {
      say(fmt::format("{}: not followed for {} s: its names are withdrawn until it is", f.host.name,
                      std::chrono::duration_cast<std::chrono::seconds>(kKeepWhileLost).count()));
      f.rows.reset();
    }
    if (!f.rows) continue;
    HostListing listing{f.host.name, *f.rows};
    std::erase_if(listing.rows, [&](const ContainerRow& row) {
      const auto it = f.started.find(row.name);
      return it != f.started.end() && Clock::now() - it->second < kLetItsOwnDaemonFirst;
    });
    listings.push_back(std::move(listing));
  }
  PublishChoice choice = choose_names(listings, ctx_.config().publish);
  for (PublishedName& name : choice.names) {
    std::vector<std::string> unreachable;
    std::erase_if(name.addresses, [&](const std::string& a) {
      const bool no_route = !routable(a);
      if (no_route) unreachable.push_back(a);
      return no_route;
    });
    for (const std::string& a : unreachable)
      choice.skipped.push_back(fmt::format("{}: {}: no route from here to {}", name.host, name.container, a));
  }
  std::erase_if(choice.names, [](const PublishedName& n) { return n.addresses.empty(); });
  for (const std::string& line : choice.skipped)
    if (said_.insert(line).second) say(fmt::format("not published: {}", line));
  if (choice.names == wanted_) return;
  wanted_ = std::move(choice.names);
  publisher_->set(wanted_);
  write_state();
}

void PublishLoop::handle(const PublishNote& note) {
  const auto it = std::find_if(wanted_.begin(), wanted_.end(), [&](const PublishedName& n) { return n.name == note.name; });
  const std::string whose = it == wanted_.end() ? "" : fmt::format(" ({}: {})", it->host, it->container);
  switch (note.kind) {
    case PublishNote::Kind::published:
      established_.insert(note.name);
      if (ctx_.invocation().options.verbosity >= 0)
        say(fmt::format("published {}{}{}", note.name, whose,
                        it == wanted_.end() ? "" : fmt::format(": {}", fmt::join(it->addresses, ", "))));
      break;
    case PublishNote::Kind::taken:
      established_.erase(note.name);
      say(fmt::format("{}{} is announced by another responder: left to it", note.name, whose));
      break;
    case PublishNote::Kind::conflict:
      established_.erase(note.name);
      say(fmt::format("{}{}: another responder claims it: withdrawn", note.name, whose));
      break;
    case PublishNote::Kind::failed:
      established_.erase(note.name);
      say(fmt::format("{}{}: the mDNS responder refused it: {}", note.name, whose, note.detail));
      break;
    case PublishNote::Kind::withdrawn:  // told only for a name that was published
      if (established_.erase(note.name) && ctx_.invocation().options.verbosity >= 0)
        say(fmt::format("withdrew {}", note.name));
      break;
    case PublishNote::Kind::waiting:
      established_.clear();
      say(fmt::format("the mDNS daemon cannot be reached ({}): names are published when it can", note.detail));
      break;
  }
  write_state();
}

// The masters this process started are its children: one that ended (killed, stopped) is reaped
// here, but not while a host is being followed: its starter waits for a master that fails itself.
void PublishLoop::reap_masters() {
  if (std::any_of(followed_.begin(), followed_.end(), [](const Followed& f) { return f.connecting.valid(); })) return;
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

// published.tsv: what `list` shows at once for these addresses.
void PublishLoop::write_state() {
  std::vector<PublishedName> names;
  for (const PublishedName& n : wanted_)
    if (established_.count(n.name)) names.push_back(n);
  try {
    write_file_atomically(file_, render_published(names), 0600);
  } catch (const Error& e) {
    ctx_.log().debug("publish: {}", e.what());  // only list's shortcut: the names are published anyway
  }
}

int PublishLoop::run() {
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(file_).parent_path(), error);
  const auto lock = FileLock::try_lock(lock_file(file_));
  if (!lock)
    throw Failure("another `lxhost publish` of this user is running",
                  "one publishes for every host it follows: stop it first, or give it these hosts");
  SignalWatch signals{SIGINT, SIGTERM, SIGHUP};
  publisher_ = ctx_.services().publisher(ctx_, [this](const PublishNote& note) { notes_.push(note); });
  write_state();
  for (;;) {
    for (Followed& f : followed_) connect(f);
    if (changed_) {
      changed_ = false;
      republish();
    }
    std::vector<pollfd> fds{{signals.fd(), POLLIN, 0}, {notes_.fd(), POLLIN, 0}};
    bool connecting = false;
    auto wake = Clock::time_point::max();
    for (const Followed& f : followed_) {
      fds.push_back({f.feed ? f.feed->fd() : -1, POLLIN, 0});
      connecting = connecting || f.connecting.valid();
      if (!f.feed && !f.connecting.valid()) wake = std::min(wake, f.retry_at);
      if (f.rows && !f.trouble.empty()) wake = std::min(wake, f.lost_at + kKeepWhileLost);
      for (const auto& [name, since] : f.started)
        if (Clock::now() - since < kLetItsOwnDaemonFirst) wake = std::min(wake, since + kLetItsOwnDaemonFirst);
    }
    int timeout = connecting ? 50 : -1;  // a connection being made is looked at 20 times a second
    if (wake != Clock::time_point::max()) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(wake - Clock::now()).count();
      const int bound = static_cast<int>(std::clamp<long long>(left, 0, 60'000));
      timeout = timeout < 0 ? bound : std::min(timeout, bound);
    }
    if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR)
      throw Failure(fmt::format("poll: {}", std::strerror(errno)));
    if (fds[0].revents & POLLIN) {
      const auto taken = signals.take();
      if (!taken.empty()) {
        publisher_->withdraw_all(kWithdrawBound);
        std::filesystem::remove(file_, error);
        if (ctx_.invocation().options.verbosity >= 0) say("every name withdrawn");
        return 0;
      }
    }
    if (fds[1].revents & POLLIN)
      for (const PublishNote& note : notes_.take()) handle(note);
    for (std::size_t i = 0; i < followed_.size(); ++i)
      if (followed_[i].feed && (fds[i + 2].revents & (POLLIN | POLLHUP | POLLERR))) read(followed_[i]);
    reap_masters();
    // A host lost for too long loses its names, a container held back gets its own: looked at
    // whenever the loop wakes.
    for (Followed& f : followed_) {
      if (f.rows && !f.trouble.empty() && Clock::now() - f.lost_at > kKeepWhileLost) changed_ = true;
      std::erase_if(f.started, [&](const auto& held) {
        const bool over = Clock::now() - held.second >= kLetItsOwnDaemonFirst;
        changed_ = changed_ || over;
        return over;
      });
    }
  }
}

// `argv` run as it is (no shell), its output ours; its exit code, 127 when it cannot be started.
int run_and_wait(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& word : argv) args.push_back(const_cast<char*>(word.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (::posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return 127;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::string shown(const std::vector<std::string>& argv) { return fmt::to_string(fmt::join(argv, " ")); }

// The command the service runs: this lxhost, the config it was given, `publish` and the hosts.
std::vector<std::string> service_argv(Context& ctx, const std::vector<std::string>& hosts) {
  std::vector<std::string> argv{self_executable().string()};
  if (ctx.config_path_required())
    argv.insert(argv.end(), {"-c", std::filesystem::absolute(ctx.config_path()).lexically_normal().string()});
  argv.emplace_back("publish");
  for (const std::string& host : hosts) argv.insert(argv.end(), {"-H", host});
  return argv;
}

// --install / --uninstall [--dry-run]: the per-user service that runs `publish` at login.
int run_publish_service(Context& ctx, const CommandArgs& parsed, const std::vector<std::string>& hosts) {
#ifdef __APPLE__
  constexpr ServiceKind kind = ServiceKind::launchd;
#else
  constexpr ServiceKind kind = ServiceKind::systemd;
#endif
  const ServicePlan plan = service_plan(kind, ctx.paths().home, ctx.env().get_nonempty("XDG_CONFIG_HOME").value_or(""),
                                        service_argv(ctx, hosts));
  const bool install = parsed.has("--install");
  const auto& commands = install ? plan.after_install : plan.before_uninstall;
  if (parsed.has("--dry-run")) {
    if (install) fmt::print("{}", plan.text);
    fmt::print(stderr, "lxhost: publish: would {} {}\n", install ? "write" : "remove", plan.path);
    for (const auto& command : commands) fmt::print(stderr, "lxhost: publish: would run {}\n", shown(command));
    return 0;
  }
  std::error_code error;
  if (!install) {
    if (!std::filesystem::exists(plan.path, error)) {
      say(fmt::format("no service to remove at {}", plan.path));
      return 0;
    }
    int failed = 0;
    for (const auto& command : commands)
      if (const int code = run_and_wait(command); code != 0) {
        ctx.log().warn("`{}` exited with {}; removing the file anyway", shown(command), code);
        failed = 1;
      }
    if (!std::filesystem::remove(plan.path, error) && error)
      throw Failure(fmt::format("cannot remove {}: {}", plan.path, error.message()));
    say(fmt::format("removed {}", plan.path));
    return failed;
  }
  // Replacing one that is installed: the running one is stopped first, so the new one starts.
  if (std::filesystem::exists(plan.path, error))
    for (const auto& command : plan.before_uninstall) (void)run_and_wait(command);
  std::filesystem::create_directories(std::filesystem::path(plan.path).parent_path(), error);
  write_file_atomically(plan.path, plan.text, 0644);
  say(fmt::format("wrote {}", plan.path));
  for (auto command = commands.begin(); command != commands.end(); ++command)
    if (const int code = run_and_wait(*command); code != 0) {
      std::vector<std::string> rest;
      for (auto left = command; left != commands.end(); ++left) rest.push_back(shown(*left));
      throw Failure(fmt::format("wrote {}, but `{}` exited with {}", plan.path, shown(*command), code),
                    fmt::format("once your service manager runs: {}", fmt::join(rest, " && ")));
    }
  return 0;
}

}  // namespace

int run_publish(Context& ctx, std::span<const std::string> args) {
  const CommandArgs parsed = parse_command_args(*find_command("publish"), args);
  if (!parsed.help().empty()) {
    fmt::print("{}", parsed.help());
    return 0;
  }
  const auto given = parsed.values("-H");
  if (parsed.has("--install") || parsed.has("--uninstall")) {
    if (!given.empty()) (void)publish_hosts(ctx.config(), given);  // a name that is no host: exit 2 now
    return run_publish_service(ctx, parsed, given);
  }
  if (parsed.has("--dry-run"))
    throw UsageError("publish: --dry-run goes with --install or --uninstall", "lxhost publish --install --dry-run");
  const Config& config = ctx.config();
  if (!config.mux.watch.value)
    throw UsageError("publish learns of containers from each master's watch, and [mux] watch is false",
                     "set [mux] watch = true");
  std::vector<HostConfig> hosts;
  if (given.empty() && ctx.invocation().options.host) {
    hosts.push_back(ctx.host());  // lxhost -H HOST publish
  } else {
    for (const std::string& name : publish_hosts(config, given)) hosts.push_back(*config.find_host(name));
  }
  return PublishLoop(ctx, std::move(hosts)).run();
}

}  // namespace lxhost
