// parse_config: what a file sets, with each value's origin, and the built-in defaults it starts from.
#include "catch.hpp"

#include "core/config.hpp"
#include "core/config_keys.hpp"
#include "core/host_spec.hpp"
#include "config_checks.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace lxhost;
using namespace lxhost::testing;

namespace {

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
  CHECK(to_string(Backend::lxc) == "lxc");
  CHECK(to_string(Backend::lxd) == "lxd");
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
  CHECK(!c.mux.watch.value);
  CHECK(same_origin(c.mux.watch.origin, file_at("cfg.toml:28:9")));
  CHECK(c.ssh_config.user.value == "root");
  CHECK(same_origin(c.ssh_config.user.origin, file_at("cfg.toml:31:8")));
  CHECK(c.ssh_config.preferred_authentications.value == "publickey,password");
  CHECK(same_origin(c.ssh_config.preferred_authentications.origin, file_at("cfg.toml:32:29")));
  CHECK(c.ssh_config.identity_file.value == "~/.ssh/other");
  CHECK(same_origin(c.ssh_config.identity_file.origin, file_at("cfg.toml:33:17")));
  CHECK(c.ssh_config.via_host.value == ViaHost::always);
  CHECK(same_origin(c.ssh_config.via_host.origin, file_at("cfg.toml:34:12")));
  REQUIRE(c.ssh_config.options.size() == 2);
  CHECK(c.ssh_config.options[0].name == "ServerAliveInterval");  // file order
  CHECK(c.ssh_config.options[0].value.value == "30");
  CHECK(same_origin(c.ssh_config.options[0].value.origin, file_at("cfg.toml:36:23")));
  CHECK(c.ssh_config.options[1].name == "Compression");
  CHECK(c.ssh_config.options[1].value.value == "yes");
}

TEST_CASE("other enum values and boundaries parse", "[config]") {
  const Config c = parse_config(R"([hosts.a]
backend = "lxd"
lxd_socket = "/var/lib/lxd/unix.socket"
lxd_project = "team"
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
  CHECK(c.hosts.front().backend.value == Backend::lxd);
  CHECK(c.hosts.front().lxd_socket.value == "/var/lib/lxd/unix.socket");
  CHECK(c.hosts.front().lxd_project.value == "team");
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

TEST_CASE("[ssh_config.options] keeps integers and booleans as ssh spells them, config show as the file wrote them",
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
