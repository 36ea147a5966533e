#include "fd_util.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace lxhost {
namespace {

// Closes `fd` and returns -1, keeping the errno of what failed.
int fail_closing(int fd) {
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return -1;
}

}  // namespace

void open_closed_std_fds() {
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // The lowest free number: `fd` itself, the ones below it being open by now.
    const int null = ::open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY);
    if (null >= 0 && null != fd) {
      (void)::dup2(null, fd);
      (void)::close(null);
    }
  }
}

bool set_fd_flags(int fd, bool nonblocking) {
  if (::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) return false;
  if (!nonblocking) return true;
  const int flags = ::fcntl(fd, F_GETFL);
  return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

int socket_cloexec(int domain, int type, int protocol, bool nonblocking) {
  const int fd = ::socket(domain, type, protocol);
  if (fd < 0) return -1;
  return set_fd_flags(fd, nonblocking) ? fd : fail_closing(fd);
}

int accept_cloexec(int listener, bool nonblocking) {
  const int fd = ::accept(listener, nullptr, nullptr);
  if (fd < 0) return -1;
  return set_fd_flags(fd, nonblocking) ? fd : fail_closing(fd);
}

int pipe_cloexec(int fds[2], bool nonblocking) {
  if (::pipe(fds) != 0) return -1;
  if (set_fd_flags(fds[0], nonblocking) && set_fd_flags(fds[1], nonblocking)) return 0;
  const int saved = errno;
  ::close(fds[0]);
  ::close(fds[1]);
  errno = saved;
  return -1;
}

WakePipe::WakePipe(std::string_view what) {
  int fds[2] = {-1, -1};
  if (pipe_cloexec(fds, true) != 0) throw Failure(fmt::format("{}: {}", what, std::strerror(errno)));
  read_ = fds[0];
  write_ = fds[1];
}

WakePipe::~WakePipe() {
  ::close(read_);
  ::close(write_);
}

void WakePipe::wake() const {
  const char byte = 1;
  // A full pipe already holds a wake-up; nothing else can go wrong with a pipe we own.
  while (::write(write_, &byte, 1) < 0 && errno == EINTR) {
  }
}

void WakePipe::drain() const {
  char bytes[256];
  while (::read(read_, bytes, sizeof bytes) > 0) {
  }
}

}  // namespace lxhost
