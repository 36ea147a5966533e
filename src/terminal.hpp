// The local terminal and signals: raw mode that is always restored, window size, and a
// self-pipe that turns signals into readable bytes for the event loop.
#pragma once

#include <signal.h>
#include <termios.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace lxhost {

bool is_terminal(int fd);

struct WindowSize {
  int cols = 80;
  int rows = 24;
};
std::optional<WindowSize> window_size(int fd);
// The size of the terminal on stdout, else on stdin, else 80x24: what a remote PTY is given.
WindowSize terminal_size();

// Puts `fd` in raw mode; the destructor restores the saved mode (also on exceptions).
class RawMode {
 public:
  explicit RawMode(int fd);
  ~RawMode();
  RawMode(const RawMode&) = delete;
  RawMode& operator=(const RawMode&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

// While alive, the given signals are caught: each one writes its number to a pipe whose read end
// is fd(), so a poll loop wakes at once. The previous handlers are restored by the destructor.
// Signals ignored when lxhost started (nohup) are left ignored.
// Only one SignalWatch may exist at a time (the handler's only state is the pipe's fd).
class SignalWatch {
 public:
  explicit SignalWatch(std::initializer_list<int> signals);
  ~SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  int fd() const { return read_fd_; }
  // The signals received since the last call, in order.
  std::vector<int> take();

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;
  std::vector<std::pair<int, struct sigaction>> saved_;
};

}  // namespace lxhost
