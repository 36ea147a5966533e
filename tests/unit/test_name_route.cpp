#include <string>
#include <vector>

#include "catch.hpp"
#include "core/errors.hpp"
#include "core/name_route.hpp"
#include "core/verbs.hpp"

using lxhost::HostRoute;
using lxhost::UsageError;
using Args = std::vector<std::string>;

namespace {

const std::vector<std::string> hosts = {"lab", "other", "vm2"};

HostRoute route(std::string_view verb, const Args& args) {
  const lxhost::Verb* v = lxhost::find_verb(verb);
  REQUIRE(v != nullptr);
  return lxhost::route_by_names(*v, args, hosts);
}

// The names a verb's arguments hold, as text.
std::vector<std::string> names(std::string_view verb, const Args& args) {
  const lxhost::Verb* v = lxhost::find_verb(verb);
  REQUIRE(v != nullptr);
  std::vector<std::string> found;
  for (const lxhost::NamePlace& place : lxhost::container_names(*v, args)) found.push_back(args[place.word].substr(place.offset));
  return found;
}

std::string route_error(std::string_view verb, const Args& args) {
  try {
    route(verb, args);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("container_names: every spelling of -n, and a flag's value is never a name", "[name_route]") {
  CHECK(names("attach", {"-n", "web"}) == Args{"web"});
  CHECK(names("attach", {"-nweb"}) == Args{"web"});
  CHECK(names("attach", {"--name=web"}) == Args{"web"});
  CHECK(names("attach", {"--name", "web"}) == Args{"web"});
  CHECK(names("start", {"-dn", "web"}) == Args{"web"});     // a bundle: -d takes no value
  CHECK(names("start", {"-dnweb"}) == Args{"web"});
  CHECK(names("attach", {"-u", "1000", "-n", "web", "--", "-n", "x"}) == Args{"web"});
  CHECK(names("attach", {"--name="}) == Args{""});
  CHECK(names("attach", {"-n"}).empty());  // no value: LXC's own error, nothing to route
}

TEST_CASE("container_names: the first positional word, as LXC's tools take it without -n", "[name_route]") {
  CHECK(names("start", {"web"}) == Args{"web"});
  CHECK(names("start", {"-d", "web"}) == Args{"web"});
  CHECK(names("start", {"-f", "conf:1", "web"}) == Args{"web"});  // -f takes a value
  CHECK(names("start", {"--rcfile", "conf:1", "web"}) == Args{"web"});
  CHECK(names("attach", {"-e", "web"}) == Args{"web"});  // -e's value is optional: only -eCAP
  CHECK(names("cgroup", {"web", "memory.max"}) == Args{"web"});
  CHECK(names("cgroup", {"-n", "web", "other:memory.max"}) == Args{"web"});  // -n named it
  CHECK(names("attach", {"--", "web"}).empty());
  CHECK(names("copy", {"-N", "new", "web"}) == Args{"new", "web"});
  CHECK(names("snapshot", {"-n", "web", "-r", "snap0", "-N", "restored"}) == Args{"web", "restored"});
}

TEST_CASE("container_names: verbs without names, and LXC 1's forms", "[name_route]") {
  CHECK(names("ls", {"other:.*"}).empty());  // lxc-ls's words are filters
  CHECK(names("top", {"-d", "2"}).empty());
  CHECK(names("autostart", {"-a"}).empty());
  CHECK(names("clone", {"-o", "web", "-n", "web2"}) == Args{"web", "web2"});
  CHECK(names("clone", {"web", "web2"}) == Args{"web", "web2"});
  CHECK(names("clone", {"-s", "--orig=web", "--new", "web2"}) == Args{"web", "web2"});
  CHECK(names("start-ephemeral", {"-o", "web", "-d"}) == Args{"web"});
  CHECK(names("start", {"-o", "other:log", "web"}) == Args{"web"});  // -o is the log file of LXC's tools
}

TEST_CASE("route_by_names: a configured host's prefix picks the host and is removed", "[name_route]") {
  HostRoute r = route("attach", {"-n", "other:web", "--", "sh", "-c", "exit 6"});
  CHECK(r.host == "other");
  CHECK(r.named == "other:web");
  CHECK(r.args == Args{"-n", "web", "--", "sh", "-c", "exit 6"});

  CHECK(route("attach", {"-nother:web"}).args == Args{"-nweb"});
  CHECK(route("attach", {"--name=other:web"}).args == Args{"--name=web"});
  CHECK(route("start", {"-d", "vm2:web"}).args == Args{"-d", "web"});
  CHECK(route("start", {"-d", "vm2:web"}).host == "vm2");
  CHECK(route("clone", {"other:web", "other:web2"}).args == Args{"web", "web2"});
  // One host named twice, or a prefixed name beside a bare one: the bare one is that host's.
  r = route("copy", {"-n", "other:web", "-N", "web2", "-s"});
  CHECK(r.host == "other");
  CHECK(r.args == Args{"-n", "web", "-N", "web2", "-s"});
  CHECK(route("copy", {"-n", "lab:web", "-N", "lab:web2"}).host == "lab");
}

TEST_CASE("route_by_names: what is not a configured host's prefix is left as typed", "[name_route]") {
  for (const Args& args : {Args{"-n", "web"}, Args{"-n", "nohost:web"}, Args{"-n", "other:"}, Args{"-n", ":web"},
                           Args{"-f", "other:conf", "web"}, Args{"-n", "web", "--", "-n", "other:x"},
                           Args{"-s", "lxc.environment=other:x", "web"}}) {
    const HostRoute r = route("start", args);
    CHECK(!r.host);
    CHECK(r.args == args);
  }
  CHECK(!route("ls", {"other:.*"}).host);
}

TEST_CASE("route_by_names: names of two hosts are a usage error", "[name_route]") {
  CHECK(route_error("copy", {"-n", "lab:web", "-N", "other:web"}) ==
        "copy: 'lab:web' and 'other:web' are containers of two hosts; a command runs on one host");
  CHECK(route_error("clone", {"vm2:a", "lab:b"}).starts_with("clone: 'vm2:a' and 'lab:b'"));
}
