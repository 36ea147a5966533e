// select_host (which host's settings are in effect) and `config show` (every value with its origin),
// with the TOML spelling of the values it prints.
#include "catch.hpp"

#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/host_spec.hpp"
#include "config_checks.hpp"

#include <optional>
#include <string>
#include <string_view>

using namespace lxhost;
using namespace lxhost::testing;

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
    CHECK(comment_for(lines, "ssh_config.via_host = \"always\"") == "cfg.toml:34:12");
    CHECK(comment_for(lines, "ssh_config.options.ServerAliveInterval = \"30\"") == "cfg.toml:36:23");
    CHECK(comment_for(lines, "ssh_config.options.Compression = \"yes\"") == "cfg.toml:37:15");
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
