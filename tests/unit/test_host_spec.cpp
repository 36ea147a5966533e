#include "catch.hpp"

#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/host_spec.hpp"

using namespace lxhost;

namespace {

struct Expected {
  const char* text;
  const char* user;  // nullptr: none given
  const char* address;
  int port;  // 0: none given
};

// The UsageError message for `text`, or "" when it parses.
std::string refusal(std::string_view text) {
  try {
    parse_host_spec(text, "flag -H");
  } catch (const UsageError& e) {
    CHECK(std::string(e.hint()).find("ssh://[USER@]ADDRESS[:PORT]") != std::string::npos);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("parse_host_spec: every form ssh-like tools take", "[host_spec]") {
  const Expected cases[] = {
      {"containers.local", nullptr, "containers.local", 0},
      {"10.203.0.1", nullptr, "10.203.0.1", 0},
      {"alice@10.203.0.1", "alice", "10.203.0.1", 0},
      {"10.203.0.1:2222", nullptr, "10.203.0.1", 2222},
      {"alice@10.203.0.1:2222", "alice", "10.203.0.1", 2222},
      {"web.local:22", nullptr, "web.local", 22},
      {"[fd42:203::1]:2222", nullptr, "fd42:203::1", 2222},
      {"alice@[fd42:203::1]:2222", "alice", "fd42:203::1", 2222},
      {"[fd42:203::1]", nullptr, "fd42:203::1", 0},
      {"[10.203.0.1]:1", nullptr, "10.203.0.1", 1},
      {"fd42:203::1", nullptr, "fd42:203::1", 0},
      {"::1", nullptr, "::1", 0},
      {"alice@fe80::1%eth0", "alice", "fe80::1%eth0", 0},
      {"ssh://10.203.0.1", nullptr, "10.203.0.1", 0},
      {"ssh://alice@10.203.0.1:2222", "alice", "10.203.0.1", 2222},
      {"ssh://alice@10.203.0.1:2222/", "alice", "10.203.0.1", 2222},
      {"ssh://[fd42:203::1]:65535", nullptr, "fd42:203::1", 65535},
      {"a@b@host", "a@b", "host", 0},  // ssh's rule: the last '@'
  };
  for (const Expected& e : cases) {
    CAPTURE(e.text);
    const HostSpec spec = parse_host_spec(e.text, "flag -H");
    CHECK(spec.user == (e.user ? std::optional<std::string>(e.user) : std::nullopt));
    CHECK(spec.address == e.address);
    CHECK(spec.port == (e.port ? std::optional<int>(e.port) : std::nullopt));
  }
}

TEST_CASE("parse_host_spec: malformed requests name the origin, the request and what is wrong", "[host_spec]") {
  CHECK(refusal("") == "flag -H: the host name is empty");
  CHECK(refusal("[fd42::1") == "flag -H: '[fd42::1' is not a host: a '[' without its ']'");
  CHECK(refusal("[fd42::1]2222") == "flag -H: '[fd42::1]2222' is not a host: only :PORT may follow ']'");
  CHECK(refusal("[web.local]:22") == "flag -H: '[web.local]:22' is not a host: 'web.local' in brackets is not an IP address");
  CHECK(refusal("[]:22") == "flag -H: '[]:22' is not a host: '' in brackets is not an IP address");
  CHECK(refusal("host:") == "flag -H: 'host:' is not a host: the port '' is not a number from 1 to 65535");
  CHECK(refusal("host:0") == "flag -H: 'host:0' is not a host: the port '0' is not a number from 1 to 65535");
  CHECK(refusal("host:65536") == "flag -H: 'host:65536' is not a host: the port '65536' is not a number from 1 to 65535");
  CHECK(refusal("host:22x") == "flag -H: 'host:22x' is not a host: the port '22x' is not a number from 1 to 65535");
  CHECK(refusal("host:-1") == "flag -H: 'host:-1' is not a host: the port '-1' is not a number from 1 to 65535");
  CHECK(refusal("[::1]:") == "flag -H: '[::1]:' is not a host: the port '' is not a number from 1 to 65535");
  CHECK(refusal("fd42:203::1:2222x") ==
        "flag -H: 'fd42:203::1:2222x' is not a host: not an IPv6 address (with a port it is written [IPV6]:PORT)");
  CHECK(refusal("a:b:c") == "flag -H: 'a:b:c' is not a host: not an IPv6 address (with a port it is written [IPV6]:PORT)");
  CHECK(refusal(":22") == "flag -H: ':22' is not a host: the address is empty");
  CHECK(refusal("@host") == "flag -H: '@host' is not a host: the user before '@' is empty");
  CHECK(refusal("alice@") == "flag -H: 'alice@' is not a host: the address is empty");
  CHECK(refusal("al ice@host") == "flag -H: 'al ice@host' is not a host: 'al ice' is not a user name");
  CHECK(refusal("web local") == "flag -H: 'web local' is not a host: 'web local' is not a host name or address");
  CHECK(refusal("host/path") == "flag -H: 'host/path' is not a host: 'host/path' is not a host name or address");
  CHECK(refusal("ssh://host/path") == "flag -H: 'ssh://host/path' is not a host: an ssh:// URL takes no path");
  CHECK(refusal("http://host") == "flag -H: 'http://host' is not a host: the only URL scheme is ssh://");
  CHECK(refusal("ssh://") == "flag -H: 'ssh://' is not a host: the address is empty");
}

TEST_CASE("endpoint_text: as a user types it, IPv6 bracketed", "[host_spec]") {
  CHECK(endpoint_text("lxhtest", "10.203.0.1", 2222) == "lxhtest@10.203.0.1:2222");
  CHECK(endpoint_text("", "10.203.0.1", 22) == "10.203.0.1:22");
  CHECK(endpoint_text("lxhtest", "fd42:203::1", 2222) == "lxhtest@[fd42:203::1]:2222");
  CHECK(endpoint_text("", "fe80::1%eth0", 22) == "[fe80::1%eth0]:22");
}

TEST_CASE("select_host: -H's port and user win, a configured name keeps its host", "[host_spec]") {
  const Config c = parse_config(R"(
default_host = "lab"
[hosts.lab]
address = "10.203.0.1"
port = 2222
user = "lxhtest"
[hosts.other]
address = "other.example"
lxcpath = "/srv/lxc"
)",
                                "cfg.toml");
  const Origin flag{Origin::Kind::flag, "-H"};
  SECTION("ADDRESS:PORT: the default host's settings, the address and port from the request") {
    const HostConfig h = select_host(c, Setting<std::string>{"10.203.0.5:2200", flag});
    CHECK(h.name == "10.203.0.5:2200");
    CHECK(h.address.value == "10.203.0.5");
    CHECK(h.port.value == 2200);
    CHECK(h.port.origin.describe() == "flag -H");
    CHECK(h.user.value == "lxhtest");
  }
  SECTION("[IPV6]:PORT and USER@") {
    const HostConfig h = select_host(c, Setting<std::string>{"root@[fd42:203::1]:1", flag});
    CHECK(h.address.value == "fd42:203::1");
    CHECK(h.port.value == 1);
    CHECK(h.user.value == "root");
  }
  SECTION("USER@NAME:PORT: the configured host with the request's user and port") {
    const HostConfig h = select_host(c, Setting<std::string>{"root@other:2022", flag});
    CHECK(h.address.value == "other.example");
    CHECK(h.lxcpath.value == "/srv/lxc");
    CHECK(h.user.value == "root");
    CHECK(h.port.value == 2022);
  }
  SECTION("a malformed request from the environment names it") {
    const Origin env{Origin::Kind::env, "LXHOST_HOST"};
    REQUIRE_THROWS_WITH(select_host(c, Setting<std::string>{"10.203.0.1:ssh", env}),
                        "env LXHOST_HOST: '10.203.0.1:ssh' is not a host: the port 'ssh' is not a number from 1 to 65535");
  }
}

TEST_CASE("reason_or: a library's empty reason is replaced", "[errors]") {
  CHECK(reason_or("Connection refused", "libssh gave no reason") == "Connection refused");
  CHECK(reason_or("", "libssh gave no reason") == "libssh gave no reason");
  CHECK(reason_or(nullptr, "libssh gave no reason") == "libssh gave no reason");
}
