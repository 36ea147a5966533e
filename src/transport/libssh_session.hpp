// An authenticated libssh session to one container host, made in DESIGN.md's order: HOST,
// ~/.ssh/config, then only the TOML values the user set; a `.local` name resolved by mDNS; the
// host key checked before authenticating; the agent first, then identity files.
#pragma once

#include <libssh/callbacks.h>

#include <chrono>
#include <memory>
#include <string>

#include "config.hpp"
#include "log.hpp"
#include "paths.hpp"
#include "transport/libssh_handles.hpp"
#include "transport/transport.hpp"

namespace lxhost {

class SshSession {
 public:
  // Throws ConnectError (exit 255), or ConfigError when ~/.ssh/config cannot be parsed.
  static std::unique_ptr<SshSession> open(const HostConfig& host, const Paths& paths, const Log& log,
                                          const LocalResolver& resolve_local);

  ssh_session get() const { return handle_.get(); }
  const std::string& display() const { return display_; }  // "ADDRESS:PORT", for messages
  // How long a reply the host owes (a channel opened, say) may take before the connection counts
  // as lost: the connect timeout.
  std::chrono::milliseconds reply_bound() const { return reply_bound_; }
  // The connection failed while doing something: ConnectError with libssh's reason.
  [[noreturn]] void lost(const char* during) const;

  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;

 private:
  SshSession() = default;
  void set_options(const HostConfig& host, const Paths& paths);
  void connect_local_name(const HostConfig& host, const Log& log, const LocalResolver& resolve_local);
  void authenticate(const HostConfig& host);

  SessionPtr handle_;
  ssh_callbacks_struct callbacks_{};  // libssh keeps a pointer to these: SshSession never moves
  bool passphrase_wanted_ = false;    // set by the passphrase callback
  unsigned port_ = 22;
  std::string display_;
  std::chrono::milliseconds reply_bound_{5000};
};

}  // namespace lxhost
