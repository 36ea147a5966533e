// The mux master: one authenticated libssh session to one host, serving lxhost invocations over a
// Unix socket. One thread, one ssh_event loop over the session, the listening socket and every
// client's socket; each client's command is an exec channel on the shared session, its output
// relayed as frames in the order libssh delivers it. While it serves, it watches the host's
// containers (HostWatch) and keeps the completion cache current. One file: the loop and what each
// of its passes does for a client read top to bottom; the pure part (a client's frames) is
// served_client.*, the watch's remote line remote_line.*.
#include "mux/master.hpp"

#include <fcntl.h>
#include <libssh/libssh.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <list>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "atomic_file.hpp"
#include "core/cache.hpp"
#include "core/errors.hpp"
#include "core/http_framing.hpp"
#include "core/lxc_output.hpp"
#include "core/lxd_output.hpp"
#include "core/lxd_verbs.hpp"
#include "core/mux/protocol.hpp"
#include "core/mux/served_client.hpp"
#include "core/remote_line.hpp"
#include "core/signals.hpp"
#include "core/state_files.hpp"
#include "fd_util.hpp"
#include "file_lock.hpp"
#include "mux/socket.hpp"
#include "transport/libssh_channel.hpp"
#include "transport/libssh_handles.hpp"
#include "transport/libssh_session.hpp"

namespace lxhost::mux {
namespace {

// sshd's MaxSessions is 10 by default: at most that many session channels on one connection.
// Commands take at most kMaxCommands; the rest is for the interrupt side channels.
constexpr unsigned kMaxChannels = 10;
constexpr unsigned kMaxCommands = 8;
// A client's stdin waiting for the channel's window: above this, its socket is not read.
constexpr std::size_t kMaxPendingInput = std::size_t{1024} * 1024;
// A client's output not yet written to it: above this, its channel's output stays in libssh
// (whose window then stops the remote command) until the client catches up.
constexpr std::size_t kMaxPendingOutput = std::size_t{1024} * 1024;
constexpr auto kKeepaliveEvery = std::chrono::seconds(15);
// A command whose channel sshd refused while others were open is tried again after 20 ms, then
// after twice as long each time it is refused again, up to 1 s.
constexpr auto kRetryRefused = std::chrono::milliseconds(20);
constexpr auto kRetryRefusedLongest = std::chrono::milliseconds(1000);
// sshd counts the watch's session until its shell has ended (within 0.1 s of TERM as a rule,
// 1.5 s at most while lxc-monitor's sudo does not take TERM, more on a slow host): a command
// refused meanwhile is tried again until then.
constexpr auto kWatchEnds = std::chrono::seconds(5);

int on_fd_ready(socket_t, int revents, void* userdata) {
  *static_cast<int*>(userdata) |= revents;
  return 0;
}

struct Client;

// A command's output, as frames to its client.
class FrameSink : public OutputSink {
 public:
  explicit FrameSink(std::string& out) : out_(out) {}
  bool out(std::string_view bytes) override {
    out_ += encode(Type::out, bytes);
    return true;
  }
  bool err(std::string_view bytes) override {
    out_ += encode(Type::err, bytes);
    return true;
  }

 private:
  std::string& out_;
};

class DiscardSink : public OutputSink {
 public:
  bool out(std::string_view) override { return true; }
  bool err(std::string_view) override { return true; }
};

class Master;

// Any output of the watch channel is news: a container changed state, or the lxcpath changed.
// Its first line is kept (an LXD host's watch names the socket it follows there).
class NewsSink : public OutputSink {
 public:
  explicit NewsSink(bool& news) : news_(news) {}
  bool out(std::string_view bytes) override {
    news_ = true;
    if (!first_done_) {
      const std::size_t end = bytes.find('\n');
      first_.append(bytes.substr(0, end));
      first_done_ = end != std::string_view::npos || first_.size() > kLongestFirstLine;
    }
    return true;
  }
  bool err(std::string_view) override { return true; }
  // The first line, once it has come whole.
  std::string_view first_line() const { return first_done_ ? std::string_view(first_) : std::string_view(); }
  void reset() {
    first_.clear();
    first_done_ = false;
  }

 private:
  static constexpr std::size_t kLongestFirstLine = 4096;
  bool& news_;
  std::string first_;
  bool first_done_ = false;
};

// The host's containers, watched while the master serves (so that a TAB offers what the host has
// now, whoever changed it): one channel runs watch_line() (lxc-monitor, and a line whenever the
// lxcpath directory changes: a container created or destroyed makes no state event), and every
// line of it makes the master list the containers again and write the completion cache. One
// listing at a time, at the lowest priority, starts at least kListingsApart apart and in a quiet
// moment between the master's commands (listing_due()); lines that come during one make one more.
// The watch is started again when it ends, after a pause that grows while it keeps ending at once
// (a host whose sudo refuses it). On an LXD host the watch is lxd_watch_line() (LXD's lifecycle
// events, all members' in a cluster), and a listing is GET /1.0/instances?recursion=2 on a
// direct-streamlocal channel to the socket that watch names (a forward: no session of sshd's
// MaxSessions), printed as lxc-ls -f prints for the followers. A listing that has not ended within
// kLongestListing is given up, and another made. Commands come first: a host whose sshd refuses a
// command's channel while only the watch holds one (a MaxSessions of 1 or 2) loses the watch for
// good.
class HostWatch {
 public:
  HostWatch(const HostConfig& host, const Paths& paths, bool enabled)
      : enabled_(enabled),
        lxd_(host.backend.value == Backend::lxd),
        context_{host.sudo.value, host.lxcpath.value},
        project_{host.lxd_project.value},
        watch_line_(lxd_ ? lxd_watch_line(host.lxd_socket.value, host.lxd_project.value) : watch_line(context_)),
        cache_(container_cache_file(paths.cache_dir, host.name)),
        news_sink_(news_) {}
  HostWatch(const HostWatch&) = delete;
  HostWatch& operator=(const HostWatch&) = delete;
  ~HostWatch() {
    release_channel(listing_, listing_state_);
    stop();
  }

  unsigned channels() const { return (watch_ ? 1U : 0U) + (listing_ ? 1U : 0U); }
  bool enabled() const { return enabled_; }
  // A follower came: a listing as soon as the host is quiet, whether or not anything changed.
  void want_listing() {
    if (!news_) news_since_ = Clock::now();
    news_ = true;
  }
  // The last listing's text (lxc-ls -f), and how many listings there were: a new one shows as a
  // new count.
  const std::string& last_listing() const { return last_listing_; }
  std::uint64_t listings() const { return listings_; }
  // What the loop should do now: start the watch or a listing (when `free_channel`), finish one.
  // `last_command`: when a command last had a channel open (a listing waits for a quiet moment).
  void tend(SshSession& ssh, bool free_channel, Clock::time_point last_command);
  Clock::time_point next_wakeup() const;
  void stop() {
    if (watch_ && !watch_state_.closed) ssh_channel_request_send_signal(watch_.get(), "TERM");
    release_channel(watch_, watch_state_);
  }
  // Frees the watch's channels for commands, and watches no more. False when it held none.
  bool give_way() {
    const bool held = channels() > 0;
    stop();
    release_channel(listing_, listing_state_);
    lock_.reset();
    enabled_ = false;
    return held;
  }

 private:
  static constexpr auto kFirstPause = std::chrono::seconds(1);
  static constexpr auto kLongestPause = std::chrono::seconds(60);
  static constexpr auto kLockRetry = std::chrono::milliseconds(50);
  // lxc-ls, or LXD's list, answers in well under a second; LXD answers for a lost member at once.
  static constexpr auto kLongestListing = std::chrono::seconds(30);
  // Listings start at least this far apart: a burst of changes (lxc-autostart, a test suite)
  // costs the host a few listings a second, not one per event.
  static constexpr auto kListingsApart = std::chrono::milliseconds(200);

  // A listing waits for the master's commands to leave the host alone for kQuietAfterCommands
  // (each of them costs the host's CPU, and commands that change containers have the cache
  // refreshed already), but for kLongestDefer at most.
  static constexpr auto kQuietAfterCommands = std::chrono::milliseconds(200);
  static constexpr auto kLongestDefer = std::chrono::milliseconds(700);

  Clock::time_point listing_due() const {
    const auto quiet = std::min(last_command_ + kQuietAfterCommands, news_since_ + kLongestDefer);
    return std::max({lock_again_at_, listed_at_ + kListingsApart, quiet});
  }

  void start_listing(SshSession& ssh);
  void start_lxd_listing(SshSession& ssh);
  // An LXD listing's whole answer has come (LXD keeps the connection open after it).
  bool lxd_answered();
  // Reads what the listing got into the cache and last_listing(); false when it got no listing.
  bool finish_listing();

  bool enabled_;  // [mux] watch
  bool lxd_;      // backend = "lxd"
  RemoteContext context_;
  LxdScope project_;
  std::string watch_line_;
  std::string lxd_socket_;  // the socket the LXD watch named
  std::string cache_;
  bool news_ = false;
  Clock::time_point news_since_{};   // when news_ turned true
  Clock::time_point last_command_{};
  NewsSink news_sink_;
  ChannelState watch_state_;
  ChannelPtr watch_;
  Clock::time_point watch_started_{};
  Clock::time_point watch_again_at_{};  // when a watch that ended is started again
  Clock::duration pause_ = kFirstPause;
  StringSink listing_sink_;
  HttpResponseReader lxd_answer_;
  std::size_t lxd_fed_ = 0;  // how much of listing_sink_.out_ lxd_answer_ has read
  bool lxd_garbled_ = false;  // what came is no HTTP response
  ChannelState listing_state_;
  ChannelPtr listing_;
  std::optional<FileLock> lock_;  // the cache's refresh lock, held while a listing runs
  Clock::time_point lock_again_at_{};
  Clock::time_point listed_at_{};  // when the last listing started
  std::string last_listing_;
  std::uint64_t listings_ = 0;
};

void HostWatch::tend(SshSession& ssh, bool free_channel, Clock::time_point last_command) {
  if (!enabled_) return;
  const auto now = Clock::now();
  last_command_ = last_command;
  if (!news_) news_since_ = now;
  if (watch_ && watch_state_.closed) {
    release_channel(watch_, watch_state_);
    pause_ = now - watch_started_ > std::chrono::seconds(10) ? Clock::duration(kFirstPause)
                                                               : std::min<Clock::duration>(pause_ * 2, kLongestPause);
    watch_again_at_ = now + pause_;
  }
  if (listing_) {
    const bool late = now - listed_at_ > kLongestListing;
    if ((listing_state_.closed || lxd_answered() || late) && !finish_listing() && late) want_listing();
  }
  if (!watch_ && free_channel && now >= watch_again_at_) {
    watch_state_ = ChannelState();  // the last watch's end (`closed`) would end this one at once
    watch_state_.sink = &news_sink_;
    news_sink_.reset();
    try {
      watch_ = open_exec_channel(ssh, watch_line_, watch_state_, nullptr);
      ssh_channel_send_eof(watch_.get());
      watch_started_ = now;
    } catch (const ConnectError&) {
      if (!ssh_is_connected(ssh.get())) throw;
      release_channel(watch_, watch_state_);
      watch_again_at_ = now + pause_;
    }
    return;  // one new channel a pass
  }
  if (news_ && !listing_ && free_channel && now >= listing_due()) start_listing(ssh);
}

Clock::time_point HostWatch::next_wakeup() const {
  auto wake = Clock::time_point::max();
  if (!enabled_) return wake;
  if (!watch_) wake = watch_again_at_;
  if (news_ && !listing_) wake = std::min(wake, listing_due());
  if (listing_) wake = std::min(wake, listed_at_ + kLongestListing);
  return wake;
}

void HostWatch::start_listing(SshSession& ssh) {
  if (lxd_) {
    const std::string_view named = news_sink_.first_line();
    if (named.starts_with("lxd /")) lxd_socket_ = named.substr(4);
    if (lxd_socket_.empty()) {  // the watch's first line brings news again
      news_ = false;
      return;
    }
  }
  // A `__refresh-cache` that holds the lock started before this news: this listing waits for it,
  // so that what it writes is the newest.
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(cache_).parent_path(), error);
  lock_.reset();
  try {
    if (auto lock = FileLock::try_lock(lock_file(cache_))) lock_.emplace(std::move(*lock));
  } catch (const Failure&) {  // no cache directory: no cache to keep current
    news_ = false;
    return;
  }
  if (!lock_) {
    lock_again_at_ = Clock::now() + kLockRetry;
    return;
  }
  news_ = false;
  listed_at_ = Clock::now();
  listing_sink_ = StringSink();
  listing_state_ = ChannelState();
  listing_state_.sink = &listing_sink_;
  try {
    if (lxd_) {
      start_lxd_listing(ssh);
    } else {
      // At the lowest priority: the host's CPU goes to commands first.
      const std::vector<std::string> argv = {"lxc-ls", "-f", "-F", std::string(lxc_ls_fields)};
      listing_ = open_exec_channel(ssh, "exec nice -n 19 " + command_line(argv, context_), listing_state_, nullptr);
      ssh_channel_send_eof(listing_.get());
    }
  } catch (const ConnectError&) {
    if (!ssh_is_connected(ssh.get())) throw;
    release_channel(listing_, listing_state_);
    lock_.reset();
    news_ = true;  // tried again once a channel is free
    lock_again_at_ = Clock::now() + kFirstPause;
  }
}

void HostWatch::start_lxd_listing(SshSession& ssh) {
  lxd_answer_ = HttpResponseReader();
  lxd_fed_ = 0;
  lxd_garbled_ = false;
  const std::string request = render_request({"GET", in_project("/1.0/instances?recursion=2", project_), ""});
  listing_ = open_forward_channel(ssh, listing_state_, ForwardTarget{"", 0, lxd_socket_});
  // A few hundred bytes: within any channel's first window.
  if (ssh_channel_write(listing_.get(), request.data(), static_cast<std::uint32_t>(request.size())) !=
      static_cast<int>(request.size())) {
    if (!ssh_is_connected(ssh.get())) ssh.lost("while asking LXD for its instances");
    throw ConnectError("the host did not take the request for LXD's instances");
  }
}

bool HostWatch::lxd_answered() {
  if (!lxd_ || !listing_) return false;
  const std::string& got = listing_sink_.out_;
  if (lxd_fed_ < got.size() && !lxd_garbled_) {
    try {
      (void)lxd_answer_.feed(std::string_view(got).substr(lxd_fed_));
    } catch (const Error&) {
      lxd_garbled_ = true;
    }
    lxd_fed_ = got.size();
  }
  return lxd_garbled_ || lxd_answer_.done();
}

bool HostWatch::finish_listing() {
  const bool closed = listing_state_.closed;
  const bool exited = listing_state_.exit_status == 0;
  release_channel(listing_, listing_state_);
  bool listed = false;
  try {
    const bool answered = lxd_ && !lxd_garbled_ && (lxd_answer_.done() || (closed && lxd_answer_.finish()));
    if (answered && lxd_answer_.response().status == 200) {
      std::vector<LxdInstance> instances = parse_lxd_instances(lxd_answer_.response().body);
      LxdList fancy;
      fancy.format = LxdList::Format::fancy;
      fancy.fields = {"NAME", "STATE", "IPV4", "IPV6"};  // lxc_ls_fields: what followers read
      last_listing_ = render_lxd_ls(instances, fancy, 0);
      ++listings_;
      write_file_atomically(cache_, render_cache(lxd_container_rows(std::move(instances))), 0600);
      listed = true;
    } else if (!lxd_ && exited) {
      const auto rows = parse_lxc_ls_fancy(listing_sink_.out_);  // throws for what is not a listing
      last_listing_ = std::move(listing_sink_.out_);
      ++listings_;
      write_file_atomically(cache_, render_cache(rows), 0600);
      listed = true;
    }
  } catch (const Error&) {
    // Only a cache: a TAB refreshes it as it would without a master.
  }
  lock_.reset();
  return listed;
}

// A client's connection and its channel; ServedClient decides what its frames ask of the channel,
// this does it over libssh.
struct Client : ChannelPort {
  Client(int socket, Master& owner, std::uint32_t version)
      : fd(socket), master(owner), served(version, static_cast<std::uint32_t>(::getpid())), sink(out) {}
  ~Client() override {
    release_channel(side, side_state);
    release_channel(channel, state);
    if (fd >= 0) ::close(fd);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  std::size_t window() override { return ssh_channel_window_size(channel.get()); }
  std::size_t write(std::string_view bytes) override;
  void send_eof() override { ssh_channel_send_eof(channel.get()); }
  void change_size(const WindowChange& size) override {
    ssh_channel_change_pty_size(channel.get(), size.cols, size.rows);
  }
  void signal(const SignalRequest& request) override;

  bool is_command() const { return channel && served.run(); }

  int fd;
  Master& master;
  int revents = 0;
  short watched = 0;  // the events registered with the loop
  ServedClient served;
  std::string out;  // frames for the client; the first `out_at` bytes are written
  std::size_t out_at = 0;
  bool out_pending() const { return out_at < out.size(); }
  bool out_behind() const { return out.size() - out_at > kMaxPendingOutput; }
  FrameSink sink;
  bool done = false;  // remove once `out` is written
  bool gone = false;  // remove now

  bool eof_reported = false;  // forward: out_eof sent
  bool opening = false;        // forward: asked for, the host has not answered yet
  bool queued = false;
  ChannelState state;
  ChannelPtr channel;
  DiscardSink side_sink;
  ChannelState side_state;
  ChannelPtr side;
};

class Master {
 public:
  Master(SshSession& ssh, std::string path, int listener, std::string host, const MuxConfig& config,
         std::uint32_t version, const HostConfig& watched, const Paths& paths)
      : ssh_(ssh),
        path_(std::move(path)),
        listener_(listener),
        host_(std::move(host)),
        idle_timeout_(std::chrono::seconds(config.idle_timeout_s.value)),
        version_(version),
        watch_(watched, paths, config.watch.value) {
    struct stat st {};
    if (::lstat(path_.c_str(), &st) == 0) socket_inode_ = st.st_ino;
  }

  int loop();
  SshSession& ssh() { return ssh_; }
  // The session's channels: commands, their interrupt side channels, the watch's.
  unsigned channels() const { return command_channels() + watch_.channels(); }
  [[noreturn]] void session_lost(const char* during);

 private:
  unsigned command_channels() const {
    unsigned n = 0;
    for (const auto& c : clients_) n += (c->is_command() ? 1U : 0U) + (c->side ? 1U : 0U);
    return n;
  }
  unsigned commands() const {
    unsigned n = 0;
    for (const auto& c : clients_) n += c->is_command() ? 1U : 0U;
    return n;
  }
  void watch(Client& c, short events) {
    if (events == c.watched) return;
    if (c.watched) ssh_event_remove_fd(event_.get(), c.fd);
    if (events) ssh_event_add_fd(event_.get(), c.fd, events, on_fd_ready, &c.revents);
    c.watched = events;
  }
  void accept_clients();
  void read_client(Client& c);
  void ask(Client& c, Ask ask);
  void start(Client& c);
  void start_forward(Client& c);
  void finish_opening(Client& c);
  void fail(Client& c, const Error& error);
  void pace_output(Client& c);
  void finish_if_done(Client& c);
  void write_client(Client& c);
  void stop_listening();
  void tell_followers();

  SshSession& ssh_;
  std::string path_;
  int listener_;
  int listener_ready_ = 0;
  std::string host_;
  std::chrono::seconds idle_timeout_;
  std::uint32_t version_;
  EventPtr event_;
  std::list<std::unique_ptr<Client>> clients_;
  bool stopping_ = false;
  ino_t socket_inode_ = 0;
  Clock::time_point started_ = Clock::now();
  HostWatch watch_;
  Clock::time_point retry_queued_at_{};
  Clock::time_point last_command_{};  // when a command last had a channel
  Clock::duration retry_delay_ = kRetryRefused;
  Clock::time_point watch_ends_by_{};  // the watch gave way: its session is gone by then
  std::uint64_t listings_told_ = 0;  // the watch's listings followers have
};

std::size_t Client::write(std::string_view bytes) {
  const int written = ssh_channel_write(channel.get(), bytes.data(), static_cast<uint32_t>(bytes.size()));
  if (written == SSH_ERROR) master.session_lost("while sending input");
  return static_cast<std::size_t>(written);
}

void Client::signal(const SignalRequest& request) {
  if (!served.run()) return;  // a forward has no process to signal
  ssh_channel_request_send_signal(channel.get(), request.name.c_str());
  if (!request.side_line.empty() && !side && master.channels() < kMaxChannels) {
    side = open_exec_channel(master.ssh(), request.side_line, side_state, nullptr);
    side_state.sink = &side_sink;
    ssh_channel_send_eof(side.get());
  }
}

void Master::accept_clients() {
  for (;;) {
    const int fd = accept_cloexec(listener_, true);
    if (fd < 0) return;  // EAGAIN: all taken
    if (!peer_is_this_user(fd)) {
      ::close(fd);
      continue;
    }
    auto client = std::make_unique<Client>(fd, *this, version_);
    watch(*client, POLLIN);
    clients_.push_back(std::move(client));
  }
}

void Master::read_client(Client& c) {
  char buffer[64 * 1024];
  const ssize_t n = ::read(c.fd, buffer, sizeof(buffer));
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {  // the client is gone: its command goes with it, as with a lost connection
    c.gone = true;
    return;
  }
  try {
    for (const Ask a : c.served.feed(std::string_view(buffer, static_cast<size_t>(n)))) {
      if (c.done) break;
      ask(c, a);
    }
    c.out += c.served.replies();
    c.served.replies().clear();
  } catch (const ProtocolError&) {
    c.gone = true;
  }
}

void Master::ask(Client& c, Ask a) {
  switch (a) {
    case Ask::stop:
      c.out += encode(Type::stopped);
      c.done = true;
      stop_listening();
      return;
    case Ask::status: {
      StatusReply status;
      status.version = version_;
      status.pid = static_cast<std::uint32_t>(::getpid());
      status.host = host_;
      status.uptime_s = static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started_).count());
      status.channels = command_channels();
      status.clients = static_cast<std::uint32_t>(clients_.size() - 1);
      for (const auto& other : clients_) status.queued += other->queued ? 1U : 0U;
      c.out += encode(status);
      c.done = true;
      return;
    }
    case Ask::run:
      c.queued = true;  // started by the loop when a channel is free
      return;
    case Ask::forward:
      start_forward(c);  // not a session: sshd's MaxSessions does not count it
      return;
    case Ask::follow:
      // Each listing the watch makes from now on; the last one at once, and a fresh one soon.
      if (!watch_.last_listing().empty()) c.out += encode(Type::listing, watch_.last_listing());
      watch_.want_listing();
      return;  // tell_followers() ends it when the watch is off
  }
}

// Followers get each new listing; when the master does not watch (any more) or is stopping,
// they are told why and let go.
void Master::tell_followers() {
  const bool fresh = watch_.listings() != listings_told_;
  listings_told_ = watch_.listings();
  for (auto& c : clients_) {
    if (!c->served.follows() || c->done || c->gone) continue;
    if (!watch_.enabled())
      fail(*c, Failure(fmt::format("the mux master for {} does not watch its containers", host_),
                       "set [mux] watch = true; a host whose sshd allows fewer than 3 sessions "
                       "(MaxSessions) cannot be watched"));
    else if (stopping_)
      fail(*c, ConnectError(fmt::format("the mux master for {} was stopped", host_)));
    else if (fresh)
      c->out += encode(Type::listing, watch_.last_listing());
  }
}

void Master::fail(Client& c, const Error& error) {
  c.out += encode(error_report(error));
  c.done = true;
}

void Master::start(Client& c) {
  c.queued = false;
  if (const auto& signal = c.served.cancelled()) {  // interrupted while it waited: never started
    c.out += encode(signal_report(*signal));
    c.done = true;
    return;
  }
  c.state.sink = &c.sink;
  const RunRequest& run = *c.served.run();
  const PtyRequest pty{run.term, run.cols, run.rows};
  try {
    c.channel = open_exec_channel(ssh_, run.line, c.state, run.pty ? &pty : nullptr);
  } catch (const ConnectError& e) {
    if (!ssh_is_connected(ssh_.get())) throw;
    release_channel(c.channel, c.state);
    // sshd counts a channel until it has our close: with other commands' channels open, this
    // refusal (MaxSessions) passes as they end, so the command waits in the queue and is tried
    // again in a moment. With only the watch's open, the watch gives way, and the command waits
    // until its session has ended. With none, it fails.
    const auto now = Clock::now();
    if (command_channels() == 0 && watch_.give_way()) watch_ends_by_ = now + kWatchEnds;
    if (command_channels() > 0 || now < watch_ends_by_) {
      c.queued = true;
      retry_queued_at_ = Clock::now() + retry_delay_;
      retry_delay_ = std::min<Clock::duration>(retry_delay_ * 2, kRetryRefusedLongest);
      return;
    }
    fail(c, e);  // the server refused this channel alone (a MaxSessions of 0, say)
    return;
  }
  retry_delay_ = kRetryRefused;
  c.served.opened(c);
}

ForwardTarget target_of(const ForwardRequest& forward) {
  return {forward.address, static_cast<int>(forward.port), forward.socket};
}

// The open is sent and the loop goes on: the host answers once its own connect is done (an
// address that drops packets: minutes), and every other client is served meanwhile.
void Master::start_forward(Client& c) {
  c.state.sink = &c.sink;
  const ForwardRequest& forward = *c.served.forward();
  try {
    c.channel = begin_forward_channel(ssh_, c.state, target_of(forward));
  } catch (const ConnectError& e) {
    if (!ssh_is_connected(ssh_.get())) throw;
    fail(c, e);  // the host refused this connection only
    return;
  }
  c.opening = true;
  finish_opening(c);
}

void Master::finish_opening(Client& c) {
  const ForwardRequest& forward = *c.served.forward();
  try {
    if (!forward_channel_opened(ssh_, c.channel.get(), target_of(forward))) return;
  } catch (const ConnectError& e) {
    if (!ssh_is_connected(ssh_.get())) throw;
    c.opening = false;
    release_channel(c.channel, c.state);
    fail(c, e);  // the host could not connect to it
    return;
  }
  c.opening = false;
  c.served.opened(c);
}

void Master::pace_output(Client& c) {
  if (c.state.hold && !c.out_behind() && c.channel) {
    c.state.hold = false;
    release_held_output(c.channel.get(), c.state);
  }
  c.state.hold = c.out_behind();
}

void Master::finish_if_done(Client& c) {
  if (c.state.hold || c.opening) return;  // output is still held: its end comes after it
  if (c.served.forward() && c.channel && c.state.eof && !c.eof_reported) {
    c.out += encode(Type::out_eof);
    c.eof_reported = true;
  }
  if (!c.channel || !c.state.closed || (c.side && !c.side_state.closed)) return;
  // A connection ends without a status: closed is its success.
  c.out += encode(c.served.forward() ? ExitReport{} : channel_end(c.state, ssh_.display()));
  c.served.closed();
  release_channel(c.side, c.side_state);
  release_channel(c.channel, c.state);
  c.done = true;
}

void Master::write_client(Client& c) {
  while (c.out_pending()) {
    const ssize_t n = ::send(c.fd, c.out.data() + c.out_at, c.out.size() - c.out_at, kSendNoSignal);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) c.gone = true;
      break;
    }
    c.out_at += static_cast<size_t>(n);
  }
  // Written bytes go in one move once they are many (not one per send: quadratic for a slow reader).
  if (!c.out_pending()) {
    c.out.clear();
    c.out_at = 0;
  } else if (c.out_at > std::size_t{1024} * 1024) {
    c.out.erase(0, c.out_at);
    c.out_at = 0;
  }
}

void Master::stop_listening() {
  if (stopping_) return;
  stopping_ = true;
  ssh_event_remove_fd(event_.get(), listener_);
  ::close(listener_);
  // Only our own socket: a client that found this master hung may have put a new one there.
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0 && st.st_ino == socket_inode_) ::unlink(path_.c_str());
}

void Master::session_lost(const char* during) {
  const std::string message = fmt::format("the connection to {} was lost {}", ssh_.display(), during);
  stop_listening();
  for (auto& c : clients_) {
    if (!c->served.run() && !c->served.follows()) continue;
    c->out += encode(error_report(ConnectError(message)));
    write_client(*c);
  }
  throw ConnectError(message);
}

// Each pass acts on everything the wait reported before waiting again: a client's frames are
// acted on in the pass that reads them (ServedClient), a channel opened in this pass gets what
// its client sent first at once, and the only timers are the keepalive and the idle end.
int Master::loop() {
  event_.reset(ssh_event_new());
  ssh_session s = ssh_.get();
  if (!event_ || ssh_event_add_session(event_.get(), s) != SSH_OK) ssh_.lost("while waiting");
  ssh_event_add_fd(event_.get(), listener_, POLLIN, on_fd_ready, &listener_ready_);
  Clock::time_point idle_since = Clock::now();
  Clock::time_point next_keepalive = Clock::now() + kKeepaliveEvery;

  for (;;) {
    const auto now = Clock::now();
    auto wake = next_keepalive;
    if (clients_.empty()) wake = std::min(wake, idle_since + idle_timeout_);
    wake = std::min(wake, watch_.next_wakeup());
    if (std::any_of(clients_.begin(), clients_.end(), [](const auto& c) { return c->queued; }))
      wake = std::min(wake, std::max(now, retry_queued_at_));
    const int timeout_ms = static_cast<int>(
        std::max<long long>(0, std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count()) + 1);
    if (!wait_on_session(ssh_, event_.get(), timeout_ms)) session_lost("while serving commands");

    if (Clock::now() >= next_keepalive) {
      // Traffic TCP must get acknowledged: with TCP_USER_TIMEOUT a dead link fails the socket.
      if (ssh_send_ignore(s, "") != SSH_OK) session_lost("(keepalive)");
      next_keepalive = Clock::now() + kKeepaliveEvery;
    }
    if (listener_ready_ && !stopping_) {
      listener_ready_ = 0;
      accept_clients();
    }
    for (auto& c : clients_) {
      if (c->done) continue;  // finished: only its output is still to be written
      const int revents = c->revents;
      c->revents = 0;
      if (revents & (POLLIN | POLLHUP | POLLERR)) read_client(*c);
    }
    // Queued commands, oldest first, while channels are free.
    for (auto& c : clients_)
      if (c->queued && !c->gone && commands() < kMaxCommands && channels() < kMaxChannels &&
          Clock::now() >= retry_queued_at_)
        start(*c);
    for (auto& c : clients_) {
      if (c->done || c->gone) continue;
      if (c->opening) {
        finish_opening(*c);
        if (c->opening || c->done) continue;
      }
      c->served.pump();  // the session's read may have opened a channel's window
      pace_output(*c);
      finish_if_done(*c);
    }
    // Commands first: the watch takes a channel only when two are free after them (one stays for
    // an interrupt's side channel, or for a channel sshd has not seen closed yet).
    if (commands() > 0) last_command_ = Clock::now();
    try {
      watch_.tend(ssh_, channels() + 1 < kMaxChannels && !stopping_, last_command_);
    } catch (const ConnectError&) {  // the session is gone: every client hears it
      session_lost("while serving commands");
    }
    tell_followers();
    for (auto it = clients_.begin(); it != clients_.end();) {
      Client& c = **it;
      if (!c.gone) {
        write_client(c);
        // Caught up: what libssh held comes now (nothing else may wake the loop for it).
        if (!c.done) pace_output(c);
      }
      if (c.gone || (c.done && !c.out_pending())) {
        // A client gone mid-command is a hang-up, as a lost connection would be for a command of
        // its own: SIGHUP (the start-ephemeral script stops its copy on it), then the channel closes.
        if (c.is_command() && !c.state.closed) ssh_channel_request_send_signal(c.channel.get(), "HUP");
        watch(c, 0);
        it = clients_.erase(it);
        continue;
      }
      const bool take_input = c.served.pending_input() < kMaxPendingInput;
      watch(c, static_cast<short>((take_input ? POLLIN : 0) | (c.out_pending() ? POLLOUT : 0)));
      ++it;
    }
    if (clients_.empty()) {
      if (stopping_) return 0;
      if (Clock::now() - idle_since >= idle_timeout_) {
        stop_listening();
        return 0;
      }
    } else {
      idle_since = Clock::now();
    }
  }
}

}  // namespace

void report_startup_failure(const Error& error) {
  const std::string report = fmt::format("{}\n{}", kFailedLine, encode(error_report(error)));
  (void)std::fwrite(report.data(), 1, report.size(), stderr);  // if it is lost, the client says the exit code
  (void)std::fflush(stderr);
}

int run_master(const MasterSetup& setup) {
  // Connecting and authenticating report on stderr, which the starting client reads.
  std::unique_ptr<SshSession> ssh;
  try {
    ssh = SshSession::open(setup.host, setup.paths, setup.log, setup.resolve_local);
  } catch (const NeedsTerminal& e) {
    fmt::print(stderr, "lxhost: error: {}\n", e.what());
    return kExitNeedsTerminal;
  }
  const int listener = listen_socket(setup.socket_path);
  // From here on, nobody reads stderr: the client learns of trouble through the socket.
  fmt::print(stderr, "{}\n", kReadyLine);
  (void)std::fflush(stderr);  // if the line is lost, the starting client gives up at its deadline
  const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null >= 0) {
    ::dup2(null, STDERR_FILENO);
    ::close(null);
  }
  (void)std::signal(SIGHUP, SIG_IGN);  // fails only for a bad signal number
  (void)std::signal(SIGINT, SIG_IGN);
  Master master(*ssh, setup.socket_path, listener, setup.display, setup.mux, setup.version, setup.host, setup.paths);
  try {
    return master.loop();
  } catch (const Error&) {
    return exit_code::connect;
  }
}

}  // namespace lxhost::mux
