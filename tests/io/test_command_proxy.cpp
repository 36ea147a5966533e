// `proxy NAME.local PORT` in-process: which path it takes (directly, or through the container host)
// with fake mDNS, a fake system resolver and a fake host. The direct path's byte join is end to end.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "catch.hpp"
#include "commands/commands.hpp"
#include "core/errors.hpp"
#include "fakes.hpp"

using namespace lxhost;
using lxhost::testing::Fakes;

namespace {

using Forwards = std::vector<std::pair<std::string, int>>;

int proxy(Fakes& fakes, std::vector<std::string> args) {
  Context ctx = fakes.context();
  return run_proxy(ctx, args);
}

// A port on 127.0.0.1 where nothing listens (it was bound, then closed): a connect is refused.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t size = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

TEST_CASE("proxy: a name mDNS has no address for goes through the host, to the container's first address", "[commands]") {
  Fakes fakes;
  fakes.host.answer("lxc-info", 0, "fd42::5\n10.0.3.5\n");
  CHECK(proxy(fakes, {"web.local", "2222"}) == 0);
  CHECK(fakes.mdns.resolved == std::vector<std::string>{"web.local"});
  CHECK(fakes.resolver.asked.empty());  // mDNS answered (with nothing): nss-mdns would only stall
  CHECK(fakes.host.lines == std::vector<std::string>{"exec sudo -n lxc-info -n web -i -H"});
  CHECK(fakes.host.forwards == Forwards{{"10.0.3.5", 2222}});  // IPv4 first
}

TEST_CASE("proxy: an address that refuses the connection sends it through the host", "[commands]") {
  Fakes fakes;
  const int port = closed_port();
  fakes.mdns.addresses["web.local"] = {"127.0.0.1"};
  fakes.host.answer("lxc-info", 0, "10.0.3.5\n");
  CHECK(proxy(fakes, {"web.local", std::to_string(port)}) == 0);
  CHECK(fakes.host.forwards == Forwards{{"10.0.3.5", port}});
}

TEST_CASE("proxy --via-host asks no resolver", "[commands]") {
  Fakes fakes;
  fakes.mdns.addresses["web.local"] = {"127.0.0.1"};
  fakes.host.answer("lxc-info", 0, "10.0.3.5\n");
  CHECK(proxy(fakes, {"--via-host", "web.local", "22"}) == 0);
  CHECK(fakes.mdns.resolved.empty());
  CHECK(fakes.resolver.asked.empty());
  CHECK(fakes.host.forwards == Forwards{{"10.0.3.5", 22}});
}

TEST_CASE("proxy with no mDNS daemon asks the system resolver, then the host", "[commands]") {
  Fakes fakes;
  fakes.mdns.unavailable = true;
  fakes.host.answer("lxc-info", 0, "10.0.3.5\n");
  CHECK(proxy(fakes, {"Web.local.", "22"}) == 0);
  CHECK(fakes.resolver.asked == std::vector<std::string>{"Web.local."});
  CHECK(fakes.host.lines == std::vector<std::string>{"exec sudo -n lxc-info -n Web -i -H"});
  CHECK(fakes.host.forwards == Forwards{{"10.0.3.5", 22}});
}

TEST_CASE("proxy: a container with no address, or none at all, is exit 255 with the reason", "[commands]") {
  Fakes fakes;
  SECTION("stopped: no address") {
    fakes.host.answer("lxc-info", 0, "");
    try {
      proxy(fakes, {"web.local", "22"});
      FAIL("proxy succeeded");
    } catch (const ConnectError& e) {
      CHECK(e.code() == exit_code::connect);
      CHECK_THAT(e.what(), Catch::Contains("container 'web' on containers has no address (is it running?)"));
    }
  }
  SECTION("no such container") {
    fakes.host.answer("lxc-info", 1, "", "nosuch doesn't exist\n");
    try {
      proxy(fakes, {"nosuch.local", "22"});
      FAIL("proxy succeeded");
    } catch (const ConnectError& e) {
      CHECK(e.code() == exit_code::connect);
      CHECK_THAT(e.what(), Catch::Contains("nosuch.local is not reachable directly") &&
                               Catch::Contains("nosuch doesn't exist"));
    }
  }
  CHECK(fakes.host.forwards.empty());
}
