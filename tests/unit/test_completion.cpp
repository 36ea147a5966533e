#include <algorithm>
#include <string>
#include <vector>

#include "catch.hpp"
#include "core/completion.hpp"

using namespace lxhost;

namespace {

CompletionPlan plan(std::vector<std::string> words) { return plan_completion(words); }

std::vector<std::string> values(const CompletionPlan& p) {
  std::vector<std::string> out;
  for (const auto& c : p.fixed) out.push_back(c.value);
  return out;
}

bool has(const CompletionPlan& p, const std::string& value) {
  const auto v = values(p);
  return std::find(v.begin(), v.end(), value) != v.end();
}

}  // namespace

TEST_CASE("lxhost <TAB>: verbs and commands, not lxhost's config twice", "[completion]") {
  const auto p = plan({"lxhost", ""});
  CHECK(has(p, "attach"));
  CHECK(has(p, "start-ephemeral"));
  CHECK(has(p, "list"));
  CHECK(has(p, "discover"));
  CHECK(has(p, "config"));
  const auto all = values(p);
  CHECK(std::count(all.begin(), all.end(), "config") == 1);
  CHECK_FALSE(has(p, "lxc-ls"));  // only when the word starts with lxc-
  CHECK_FALSE(p.containers.has_value());
  CHECK(has(plan({"lxhost", "lxc-a"}), "lxc-attach"));
}

TEST_CASE("a prefix filters fixed candidates", "[completion]") {
  const auto p = plan({"lxhost", "st"});
  CHECK(values(p) == std::vector<std::string>{"start", "stop", "start-ephemeral"});
}

TEST_CASE("lxhost's own options, and -H / -c values", "[completion]") {
  CHECK(has(plan({"lxhost", "-"}), "--no-mux"));
  const auto hosts = plan({"lxhost", "-H", ""});
  CHECK(hosts.hosts);
  CHECK(hosts.fixed.empty());
  CHECK(plan({"lxhost", "-c", ""}).files == CompletionPlan::Files::files);
  const auto after = plan({"lxhost", "-H", "lab", "-c", "/x.toml", "attach", "-n", ""});
  REQUIRE(after.host.has_value());
  CHECK(*after.host == "lab");
  REQUIRE(after.config_file.has_value());
  CHECK(*after.config_file == "/x.toml");
  CHECK(after.containers == NameFilter::running);
  CHECK(has(plan({"lxhost", "-v", "-t", ""}), "attach"));
}

TEST_CASE("container names filtered by state per verb, as LXC does", "[completion]") {
  CHECK(plan({"lxc-start", ""}).containers == NameFilter::stopped);
  CHECK(plan({"lxc-attach", "-n", ""}).containers == NameFilter::running);
  CHECK(plan({"lxc-attach", "--name", "we"}).containers == NameFilter::running);
  CHECK(plan({"lxc-attach", "--name", "we"}).prefix == "we");
  CHECK(plan({"lxc-stop", ""}).containers == NameFilter::running);
  CHECK(plan({"lxc-destroy", ""}).containers == NameFilter::stopped);
  CHECK(plan({"lxc-info", "-n", ""}).containers == NameFilter::defined);
  CHECK(plan({"lxc-copy", "-n", ""}).containers == NameFilter::defined);
  CHECK(plan({"lxc-unfreeze", ""}).containers == NameFilter::frozen);
  CHECK(plan({"lxhost", "freeze", ""}).containers == NameFilter::running);
  CHECK(plan({"/usr/local/bin/lxc-wait", "-n", ""}).containers == NameFilter::defined);
  CHECK_FALSE(plan({"lxc-ls", ""}).containers.has_value());
  CHECK_FALSE(plan({"lxc-create", ""}).containers.has_value());
}

TEST_CASE("a positional name is offered only while the line names none", "[completion]") {
  const auto p = plan({"lxc-start", "-d", ""});
  CHECK(p.containers == NameFilter::stopped);
  CHECK(p.unless_one_of == std::vector<std::string>{"-d"});
  CHECK_FALSE(plan({"lxc-start", "-n", "web", ""}).containers.has_value());
  CHECK_FALSE(plan({"lxc-start", "--name=web", ""}).containers.has_value());
  CHECK_FALSE(plan({"lxc-start", "-nweb", ""}).containers.has_value());
}

TEST_CASE("--name=PREFIX keeps the option in the values", "[completion]") {
  const auto p = plan({"lxc-attach", "--name=w"});
  CHECK(p.containers == NameFilter::running);
  CHECK(p.value_prefix == "--name=");
  CHECK(p.prefix == "w");
}

TEST_CASE("flags come from the verb table", "[completion]") {
  CHECK(values(plan({"lxc-attach", "--cl"})) == std::vector<std::string>{"--clear-env"});
  CHECK(has(plan({"lxhost", "attach", "-"}), "-n"));
  CHECK(has(plan({"lxhost", "clone", "-"}), "--snapshot"));
  CHECK_FALSE(plan({"lxc-attach", "--cl"}).containers.has_value());
}

TEST_CASE("after -- the words are the command's own", "[completion]") {
  const auto p = plan({"lxc-attach", "-n", "web", "--", ""});
  CHECK(p.fixed.empty());
  CHECK_FALSE(p.containers.has_value());
}

TEST_CASE("LXC 1 verbs: -o and clone's first argument take a container", "[completion]") {
  CHECK(plan({"lxhost", "start-ephemeral", "-o", ""}).containers == NameFilter::defined);
  CHECK(plan({"lxhost", "clone", ""}).containers == NameFilter::defined);
  CHECK_FALSE(plan({"lxhost", "start-ephemeral", ""}).containers.has_value());
}

TEST_CASE("native commands: subcommands, flags, hosts, directories", "[completion]") {
  CHECK(values(plan({"lxhost", "config", ""})) == std::vector<std::string>{"init", "show", "path", "--help"});
  CHECK(values(plan({"lxhost", "config", "init", "-"})) == std::vector<std::string>{"--force", "--help"});
  CHECK(has(plan({"lxhost", "shell-init", ""}), "zsh"));
  CHECK(has(plan({"lxhost", "list", "-"}), "--json"));
  CHECK(plan({"lxhost", "resolve", ""}).hosts);
  CHECK(plan({"lxhost", "install-links", ""}).files == CompletionPlan::Files::dirs);
  CHECK(has(plan({"lxhost", "help", "at"}), "attach"));
  CHECK(has(plan({"lxhost", "help", "lxc-c"}), "lxc-config"));
}

TEST_CASE("odd input gives less, never a crash", "[completion]") {
  CHECK(plan({}).fixed.empty());
  CHECK(plan({"lxhost"}).fixed.empty());
  CHECK(plan({"lxc-nosuch", ""}).fixed.empty());
  CHECK(plan({"lxhost", "nosuch", ""}).fixed.empty());
  CHECK(plan({"lxhost", "--", ""}).fixed.size() > 10);
}

TEST_CASE("render_candidates: value TAB description", "[completion]") {
  CHECK(render_candidates({{"web", "RUNNING"}, {"--json", ""}}) == "--json\nweb\tRUNNING\n");
}

TEST_CASE("render_candidates: sorted by value, each once", "[completion]") {
  CHECK(render_candidates({{"web", "RUNNING"}, {"base", "STOPPED"}, {"lab", "10.203.0.1"}, {"base", "other"},
                           {"a-b", ""}}) == "a-b\nbase\tSTOPPED\nlab\t10.203.0.1\nweb\tRUNNING\n");
}

TEST_CASE("a new container's name offers nothing", "[completion]") {
  for (const std::vector<std::string>& words : std::vector<std::vector<std::string>>{
           {"lxhost", "clone", "-o", "base", "-n", ""},
           {"lxhost", "clone", "-o", "base", "--name", "w"},
           {"lxhost", "copy", "-n", "base", "-N", ""},
           {"lxhost", "copy", "-n", "base", "--newname", ""},
           {"lxhost", "copy", "-n", "base", "--newname="},
           {"lxc-copy", "-n", "base", "-N", ""},
           {"lxhost", "create", "-n", ""},
           {"lxc-create", "--name", ""},
           {"lxc-create", "--name="},
           {"lxhost", "start-ephemeral", "-o", "base", "-n", ""},
           {"lxc-clone", "-o", "base", "-n", ""},
       }) {
    CAPTURE(words);
    const CompletionPlan plan = plan_completion(words);
    CHECK_FALSE(plan.containers);
    CHECK(plan.fixed.empty());
    CHECK_FALSE(plan.hosts);
  }
  SECTION("the original still offers containers") {
    CHECK(plan_completion(std::vector<std::string>{"lxhost", "clone", "-o", ""}).containers == NameFilter::defined);
    CHECK(plan_completion(std::vector<std::string>{"lxhost", "copy", "-n", ""}).containers);
    CHECK(plan_completion(std::vector<std::string>{"lxhost", "start-ephemeral", "-o", ""}).containers);
  }
}
