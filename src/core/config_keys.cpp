#include "core/config_keys.hpp"
#include "core/publish_names.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace lxhost {
namespace {

constexpr int max_timeout_ms = 600000;

// The Setting a row fills: a member of the Config, reached through its tables
// (of_config<&Config::mux, &MuxConfig::enabled>), of one host, or of one verb's table.
template <auto... members>
SettingRef of_config(const SettingHome& home) {
  return &(*home.config .* ... .* members);
}
template <auto member>
SettingRef of_host(const SettingHome& home) {
  return &(home.host->*member);
}
template <auto member>
SettingRef of_verb(const SettingHome& home) {
  return &(home.verb->*member);
}

// In the order of HostKeyPolicy's, ViaHost's and Backend's values.
constexpr std::array<std::string_view, 2> host_key_choices{"strict", "accept-new"};
constexpr std::array<std::string_view, 2> backend_choices{"lxc", "lxd"};
constexpr std::array<std::string_view, 3> via_host_choices{"never", "always", "auto"};

bool not_empty(std::string_view text) { return !text.empty(); }
bool empty_or_absolute(std::string_view text) { return text.empty() || text.front() == '/'; }

// "_name._tcp" or "_name._udp", name in letters, digits and '-' (RFC 6763 service types).
bool is_service_type(std::string_view type) {
  if (!type.ends_with("._tcp") && !type.ends_with("._udp")) return false;
  const std::string_view name = type.substr(0, type.size() - 5);
  if (name.size() < 2 || name[0] != '_') return false;
  return std::all_of(name.begin() + 1, name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// "{name}.local", "{name}.lab.local": one {name}, and what is around it makes DNS labels.
bool is_name_template(std::string_view text) { return valid_name_template(text); }

constexpr std::string_view example_opening = R"(# lxhost configuration.
#
# lxhost looks for this file at `-c FILE`, else $LXHOST_CONFIG, else
# $XDG_CONFIG_HOME/lxhost/config.toml (~/.config/lxhost/config.toml).
# Precedence: built-in defaults < this file < environment < command-line flags.
#
# Every setting below is commented out and shows its built-in default, under the
# line of the [table] it belongs to. To set one, remove the "# " before it and
# before its [table] line (default_host, above the first table, has none). Until
# you do, the values that ~/.ssh/config gives the host (User, Port, IdentityFile)
# win over lxhost's defaults; a value set here overrides ~/.ssh/config. `lxhost
# config show` prints every effective value and where it came from.
)";

// The old zsh functions' arguments, as [verbs.VERB] examples.
constexpr std::array<ExampleTable, 2> verb_examples{{{"clone", R"(["-s"])"}, {"start", R"(["-d"])"}}};

using C = Config;
using H = HostConfig;

constexpr auto keys = std::to_array<ConfigKey>({
    {"", "default_host", "string", R"("containers")", "the [hosts.*] table used when -H / $LXHOST_HOST is not given",
     of_config<&C::default_host>},
    {"", "list_all_hosts", "boolean", "false",
     "list asks every configured host at once, as `list --all-hosts` (-H still picks one)",
     of_config<&C::list_all_hosts>},
    ConfigKey{"", "hosts", "table", "",
              "one [hosts.NAME] table per container host; -H NAME picks one (none: the built-in host)"}
        .noted("One table per container host; `-H NAME` picks one. With no [hosts] table at all,\n"
               "lxhost uses this built-in host. `-H ADDRESS` (not a key here) uses the default\n"
               "host's settings with that address."),
    ConfigKey{"hosts.NAME", "address", "string", R"("containers.local")", "name or IP the SSH connection goes to",
              of_host<&H::address>}
        .checked({not_empty, "must not be empty"}),
    ConfigKey{"hosts.NAME", "port", "integer", "22", "SSH port; ~/.ssh/config's Port wins until set here",
              of_host<&H::port>}
        .range(1, 65535)
        .ssh_config_wins_until_set(),
    ConfigKey{"hosts.NAME", "user", "string", R"("")", "empty: ~/.ssh/config's User, else $USER", of_host<&H::user>}
        .ssh_config_wins_until_set(),
    ConfigKey{"hosts.NAME", "identity_file", "string", R"("")",
              "empty: the agent first, then ~/.ssh/config and libssh's defaults", of_host<&H::identity_file>}
        .ssh_config_wins_until_set(),
    {"hosts.NAME", "sudo", "boolean", "true", "run the lxc-* tools as `sudo -n` (never prompts)", of_host<&H::sudo>},
    ConfigKey{"hosts.NAME", "lxcpath", "string", R"("")", "empty: LXC's default; an absolute path is passed as -P",
              of_host<&H::lxcpath>}
        .checked({empty_or_absolute, "must be an absolute path"}),
    ConfigKey{"hosts.NAME", "host_key", "string", R"("strict")", "trust an unknown host key on first use",
              of_host<&H::host_key>}
        .one_of(host_key_choices),
    {"hosts.NAME", "known_hosts", "string", R"("~/.ssh/known_hosts")",
     "where host keys are checked (and added with accept-new)", of_host<&H::known_hosts>},
    ConfigKey{"hosts.NAME", "connect_timeout_ms", "integer", "5000", "give up connecting after this long (exit 255)",
              of_host<&H::connect_timeout_ms>}
        .range(1, max_timeout_ms),
    ConfigKey{"hosts.NAME", "backend", "string", R"("lxc")",
              "lxc: the lxc-* tools; lxd: LXD's API (a cluster member too)", of_host<&H::backend>}
        .one_of(backend_choices),
    ConfigKey{"hosts.NAME", "lxd_socket", "string", R"("")",
              "LXD's socket on the host; empty: the first that exists",
              of_host<&H::lxd_socket>}
        .checked({empty_or_absolute, "must be an absolute path"}),
    ConfigKey{"hosts.NAME", "lxd_project", "string", R"("default")", "the LXD project of the host's instances",
              of_host<&H::lxd_project>}
        .checked({not_empty, "must not be empty"}),
    {"", "discovery", "table", "", "mDNS: how long lookups and browses may take, and what `discover` browses"},
    ConfigKey{"discovery", "resolve_timeout_ms", "integer", "1000", "bound on resolving one .local name by mDNS",
              of_config<&C::discovery, &DiscoveryConfig::resolve_timeout_ms>}
        .range(1, max_timeout_ms),
    {"discovery", "list_mdns_wait", "boolean", "false",
     "list waits for every mDNS name up to resolve_timeout_ms (as --mdns-wait)",
     of_config<&C::discovery, &DiscoveryConfig::list_mdns_wait>},
    ConfigKey{"discovery", "browse_timeout_ms", "integer", "2000",
              "bound on a browse (Avahi's all-for-now comes after ~1 s)",
              of_config<&C::discovery, &DiscoveryConfig::browse_timeout_ms>}
        .range(1, max_timeout_ms),
    ConfigKey{"discovery", "services", "array of strings", R"(["_ssh._tcp", "_workstation._tcp"])",
              "mDNS service types `discover` browses", of_config<&C::discovery, &DiscoveryConfig::services>}
        .checked({is_service_type, R"(must look like "_name._tcp" or "_name._udp")"}),
    {"", "completion", "table", "", "shell completion's container cache"},
    ConfigKey{"completion", "cache_ttl_s", "integer", "30",
              "container names older than this are refreshed in the background",
              of_config<&C::completion, &CompletionConfig::cache_ttl_s>}
        .range(0, INT_MAX),
    {"", "mux", "table", "", "connection reuse: one mux master per host"},
    {"mux", "enabled", "boolean", "true", "reuse one SSH connection across commands (--no-mux, LXHOST_MUX=0)",
     of_config<&C::mux, &MuxConfig::enabled>},
    ConfigKey{"mux", "idle_timeout_s", "integer", "600", "the shared connection closes after this long unused",
              of_config<&C::mux, &MuxConfig::idle_timeout_s>}
        .range(1, INT_MAX),
    {"mux", "watch", "boolean", "true", "a master keeps completion current from the host's container events",
     of_config<&C::mux, &MuxConfig::watch>},
    {"", "publish", "table", "", "`lxhost publish`: a NAME.local for every running container"},
    {"publish", "hosts", "array of strings", "[]", "the [hosts.*] whose containers get names (empty: the default host)",
     of_config<&C::publish, &PublishConfig::hosts>},
    ConfigKey{"publish", "name", "string", R"("{name}.local")", "a container's published name; {name} is its own",
              of_config<&C::publish, &PublishConfig::name>}
        .checked({is_name_template, "must hold {name} once and make a .local name of DNS labels"}),
    {"publish", "exclude", "array of strings", "[]", "containers not published: names or globs (\"ci-*\")",
     of_config<&C::publish, &PublishConfig::exclude>},
    ConfigKey{"", "verbs", "table", "",
              "default arguments per verb (any verb, LXC 1 verbs too), as the zsh functions lxhost replaces had them"}
        .noted("Arguments put before the ones you type, per verb (any verb, LXC 1 verbs too;\n"
               "`lxhost help VERB` lists them). The zsh functions lxhost replaces always ran\n"
               "lxc-clone with -s (a snapshot clone) and lxc-start with -d:")
        .shown_as(verb_examples),
    {"verbs.VERB", "args", "array of strings", "[]", "arguments put before the ones you type",
     of_verb<&VerbDefaults::args>},
    ConfigKey{"", "ssh_config", "table", "",
              "what `lxhost ssh-config` writes to ~/.ssh/config.d/lxhost.conf, so `ssh NAME.local` works"}
        .noted("Used by `lxhost ssh-config` to write ~/.ssh/config.d/lxhost.conf, so `ssh NAME.local` works."),
    {"ssh_config", "user", "string", R"("ubuntu")", "User for the containers",
     of_config<&C::ssh_config, &SshConfigConfig::user>},
    {"ssh_config", "preferred_authentications", "string", R"("publickey")",
     "PreferredAuthentications for the containers",
     of_config<&C::ssh_config, &SshConfigConfig::preferred_authentications>},
    {"ssh_config", "identity_file", "string", R"("~/.ssh/id_ed25519")", "IdentityFile for the containers",
     of_config<&C::ssh_config, &SshConfigConfig::identity_file>},
    ConfigKey{"ssh_config", "via_host", "string", R"("auto")", "reach containers through the host",
              of_config<&C::ssh_config, &SshConfigConfig::via_host>}
        .one_of(via_host_choices),
    ConfigKey{"ssh_config", "options", "table", "",
              "extra ssh_config options for the containers: a string, or a number or true/false where ssh takes one",
              of_config<&C::ssh_config, &SshConfigConfig::options>}
        .noted("Extra ssh_config options for the containers, checked, then written as ssh spells them:\n"
               "a number as its digits, true and false as yes and no.",
               "(none by default; for example:)\n"
               "  ServerAliveInterval = 30\n"
               "  Compression = true"),
});

// Each line of `text` as a comment.
std::string commented(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    out += fmt::format("# {}\n", text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return out;
}

// `# key = value` with the doc after it, the docs aligned.
std::string example_key(const ConfigKey& row, std::string_view value) {
  return fmt::format("{:<41} # {}\n", fmt::format("# {} = {}", row.key, value), row.described());
}

std::string example_keys(std::string_view table, std::string_view value = {}) {
  std::string out;
  for (const ConfigKey& row : keys)
    if (row.table == table && !row.is_table()) out += example_key(row, value.empty() ? row.default_value : value);
  return out;
}

// A table's part of the example: its note, its commented header and keys; a table of one table
// per name shows each of its examples (without any, the built-in host).
std::string example_table(const ConfigKey& table) {
  std::string out = "\n" + commented(table.note);
  const std::string name = table.table.empty() ? std::string(table.key) : fmt::format("{}.{}", table.table, table.key);
  const std::string header = table_header(table);
  if (header == name) return out + fmt::format("# [{}]\n", name) + commented(table.under) + example_keys(header);
  const Config defaults = default_config();
  const std::array built_in{ExampleTable{defaults.default_host.value, ""}};
  for (const ExampleTable& example : table.examples.empty() ? std::span<const ExampleTable>(built_in) : table.examples)
    out += fmt::format("# [{}.{}]\n", name, example.name) + example_keys(header, example.value);
  return out;
}

}  // namespace

std::string render_example() {
  std::string out = std::string(example_opening) + "\n" + example_keys("");
  for (const ConfigKey& row : keys)
    if (row.is_table()) out += example_table(row);
  return out;
}

std::string ConfigKey::described() const {
  std::string out;
  for (const std::string_view choice : choices) out += fmt::format("{}\"{}\"", out.empty() ? "" : " | ", choice);
  return out.empty() ? std::string(doc) : fmt::format("{}: {}", out, doc);
}

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
