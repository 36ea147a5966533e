// `proxy NAME.local PORT` in-process: which path it takes (directly, or through the container host)
// with fake mDNS, a fake system resolver and a fake host, and for a container the completion
// cache lists, which answer decides. The direct path's byte join is end to end.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "catch.hpp"
#include "commands/commands.hpp"
#include "core/cache.hpp"
#include "core/errors.hpp"
#include "core/state_files.hpp"
#include "fakes.hpp"

using namespace lxhost;
using lxhost::testing::CapturedFd;
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

// The host's completion cache lists these containers (running).
void cache_lists_containers(Fakes& fakes, const std::vector<std::string>& names) {
  Context ctx = fakes.context();
  std::vector<ContainerRow> rows;
  rows.reserve(names.size());
  for (const std::string& name : names) rows.push_back({name, "RUNNING", {}, {}, ""});
  const std::filesystem::path file = container_cache_file(ctx.paths().cache_dir, ctx.host().name);
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << render_cache(rows);
}

// Waits (at most 10 s) until the fake mDNS daemon has answered `count` resolves: a proxy that
// asked it on a thread of its own is then done with it.
void wait_for_resolves(Fakes& fakes, int count) {
  for (int i = 0; i < 10000 && fakes.mdns.resolves_done < count; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  REQUIRE(fakes.mdns.resolves_done == count);
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

TEST_CASE("proxy: a container the cache lists goes through the host while mDNS is still asking", "[commands]") {
  Fakes fakes;
  cache_lists_containers(fakes, {"base", "web"});
  fakes.mdns.addresses["web.local"] = {"127.0.0.1"};
  fakes.mdns.held = true;  // mDNS has not answered when the host does (nobody announces web)
  fakes.host.answer("lxc-info", 0, "10.0.3.5\n");
  CHECK(proxy(fakes, {"web.local", "2222"}) == 0);
  CHECK(fakes.host.lines == std::vector<std::string>{"exec sudo -n lxc-info -n web -i -H"});
  CHECK(fakes.host.forwards == Forwards{{"10.0.3.5", 2222}});
  CHECK(fakes.mdns.resolves_done == 0);  // the proxy was done before mDNS answered
  fakes.mdns.held = false;
  wait_for_resolves(fakes, 1);
  CHECK(fakes.mdns.resolved == std::vector<std::string>{"web.local"});  // asked at once all the same
}

TEST_CASE("proxy: a container the cache lists that mDNS answered for first is tried directly, then through the host",
          "[commands]") {
  Fakes fakes;
  cache_lists_containers(fakes, {"web"});
  const int port = closed_port();
  fakes.mdns.addresses["web.local"] = {"127.0.0.1"};
  fakes.host.answer("lxc-info", [&fakes](const std::string&) {
    // The host answers after mDNS did: after the fake's resolve returned, and after the proxy's
    // thread has handed its answer over (its future is set a little later, more so under ASan).
    wait_for_resolves(fakes, 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return Captured{0, "10.0.3.5\n", ""};
  });
  CapturedFd err(2);
  Context ctx = fakes.context({"lxhost", "-v"});
  const std::vector<std::string> args = {"web.local", std::to_string(port)};
  CHECK(run_proxy(ctx, args) == 0);
  const std::string debug = err.take();
  CHECK_THAT(debug, Catch::Contains("web.local is a container of containers (the completion cache)"));
  CHECK_THAT(debug, Catch::Contains("proxy: not directly: "));  // 127.0.0.1 refused the connection
  CHECK(fakes.host.forwards == Forwards{{"10.0.3.5", port}});
}

TEST_CASE("proxy: a container the cache lists that the host no longer has: mDNS decides", "[commands]") {
  Fakes fakes;
  cache_lists_containers(fakes, {"gone"});
  fakes.mdns.held = true;  // mDNS is still asking when the host says no: it is waited for
  fakes.host.answer("lxc-info", 1, "", "gone doesn't exist\n");
  std::thread release([&fakes] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    fakes.mdns.held = false;
  });
  try {
    proxy(fakes, {"gone.local", "22"});
    FAIL("proxy succeeded");
  } catch (const ConnectError& e) {
    CHECK(e.code() == exit_code::connect);
    CHECK_THAT(e.what(), Catch::Contains("gone.local is not reachable directly") &&
                             Catch::Contains("gone doesn't exist"));
  }
  release.join();
  CHECK(fakes.mdns.resolves_done == 1);  // waited for: the failure came after mDNS's answer
  CHECK(fakes.host.forwards.empty());
}

TEST_CASE("proxy: a name the cache does not list asks mDNS before the host", "[commands]") {
  Fakes fakes;
  cache_lists_containers(fakes, {"web"});
  fakes.host.answer("lxc-info", [&fakes](const std::string&) {
    CHECK(fakes.mdns.resolves_done == 1);
    return Captured{0, "10.0.3.6\n", ""};
  });
  CHECK(proxy(fakes, {"other.local", "22"}) == 0);
  CHECK(fakes.mdns.resolved == std::vector<std::string>{"other.local"});
  CHECK(fakes.host.forwards == Forwards{{"10.0.3.6", 22}});
}
