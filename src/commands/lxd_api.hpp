// LXD's API on a host with backend = "lxd": requests to its unix socket over the host's SSH session
// (Transport::exchange: a direct-streamlocal channel, through the mux master too), HTTP/1.1
// framed by http_framing, LXD's errors as one-line Failures, operations waited for.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "commands/context.hpp"
#include "core/http_framing.hpp"
#include "core/lxc_output.hpp"

namespace lxhost {

// A synchronous answer (a list, a state) is LXD's own database read: seconds at most, even with
// a member lost (it answers for it at once, ERROR). An operation is waited for on LXD's side for
// kLxdOperationWait, and the request that waits gets a little more.
constexpr std::chrono::milliseconds kLxdRequestBound{10000};
constexpr std::chrono::seconds kLxdOperationWait{120};

class Lxd {
 public:
  // The host's socket: lxd_socket, else the first of the usual places that exists on the host
  // (one remote line). Throws Failure when there is none.
  explicit Lxd(Context& ctx);

  // The answer to one request, whatever its status. Throws ConnectError (exit 255) when the
  // socket cannot be reached or no whole answer came within `bound`.
  HttpResponse send(const HttpRequest& request, std::chrono::milliseconds bound = kLxdRequestBound);
  // A synchronous request's body; LXD's error as a Failure (exit 1).
  std::string sync(const HttpRequest& request);
  // An asynchronous request, waited for until its operation ends (unless `wait` is false); its
  // failure as a Failure.
  void run(const HttpRequest& request, bool wait = true);

 private:
  Context& ctx_;
  std::string socket_;
};

// The host's instances in its lxd_project as `list` and completion take containers: name, state
// as LXC prints it, addresses.
std::vector<ContainerRow> lxd_containers(Context& ctx);

}  // namespace lxhost
