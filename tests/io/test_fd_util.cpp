#include "catch.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fd_util.hpp"

using namespace lxhost;

namespace {
bool cloexec(int fd) { return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }
bool nonblocking(int fd) { return (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }
}  // namespace

TEST_CASE("descriptors lxhost makes are close-on-exec, non-blocking when asked", "[fd]") {
  const int plain = socket_cloexec(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(plain >= 0);
  CHECK(cloexec(plain));
  CHECK_FALSE(nonblocking(plain));
  ::close(plain);

  const int listener = socket_cloexec(AF_UNIX, SOCK_STREAM, 0, true);
  REQUIRE(listener >= 0);
  CHECK(cloexec(listener));
  CHECK(nonblocking(listener));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;  // an autobound (abstract) address on Linux; on macOS bind fails
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(sa_family_t)) == 0 && ::listen(listener, 1) == 0) {
    CHECK(accept_cloexec(listener, true) == -1);  // nobody is connecting: EAGAIN, not a block
  }
  ::close(listener);

  int fds[2];
  REQUIRE(pipe_cloexec(fds) == 0);
  CHECK(cloexec(fds[0]));
  CHECK(cloexec(fds[1]));
  ::close(fds[0]);
  ::close(fds[1]);

  CHECK(socket_cloexec(-1, SOCK_STREAM, 0) == -1);  // a bad domain: -1, nothing leaked
}
