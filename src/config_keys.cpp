#include "config_keys.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <stdexcept>
#include <string>

namespace lxhost {
namespace {

constexpr int max_timeout_ms = 600000;

constexpr auto keys = std::to_array<ConfigKey>({
    {"", "default_host", "string", R"("containers")",
     "the [hosts.*] table used when -H / $LXHOST_HOST is not given"},
    {"", "hosts", "table", "",
     "one [hosts.NAME] table per container host; -H NAME picks one (none: the built-in host)"},
    {"hosts.NAME", "address", "string", R"("containers.local")", "name or IP the SSH connection goes to"},
    {"hosts.NAME", "port", "integer", "22", "SSH port; ~/.ssh/config's Port wins until set here", 1, 65535},
    {"hosts.NAME", "user", "string", R"("")", "empty: ~/.ssh/config's User, else $USER"},
    {"hosts.NAME", "identity_file", "string", R"("")",
     "empty: the agent first, then ~/.ssh/config and libssh's defaults"},
    {"hosts.NAME", "sudo", "boolean", "true", "run the lxc-* tools as `sudo -n` (never prompts)"},
    {"hosts.NAME", "lxcpath", "string", R"("")", "empty: LXC's default; an absolute path is passed as -P"},
    {"hosts.NAME", "host_key", "string", R"("strict")",
     R"("strict" | "accept-new": trust an unknown host key on first use)"},
    {"hosts.NAME", "known_hosts", "string", R"("~/.ssh/known_hosts")",
     "where host keys are checked (and added with accept-new)"},
    {"hosts.NAME", "connect_timeout_ms", "integer", "5000", "give up connecting after this long (exit 255)", 1,
     max_timeout_ms},
    {"", "discovery", "table", "", "mDNS: how long lookups and browses may take, and what `discover` browses"},
    {"discovery", "resolve_timeout_ms", "integer", "1000", "bound on resolving one .local name by mDNS", 1,
     max_timeout_ms},
    {"discovery", "browse_timeout_ms", "integer", "2000", "bound on a browse (Avahi's all-for-now comes after ~1 s)",
     1, max_timeout_ms},
    {"discovery", "services", "array of strings", R"(["_ssh._tcp", "_workstation._tcp"])",
     "mDNS service types `discover` browses"},
    {"", "completion", "table", "", "shell completion's container cache"},
    {"completion", "cache_ttl_s", "integer", "30",
     "container names older than this are refreshed in the background", 0, INT_MAX},
    {"", "mux", "table", "", "connection reuse: one mux master per host"},
    {"mux", "enabled", "boolean", "true", "reuse one SSH connection across commands (--no-mux, LXHOST_MUX=0)"},
    {"mux", "idle_timeout_s", "integer", "600", "the shared connection closes after this long unused", 1, INT_MAX},
    {"", "verbs", "table", "",
     "default arguments per verb (any verb, LXC 1 verbs too), as the zsh functions lxhost replaces had them"},
    {"verbs.VERB", "args", "array of strings", "[]", "arguments put before the ones you type"},
    {"", "ssh_config", "table", "",
     "what `lxhost ssh-config` writes to ~/.ssh/config.d/lxhost.conf, so `ssh NAME.local` works"},
    {"ssh_config", "user", "string", R"("ubuntu")", "User for the containers"},
    {"ssh_config", "preferred_authentications", "string", R"("publickey")",
     "PreferredAuthentications for the containers"},
    {"ssh_config", "identity_file", "string", R"("~/.ssh/id_ed25519")", "IdentityFile for the containers"},
    {"ssh_config", "via_host", "string", R"("auto")",
     R"("never" | "always" | "auto": reach containers through the host)"},
    {"ssh_config", "options", "table", "",
     "extra ssh_config options for the containers: a string, or a number or true/false where ssh takes one"},
});

}  // namespace

std::span<const ConfigKey> config_keys() { return keys; }

std::vector<std::string_view> keys_in(std::string_view table) {
  std::vector<std::string_view> names;
  for (const ConfigKey& key : keys)
    if (key.table == table) names.push_back(key.key);
  return names;
}

std::string table_header(const ConfigKey& row) {
  std::string name = row.table.empty() ? std::string(row.key) : std::string(row.table) + "." + std::string(row.key);
  for (const ConfigKey& key : keys)
    if (key.table.starts_with(name + ".")) return std::string(key.table);
  return name;
}

const ConfigKey& config_key(std::string_view table, std::string_view key) {
  const auto it = std::find_if(keys.begin(), keys.end(),
                               [&](const ConfigKey& k) { return k.table == table && k.key == key; });
  if (it == keys.end()) throw std::logic_error("no config key " + std::string(table) + "." + std::string(key));
  return *it;
}

}  // namespace lxhost
