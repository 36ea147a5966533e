// `list` in-process: lxc-ls's rows from a fake host, each row's mDNS name from a fake daemon.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "commands/commands.hpp"
#include "core/errors.hpp"
#include "fakes.hpp"

using namespace lxhost;
using lxhost::testing::CapturedFd;
using lxhost::testing::Fakes;

namespace {

// Captured from LXC 5.0.2's `lxc-ls -f -F NAME,STATE,IPV4,IPV6` (two IPv4 addresses on web).
constexpr std::string_view kRows =
    "NAME STATE   IPV4                   IPV6         \n"
    "app  RUNNING 10.0.3.7               -            \n"
    "db   STOPPED -                      -            \n"
    "web  RUNNING 10.0.3.5, 10.0.3.6     fd42::5      \n";

nlohmann::json list_json(Fakes& fakes, std::vector<std::string> args = {"--json"}) {
  Context ctx = fakes.context();
  CapturedFd out(1);
  CHECK(run_list(ctx, args) == 0);
  return nlohmann::json::parse(out.take());
}

std::string misses_file(const Fakes& fakes) { return fakes.home() + "/.cache/lxhost/mdns-misses.tsv"; }

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("list names each row by the first of its addresses that an mDNS name answers for", "[commands]") {
  Fakes fakes;
  fakes.host.answer("lxc-ls", 0, std::string(kRows));
  fakes.mdns.names = {{"10.0.3.6", "web.local"}, {"fd42::5", "web-v6.local"}, {"10.0.3.8", "nobody.local"}};
  const nlohmann::json rows = list_json(fakes);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0]["name"] == "app");
  CHECK(rows[0]["mdns"].is_null());
  CHECK(rows[1]["name"] == "db");
  CHECK(rows[1]["mdns"].is_null());
  CHECK(rows[2]["name"] == "web");
  CHECK(rows[2]["mdns"] == "web.local");  // its second IPv4 address answers; IPv4 before IPv6
  CHECK(rows[2]["ipv4"] == nlohmann::json({"10.0.3.5", "10.0.3.6"}));
  CHECK(rows[2]["host"] == "containers");  // the default config's host
  // One reverse lookup for every address, in the rows' order.
  REQUIRE(fakes.mdns.reversed.size() == 1);
  CHECK(fakes.mdns.reversed[0] == std::vector<std::string>{"10.0.3.7", "10.0.3.5", "10.0.3.6", "fd42::5"});
  CHECK(fakes.host.asked("lxc-ls -f -F NAME,STATE,IPV4,IPV6") == 1);
}

TEST_CASE("list with no address to ask about never asks mDNS", "[commands]") {
  Fakes fakes;
  fakes.host.answer("lxc-ls", 0, "NAME STATE   IPV4 IPV6 \ndb   STOPPED -    -    \n");
  fakes.mdns.unavailable = true;  // asking would warn
  CapturedFd err(2);
  const nlohmann::json rows = list_json(fakes);
  CHECK(err.take().empty());
  REQUIRE(rows.size() == 1);
  CHECK(fakes.mdns.reversed.empty());
}

TEST_CASE("list without an mDNS daemon prints every row with no names", "[commands]") {
  Fakes fakes;
  fakes.host.answer("lxc-ls", 0, std::string(kRows));
  fakes.mdns.unavailable = true;
  const nlohmann::json rows = list_json(fakes);
  REQUIRE(rows.size() == 3);
  for (const auto& row : rows) CHECK(row["mdns"].is_null());
}

TEST_CASE("list: the table has a column per field, '-' for none", "[commands]") {
  Fakes fakes;
  fakes.host.answer("lxc-ls", 0, std::string(kRows));
  fakes.mdns.names = {{"10.0.3.7", "app.local"}};
  Context ctx = fakes.context();
  CapturedFd out(1);
  CHECK(run_list(ctx, std::vector<std::string>{}) == 0);
  CHECK(out.take() ==
        "NAME  STATE    IPV4               IPV6     MDNS\n"
        "app   RUNNING  10.0.3.7           -        app.local\n"
        "db    STOPPED  -                  -        -\n"
        "web   RUNNING  10.0.3.5,10.0.3.6  fd42::5  -\n");
}

TEST_CASE("list: lxc-ls failing on the host is the command's failure, in lxc-ls's words", "[commands]") {
  Fakes fakes;
  fakes.host.answer("lxc-ls", 1, "", "lxc-ls: Permission denied\n");
  Context ctx = fakes.context();
  try {
    run_list(ctx, std::vector<std::string>{});
    FAIL("list succeeded");
  } catch (const Error& e) {
    CHECK(e.code() == exit_code::failure);
    CHECK_THAT(e.what(), Catch::Contains("lxc-ls") && Catch::Contains("Permission denied"));
  }
  CHECK(fakes.mdns.reversed.empty());
}

TEST_CASE("list remembers the addresses no name answered for, and next time does not wait for them", "[commands]") {
  Fakes fakes;
  fakes.host.answer("lxc-ls", 0, std::string(kRows));
  fakes.mdns.names = {{"10.0.3.6", "web.local"}};
  list_json(fakes);
  REQUIRE(fakes.mdns.reverse_requests.size() == 1);
  CHECK(fakes.mdns.reverse_requests[0].wait == LookupWait::first_answers);
  CHECK(fakes.mdns.reverse_requests[0].remembered_misses.empty());
  CHECK(fakes.mdns.reverse_requests[0].timeout == std::chrono::milliseconds(1000));  // resolve_timeout_ms
  CHECK_THAT(read_text(misses_file(fakes)), Catch::StartsWith("10.0.3.5\t") && Catch::Contains("\n10.0.3.7\t") &&
                                                Catch::Contains("\nfd42::5\t") && !Catch::Contains("10.0.3.6"));

  // app's address is announced now: the daemon's cached answer still names it.
  fakes.mdns.names["10.0.3.7"] = "app.local";
  const nlohmann::json rows = list_json(fakes);
  REQUIRE(fakes.mdns.reverse_requests.size() == 2);
  const ReverseRequest& second = fakes.mdns.reverse_requests[1];
  CHECK(second.addresses == std::vector<std::string>{"10.0.3.7", "10.0.3.5", "10.0.3.6", "fd42::5"});
  CHECK(second.remembered_misses == std::vector<std::string>{"10.0.3.5", "10.0.3.7", "fd42::5"});
  CHECK_FALSE(second.waits_for("10.0.3.5"));
  CHECK(second.waits_for("10.0.3.6"));
  CHECK(rows[0]["mdns"] == "app.local");
  // ...and it is forgotten as a miss; the others keep their first miss.
  const std::string text = read_text(misses_file(fakes));
  CHECK_THAT(text, !Catch::Contains("10.0.3.7") && Catch::Contains("10.0.3.5\t") && Catch::Contains("fd42::5\t"));
}

TEST_CASE("list --mdns-wait, or discovery.list_mdns_wait, waits for every name as before", "[commands]") {
  Fakes fakes;
  fakes.host.answer("lxc-ls", 0, std::string(kRows));
  list_json(fakes);  // remembers every address as a miss
  list_json(fakes, {"--json", "--mdns-wait"});
  REQUIRE(fakes.mdns.reverse_requests.size() == 2);
  CHECK(fakes.mdns.reverse_requests[1].wait == LookupWait::every_answer);
  CHECK(fakes.mdns.reverse_requests[1].remembered_misses.empty());
  CHECK(fakes.mdns.reverse_requests[1].waits_for("10.0.3.5"));

  std::filesystem::create_directories(fakes.home() + "/.config/lxhost");
  std::ofstream(fakes.home() + "/.config/lxhost/config.toml") << "[discovery]\nlist_mdns_wait = true\n";
  list_json(fakes);
  REQUIRE(fakes.mdns.reverse_requests.size() == 3);
  CHECK(fakes.mdns.reverse_requests[2].wait == LookupWait::every_answer);
}

TEST_CASE("list without an mDNS daemon remembers no misses", "[commands]") {
  Fakes fakes;
  fakes.host.answer("lxc-ls", 0, std::string(kRows));
  fakes.mdns.unavailable = true;
  list_json(fakes);
  CHECK_FALSE(std::filesystem::exists(misses_file(fakes)));
}

TEST_CASE("list --all-hosts lists every configured host at once, and names the one that fails", "[commands]") {
  Fakes fakes;
  std::filesystem::create_directories(fakes.home() + "/.config/lxhost");
  std::ofstream(fakes.home() + "/.config/lxhost/config.toml") << "default_host = \"a\"\n"
                                                                 "[hosts.a]\nlxcpath = \"/a\"\n"
                                                                 "[hosts.b]\nlxcpath = \"/b\"\n"
                                                                 "[hosts.c]\nlxcpath = \"/c\"\n";
  fakes.host.answer("-P /a ", 0, std::string(kRows));
  fakes.host.answer("-P /b ", 0, "NAME STATE   IPV4     IPV6 \nbuild RUNNING 10.0.4.2 -    \n");
  fakes.host.answer("-P /c ", 1, "", "lxc-ls: permission denied\n");
  fakes.mdns.names = {{"10.0.4.2", "build.local"}};
  {
    Context ctx = fakes.context();
    CapturedFd out(1);
    CapturedFd err(2);
    CHECK(run_list(ctx, std::vector<std::string>{"--all-hosts", "--json"}) == 1);
    const nlohmann::json rows = nlohmann::json::parse(out.take());
    REQUIRE(rows.size() == 4);
    CHECK(rows[0]["host"] == "a");  // the config's order, whichever answered first
    CHECK(rows[2]["host"] == "a");
    CHECK(rows[3]["host"] == "b");
    CHECK(rows[3]["name"] == "build");
    CHECK(rows[3]["mdns"] == "build.local");  // one reverse lookup for every host's addresses
    const std::string said = err.take();
    CHECK(said.find("lxhost: error: c: ") != std::string::npos);
    CHECK(std::count(said.begin(), said.end(), '\n') == 1);
  }
  CHECK(fakes.host.asked("lxc-ls") == 3);
  {
    Context ctx = fakes.context();
    CapturedFd out(1);
    CapturedFd err(2);
    CHECK(run_list(ctx, std::vector<std::string>{"--all-hosts"}) == 1);
    const std::string table = out.take();
    CHECK(table.starts_with("HOST  NAME "));
    CHECK(table.find("\nb     build ") != std::string::npos);
  }
  // list_all_hosts makes it the default; -H picks one host; -H with --all-hosts is a usage error.
  {
    std::ofstream config(fakes.home() + "/.config/lxhost/config.toml");
    config << "default_host = \"a\"\nlist_all_hosts = true\n[hosts.a]\nlxcpath = \"/a\"\n[hosts.b]\nlxcpath = \"/b\"\n";
  }
  CHECK(list_json(fakes).size() == 4);
  Context picked = fakes.context({"lxhost", "-q", "-H", "b"});
  CapturedFd out(1);
  CHECK(run_list(picked, std::vector<std::string>{"--json"}) == 0);
  CHECK(nlohmann::json::parse(out.take()).size() == 1);
  Context both = fakes.context({"lxhost", "-q", "-H", "b"});
  CHECK_THROWS_AS(run_list(both, std::vector<std::string>{"--all-hosts"}), UsageError);
}
