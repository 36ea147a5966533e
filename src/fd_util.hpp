// Descriptor flags the portable way: Linux has SOCK_CLOEXEC, accept4, pipe2 and MSG_NOSIGNAL,
// macOS has none of them.
#pragma once

#include <sys/socket.h>

#include <string_view>

namespace lxhost {

// send() flags that keep a closed peer from raising SIGPIPE. Without MSG_NOSIGNAL (macOS) the
// process ignores SIGPIPE (app.cpp), so EPIPE is what a write sees either way.
#ifdef MSG_NOSIGNAL
inline constexpr int kSendNoSignal = MSG_NOSIGNAL;
#else
inline constexpr int kSendNoSignal = 0;
#endif

// FD_CLOEXEC, and O_NONBLOCK when asked; false on failure (errno set).
bool set_fd_flags(int fd, bool nonblocking);
// socket() / accept() / pipe() whose descriptors are close-on-exec (and non-blocking if asked),
// or -1 (errno set). A child lxhost starts (a mux master) inherits none of them.
int socket_cloexec(int domain, int type, int protocol, bool nonblocking = false);
int accept_cloexec(int listener, bool nonblocking);
int pipe_cloexec(int fds[2], bool nonblocking = false);

// Each of stdin, stdout and stderr that is closed (`lxhost ... <&-`) opened on /dev/null, as
// OpenSSH's sanitise_stdfd does. Else the first socket lxhost opens takes the number: a mux
// connection on descriptor 0 was read as stdin, and the command waited forever.
void open_closed_std_fds();

// A non-blocking pipe that wakes a poll loop from any thread: wake() writes a byte (a full pipe
// already holds a wake-up), the loop polls fd() and drain()s it before it looks at what changed.
class WakePipe {
 public:
  // Throws Failure "WHAT: REASON" when no pipe can be made.
  explicit WakePipe(std::string_view what);
  ~WakePipe();
  WakePipe(const WakePipe&) = delete;
  WakePipe& operator=(const WakePipe&) = delete;

  int fd() const { return read_; }
  void wake() const;
  void drain() const;

 private:
  int read_ = -1;
  int write_ = -1;
};

}  // namespace lxhost
