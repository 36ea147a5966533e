#include "terminal.hpp"

#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <string_view>
#include <system_error>

#include "fd_util.hpp"

namespace lxhost {
namespace {

// The write end of the active SignalWatch's pipe; -1 when none. The handler's only state.
volatile std::sig_atomic_t g_signal_pipe = -1;

extern "C" void on_signal(int signo) {
  const int saved_errno = errno;
  const int fd = g_signal_pipe;
  if (fd >= 0) {
    const unsigned char byte = static_cast<unsigned char>(signo);
    [[maybe_unused]] const auto n = ::write(fd, &byte, 1);
  }
  errno = saved_errno;
}

}  // namespace

bool is_terminal(int fd) { return ::isatty(fd) == 1; }

std::optional<WindowSize> window_size(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0 || ws.ws_row == 0) return std::nullopt;
  return WindowSize{ws.ws_col, ws.ws_row};
}

WindowSize terminal_size() {
  if (auto size = window_size(STDOUT_FILENO)) return *size;
  return window_size(STDIN_FILENO).value_or(WindowSize{});
}

RawMode::RawMode(int fd) : fd_(fd) {
  if (::tcgetattr(fd_, &saved_) != 0) return;
  termios raw = saved_;
  ::cfmakeraw(&raw);
  if (::tcsetattr(fd_, TCSADRAIN, &raw) == 0) active_ = true;
}

RawMode::~RawMode() {
  if (active_) ::tcsetattr(fd_, TCSADRAIN, &saved_);
}

SignalWatch::SignalWatch(std::initializer_list<int> signals) {
  int fds[2];
  if (pipe_cloexec(fds, true) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  read_fd_ = fds[0];
  write_fd_ = fds[1];
  g_signal_pipe = write_fd_;
  for (int signo : signals) {
    // A signal ignored on entry (nohup, a background job of a script) stays ignored.
    struct sigaction current {};
    if (::sigaction(signo, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) continue;
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: poll returns EINTR too
    struct sigaction old {};
    if (::sigaction(signo, &action, &old) == 0) saved_.emplace_back(signo, old);
  }
}

SignalWatch::~SignalWatch() {
  for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) ::sigaction(it->first, &it->second, nullptr);
  g_signal_pipe = -1;
  ::close(read_fd_);
  ::close(write_fd_);
}

std::vector<int> SignalWatch::take() {
  std::vector<int> signals;
  unsigned char buffer[64];
  for (;;) {
    const auto n = ::read(read_fd_, buffer, sizeof buffer);
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) signals.push_back(buffer[i]);
  }
  return signals;
}

}  // namespace lxhost
