#include "transport/tcp_connect.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>
#include <fmt/format.h>

#include "call_within.hpp"
#include "core/errors.hpp"
#include "fd_util.hpp"

namespace lxhost {

using Clock = std::chrono::steady_clock;

namespace {

struct AddrInfoDeleter {
  void operator()(addrinfo* info) const { ::freeaddrinfo(info); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoDeleter>;

}  // namespace

int connect_address(const std::string& address, unsigned port, Clock::time_point deadline, std::string& why) {
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(address.c_str(), service.c_str(), &hints, &raw); rc != 0) {
    why = ::gai_strerror(rc);
    return -1;
  }
  AddrInfoPtr info(raw);
  const int fd = socket_cloexec(info->ai_family, info->ai_socktype, info->ai_protocol);
  if (fd < 0) {
    why = std::strerror(errno);
    return -1;
  }
  auto fail = [&](int error) {
    why = std::strerror(error);
    ::close(fd);
    return -1;
  };
  const int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  if (::connect(fd, info->ai_addr, info->ai_addrlen) != 0 && errno != EINPROGRESS) return fail(errno);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return fail(ETIMEDOUT);
    pollfd p{fd, POLLOUT, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return fail(errno);
    if (ready == 0) return fail(ETIMEDOUT);
    break;
  }
  int error = 0;
  socklen_t length = sizeof error;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
  if (error != 0) return fail(error);
  ::fcntl(fd, F_SETFL, flags);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

int connect_first(const std::vector<std::string>& addresses, unsigned port, std::chrono::milliseconds timeout,
                  const std::string& name) {
  const auto deadline = Clock::now() + timeout;
  std::string tried;
  for (const std::string& address : addresses) {
    std::string why;
    const int fd = connect_address(address, port, deadline, why);
    if (fd >= 0) return fd;
    tried += fmt::format("{}{}: {}", tried.empty() ? "" : "; ", address, why);
    if (Clock::now() >= deadline) break;
  }
  throw ConnectError(fmt::format("cannot connect to {} port {} ({})", name, port, tried),
                     "check that the host is up and sshd listens on that port (lxhost -v shows more)");
}

void join_stdio(int fd) {
  bool in_open = true, out_open = true;
  std::vector<char> buffer(std::size_t{64} * 1024);
  auto copy = [&](int from, int to) {  // false at EOF or error
    const ssize_t n = ::read(from, buffer.data(), buffer.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) return false;
    for (ssize_t done = 0; done < n;) {
      const char* from_here = buffer.data() + done;
      const auto left = static_cast<size_t>(n - done);
      // To the socket without SIGPIPE: a peer that is gone ends the loop, not the process.
      const ssize_t w = to == fd ? ::send(to, from_here, left, kSendNoSignal) : ::write(to, from_here, left);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      done += w;
    }
    return true;
  };
  while (in_open || out_open) {
    pollfd fds[2] = {{STDIN_FILENO, static_cast<short>(in_open ? POLLIN : 0), 0},
                     {fd, static_cast<short>(out_open ? POLLIN : 0), 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (in_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) && !copy(STDIN_FILENO, fd)) {
      ::shutdown(fd, SHUT_WR);
      in_open = false;
    }
    if (out_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) && !copy(fd, STDOUT_FILENO)) {
      ::close(STDOUT_FILENO);
      out_open = false;
      if (in_open) break;  // the far end is gone: what stdin still holds has nowhere to go
    }
  }
  ::close(fd);
}

std::vector<std::string> system_addresses(const std::string& name) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  if (::getaddrinfo(name.c_str(), nullptr, &hints, &raw) != 0) return {};
  AddrInfoPtr info(raw);
  std::vector<std::string> v4, v6;
  for (const addrinfo* entry = info.get(); entry; entry = entry->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    if (entry->ai_family == AF_INET) {
      sockaddr_in in{};
      std::memcpy(&in, entry->ai_addr, sizeof in);
      if (::inet_ntop(AF_INET, &in.sin_addr, text, sizeof text)) v4.emplace_back(text);
    } else if (entry->ai_family == AF_INET6) {
      sockaddr_in6 in6{};
      std::memcpy(&in6, entry->ai_addr, sizeof in6);
      if (::inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text)) v6.emplace_back(text);
    }
  }
  v4.insert(v4.end(), v6.begin(), v6.end());
  std::vector<std::string> unique;
  for (auto& address : v4)
    if (std::find(unique.begin(), unique.end(), address) == unique.end()) unique.push_back(std::move(address));
  return unique;
}

std::optional<std::vector<std::string>> system_addresses_within(const std::string& name,
                                                                std::chrono::milliseconds bound) {
  return call_within(bound, [name] { return system_addresses(name); });
}

}  // namespace lxhost
