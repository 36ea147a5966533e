// lxhost's TOML config: the values, where each came from, and a pure parser over text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lxhost {

// Where a value came from, for `config show` and for "apply only what the user set".
struct Origin {
  enum class Kind { builtin, file, env, flag };
  Kind kind = Kind::builtin;
  std::string where;  // file: "PATH:LINE:COL"; env: "LXHOST_HOST"; flag: "-H"; builtin: ""

  bool user_set() const { return kind != Kind::builtin; }
  std::string describe() const;  // "default", "PATH:LINE:COL", "env LXHOST_HOST", "flag -H"
};

template <class T>
struct Setting {
  T value{};
  Origin origin{};

  bool user_set() const { return origin.user_set(); }
  void set(T v, Origin o) { value = std::move(v); origin = std::move(o); }
};

// In the order of their keys' choices in config_keys.cpp, which spell them.
enum class HostKeyPolicy { strict, accept_new };
enum class ViaHost { never, always, automatic };
enum class Backend { lxc, lxd };

std::string_view to_string(HostKeyPolicy);
std::string_view to_string(ViaHost);
std::string_view to_string(Backend);

// One [hosts.NAME] table; each key's default and meaning is its row in config_keys.cpp. `user`,
// `port` and `identity_file` are only passed to libssh when user_set(), so ~/.ssh/config keeps
// winning until then.
struct HostConfig {
  std::string name;                       // the key under [hosts]
  Setting<std::string> address;
  Setting<int> port;
  Setting<std::string> user;
  Setting<std::string> identity_file;
  Setting<bool> sudo;
  Setting<std::string> lxcpath;
  Setting<HostKeyPolicy> host_key;
  Setting<std::string> known_hosts;
  Setting<int> connect_timeout_ms;
  Setting<Backend> backend;              // lxc: LXC's tools; lxd: LXD's API (lxd_verbs.hpp)
  Setting<std::string> lxd_socket;       // empty: the first of the usual paths that exists on the host
  Setting<std::string> lxd_project;
  // How select_host() picked this host (default_host's origin, or the -H / $LXHOST_HOST
  // request's), for `config show`. Builtin for a host that was not selected.
  Origin selected_by;
};

struct DiscoveryConfig {
  Setting<int> resolve_timeout_ms;
  Setting<bool> list_mdns_wait;
  Setting<int> browse_timeout_ms;
  Setting<std::vector<std::string>> services;
};

struct CompletionConfig {
  Setting<int> cache_ttl_s;
};

struct MuxConfig {
  Setting<bool> enabled;
  Setting<int> idle_timeout_s;
  Setting<bool> watch;
};

// [publish]: what `lxhost publish` names.
struct PublishConfig {
  Setting<std::vector<std::string>> hosts;    // [hosts.*] names; empty: the default host
  Setting<std::string> name;                  // "{name}.local"
  Setting<std::vector<std::string>> exclude;  // container names or globs left out
};

// One [ssh_config.options] entry. A TOML integer or boolean is kept as ssh spells it ("30", "yes");
// which options take those is sshconfig.cpp's to check, when rendering.
struct SshOption {
  enum class Written { string, integer, boolean };
  std::string name;
  Setting<std::string> value;
  Written written = Written::string;
};

struct SshConfigConfig {
  Setting<std::string> user;
  Setting<std::string> preferred_authentications;
  Setting<std::string> identity_file;
  Setting<ViaHost> via_host;
  // [ssh_config.options]: extra options in file order (sshconfig.cpp validates them when rendering).
  std::vector<SshOption> options;
};

// [verbs.VERB]: arguments put before the ones typed, for one verb.
struct VerbDefaults {
  std::string verb;  // as `lxhost help` lists it: "clone", "start", "lxc-config"
  Setting<std::vector<std::string>> args;
};

struct Config {
  std::string source;                 // the file parsed, or "" for built-in defaults
  Setting<std::string> default_host;
  Setting<bool> list_all_hosts;
  std::vector<HostConfig> hosts;      // file order; built-in: one host, named by default_host
  Origin hosts_origin;                // the file's [hosts] key position, or builtin
  DiscoveryConfig discovery;
  CompletionConfig completion;
  MuxConfig mux;
  PublishConfig publish;
  SshConfigConfig ssh_config;
  std::vector<VerbDefaults> verbs;  // file order; only the verbs the file names

  const HostConfig* find_host(std::string_view name) const;
  // The [verbs.VERB] table of a verb (verb_word()), or nullptr.
  const VerbDefaults* verb_defaults(std::string_view verb) const;
  std::vector<std::string> host_names() const;
};

// The built-in defaults: every key at its row's default in config_keys.cpp, one host named by default_host.
Config default_config();

// config/config.example.toml as compiled into the binary (render_example()'s text): what `config init` writes.
std::string_view config_template();

// Parses TOML text. `source_name` prefixes every error: "SOURCE:LINE:COL: message".
// Throws ConfigError on malformed TOML, a wrong type, an out-of-range or unknown value, or an
// unknown key (naming the closest valid key). A file with no [hosts] keeps the built-in host;
// a file with [hosts] replaces it. default_host must name a host; when the file does not set it
// and has exactly one host, that host is the default.
Config parse_config(std::string_view text, std::string_view source_name);

// A HostConfig with every value at its default, named `name`.
HostConfig default_host_config(std::string name);

// TOML spellings, for `config show` and error messages: a basic string with escapes
// ("a\"b"), and a key that stays bare when it can (lab, "my lab").
std::string toml_string(std::string_view text);
std::string toml_key(std::string_view key);

// `config show`: every effective value, one per line, `key = value  # origin`,
// for the global tables and the selected host (marked as selected).
std::string render_config_show(const Config& config, const HostConfig& selected);

}  // namespace lxhost
