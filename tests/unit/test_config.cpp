#include "catch.hpp"

#include "core/config.hpp"
#include "core/config_keys.hpp"
#include "core/errors.hpp"
#include "core/host_spec.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <regex>
#include <sstream>

using namespace lxhost;

namespace {

// The ConfigError message parse_config throws for `text`, or "" when it parses.
std::string error_of(std::string_view text) {
  try {
    parse_config(text, "cfg.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

Origin file_at(std::string where) { return Origin{Origin::Kind::file, std::move(where)}; }

bool same_origin(const Origin& a, const Origin& b) { return a.kind == b.kind && a.where == b.where; }

// Values only (origins aside): what a file that restates the defaults must give.
void check_same_values(const Config& a, const Config& b) {
  CHECK(a.default_host.value == b.default_host.value);
  REQUIRE(a.host_names() == b.host_names());
  for (std::size_t i = 0; i < a.hosts.size(); ++i) {
    const HostConfig& x = a.hosts[i];
    const HostConfig& y = b.hosts[i];
    CHECK(x.address.value == y.address.value);
    CHECK(x.port.value == y.port.value);
    CHECK(x.user.value == y.user.value);
    CHECK(x.identity_file.value == y.identity_file.value);
    CHECK(x.sudo.value == y.sudo.value);
    CHECK(x.lxcpath.value == y.lxcpath.value);
    CHECK(x.host_key.value == y.host_key.value);
    CHECK(x.known_hosts.value == y.known_hosts.value);
    CHECK(x.connect_timeout_ms.value == y.connect_timeout_ms.value);
  }
  CHECK(a.discovery.resolve_timeout_ms.value == b.discovery.resolve_timeout_ms.value);
  CHECK(a.discovery.browse_timeout_ms.value == b.discovery.browse_timeout_ms.value);
  CHECK(a.discovery.services.value == b.discovery.services.value);
  CHECK(a.completion.cache_ttl_s.value == b.completion.cache_ttl_s.value);
  CHECK(a.mux.enabled.value == b.mux.enabled.value);
  CHECK(a.mux.idle_timeout_s.value == b.mux.idle_timeout_s.value);
  CHECK(a.ssh_config.user.value == b.ssh_config.user.value);
  CHECK(a.ssh_config.preferred_authentications.value == b.ssh_config.preferred_authentications.value);
  CHECK(a.ssh_config.identity_file.value == b.ssh_config.identity_file.value);
  CHECK(a.ssh_config.via_host.value == b.ssh_config.via_host.value);
  CHECK(a.ssh_config.options.size() == b.ssh_config.options.size());
}

// `config show`'s lines as key -> value, the origin comments left out.
std::map<std::string, std::string> show_values(const std::string& shown) {
  std::map<std::string, std::string> values;
  std::istringstream in{shown};
  for (std::string line; std::getline(in, line);) {
    const auto equals = line.find(" = ");
    if (line.starts_with("#") || equals == std::string::npos) continue;
    std::string value = line.substr(equals + 3, line.rfind("  # ") - equals - 3);
    value.erase(value.find_last_not_of(' ') + 1);
    values[line.substr(0, equals)] = value;
  }
  return values;
}

// Every Setting of the config and its hosts, for "all set" / "none set" checks.
std::vector<bool> user_set_flags(const Config& c) {
  std::vector<bool> flags = {c.default_host.user_set(),
                             c.discovery.resolve_timeout_ms.user_set(),
                             c.discovery.browse_timeout_ms.user_set(),
                             c.discovery.services.user_set(),
                             c.completion.cache_ttl_s.user_set(),
                             c.mux.enabled.user_set(),
                             c.mux.idle_timeout_s.user_set(),
                             c.ssh_config.user.user_set(),
                             c.ssh_config.preferred_authentications.user_set(),
                             c.ssh_config.identity_file.user_set(),
                             c.ssh_config.via_host.user_set()};
  for (const HostConfig& h : c.hosts) {
    for (bool set : {h.address.user_set(), h.port.user_set(), h.user.user_set(), h.identity_file.user_set(),
                     h.sudo.user_set(), h.lxcpath.user_set(), h.host_key.user_set(), h.known_hosts.user_set(),
                     h.connect_timeout_ms.user_set()}) {
      flags.push_back(set);
    }
  }
  return flags;
}

// `config show` output as left part -> origin comment, checking that comments are aligned.
std::vector<std::pair<std::string, std::string>> show_lines(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> lines;
  std::istringstream in(text);
  std::string line;
  std::size_t column = std::string::npos;
  std::getline(in, line);  // "# config: ..."
  while (std::getline(in, line)) {
    const std::size_t hash = line.find("  # ");
    REQUIRE(hash != std::string::npos);
    const std::size_t comment_at = line.find_first_not_of(' ', hash);
    if (column == std::string::npos) column = comment_at;
    CHECK(comment_at == column);
    std::string left = line.substr(0, hash);
    left.erase(left.find_last_not_of(' ') + 1);
    lines.emplace_back(left, line.substr(comment_at + 2));
  }
  return lines;
}

std::string comment_for(const std::vector<std::pair<std::string, std::string>>& lines, const std::string& left) {
  for (const auto& [l, comment] : lines) {
    if (l == left) return comment;
  }
  return "<no line '" + left + "'>";
}

// A full file: every key set, two hosts in non-alphabetical order, options likewise.
constexpr std::string_view full_file = R"(default_host = "lab"

[hosts.lab]
address = "10.0.0.5"
port = 2222
user = "me"
identity_file = "~/.ssh/lab"
sudo = false
lxcpath = "/srv/lxc"
host_key = "accept-new"
known_hosts = "~/.ssh/kh"
connect_timeout_ms = 750

[hosts.backup]
address = "backup.example"

[discovery]
resolve_timeout_ms = 300
browse_timeout_ms = 400
services = ["_ssh._tcp", "_lxc-x._udp"]

[completion]
cache_ttl_s = 0

[mux]
enabled = false
idle_timeout_s = 60

[ssh_config]
user = "root"
preferred_authentications = "publickey,password"
identity_file = "~/.ssh/other"
via_host = "always"
[ssh_config.options]
ServerAliveInterval = "30"
Compression = "yes"
)";

}  // namespace

TEST_CASE("Origin::describe and enum spellings", "[config]") {
  CHECK(Origin{}.describe() == "default");
  CHECK(file_at("c.toml:1:2").describe() == "c.toml:1:2");
  CHECK(Origin{Origin::Kind::env, "LXHOST_HOST"}.describe() == "env LXHOST_HOST");
  CHECK(Origin{Origin::Kind::flag, "-H"}.describe() == "flag -H");
  CHECK(to_string(HostKeyPolicy::strict) == "strict");
  CHECK(to_string(HostKeyPolicy::accept_new) == "accept-new");
  CHECK(to_string(ViaHost::never) == "never");
  CHECK(to_string(ViaHost::always) == "always");
  CHECK(to_string(ViaHost::automatic) == "auto");
}

TEST_CASE("built-in defaults: each key at its table row's default, as `config show` shows it", "[config]") {
  const Config c = default_config();
  CHECK(c.source.empty());
  REQUIRE(c.host_names() == std::vector<std::string>{c.default_host.value});  // the one built-in host
  CHECK(c.ssh_config.options.empty());
  CHECK(c.verbs.empty());
  for (bool set : user_set_flags(c)) CHECK(!set);
  CHECK(!c.hosts_origin.user_set());

  // [verbs.VERB] has no built-in table: an empty one shows its row's default.
  const Config with_verb = parse_config("[verbs.clone]\n", "cfg.toml");
  const std::map<std::string, std::string> shown = show_values(render_config_show(c, select_host(c, std::nullopt)));
  const std::map<std::string, std::string> verb_shown =
      show_values(render_config_show(with_verb, select_host(with_verb, std::nullopt)));
  for (const ConfigKey& row : config_keys()) {
    if (row.is_table()) continue;
    CAPTURE(row.table, row.key);
    const std::string key(row.key);
    if (row.table == "verbs.VERB") {
      CHECK(verb_shown.at("verbs.clone." + key) == row.default_value);
    } else if (row.table == "hosts.NAME") {
      CHECK(shown.at("host." + key) == row.default_value);
    } else {
      CHECK(shown.at(row.table.empty() ? key : fmt::format("{}.{}", row.table, key)) == row.default_value);
    }
  }
}

TEST_CASE("an empty file gives the built-in defaults with its source name", "[config]") {
  const Config c = parse_config("# nothing\n", "cfg.toml");
  CHECK(c.source == "cfg.toml");
  check_same_values(c, default_config());
  for (bool set : user_set_flags(c)) CHECK(!set);
}

TEST_CASE("default_host_config names the host and keeps every default", "[config]") {
  const HostConfig h = default_host_config("lab");
  CHECK(h.name == "lab");
  CHECK(h.address.value == "containers.local");
  CHECK(h.port.value == 22);
  CHECK(!h.address.user_set());
}

TEST_CASE("a full file sets every value, with the value's line:col as origin", "[config]") {
  const Config c = parse_config(full_file, "cfg.toml");
  CHECK(c.source == "cfg.toml");
  CHECK(c.default_host.value == "lab");
  CHECK(same_origin(c.default_host.origin, file_at("cfg.toml:1:16")));
  CHECK(c.host_names() == std::vector<std::string>{"lab", "backup"});  // file order
  CHECK(same_origin(c.hosts_origin, file_at("cfg.toml:3:2")));

  const HostConfig* lab = c.find_host("lab");
  REQUIRE(lab != nullptr);
  CHECK(lab->address.value == "10.0.0.5");
  CHECK(same_origin(lab->address.origin, file_at("cfg.toml:4:11")));
  CHECK(lab->port.value == 2222);
  CHECK(same_origin(lab->port.origin, file_at("cfg.toml:5:8")));
  CHECK(lab->user.value == "me");
  CHECK(same_origin(lab->user.origin, file_at("cfg.toml:6:8")));
  CHECK(lab->identity_file.value == "~/.ssh/lab");
  CHECK(same_origin(lab->identity_file.origin, file_at("cfg.toml:7:17")));
  CHECK(!lab->sudo.value);
  CHECK(same_origin(lab->sudo.origin, file_at("cfg.toml:8:8")));
  CHECK(lab->lxcpath.value == "/srv/lxc");
  CHECK(same_origin(lab->lxcpath.origin, file_at("cfg.toml:9:11")));
  CHECK(lab->host_key.value == HostKeyPolicy::accept_new);
  CHECK(same_origin(lab->host_key.origin, file_at("cfg.toml:10:12")));
  CHECK(lab->known_hosts.value == "~/.ssh/kh");
  CHECK(same_origin(lab->known_hosts.origin, file_at("cfg.toml:11:15")));
  CHECK(lab->connect_timeout_ms.value == 750);
  CHECK(same_origin(lab->connect_timeout_ms.origin, file_at("cfg.toml:12:22")));

  const HostConfig* backup = c.find_host("backup");
  REQUIRE(backup != nullptr);
  CHECK(backup->address.value == "backup.example");
  CHECK(same_origin(backup->address.origin, file_at("cfg.toml:15:11")));
  CHECK(backup->port.value == 22);
  CHECK(!backup->port.user_set());
  CHECK(backup->known_hosts.value == "~/.ssh/known_hosts");
  CHECK(c.find_host("containers") == nullptr);  // [hosts] replaces the built-in host

  CHECK(c.discovery.resolve_timeout_ms.value == 300);
  CHECK(same_origin(c.discovery.resolve_timeout_ms.origin, file_at("cfg.toml:18:22")));
  CHECK(c.discovery.browse_timeout_ms.value == 400);
  CHECK(same_origin(c.discovery.browse_timeout_ms.origin, file_at("cfg.toml:19:21")));
  CHECK(c.discovery.services.value == std::vector<std::string>{"_ssh._tcp", "_lxc-x._udp"});
  CHECK(same_origin(c.discovery.services.origin, file_at("cfg.toml:20:12")));
  CHECK(c.completion.cache_ttl_s.value == 0);
  CHECK(same_origin(c.completion.cache_ttl_s.origin, file_at("cfg.toml:23:15")));
  CHECK(!c.mux.enabled.value);
  CHECK(same_origin(c.mux.enabled.origin, file_at("cfg.toml:26:11")));
  CHECK(c.mux.idle_timeout_s.value == 60);
  CHECK(same_origin(c.mux.idle_timeout_s.origin, file_at("cfg.toml:27:18")));
  CHECK(c.ssh_config.user.value == "root");
  CHECK(same_origin(c.ssh_config.user.origin, file_at("cfg.toml:30:8")));
  CHECK(c.ssh_config.preferred_authentications.value == "publickey,password");
  CHECK(same_origin(c.ssh_config.preferred_authentications.origin, file_at("cfg.toml:31:29")));
  CHECK(c.ssh_config.identity_file.value == "~/.ssh/other");
  CHECK(same_origin(c.ssh_config.identity_file.origin, file_at("cfg.toml:32:17")));
  CHECK(c.ssh_config.via_host.value == ViaHost::always);
  CHECK(same_origin(c.ssh_config.via_host.origin, file_at("cfg.toml:33:12")));
  REQUIRE(c.ssh_config.options.size() == 2);
  CHECK(c.ssh_config.options[0].name == "ServerAliveInterval");  // file order
  CHECK(c.ssh_config.options[0].value.value == "30");
  CHECK(same_origin(c.ssh_config.options[0].value.origin, file_at("cfg.toml:35:23")));
  CHECK(c.ssh_config.options[1].name == "Compression");
  CHECK(c.ssh_config.options[1].value.value == "yes");
}

TEST_CASE("other enum values and boundaries parse", "[config]") {
  const Config c = parse_config(R"([hosts.a]
host_key = "strict"
port = 65535
connect_timeout_ms = 600000
lxcpath = ""
[ssh_config]
via_host = "never"
[discovery]
services = []
resolve_timeout_ms = 1
[mux]
idle_timeout_s = 1
)",
                                "cfg.toml");
  CHECK(c.hosts.front().host_key.value == HostKeyPolicy::strict);
  CHECK(c.hosts.front().host_key.user_set());
  CHECK(c.hosts.front().port.value == 65535);
  CHECK(c.hosts.front().connect_timeout_ms.value == 600000);
  CHECK(c.ssh_config.via_host.value == ViaHost::never);
  CHECK(c.discovery.services.value.empty());
  CHECK(c.discovery.resolve_timeout_ms.value == 1);
  CHECK(c.mux.idle_timeout_s.value == 1);
  CHECK(parse_config("[hosts.\"my lab\"]\n", "cfg.toml").default_host.value == "my lab");
}

TEST_CASE("malformed TOML is an error at toml++'s position", "[config]") {
  const std::string message = error_of("a = 1\nb = \n");
  CHECK(message.starts_with("cfg.toml:2:5: invalid TOML: "));
  CHECK(message.size() > std::string_view("cfg.toml:2:5: invalid TOML: ").size());
  CHECK(message.find('\n') == std::string::npos);
  CHECK(error_of("[mux]\n[mux]\n").starts_with("cfg.toml:2:1: invalid TOML: "));
  // Beyond 64 bits is toml++'s error; beyond int is ours (below).
  CHECK(error_of("[mux]\nidle_timeout_s = 99999999999999999999999\n").starts_with("cfg.toml:2:"));
  REQUIRE_THROWS_AS(parse_config("x = [", "cfg.toml"), ConfigError);
}

TEST_CASE("non-ASCII outside strings and comments is refused before toml++ reads it", "[config]") {
  // toml++ 3.3 reaches __builtin_unreachable() on these (found by fuzz/fuzz_config).
  CHECK(error_of("café = 1\n") == "cfg.toml:1:4: invalid TOML: a non-ASCII character outside a string or comment");
  CHECK(error_of("Ω") == "cfg.toml:1:1: invalid TOML: a non-ASCII character outside a string or comment");
  CHECK(error_of("# é\n[mux]\nenabled = true é\n") ==
        "cfg.toml:3:16: invalid TOML: a non-ASCII character outside a string or comment");
  CHECK(error_of("a = \"é\" é\n").starts_with("cfg.toml:1:9: invalid TOML: "));
  CHECK(error_of("a = \"\"\"x\"\"\"\"\"é\n").starts_with("cfg.toml:1:14: invalid TOML: "));
  CHECK(error_of("[ssh_config]\nuser = \"\"\"\\\n  é\"\"\"\n") ==
        "cfg.toml:3:3: a non-ASCII character right after a backslash (and blanks or a line break), which "
        "toml++ 3.3 misreads: write it as \\uXXXX");
  CHECK(error_of("[ssh_config]\nuser = \"\\ é\"\n").starts_with("cfg.toml:2:11: a non-ASCII character right after"));
  CHECK(error_of("[ssh_config]\nuser = \"\"\"\\é\"\"\"\n").starts_with("cfg.toml:2:12: a non-ASCII character right after"));
  // In a number, date or time toml++ reads on through quotes, up to a blank, ']', '}', ',' or '#'.
  for (const char* text : {"a = 7'é'\n", "a = [1, 1979-05-27T07:32:00Z.\"é\"]\n", "a = {b = -'é'}\n"})
    CHECK(error_of(text).ends_with("invalid TOML: a non-ASCII character outside a string or comment"));

  // In strings (quoted keys too), comments and after a BOM, non-ASCII is fine.
  const Config c = parse_config(
      "\xEF\xBB\xBF# déjà vu\n"
      "[hosts.\"café\"]  # Ω\n"
      "address = \"é.example\"\n"
      "identity_file = '~/clé'\n"
      "known_hosts = \"\"\"\\\n  ~/é\\\\\\\"\né\"\"\"\n"
      "lxcpath = '''/é'''''\n"
      "user = \"\\\\é\\\"é\"\n",
      "cfg.toml");
  REQUIRE(c.hosts.size() == 1);
  CHECK(c.hosts[0].name == "café");
  CHECK(c.hosts[0].address.value == "é.example");
  CHECK(c.hosts[0].identity_file.value == "~/clé");
  CHECK(c.hosts[0].known_hosts.value == "~/é\\\"\né");
  CHECK(c.hosts[0].lxcpath.value == "/é''");
  CHECK(c.hosts[0].user.value == "\\é\"é");
}

TEST_CASE("unknown keys and tables name the closest valid key", "[config]") {
  CHECK(error_of("[hosts.lab]\naddress = \"x\"\nport = 22\n# a comment\nprot = 23\n") ==
        "cfg.toml:5:1: unknown key 'prot' in [hosts.lab] (did you mean 'port'?)");
  CHECK(error_of("defualt_host = \"containers\"\n") ==
        "cfg.toml:1:1: unknown key 'defualt_host' (did you mean 'default_host'?)");
  CHECK(error_of("\n[mxu]\nenabled = true\n") == "cfg.toml:2:2: unknown table [mxu] (did you mean 'mux'?)");
  CHECK(error_of("[discovery]\n  resolve_timeout = 5\n") ==
        "cfg.toml:2:3: unknown key 'resolve_timeout' in [discovery] (did you mean 'resolve_timeout_ms'?)");
  CHECK(error_of("[ssh_config]\nvia = \"auto\"\n") ==
        "cfg.toml:2:1: unknown key 'via' in [ssh_config] (did you mean 'via_host'?)");
  CHECK(error_of("[ssh_config.optoins]\nA = \"b\"\n") ==
        "cfg.toml:1:13: unknown table [ssh_config.optoins] (did you mean 'options'?)");
  CHECK(error_of("[completion]\ncache_ttl = 1\n") ==
        "cfg.toml:2:1: unknown key 'cache_ttl' in [completion] (did you mean 'cache_ttl_s'?)");
}

TEST_CASE("unknown keys with nothing close get no suggestion", "[config]") {
  CHECK(error_of("[mux]\nfrobnicate = 1\n") == "cfg.toml:2:1: unknown key 'frobnicate' in [mux]");
  CHECK(error_of("colour = \"red\"\n") == "cfg.toml:1:1: unknown key 'colour'");
  CHECK(error_of("[plugins]\n") == "cfg.toml:1:2: unknown table [plugins]");
  CHECK(error_of("[hosts.lab]\n\"odd key\" = 1\n") == "cfg.toml:2:1: unknown key '\"odd key\"' in [hosts.lab]");
}

TEST_CASE("wrong types name the key, the expected and the actual type", "[config]") {
  CHECK(error_of("[hosts.lab]\naddress = \"x\"\n\nport = \"22\"\n") ==
        "cfg.toml:4:8: hosts.lab.port must be an integer, not a string");
  CHECK(error_of("[hosts.lab]\nport = 22.0\n") == "cfg.toml:2:8: hosts.lab.port must be an integer, not a float");
  CHECK(error_of("[hosts.lab]\nsudo = \"yes\"\n") == "cfg.toml:2:8: hosts.lab.sudo must be a boolean, not a string");
  CHECK(error_of("[hosts.lab]\nuser = 5\n") == "cfg.toml:2:8: hosts.lab.user must be a string, not an integer");
  CHECK(error_of("[hosts.lab]\nhost_key = true\n") ==
        "cfg.toml:2:12: hosts.lab.host_key must be a string, not a boolean");
  CHECK(error_of("[hosts.lab]\naddress = [\"a\"]\n") ==
        "cfg.toml:2:11: hosts.lab.address must be a string, not an array");
  CHECK(error_of("[hosts.lab]\nknown_hosts = 1979-05-27\n") ==
        "cfg.toml:2:15: hosts.lab.known_hosts must be a string, not a date");
  CHECK(error_of("[mux]\nenabled = 1\n") == "cfg.toml:2:11: mux.enabled must be a boolean, not an integer");
  CHECK(error_of("[discovery]\nservices = \"_ssh._tcp\"\n") ==
        "cfg.toml:2:12: discovery.services must be an array of strings, not a string");
  CHECK(error_of("[discovery]\nservices = [\"_ssh._tcp\", 3]\n") ==
        "cfg.toml:2:26: discovery.services[1] must be a string, not an integer");
  CHECK(error_of("default_host = 1\n") == "cfg.toml:1:16: default_host must be a string, not an integer");
  CHECK(error_of("mux = 3\n") == "cfg.toml:1:7: mux must be a table, not an integer");
  CHECK(error_of("hosts = \"lab\"\n") == "cfg.toml:1:9: hosts must be a table, not a string");
  CHECK(error_of("[hosts]\nlab = 1\n") == "cfg.toml:2:7: hosts.lab must be a table, not an integer");
  CHECK(error_of("[ssh_config]\noptions = \"x\"\n") ==
        "cfg.toml:2:11: ssh_config.options must be a table, not a string");
  CHECK(error_of("[ssh_config.options]\nServerAliveInterval = 3.5\n") ==
        "cfg.toml:2:23: ssh_config.options.ServerAliveInterval must be a string, an integer or a boolean, not a float");
  CHECK(error_of("[ssh_config.options]\nSendEnv = [\"A\"]\n") ==
        "cfg.toml:2:11: ssh_config.options.SendEnv must be a string, an integer or a boolean, not an array");
}

TEST_CASE("out-of-range values are errors, never wrapped", "[config]") {
  const std::string port_range = "hosts.lab.port must be between 1 and 65535";
  CHECK(error_of("[hosts.lab]\nport = 0\n") == "cfg.toml:2:8: " + port_range);
  CHECK(error_of("[hosts.lab]\nport = 65536\n") == "cfg.toml:2:8: " + port_range);
  CHECK(error_of("[hosts.lab]\nport = -22\n") == "cfg.toml:2:8: " + port_range);
  CHECK(error_of("[hosts.lab]\nport = 99999999999\n") == "cfg.toml:2:8: " + port_range);
  CHECK(error_of("[hosts.lab]\nport = 4294967318\n") == "cfg.toml:2:8: " + port_range);  // 22 mod 2^32
  CHECK(error_of("[hosts.lab]\nconnect_timeout_ms = 0\n") ==
        "cfg.toml:2:22: hosts.lab.connect_timeout_ms must be between 1 and 600000");
  CHECK(error_of("[hosts.lab]\nconnect_timeout_ms = 600001\n") ==
        "cfg.toml:2:22: hosts.lab.connect_timeout_ms must be between 1 and 600000");
  CHECK(error_of("[discovery]\nresolve_timeout_ms = 0\n") ==
        "cfg.toml:2:22: discovery.resolve_timeout_ms must be between 1 and 600000");
  CHECK(error_of("[discovery]\nbrowse_timeout_ms = 9999999\n") ==
        "cfg.toml:2:21: discovery.browse_timeout_ms must be between 1 and 600000");
  CHECK(error_of("[completion]\ncache_ttl_s = -1\n") ==
        "cfg.toml:2:15: completion.cache_ttl_s must be between 0 and 2147483647");
  CHECK(error_of("[completion]\ncache_ttl_s = 2147483648\n") ==
        "cfg.toml:2:15: completion.cache_ttl_s must be between 0 and 2147483647");
  CHECK(error_of("[mux]\nidle_timeout_s = 0\n") == "cfg.toml:2:18: mux.idle_timeout_s must be between 1 and 2147483647");
}

TEST_CASE("enum, path, address and service values are checked", "[config]") {
  CHECK(error_of("[hosts.lab]\nhost_key = \"yes\"\n") ==
        R"(cfg.toml:2:12: hosts.lab.host_key must be "strict" or "accept-new")");
  CHECK(error_of("[ssh_config]\nvia_host = \"sometimes\"\n") ==
        R"(cfg.toml:2:12: ssh_config.via_host must be "never", "always" or "auto")");
  CHECK(error_of("[ssh_config]\nvia_host = \"Auto\"\n").starts_with("cfg.toml:2:12: "));
  CHECK(error_of("[hosts.lab]\nlxcpath = \"var/lib/lxc\"\n") ==
        "cfg.toml:2:11: hosts.lab.lxcpath must be an absolute path");
  CHECK(error_of("[hosts.lab]\naddress = \"\"\n") == "cfg.toml:2:11: hosts.lab.address must not be empty");
  CHECK(error_of("[discovery]\nservices = [\"_ssh._tcp\", \"ssh\"]\n") ==
        R"(cfg.toml:2:26: discovery.services entries must look like "_name._tcp" or "_name._udp", not "ssh")");
  for (const char* bad : {"_ssh._sctp", "_._tcp", "ssh._tcp", "_s sh._tcp", "_ssh.tcp", ""}) {
    const std::string text = std::string("[discovery]\nservices = [\"") + bad + "\"]\n";
    CHECK(error_of(text).starts_with("cfg.toml:2:13: discovery.services entries must look like"));
  }
}

TEST_CASE("default_host rules", "[config]") {
  SECTION("one host is the default") {
    const Config c = parse_config("[hosts.lab]\naddress = \"lab.local\"\n", "cfg.toml");
    CHECK(c.default_host.value == "lab");
    CHECK(same_origin(c.default_host.origin, file_at("cfg.toml:1:8")));
  }
  SECTION("several hosts need default_host") {
    CHECK(error_of("[hosts.lab]\n[hosts.prod]\n") ==
          R"(cfg.toml:1:2: several hosts ("lab", "prod") and no default_host: set default_host to one of them)");
    const Config c = parse_config("default_host = \"prod\"\n[hosts.lab]\n[hosts.prod]\n", "cfg.toml");
    CHECK(c.default_host.value == "prod");
  }
  SECTION("default_host must name a host") {
    CHECK(error_of("default_host = \"lbb\"\n[hosts.lab]\n[hosts.prod]\n") ==
          R"(cfg.toml:1:16: default_host "lbb" is not a configured host; configured: "lab", "prod" (did you mean 'lab'?))");
    CHECK(error_of("default_host = \"zzz\"\n[hosts.lab]\n") ==
          R"(cfg.toml:1:16: default_host "zzz" is not a configured host; configured: "lab")");
  }
  SECTION("without [hosts] the built-in host stays") {
    const Config c = parse_config("default_host = \"containers\"\n[mux]\nenabled = false\n", "cfg.toml");
    CHECK(c.host_names() == std::vector<std::string>{"containers"});
    CHECK(c.default_host.user_set());
    CHECK(!c.hosts_origin.user_set());
    CHECK(error_of("default_host = \"lab\"\n") ==
          R"(cfg.toml:1:16: default_host "lab" is not a configured host; configured: "containers")");
  }
  SECTION("an empty [hosts] is an error") {
    CHECK(error_of("[hosts]\n").starts_with("cfg.toml:1:2: [hosts] has no [hosts.NAME] table"));
  }
}

TEST_CASE("[ssh_config.options] keeps integers and booleans as ssh spells them; config show as the file wrote them",
          "[config]") {
  const Config c =
      parse_config("[ssh_config.options]\nServerAliveInterval = 30\nCompression = true\nBatchMode = false\n", "cfg.toml");
  REQUIRE(c.ssh_config.options.size() == 3);
  CHECK(c.ssh_config.options[0].value.value == "30");
  CHECK(c.ssh_config.options[0].written == SshOption::Written::integer);
  CHECK(c.ssh_config.options[1].value.value == "yes");
  CHECK(c.ssh_config.options[2].value.value == "no");
  CHECK(c.ssh_config.options[2].written == SshOption::Written::boolean);
  const auto lines = show_lines(render_config_show(c, select_host(c, std::nullopt)));
  CHECK(comment_for(lines, "ssh_config.options.ServerAliveInterval = 30") == "cfg.toml:2:23");
  CHECK(comment_for(lines, "ssh_config.options.Compression = true") == "cfg.toml:3:15");
  CHECK(comment_for(lines, "ssh_config.options.BatchMode = false") == "cfg.toml:4:13");
}

TEST_CASE("every error is a single line with a position", "[config]") {
  const std::string message = error_of("[hosts.\"a\\nb\"]\nprot = 1\n");
  CHECK(message.starts_with("cfg.toml:2:1: "));
  CHECK(message.find('\n') == std::string::npos);
  CHECK(error_of("default_host = \"a\\nb\"\n").find('\n') == std::string::npos);
}

TEST_CASE("select_host", "[config]") {
  const Config c = parse_config(full_file, "cfg.toml");
  const Origin flag{Origin::Kind::flag, "-H"};

  SECTION("no request: the default host, selected by default_host") {
    const HostConfig h = select_host(c, std::nullopt);
    CHECK(h.name == "lab");
    CHECK(same_origin(h.selected_by, c.default_host.origin));
  }
  SECTION("a [hosts.*] key") {
    const HostConfig h = select_host(c, Setting<std::string>{"backup", flag});
    CHECK(h.name == "backup");
    CHECK(h.address.value == "backup.example");
    CHECK(same_origin(h.address.origin, file_at("cfg.toml:15:11")));
    CHECK(same_origin(h.selected_by, flag));
  }
  SECTION("an address: the default host's settings with that address") {
    const HostConfig h = select_host(c, Setting<std::string>{"web1.local", flag});
    CHECK(h.name == "web1.local");
    CHECK(h.address.value == "web1.local");
    CHECK(same_origin(h.address.origin, flag));
    CHECK(h.port.value == 2222);
    CHECK(same_origin(h.port.origin, file_at("cfg.toml:5:8")));
    CHECK(h.user.value == "me");
    CHECK(!h.sudo.value);
    CHECK(h.host_key.value == HostKeyPolicy::accept_new);
    CHECK(h.connect_timeout_ms.value == 750);
    CHECK(same_origin(h.selected_by, flag));
  }
  SECTION("USER@ADDRESS: the user and the address from the request, the rest from the default host") {
    const HostConfig h = select_host(c, Setting<std::string>{"alice@web1.local", flag});
    CHECK(h.name == "alice@web1.local");
    CHECK(h.address.value == "web1.local");
    CHECK(h.user.value == "alice");
    CHECK(same_origin(h.user.origin, flag));
    CHECK(h.port.value == 2222);
    REQUIRE_THROWS_AS(select_host(c, Setting<std::string>{"@web1.local", flag}), UsageError);
    REQUIRE_THROWS_AS(select_host(c, Setting<std::string>{"alice@", flag}), UsageError);
  }
  SECTION("an empty request is a usage error") {
    REQUIRE_THROWS_AS(select_host(c, Setting<std::string>{"", Origin{Origin::Kind::env, "LXHOST_HOST"}}), UsageError);
  }
  SECTION("built-in config") {
    const HostConfig h = select_host(default_config(), std::nullopt);
    CHECK(h.name == "containers");
    CHECK(h.address.value == "containers.local");
  }
}

TEST_CASE("toml_string and toml_key", "[config]") {
  CHECK(toml_string("plain") == "\"plain\"");
  CHECK(toml_string("a\"b\\c") == R"("a\"b\\c")");
  CHECK(toml_string("tab\there\nnl") == R"("tab\there\nnl")");
  CHECK(toml_string(std::string_view("\x01\x7f", 2)) == R"("\u0001\u007F")");
  CHECK(toml_string("h\xc3\xa9") == "\"h\xc3\xa9\"");
  CHECK(toml_key("ServerAliveInterval") == "ServerAliveInterval");
  CHECK(toml_key("a-b_1") == "a-b_1");
  CHECK(toml_key("my lab") == "\"my lab\"");
  CHECK(toml_key("") == "\"\"");
  CHECK(toml_key("a.b") == "\"a.b\"");
}

TEST_CASE("config show with built-in defaults", "[config]") {
  const Config c = default_config();
  const std::string text = render_config_show(c, select_host(c, std::nullopt));
  CHECK(text.starts_with("# config: none (built-in defaults)\n"));
  CHECK(text.ends_with("\n"));
  const auto lines = show_lines(text);
  CHECK(comment_for(lines, "host = \"containers\"") == "default");
  CHECK(comment_for(lines, "host.address = \"containers.local\"") == "default");
  CHECK(comment_for(lines, "host.port = 22") == "default (~/.ssh/config may set it)");
  CHECK(comment_for(lines, "host.user = \"\"") == "default (~/.ssh/config may set it)");
  CHECK(comment_for(lines, "host.identity_file = \"\"") == "default (~/.ssh/config may set it)");
  CHECK(comment_for(lines, "host.sudo = true") == "default");
  CHECK(comment_for(lines, "host.lxcpath = \"\"") == "default");
  CHECK(comment_for(lines, "host.host_key = \"strict\"") == "default");
  CHECK(comment_for(lines, "host.known_hosts = \"~/.ssh/known_hosts\"") == "default");
  CHECK(comment_for(lines, "host.connect_timeout_ms = 5000") == "default");
  CHECK(comment_for(lines, "hosts = [\"containers\"]") == "default");
  CHECK(comment_for(lines, "discovery.resolve_timeout_ms = 1000") == "default");
  CHECK(comment_for(lines, "discovery.browse_timeout_ms = 2000") == "default");
  CHECK(comment_for(lines, "discovery.services = [\"_ssh._tcp\", \"_workstation._tcp\"]") == "default");
  CHECK(comment_for(lines, "completion.cache_ttl_s = 30") == "default");
  CHECK(comment_for(lines, "mux.enabled = true") == "default");
  CHECK(comment_for(lines, "mux.idle_timeout_s = 600") == "default");
  CHECK(comment_for(lines, "ssh_config.user = \"ubuntu\"") == "default");
  CHECK(comment_for(lines, "ssh_config.preferred_authentications = \"publickey\"") == "default");
  CHECK(comment_for(lines, "ssh_config.identity_file = \"~/.ssh/id_ed25519\"") == "default");
  CHECK(comment_for(lines, "ssh_config.via_host = \"auto\"") == "default");
  // The host's keys come in the key table's order, right after the selected host.
  REQUIRE(lines.size() > 10);
  CHECK(lines[1].first.starts_with("host.address"));
  CHECK(lines[9].first.starts_with("host.connect_timeout_ms"));
}

TEST_CASE("config show of a file, by default and with -H", "[config]") {
  Config c = parse_config(full_file, "cfg.toml");
  c.hosts.front().user.value = "we\"ird";

  SECTION("default host") {
    const std::string text = render_config_show(c, select_host(c, std::nullopt));
    CHECK(text.starts_with("# config: cfg.toml\n"));
    const auto lines = show_lines(text);
    CHECK(comment_for(lines, "host = \"lab\"") == "cfg.toml:1:16");
    CHECK(comment_for(lines, "host.address = \"10.0.0.5\"") == "cfg.toml:4:11");
    CHECK(comment_for(lines, "host.port = 2222") == "cfg.toml:5:8");
    CHECK(comment_for(lines, R"(host.user = "we\"ird")") == "cfg.toml:6:8");
    CHECK(comment_for(lines, "host.sudo = false") == "cfg.toml:8:8");
    CHECK(comment_for(lines, "host.host_key = \"accept-new\"") == "cfg.toml:10:12");
    CHECK(comment_for(lines, "hosts = [\"lab\", \"backup\"]") == "cfg.toml:3:2");
    CHECK(comment_for(lines, "discovery.services = [\"_ssh._tcp\", \"_lxc-x._udp\"]") == "cfg.toml:20:12");
    CHECK(comment_for(lines, "completion.cache_ttl_s = 0") == "cfg.toml:23:15");
    CHECK(comment_for(lines, "mux.enabled = false") == "cfg.toml:26:11");
    CHECK(comment_for(lines, "ssh_config.via_host = \"always\"") == "cfg.toml:33:12");
    CHECK(comment_for(lines, "ssh_config.options.ServerAliveInterval = \"30\"") == "cfg.toml:35:23");
    CHECK(comment_for(lines, "ssh_config.options.Compression = \"yes\"") == "cfg.toml:36:15");
  }
  SECTION("an address with -H") {
    const HostConfig selected = select_host(c, Setting<std::string>{"web1.local", Origin{Origin::Kind::flag, "-H"}});
    const auto lines = show_lines(render_config_show(c, selected));
    CHECK(comment_for(lines, "host = \"web1.local\"") == "flag -H");
    CHECK(comment_for(lines, "host.address = \"web1.local\"") == "flag -H");
    CHECK(comment_for(lines, "host.port = 2222") == "cfg.toml:5:8");
  }
  SECTION("a configured host from the environment, its unset keys at default") {
    const HostConfig selected =
        select_host(c, Setting<std::string>{"backup", Origin{Origin::Kind::env, "LXHOST_HOST"}});
    const auto lines = show_lines(render_config_show(c, selected));
    CHECK(comment_for(lines, "host = \"backup\"") == "env LXHOST_HOST");
    CHECK(comment_for(lines, "host.port = 22") == "default (~/.ssh/config may set it)");
    CHECK(comment_for(lines, "host.sudo = true") == "default");
  }
}

TEST_CASE("the example config parses to the built-in defaults, commented or not", "[config]") {
  const std::string_view example = config_template();
  REQUIRE(!example.empty());
  CHECK(example.find("~/.ssh/config") != std::string_view::npos);
  CHECK(example.find("User, Port, IdentityFile") != std::string_view::npos);

  SECTION("as shipped: every line commented, so built-in defaults") {
    const Config c = parse_config(example, "example.toml");
    check_same_values(c, default_config());
    for (bool set : user_set_flags(c)) CHECK(!set);
  }
  SECTION("uncommented: every key set, to the same values") {
    const std::regex value_line(R"(^# ([A-Za-z_][A-Za-z0-9_]* = .*|\[[A-Za-z_.]+\].*)$)");
    std::istringstream in{std::string{example}};
    std::string text;
    std::size_t uncommented = 0;
    for (std::string line; std::getline(in, line);) {
      if (std::regex_match(line, value_line)) {
        line.erase(0, 2);
        ++uncommented;
      }
      text += line + '\n';
    }
    // 22 keys and 8 table headers ([hosts.containers] ... [ssh_config.options]).
    CHECK(uncommented == 30);
    const Config c = parse_config(text, "example.toml");
    check_same_values(c, default_config());
    for (bool set : user_set_flags(c)) CHECK(set);
    CHECK(c.hosts_origin.user_set());
    // ...but for the verbs' suggested arguments, the old setup's defaults.
    REQUIRE(c.verbs.size() == 2);
    CHECK(c.verb_defaults("clone")->args.value == std::vector<std::string>{"-s"});
    CHECK(c.verb_defaults("start")->args.value == std::vector<std::string>{"-d"});
  }
}

TEST_CASE("config init's file: each key, uncommented with its table's header, is valid and set", "[config]") {
  const std::regex header(R"(^# \[[A-Za-z_.]+\]$)");
  const std::regex key_line(R"(^#\s*([A-Za-z_][A-Za-z0-9_]*) = .*$)");
  std::vector<std::string> lines;
  std::istringstream in{std::string{config_template()}};
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  const auto uncomment = [](const std::string& line) { return line.substr(line.find_first_not_of("# ")); };

  std::size_t keys = 0;
  std::optional<std::size_t> table;  // the header line above, if any
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (std::regex_match(lines[i], header)) table = i;
    std::smatch m;
    if (!std::regex_match(lines[i], m, key_line)) continue;
    ++keys;
    std::vector<std::string> edited = lines;
    edited[i] = uncomment(edited[i]);
    if (table) edited[*table] = uncomment(edited[*table]);
    std::string text;
    for (const std::string& line : edited) text += line + '\n';
    INFO("line " << i + 1 << ": " << lines[i]);
    const std::string error = error_of(text);
    CHECK(error.empty());
    if (!error.empty()) continue;
    // The key is in effect: config show names its line as its origin.
    const Config c = parse_config(text, "init.toml");
    const std::string show = render_config_show(c, select_host(c, std::nullopt));
    CHECK_THAT(show, Catch::Contains(fmt::format("# init.toml:{}:", i + 1)));
  }
  CHECK(keys >= 20);
}

TEST_CASE("a key under the wrong table names the table where it belongs", "[config]") {
  CHECK(error_of("port = 22\n") == "cfg.toml:1:1: 'port' belongs in [hosts.NAME], not at the top level");
  CHECK(error_of("[hosts.containers]\nidle_timeout_s = 60\n") ==
        "cfg.toml:2:1: 'idle_timeout_s' belongs in [mux], not in [hosts.containers]");
  CHECK(error_of("[mux]\nuser = \"me\"\n") ==
        "cfg.toml:2:1: 'user' belongs in [hosts.NAME] or in [ssh_config], not in [mux]");
  CHECK(error_of("[hosts.lab]\ndefault_host = \"lab\"\n") ==
        "cfg.toml:2:1: 'default_host' belongs at the top level (above the first [table] line), not in [hosts.lab]");
  CHECK(error_of("[hosts.lab.mux]\n") == "cfg.toml:1:12: 'mux' is the table [mux], not in [hosts.lab]");
  try {
    parse_config("port = 22\n", "cfg.toml");
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK_THAT(e.hint(), Catch::Contains("[table] line too"));
  }
}

TEST_CASE("[verbs.VERB] args: any verb by the name help lists, with its origin", "[config]") {
  const Config c = parse_config(
      "[verbs.clone]\nargs = [\"-s\"]\n[verbs.start]\nargs = [\"-d\", \"-l\", \"INFO\"]\n"
      "[verbs.lxc-config]\nargs = []\n[verbs.start-ephemeral]\nargs = [\"-d\"]\n",
      "cfg.toml");
  REQUIRE(c.verbs.size() == 4);
  CHECK(c.verbs[0].verb == "clone");  // file order
  CHECK(c.verb_defaults("clone")->args.value == std::vector<std::string>{"-s"});
  CHECK(same_origin(c.verb_defaults("clone")->args.origin, file_at("cfg.toml:2:8")));
  CHECK(c.verb_defaults("start")->args.value == std::vector<std::string>{"-d", "-l", "INFO"});
  CHECK(c.verb_defaults("lxc-config")->args.value.empty());
  CHECK(c.verb_defaults("ls") == nullptr);
  CHECK(default_config().verbs.empty());
  const auto lines = show_lines(render_config_show(c, select_host(c, std::nullopt)));
  CHECK(comment_for(lines, "verbs.clone.args = [\"-s\"]") == "cfg.toml:2:8");
  CHECK(comment_for(lines, "verbs.start-ephemeral.args = [\"-d\"]") == "cfg.toml:8:8");
}

TEST_CASE("[verbs] errors: unknown verbs name the closest, wrong types and keys", "[config]") {
  CHECK(error_of("[verbs.clnoe]\nargs = []\n") == "cfg.toml:1:8: unknown verb 'clnoe' in [verbs] (did you mean 'clone'?)");
  CHECK(error_of("[verbs.lxc-clone]\n") == "cfg.toml:1:8: unknown verb 'lxc-clone' in [verbs] (did you mean 'clone'?)");
  CHECK(error_of("[verbs.config]\n") == "cfg.toml:1:8: unknown verb 'config' in [verbs] (did you mean 'lxc-config'?)");
  CHECK(error_of("[verbs.frobnicate]\n") == "cfg.toml:1:8: unknown verb 'frobnicate' in [verbs]");
  CHECK(error_of("[verbs.clone]\nargs = \"-s\"\n") == "cfg.toml:2:8: verbs.clone.args must be an array of strings, not a string");
  CHECK(error_of("[verbs.clone]\nargs = [\"-s\", 1]\n") == "cfg.toml:2:15: verbs.clone.args[1] must be a string, not an integer");
  CHECK(error_of("[verbs.clone]\narg = [\"-s\"]\n") == "cfg.toml:2:1: unknown key 'arg' in [verbs.clone] (did you mean 'args'?)");
  CHECK(error_of("[verbs]\nclone = 1\n") == "cfg.toml:2:9: verbs.clone must be a table, not an integer");
  CHECK(error_of("args = [\"-s\"]\n") == "cfg.toml:1:1: 'args' belongs in [verbs.VERB], not at the top level");
}
