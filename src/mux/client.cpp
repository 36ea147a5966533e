#include "mux/client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "core/discovery.hpp"
#include "core/errors.hpp"
#include "core/mux/protocol.hpp"
#include "core/remote_line.hpp"
#include "core/signals.hpp"
#include "core/state_files.hpp"
#include "fd_util.hpp"
#include "file_lock.hpp"
#include "mux/master.hpp"
#include "mux/socket.hpp"
#include "spawn.hpp"
#include "terminal.hpp"
#include "transport/local_output.hpp"

namespace lxhost::mux {
namespace {

using Clock = std::chrono::steady_clock;

// How long a master may take to answer hello before it counts as hung.
constexpr auto kHelloBound = std::chrono::seconds(2);

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

std::uint16_t clamp16(int v) { return static_cast<std::uint16_t>(std::clamp(v, 1, 65535)); }

// The request frame for `command`: a terminal's type and size when it asks for one.
std::string run_request(const RemoteCommand& command) {
  RunRequest run;
  run.line = command.line;
  run.pty = command.pty;
  if (command.pty) {
    run.term = command.term;
    const WindowSize size = terminal_size();
    run.cols = clamp16(size.cols);
    run.rows = clamp16(size.rows);
  }
  return encode(run);
}

class MuxTransport : public Transport {
 public:
  explicit MuxTransport(ClientSetup setup) : setup_(std::move(setup)) {}

  int run(const RemoteCommand& command, OutputSink& sink) override {
    require_line_fits(command.line, "the remote command", {});  // a master's session is shared: never too long
    Fd fd = connect(run_request(command));
    if (fd.get() < 0) return direct().run(command, sink);
    return relay(fd.get(), command, sink, true, true);
  }

  Captured capture(const std::string& line) override {
    require_line_fits(line, "the remote command", {});
    RemoteCommand command;
    command.line = line;
    Fd fd = connect(run_request(command));
    if (fd.get() < 0) return direct().capture(line);
    StringSink sink;
    const int code = relay(fd.get(), command, sink, false, false);
    return Captured{code, std::move(sink.out_), std::move(sink.err_)};
  }

  // stdin and stdout joined to ADDRESS:PORT through the master's session (a direct-tcpip channel).
  int forward(const std::string& address, int port) override {
    Fd fd = connect(encode(ForwardRequest{address, static_cast<std::uint32_t>(port), {}}));
    if (fd.get() < 0) return direct().forward(address, port);
    LocalOutput output;
    RemoteCommand none;
    return relay(fd.get(), none, output, true, false);
  }

  // The request to a unix socket on the host through the master's session (a direct-streamlocal
  // channel), the answer to `take` until it is complete.
  void exchange(const std::string& socket, std::string_view request, const std::function<bool(std::string_view)>& take,
                std::chrono::milliseconds bound) override {
    const auto deadline = Clock::now() + bound;
    Fd fd = connect(encode(ForwardRequest{"", 0, socket}));
    if (fd.get() < 0) return direct().exchange(socket, request, take, bound);
    exchange_through(fd.get(), socket, encode(Type::in, request), take, deadline, bound);
  }

  // A connection to the master that follows the host's containers; no fd without the mux.
  Fd follow() { return connect(encode(Type::follow)); }
  // What the master sent with its hello's answer, and what comes next.
  Decoder& replies() { return replies_; }

 private:
  Transport& direct() {
    if (!direct_) direct_ = setup_.direct();
    return *direct_;
  }
  // A connection to a master of this version that has `request` (a run or forward request);
  // no fd when this invocation goes without the mux.
  Fd connect(const std::string& request);
  std::optional<Fd> greet(const std::string& path, const std::string& request);
  bool start_master(const std::string& path);
  void exchange_through(int fd, const std::string& socket, std::string out, const std::function<bool(std::string_view)>& take,
                        Clock::time_point deadline, std::chrono::milliseconds bound);
  // Relays stdin, signals and the master's frames until its exit frame.
  int relay(int fd, const RemoteCommand& command, OutputSink& sink, bool with_stdin, bool with_signals);

  ClientSetup setup_;
  // The master's frames as read: greet() reads the hello's answer, and whatever came with it (the
  // command's output, even its exit) is relay()'s.
  Decoder replies_;
  std::unique_ptr<Transport> direct_;
  bool bypass_ = false;  // the mux cannot be used in this invocation
};

// A connection to a master of our version at `path` that has `request`, sent right behind the
// hello (a master of another version ignores it); nullopt when there is none (nothing listens,
// or what listens is hung or of another version: then it is told to stop).
std::optional<Fd> MuxTransport::greet(const std::string& path, const std::string& request) {
  Fd fd(connect_socket(path));
  if (fd.get() < 0) return std::nullopt;
  if (!peer_is_this_user(fd.get()))
    throw ConnectError(fmt::format("{}: the mux socket is served by another user", path),
                       "remove it, or run with --no-mux");
  Decoder& decoder = replies_;
  decoder = Decoder();
  try {
    send_all(fd.get(), encode_hello_request(setup_.version) + request);
    const auto reply = read_frame(fd.get(), decoder, Clock::now() + kHelloBound);
    if (!reply) {
      setup_.log.debug("mux: the master at {} did not answer; starting another", path);
      ::unlink(path.c_str());
      return std::nullopt;
    }
    const Hello hello = decode_hello(*reply, true);
    if (hello.version == setup_.version) return fd;
    setup_.log.debug("mux: the master at {} (pid {}) speaks version {}, not {}: replacing it", path, hello.pid,
                     hello.version, setup_.version);
    send_all(fd.get(), encode(Type::stop));
    try {
      read_frame(fd.get(), decoder, Clock::now() + kHelloBound);
    } catch (const ConnectError&) {
      // it went away at once: as good as `stopped`
    }
  } catch (const ConnectError& e) {
    setup_.log.debug("mux: {}", e.what());
  }
  ::unlink(path.c_str());  // a master unlinks its own socket when it stops; this covers a hung one
  return std::nullopt;
}

Fd MuxTransport::connect(const std::string& request) {
  if (bypass_) return Fd();
  std::string path;
  try {
    path = lxhost::socket_path(private_dir(setup_.paths), setup_.host, setup_.config_source);
  } catch (const Failure& e) {
    setup_.log.warn("mux: {}; connecting without it", e.what());
    bypass_ = true;
    return Fd();
  }
  try {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (auto fd = greet(path, request)) return std::move(*fd);
      if (!start_master(path)) {
        bypass_ = true;
        return Fd();
      }
    }
  } catch (const Failure& e) {  // local trouble (a path too long, a lock file): not the host's
    setup_.log.warn("mux: {}; connecting without it", e.what());
    bypass_ = true;
    return Fd();
  }
  setup_.log.warn("mux: the master for {} does not answer at {}; connecting without it", setup_.host.name, path);
  bypass_ = true;
  return Fd();
}

// Starts a master for `path` unless another invocation did meanwhile (a lock decides). Returns
// false when the master needs a terminal to log in (this invocation then connects by itself);
// throws the master's own error (connect, host key, config) otherwise.
bool MuxTransport::start_master(const std::string& path) {
  // The master's own bounds (resolving, connecting) plus the handshake and login.
  const auto bound = setup_.resolve_bound + std::chrono::milliseconds(setup_.host.connect_timeout_ms.value) +
                     std::chrono::seconds(5);
  const auto deadline = Clock::now() + bound;
  // Held until the master is ready or has failed; gone with it (no lock file is left behind).
  const std::optional<FileLock> lock = FileLock::lock_until(lock_file(path), deadline);
  if (!lock) return true;  // the other starter is slow: greet decides next
  // Another invocation may have started one while we waited for the lock.
  if (Fd probe(connect_socket(path)); probe.get() >= 0) return true;

  int pipe_fds[2];
  if (pipe_cloexec(pipe_fds) != 0) throw Failure(fmt::format("pipe: {}", std::strerror(errno)));
  Fd read_end(pipe_fds[0]);
  const pid_t pid = spawn_detached(setup_.master_argv, pipe_fds[1]);
  ::close(pipe_fds[1]);
  if (pid < 0) {
    setup_.log.warn("mux: cannot start {}; connecting without it", setup_.master_argv.front());
    return false;
  }
  setup_.log.debug("mux: started a master for {} (pid {})", setup_.host.name, pid);

  // Its stderr, up to the ready line: its warnings, or why it could not connect.
  std::string text;
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd p{read_end.get(), POLLIN, 0};
    const int ready = left > 0 ? ::poll(&p, 1, static_cast<int>(left)) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      ::kill(pid, SIGTERM);
      throw ConnectError(fmt::format("the mux master for {} did not connect within {} ms", setup_.host.name,
                                     std::chrono::duration_cast<std::chrono::milliseconds>(bound).count()),
                         "run with --no-mux to see what a direct connection says");
    }
    const ssize_t n = ::read(read_end.get(), buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
    if (text.find(std::string(kReadyLine) + "\n") != std::string::npos) break;
  }
  const std::size_t ready_at = text.find(std::string(kReadyLine) + "\n");
  const std::string before = text.substr(0, ready_at);
  if (ready_at != std::string::npos) {
    if (!before.empty()) fmt::print(stderr, "{}", before);  // its warnings are ours
    return true;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : exit_code::connect;
  if (code == kExitNeedsTerminal) {
    setup_.log.debug("mux: the master needs a terminal to log in; connecting without it");
    return false;
  }
  // Its error becomes ours: the same message, hint and exit code as without the mux.
  const std::string failed_line = std::string(kFailedLine) + "\n";
  const std::size_t failed_at = text.find(failed_line);
  if (failed_at > 0) fmt::print(stderr, "{}", text.substr(0, failed_at));  // its warnings
  std::optional<ExitReport> report;
  if (failed_at != std::string::npos) {
    Decoder decoder;
    decoder.feed(std::string_view(text).substr(failed_at + failed_line.size()));
    try {
      if (auto frame = decoder.next(); frame && frame->type == Type::exit) report = decode_exit(*frame);
    } catch (const ProtocolError& e) {
      setup_.log.debug("mux: the master's report: {}", e.what());
    }
  }
  // Trouble of its own (exit 1: a socket it could not make) is not the host's: connect without it.
  if (code == exit_code::failure)
    throw Failure(fmt::format("the master could not start: {}",
                              report && report->kind == ExitReport::Kind::error ? report->text : "it said nothing"));
  if (!report || report->kind != ExitReport::Kind::error) {
    throw Error(code == 0 ? exit_code::connect : code,
                fmt::format("the mux master for {} ended with exit code {}", setup_.host.name, code),
                "run with --no-mux to see what a direct connection says");
  }
  throw_reported(*report);
}

int MuxTransport::relay(int fd, const RemoteCommand& command, OutputSink& sink, bool with_stdin, bool with_signals) {
  std::optional<SignalWatch> signals;
  if (with_signals) signals.emplace(std::initializer_list<int>{SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH});
  std::optional<RawMode> raw;
  if (command.pty && is_terminal(STDIN_FILENO)) raw.emplace(STDIN_FILENO);

  std::string out;
  bool master_closed = false;  // a send failed: only what the master sent before is left to read
  bool stdin_open = with_stdin && ::fcntl(STDIN_FILENO, F_GETFD) != -1;
  if (!stdin_open) out += encode(Type::in_eof);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);

  Decoder& decoder = replies_;
  Interruption interruption;
  std::vector<char> buffer(std::size_t{64} * 1024);
  // The frames decoded so far: an exit code once the exit frame is among them.
  const auto take_frames = [&]() -> std::optional<int> {
    while (auto frame = decoder.next()) {
      switch (frame->type) {
        case Type::out:
          if (!sink.out(frame->payload)) return 128 + SIGPIPE;  // closing the socket ends the command
          break;
        case Type::err:
          sink.err(frame->payload);
          break;
        case Type::out_eof:  // a forward's far end is done sending: the reader (ssh) sees EOF
          ::close(STDOUT_FILENO);
          break;
        case Type::exit: {
          const ExitReport report = decode_exit(*frame);
          if (const auto signo = interruption.signal()) return 128 + *signo;
          return exit_code_of(report, setup_.host.name);
        }
        default:
          throw ProtocolError(fmt::format("mux: unexpected frame '{}' from the master", static_cast<char>(frame->type)));
      }
    }
    return std::nullopt;
  };
  // greet() may have read some with the hello's answer, even the exit.
  if (const auto code = take_frames()) return *code;
  for (;;) {
    pollfd fds[3] = {{fd, static_cast<short>(POLLIN | (out.empty() || master_closed ? 0 : POLLOUT)), 0},
                     {stdin_open && out.size() < std::size_t{256} * 1024 ? STDIN_FILENO : -1, POLLIN, 0},
                     {signals ? signals->fd() : -1, POLLIN, 0}};
    int timeout = -1;
    if (const auto deadline = interruption.deadline()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      if (left <= 0) return 128 + *interruption.signal();
      timeout = static_cast<int>(left);
    }
    if (::poll(fds, 3, timeout) < 0 && errno != EINTR)
      throw ConnectError(fmt::format("mux: poll: {}", std::strerror(errno)));

    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
        throw ConnectError(fmt::format("the mux master for {} went away during the command", setup_.host.name),
                           "the next command starts a new one; `lxhost mux status` shows the masters");
      if (n > 0) decoder.feed(std::string_view(buffer.data(), static_cast<size_t>(n)));
      if (const auto code = take_frames()) return *code;
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
      if (n > 0) {
        out += encode(Type::in, std::string_view(buffer.data(), static_cast<size_t>(n)));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        out += encode(Type::in_eof);
        stdin_open = false;
      }
    }
    if (signals && (fds[2].revents & POLLIN)) {
      for (int signo : signals->take()) {
        if (signo == SIGWINCH) {
          if (command.pty) {
            const WindowSize size = terminal_size();
            out += encode(WindowChange{clamp16(size.cols), clamp16(size.rows)});
          }
          continue;
        }
        const auto name = interruption.take(signo);
        if (!name) continue;
        SignalRequest request{*name, ""};
        if (!command.pty && command.on_interrupt) request.side_line = command.on_interrupt(*name);
        out += encode(request);
      }
    }
    while (!out.empty() && !master_closed) {
      const ssize_t n = ::send(fd, out.data(), out.size(), kSendNoSignal);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) break;
        // The master closes a finished command's connection once the exit frame is written: input
        // sent after that fails, and the exit frame is still to be read. The read says which.
        master_closed = true;
        stdin_open = false;
        break;
      }
      out.erase(0, static_cast<size_t>(n));
    }
  }
}

// Sends `out` (the request, in an `in` frame) and hands the out frames to `take` until it says the
// answer is complete; the far end's EOF or the end of the forward end it too. Closing the
// connection ends the channel.
void MuxTransport::exchange_through(int fd, const std::string& socket, std::string out,
                                    const std::function<bool(std::string_view)>& take, Clock::time_point deadline,
                                    std::chrono::milliseconds bound) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  Decoder& decoder = replies_;
  std::vector<char> buffer(std::size_t{64} * 1024);
  const auto lost = [&] {
    return ConnectError(fmt::format("the mux master for {} went away during a request to {}", setup_.host.name, socket),
                        "the next command starts a new one; `lxhost mux status` shows the masters");
  };
  // True once the answer is complete, or the far end has said all it will.
  const auto take_frames = [&]() -> bool {
    while (auto frame = decoder.next()) {
      switch (frame->type) {
        case Type::out:
          if (take(frame->payload)) return true;
          break;
        case Type::err:
          break;
        case Type::out_eof:
          return true;
        case Type::exit: {
          const ExitReport report = decode_exit(*frame);
          if (report.kind == ExitReport::Kind::error) throw_reported(report);
          return true;
        }
        default:
          throw ProtocolError(fmt::format("mux: unexpected frame '{}' from the master", static_cast<char>(frame->type)));
      }
    }
    return false;
  };
  if (take_frames()) return;
  bool master_closed = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0)
      throw ConnectError(fmt::format("{}: no answer from the unix socket {} within {} ms", setup_.host.name, socket,
                                     bound.count()));
    pollfd pfd{fd, static_cast<short>(POLLIN | (out.empty() || master_closed ? 0 : POLLOUT)), 0};
    if (::poll(&pfd, 1, static_cast<int>(left)) < 0 && errno != EINTR)
      throw ConnectError(fmt::format("mux: poll: {}", std::strerror(errno)));
    if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) throw lost();
      if (n > 0) decoder.feed(std::string_view(buffer.data(), static_cast<size_t>(n)));
      if (take_frames()) return;
    }
    while (!out.empty() && !master_closed) {
      const ssize_t n = ::send(fd, out.data(), out.size(), kSendNoSignal);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) break;
        master_closed = true;  // what it sent before is still to be read: the read says if it ended
        break;
      }
      out.erase(0, static_cast<size_t>(n));
    }
  }
}

class MasterFeed : public ContainerFeed {
 public:
  explicit MasterFeed(ClientSetup setup) : name_(setup.host.name), mux_(std::move(setup)) {
    fd_ = mux_.follow();
    if (fd_.get() < 0)
      throw ConnectError(fmt::format("cannot follow {}'s containers without its mux master", name_),
                         "the master needs [mux] enabled = true and a login that needs no terminal (a key or an agent)");
    ::fcntl(fd_.get(), F_SETFL, ::fcntl(fd_.get(), F_GETFL) | O_NONBLOCK);
  }

  int fd() const override { return fd_.get(); }

  std::vector<std::string> take() override {
    Decoder& decoder = mux_.replies();
    char buffer[64 * 1024];
    for (;;) {
      const ssize_t n = ::read(fd_.get(), buffer, sizeof(buffer));
      if (n > 0) {
        decoder.feed(std::string_view(buffer, static_cast<size_t>(n)));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) break;
      gone_ = true;  // EOF or an error: whatever came before it is still taken below
      break;
    }
    std::vector<std::string> listings;
    while (auto frame = decoder.next()) {
      if (frame->type == Type::listing) {
        listings.push_back(std::move(frame->payload));
      } else if (frame->type == Type::exit) {
        throw_reported(decode_exit(*frame));
      } else {
        throw ProtocolError(fmt::format("mux: unexpected frame '{}' from the master", static_cast<char>(frame->type)));
      }
    }
    if (gone_ && listings.empty())
      throw ConnectError(fmt::format("the mux master for {} went away", name_));
    return listings;
  }

 private:
  std::string name_;
  MuxTransport mux_;
  Fd fd_;
  bool gone_ = false;
};

}  // namespace

std::unique_ptr<ContainerFeed> follow_containers(ClientSetup setup) {
  return std::make_unique<MasterFeed>(std::move(setup));
}

std::uint32_t protocol_version(const char* env_value) {
  if (env_value && *env_value) {
    char* end = nullptr;
    const unsigned long v = std::strtoul(env_value, &end, 10);
    if (end && *end == '\0') return static_cast<std::uint32_t>(v);
  }
  return kProtocolVersion;
}

std::unique_ptr<Transport> make_mux_transport(ClientSetup setup) {
  return std::make_unique<MuxTransport>(std::move(setup));
}

}  // namespace lxhost::mux
