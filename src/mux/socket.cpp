#include "mux/socket.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/transport.hpp"
#include "fd_util.hpp"
#include "transport/local_output.hpp"

namespace lxhost::mux {
namespace {

sockaddr_un address_of(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path))
    throw Failure(fmt::format("{}: too long for a Unix socket ({} bytes at most)", path, sizeof(address.sun_path) - 1),
                  "set XDG_RUNTIME_DIR or TMPDIR to a shorter directory");
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

}  // namespace

std::string private_dir(const Paths& paths) {
  const std::string& dir = paths.runtime_dir;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw Failure(fmt::format("{}: cannot create the mux directory: {}", dir, std::strerror(errno)));
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) throw Failure(fmt::format("{}: {}", dir, std::strerror(errno)));
  if (!S_ISDIR(st.st_mode)) throw Failure(fmt::format("{}: not a directory", dir));
  if (st.st_uid != ::getuid())
    throw Failure(fmt::format("{}: owned by uid {}, not by this user ({})", dir, st.st_uid, ::getuid()));
  // Writable by others: somebody else may have put a socket there. Only readable or searchable:
  // nothing in it can be somebody else's, and it is made private.
  if ((st.st_mode & 022) != 0)
    throw Failure(fmt::format("{}: mode {:04o} lets others in; the mux needs 0700", dir, st.st_mode & 07777),
                  fmt::format("check what is in it, then chmod 700 {}", dir));
  if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0)
    throw Failure(fmt::format("{}: cannot make it 0700: {}", dir, std::strerror(errno)));
  return dir;
}

int connect_socket(const std::string& path) {
  const sockaddr_un address = address_of(path);
  const int fd = socket_cloexec(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

int listen_socket(const std::string& path) {
  const sockaddr_un address = address_of(path);
  const int fd = socket_cloexec(AF_UNIX, SOCK_STREAM, 0, true);
  if (fd < 0) throw Failure(fmt::format("socket: {}", std::strerror(errno)));
  ::unlink(path.c_str());
  // Made 0600 from the start: the umask covers the window between bind and chmod.
  const mode_t old_mask = ::umask(077);
  const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  ::umask(old_mask);
  if (bound != 0 || ::chmod(path.c_str(), 0600) != 0 || ::listen(fd, 64) != 0) {
    const int saved = errno;
    ::close(fd);
    throw Failure(fmt::format("{}: cannot listen: {}", path, std::strerror(saved)));
  }
  return fd;
}

bool peer_is_this_user(int fd) {
#ifdef __APPLE__
  uid_t uid = 0;
  gid_t gid = 0;
  if (::getpeereid(fd, &uid, &gid) != 0) return false;
  return uid == ::getuid();
#else
  ucred credentials{};
  socklen_t size = sizeof(credentials);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &size) != 0) return false;
  return credentials.uid == ::getuid();
#endif
}

void send_all(int fd, std::string_view bytes) {
  if (!write_all(fd, bytes)) throw ConnectError(fmt::format("the mux master went away: {}", std::strerror(errno)));
}

std::optional<Frame> read_frame(int fd, Decoder& decoder, std::optional<std::chrono::steady_clock::time_point> deadline) {
  char buffer[64 * 1024];
  for (;;) {
    if (auto frame = decoder.next()) return frame;
    int timeout = -1;
    if (deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) return std::nullopt;
      timeout = static_cast<int>(left);
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return std::nullopt;
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) throw ConnectError("the mux master closed the connection");
    decoder.feed(std::string_view(buffer, static_cast<size_t>(n)));
  }
}

}  // namespace lxhost::mux
