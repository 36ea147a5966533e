#include "catch.hpp"

#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/publish_names.hpp"

using namespace lxhost;

namespace {

ContainerRow row(std::string name, std::string state, std::vector<std::string> ipv4, std::vector<std::string> ipv6 = {}) {
  return ContainerRow{std::move(name), std::move(state), std::move(ipv4), std::move(ipv6), ""};
}

PublishConfig publish_config(std::string name = "{name}.local", std::vector<std::string> exclude = {}) {
  PublishConfig config;
  config.name.value = std::move(name);
  config.exclude.value = std::move(exclude);
  return config;
}

std::vector<std::string> names_of(const PublishChoice& choice) {
  std::vector<std::string> names;
  for (const PublishedName& n : choice.names) names.push_back(n.host + ":" + n.container + "=" + n.name);
  return names;
}

}  // namespace

TEST_CASE("publish: DNS labels", "[publish]") {
  for (const std::string& good : std::vector<std::string>{"web", "a", "db-1", "Web2", "x0", std::string(63, 'a')}) {
    CAPTURE(good);
    CHECK(valid_dns_label(good));
  }
  for (const std::string& bad :
       std::vector<std::string>{"", "-x", "x-", "my_db", "a.b", "a b", "caf\xc3\xa9", std::string(64, 'a')}) {
    CAPTURE(bad);
    CHECK_FALSE(valid_dns_label(bad));
  }
}

TEST_CASE("publish: name templates", "[publish]") {
  CHECK(valid_name_template("{name}.local"));
  CHECK(valid_name_template("{name}.lab.local"));
  CHECK(valid_name_template("ct-{name}.LOCAL"));
  CHECK_FALSE(valid_name_template("web.local"));            // no {name}
  CHECK_FALSE(valid_name_template("{name}-{name}.local"));  // twice
  CHECK_FALSE(valid_name_template("{name}.example.com"));   // not .local
  CHECK_FALSE(valid_name_template("{name}"));
  CHECK_FALSE(valid_name_template("{name}..local"));
  CHECK_FALSE(valid_name_template("{name}_x.local"));
  CHECK_FALSE(valid_name_template("{NAME}.local"));

  CHECK(published_name("{name}.local", "web") == "web.local");
  CHECK(published_name("{name}.lab.local", "db-1") == "db-1.lab.local");
  CHECK(published_name("ct-{name}.local", "x") == "ct-x.local");
  CHECK_FALSE(published_name("{name}.local", "my_db"));
  CHECK_FALSE(published_name("{name}.local", "a.b"));  // would be two labels, and not this container's
  CHECK_FALSE(published_name("ct{name}.local", std::string(62, 'a')));  // its label over 63 bytes
}

TEST_CASE("publish: the config refuses a template that makes no .local name", "[publish][config]") {
  CHECK(parse_config("[publish]\nname = \"{name}.lab.local\"\n", "t").publish.name.value == "{name}.lab.local");
  CHECK(default_config().publish.name.value == "{name}.local");
  CHECK_THROWS_WITH(parse_config("[publish]\nname = \"{name}.example.com\"\n", "t"),
                    Catch::Contains("publish.name must hold {name} once"));
}

TEST_CASE("publish: globs leave containers out", "[publish]") {
  const std::vector<std::string> patterns{"ci-*", "db", "t?"};
  CHECK(excluded(patterns, "ci-42"));
  CHECK(excluded(patterns, "db"));
  CHECK(excluded(patterns, "t1"));
  CHECK_FALSE(excluded(patterns, "db2"));
  CHECK_FALSE(excluded(patterns, "t12"));
  CHECK_FALSE(excluded({}, "web"));
}

TEST_CASE("publish: running containers with an address get a name, the rest do not", "[publish]") {
  const std::vector<HostListing> hosts{
      {"lab",
       {row("web", "RUNNING", {"10.0.3.5", "10.0.3.6"}, {"fd42::5"}), row("off", "STOPPED", {}),
        row("frozen", "FROZEN", {"10.0.3.7"}), row("noaddr", "RUNNING", {}), row("v6", "RUNNING", {}, {"fd42::8"}),
        row("my_db", "RUNNING", {"10.0.3.9"}), row("ci-1", "RUNNING", {"10.0.3.10"})}},
  };
  const PublishChoice choice = choose_names(hosts, publish_config("{name}.local", {"ci-*"}));
  CHECK(names_of(choice) == std::vector<std::string>{"lab:web=web.local", "lab:v6=v6.local"});
  REQUIRE(choice.names.size() == 2);
  CHECK(choice.names[0].addresses == std::vector<std::string>{"10.0.3.5", "10.0.3.6", "fd42::5"});
  CHECK(choice.names[1].addresses == std::vector<std::string>{"fd42::8"});
  // Excluded ones are left out silently (the user asked); a name that is no DNS label is told.
  CHECK(choice.skipped == std::vector<std::string>{"lab: my_db: not a DNS label (my_db.local)"});
}

TEST_CASE("publish: the same name on two hosts goes to the first host", "[publish]") {
  const std::vector<HostListing> hosts{
      {"lab", {row("web", "RUNNING", {"10.0.3.5"})}},
      {"other", {row("Web", "RUNNING", {"10.0.4.5"}), row("db", "RUNNING", {"10.0.4.6"})}},
  };
  const PublishChoice choice = choose_names(hosts, publish_config());
  CHECK(names_of(choice) == std::vector<std::string>{"lab:web=web.local", "other:db=db.local"});
  CHECK(choice.skipped == std::vector<std::string>{"other: Web: lab's web has Web.local"});
}

TEST_CASE("publish: the hosts watched", "[publish]") {
  Config config = parse_config("default_host = \"lab\"\n[hosts.lab]\n[hosts.other]\n", "t");
  CHECK(publish_hosts(config, {}) == std::vector<std::string>{"lab"});
  config.publish.hosts.value = {"other", "lab"};
  CHECK(publish_hosts(config, {}) == std::vector<std::string>{"other", "lab"});
  CHECK(publish_hosts(config, {"lab", "lab"}) == std::vector<std::string>{"lab"});
  CHECK_THROWS_AS(publish_hosts(config, {"nope"}), UsageError);
  CHECK_THROWS_WITH(publish_hosts(config, {"nope"}), Catch::Contains("no host 'nope'"));
}

TEST_CASE("publish: published.tsv reads back what it wrote, and skips what it did not", "[publish]") {
  const std::vector<PublishedName> names{{"web.local", {"10.0.3.5", "fd42::5"}, "lab", "web"},
                                         {"db.local", {"10.0.3.6"}, "other", "db"}};
  const std::string text = render_published(names);
  CHECK(text == "web.local\t10.0.3.5,fd42::5\tlab\tweb\ndb.local\t10.0.3.6\tother\tdb\n");
  CHECK(parse_published(text) == names);
  // Nothing that would break a line is written.
  CHECK(render_published({{"bad\tname.local", {"10.0.3.5"}, "lab", "x"}, {"x.local", {}, "lab", "x"}}).empty());
  CHECK(parse_published("garbage\nweb.local\t\tlab\tweb\nweb.local\t10.0.3.5\tlab\nok.local\t10.0.3.7\tlab\tok")
            .size() == 1);
}
