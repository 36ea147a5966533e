#include "transport/host_keys.hpp"

#include <fmt/format.h>

#include <memory>

#include "core/errors.hpp"

namespace lxhost {
namespace {

struct KeyDeleter {
  void operator()(ssh_key key) const { ssh_key_free(key); }
};
struct HashDeleter {
  void operator()(unsigned char* hash) const { ssh_clean_pubkey_hash(&hash); }
};
struct StringDeleter {
  void operator()(char* text) const { ssh_string_free_char(text); }
};

}  // namespace

std::string host_key_fingerprint(ssh_session session) {
  ssh_key raw = nullptr;
  if (ssh_get_server_publickey(session, &raw) != SSH_OK) return "(no host key)";
  std::unique_ptr<ssh_key_struct, KeyDeleter> key(raw);
  unsigned char* raw_hash = nullptr;
  size_t length = 0;
  if (ssh_get_publickey_hash(key.get(), SSH_PUBLICKEY_HASH_SHA256, &raw_hash, &length) != SSH_OK)
    return "(no fingerprint)";
  std::unique_ptr<unsigned char, HashDeleter> hash(raw_hash);
  std::unique_ptr<char, StringDeleter> text(ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash.get(), length));
  std::string type = ssh_key_type_to_char(ssh_key_type(key.get())) ? ssh_key_type_to_char(ssh_key_type(key.get())) : "?";
  return fmt::format("{} {}", type, text ? text.get() : "(no fingerprint)");
}

void verify_host_key(ssh_session session, HostKeyPolicy policy, const std::string& known_hosts,
                     const std::string& display, const Log& log) {
  const ssh_known_hosts_e state = ssh_session_is_known_server(session);
  switch (state) {
    case SSH_KNOWN_HOSTS_OK:
      return;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      throw ConnectError(
          fmt::format("host key for {} does not match {} (now {}): refusing to connect", display, known_hosts,
                      host_key_fingerprint(session)),
          fmt::format("if the host was reinstalled, check the new key and remove the old one from {}", known_hosts));
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      if (policy == HostKeyPolicy::strict)
        throw ConnectError(
            fmt::format("host key for {} is not in {} ({}): refusing to connect", display, known_hosts,
                        host_key_fingerprint(session)),
            "check the fingerprint, then add the key (ssh once with StrictHostKeyChecking=accept-new) "
            "or set host_key = \"accept-new\" for this host");
      if (ssh_session_update_known_hosts(session) != SSH_OK)
        throw ConnectError(fmt::format("cannot record the host key for {} in {}: {}", display, known_hosts,
                                       reason_or(ssh_get_error(session), "libssh gave no reason")));
      log.warn("added the host key for {} ({}) to {}", display, host_key_fingerprint(session), known_hosts);
      return;
    case SSH_KNOWN_HOSTS_ERROR:
      break;
  }
  throw ConnectError(fmt::format("cannot check the host key for {} against {}: {}", display, known_hosts,
                                 reason_or(ssh_get_error(session), "libssh gave no reason")));
}

}  // namespace lxhost
