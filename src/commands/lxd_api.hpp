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
#include "core/lxd_output.hpp"

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
  // The same over any transport to the host (doctor's own session).
  Lxd(Transport& transport, const HostConfig& host, const Log& log);

  // The answer to one request, whatever its status. Throws ConnectError (exit 255) when the
  // socket cannot be reached or no whole answer came within `bound`.
  HttpResponse send(const HttpRequest& request, std::chrono::milliseconds bound = kLxdRequestBound);
  // A synchronous request's body; LXD's error as a Failure (exit 1).
  std::string sync(const HttpRequest& request);
  // An asynchronous request, waited for until its operation ends (unless `wait` is false); its
  // failure as a Failure.
  void run(const HttpRequest& request, bool wait = true);
  // One instance of the host's lxd_project, its state as LXC prints it (from the list of
  // instances, which answers at once when a member is down). Throws Failure when there is none.
  LxdInstance instance(const std::string& name);
  // The same, for a request about to be sent for it: throws a one-line Failure (exit 1) naming
  // the cluster member that holds it when that member does not answer (LXD lists its instances
  // as ERROR at once, but a request for one would wait on the member until lxhost's bound).
  LxdInstance reachable(const std::string& name);
  // Whether the host's lxd_project has an instance of that name (from the list, as instance()).
  bool exists(const std::string& name);

  // A copy request (POST /1.0/instances, source type "copy") completed as LXD's own client sends
  // one: LXD leaves the new instance's architecture, type, profiles, config and devices to the
  // client, which takes them from the source (its config without volatile.* keys). A source
  // "NAME/SNAP" is the snapshot SNAP of NAME.
  HttpRequest with_source(const HttpRequest& copy, const std::string& source);

  // The socket's path on the host (what LXD's own client there is pointed at: LXD_SOCKET).
  const std::string& socket() const { return socket_; }

 private:
  Transport& transport_;
  const HostConfig& host_;
  const Log& log_;
  std::string socket_;
};

// The host's instances in its lxd_project as `list` and completion take containers: name, state
// as LXC prints it, addresses.
std::vector<ContainerRow> lxd_containers(Context& ctx);

// The addresses LXD reports for a running instance of the host's lxd_project (its state, GET
// /1.0/instances/NAME?recursion=1), as lxc-info -iH lists them; none for one that does not run.
// Throws Failure, one line, for an instance that is not there or whose cluster member is down.
std::vector<std::string> lxd_addresses(Context& ctx, const std::string& name);

}  // namespace lxhost
