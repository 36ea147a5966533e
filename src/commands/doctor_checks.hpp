// The checks of `doctor`, one class over three files: doctor.cpp runs them in order and holds
// those of this machine (config, name, TCP, the cache and mux directories); doctor_host.cpp holds
// those that need the host's session (host key, login, shell, sudo, the lxc tools, the lxcpath, a
// snapshot clone); doctor_lxd.cpp an LXD host's (its socket, server, members, storage, an
// ephemeral copy). Private to the three.
#pragma once

#include <arpa/inet.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "call_within.hpp"
#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "commands/context.hpp"
#include "commands/lxd_api.hpp"
#include "core/cache.hpp"
#include "core/discovery.hpp"
#include "core/doctor_report.hpp"
#include "core/errors.hpp"
#include "core/host_spec.hpp"
#include "core/remote_line.hpp"
#include "core/shell_quote.hpp"
#include "core/state_files.hpp"
#include "core/sudo_refusal.hpp"
#include "mux/socket.hpp"
#include "transport/host_keys.hpp"
#include "transport/libssh_channel.hpp"
#include "transport/libssh_session.hpp"
#include "transport/tcp_connect.hpp"

namespace lxhost::doctor {

using std::chrono::milliseconds;

struct Outcome {
  Status status = Status::ok;
  std::string detail;
  std::string fix;
};
inline Outcome passed(std::string detail) { return {Status::ok, std::move(detail), {}}; }
inline Outcome failed(std::string detail, std::string fix) { return {Status::fail, std::move(detail), std::move(fix)}; }

inline std::string first_line(std::string_view text) {
  while (!text.empty() && text.front() == '\n') text.remove_prefix(1);
  return std::string(text.substr(0, text.find('\n')));
}

inline long long ms_since(Clock::time_point start) { return elapsed_ms(start); }

inline bool is_numeric_address(const std::string& name) {
  unsigned char buffer[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, name.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, name.c_str(), buffer) == 1;
}

// What a remote command did within its bound.
struct RemoteRun {
  bool finished = false;
  int exit_code = -1;
  std::string out, err;
};

RemoteRun run_bounded(SshSession& ssh, const std::string& line, milliseconds bound);

class Doctor {
 public:
  Doctor(Context& ctx, std::optional<Setting<std::string>> host_flag) : ctx_(ctx), host_flag_(std::move(host_flag)) {}
  ~Doctor() {
    if (socket_ >= 0) ::close(socket_);
  }
  Doctor(const Doctor&) = delete;
  Doctor& operator=(const Doctor&) = delete;

  int run();

 private:
  Outcome run_check(Check id);

  const HostConfig& host() const { return *host_; }
  milliseconds connect_bound() const { return milliseconds(host().connect_timeout_ms.value); }
  RemoteRun remote(const std::string& line) { return run_bounded(*ssh_, line, connect_bound()); }
  RemoteContext remote_context(std::string lxcpath = {}) const { return {host().sudo.value, std::move(lxcpath)}; }
  std::string not_finished(std::string_view what) const {
    return fmt::format("{} did not finish within {} ms (connect_timeout_ms)", what, connect_bound().count());
  }

  Outcome check_config();
  Outcome check_name();
  Outcome check_tcp();
  Outcome check_host_key();
  Outcome check_auth();
  Outcome check_shell();
  Outcome check_sudo();
  Outcome check_lxc();
  Outcome check_lxcpath();

  // The filesystem of the lxcpath and the kernel's overlay, then a real snapshot clone of one of
  // its containers (a stopped one if there is one), removed again at once.
  Outcome check_backing_store();

  // An LXD host's, through lxd_transport_: doctor's own session.
  Outcome check_lxd_socket();
  Outcome check_lxd_server();
  Outcome check_lxd_members();
  Outcome check_lxd_storage();
  Outcome check_lxd_copy();

  // The directory nearest to `path` (itself or an ancestor) that exists.
  static std::string nearest_existing(std::string path);
  Outcome check_cache();
  Outcome check_mux_dir();

  Context& ctx_;
  std::optional<Setting<std::string>> host_flag_;
  std::optional<HostConfig> host_;
  std::unique_ptr<SshSession> ssh_;
  std::string user_;
  bool proxied_ = false;
  std::vector<std::string> addresses_;
  int socket_ = -1;  // the tcp check's connection, handed to libssh by the host key check
  std::string version_output_;
  int lxc_major_ = 0;
  std::string lxcpath_;
  std::unique_ptr<Transport> lxd_transport_;  // over ssh_; declared after it, so it goes first
  std::unique_ptr<Lxd> lxd_;
  std::string server_answer_;  // GET /1.0's body
  bool clustered_ = false;
  std::vector<Result> results_;
};

}  // namespace lxhost::doctor
