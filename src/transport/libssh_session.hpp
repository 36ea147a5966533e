// An authenticated libssh session to one container host, made in this order: HOST,
// ~/.ssh/config, then only the TOML values the user set; a `.local` name resolved by mDNS; the
// host key checked before authenticating; the agent first, then identity files.
#pragma once

#include <libssh/callbacks.h>

#include <chrono>
#include <memory>
#include <string>

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/paths.hpp"
#include "core/transport.hpp"
#include "transport/libssh_handles.hpp"

namespace lxhost {

class SshSession {
 public:
  // Throws ConnectError (exit 255), or ConfigError when ~/.ssh/config cannot be parsed.
  // Exactly prepare, connect, check_host_key, authenticate.
  static std::unique_ptr<SshSession> open(const HostConfig& host, const Paths& paths, const Log& log,
                                          const LocalResolver& resolve_local);

  // open()'s stages, for `doctor`, which runs and times them one by one.
  // Options: HOST, ~/.ssh/config, then the TOML values the user set. Nothing is sent yet.
  static std::unique_ptr<SshSession> prepare(const HostConfig& host, const Paths& paths);
  // TCP (a `.local` name through `resolve_local`, unless a socket was handed over) and the SSH
  // handshake, bounded by connect_timeout_ms.
  void connect(const HostConfig& host, const Log& log, const LocalResolver& resolve_local);
  // A socket connected by the caller, for connect() to use (libssh closes it).
  void use_socket(int fd);
  // Refuses an unknown or changed key as host.host_key says (accept-new records it).
  void check_host_key(const HostConfig& host, const Paths& paths, const Log& log);
  // The agent first, then identity files; a key's passphrase only on a terminal.
  void authenticate(const HostConfig& host);

  // After prepare(): the known_hosts file in use, and what ~/.ssh/config made of the host.
  std::string known_hosts_file(const HostConfig& host, const Paths& paths) const;
  std::string option(ssh_options_e option) const;
  unsigned port() const { return port_; }

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

  SessionPtr handle_;
  ssh_callbacks_struct callbacks_{};  // libssh keeps a pointer to these: SshSession never moves
  bool passphrase_wanted_ = false;    // set by the passphrase callback
  unsigned port_ = 22;
  std::string display_;
  std::chrono::milliseconds reply_bound_{5000};
};

}  // namespace lxhost
