// parse_config's errors: malformed TOML, unknown keys and tables (with the closest valid name),
// wrong types, values out of range or of the wrong form, each a single line with its position.
#include "catch.hpp"

#include "core/config.hpp"
#include "core/errors.hpp"
#include "config_checks.hpp"

#include <string>
#include <string_view>

using namespace lxhost;
using namespace lxhost::testing;

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
  CHECK(error_of("[hosts.lab]\nbackend = \"incus\"\n") == R"(cfg.toml:2:11: hosts.lab.backend must be "lxc" or "lxd")");
  CHECK(error_of("[hosts.lab]\nlxd_socket = \"lxd/unix.socket\"\n") ==
        "cfg.toml:2:14: hosts.lab.lxd_socket must be an absolute path");
  CHECK(error_of("[hosts.lab]\nlxd_project = \"\"\n") == "cfg.toml:2:15: hosts.lab.lxd_project must not be empty");
  CHECK(error_of("[discovery]\nservices = [\"_ssh._tcp\", \"ssh\"]\n") ==
        R"(cfg.toml:2:26: discovery.services entries must look like "_name._tcp" or "_name._udp", not "ssh")");
  for (const char* bad : {"_ssh._sctp", "_._tcp", "ssh._tcp", "_s sh._tcp", "_ssh.tcp", ""}) {
    const std::string text = std::string("[discovery]\nservices = [\"") + bad + "\"]\n";
    CHECK(error_of(text).starts_with("cfg.toml:2:13: discovery.services entries must look like"));
  }
}

TEST_CASE("every error is a single line with a position", "[config]") {
  const std::string message = error_of("[hosts.\"a\\nb\"]\nprot = 1\n");
  CHECK(message.starts_with("cfg.toml:2:1: "));
  CHECK(message.find('\n') == std::string::npos);
  CHECK(error_of("default_host = \"a\\nb\"\n").find('\n') == std::string::npos);
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
