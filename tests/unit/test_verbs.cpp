#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "catch.hpp"
#include "core/command_table.hpp"
#include "core/remote_line.hpp"
#include "core/suggest.hpp"
#include "core/verbs.hpp"

using lxhost::CacheEffect;
using lxhost::find_tool;
using lxhost::find_verb;
using lxhost::known_words;
using lxhost::resolve_word;
using lxhost::takes_value;
using lxhost::verb_word;
using lxhost::NameFilter;
using lxhost::Verb;
using lxhost::verb_table;

namespace {

bool has_flag(const Verb& verb, std::string_view flag) {
  return std::find(verb.flags.begin(), verb.flags.end(), flag) != verb.flags.end();
}

const Verb& row(std::string_view name) {
  const Verb* v = find_tool("lxc-" + std::string(name));
  REQUIRE(v != nullptr);
  return *v;
}

}  // namespace

TEST_CASE("verb table: the pass-through verbs in order, then the LXC 1 verbs", "[verbs]") {
  const std::vector<std::string_view> expected = {
      "ls",      "start",    "stop",    "attach",  "copy",    "destroy",    "wait",
      "info",    "create",   "freeze",  "unfreeze", "console", "execute",   "snapshot",
      "top",     "monitor",  "cgroup",  "device",  "checkpoint", "autostart", "update-config",
      "config",  "clone",    "start-ephemeral"};
  std::vector<std::string_view> names;
  for (const Verb& v : verb_table()) names.push_back(v.name);
  CHECK(names == expected);

  for (const Verb& v : verb_table()) {
    CAPTURE(v.name);
    CHECK(v.tool == "lxc-" + std::string(v.name));
    CHECK(!v.summary.empty());
    CHECK(v.summary.find('\n') == std::string_view::npos);
    CHECK(v.legacy == (v.name == "clone" || v.name == "start-ephemeral"));
  }
}

TEST_CASE("verb table: interactive, name filter, cache effect, lxcpath", "[verbs]") {
  const std::set<std::string_view> interactive = {"attach", "console", "top"};
  const std::map<std::string_view, NameFilter> names = {
      {"attach", NameFilter::running},  {"console", NameFilter::running},
      {"stop", NameFilter::running},    {"freeze", NameFilter::running},
      {"cgroup", NameFilter::running},  {"checkpoint", NameFilter::running},
      {"device", NameFilter::running},  {"start", NameFilter::stopped},
      {"destroy", NameFilter::stopped}, {"execute", NameFilter::stopped},
      {"snapshot", NameFilter::stopped}, {"copy", NameFilter::defined},
      {"info", NameFilter::defined},    {"monitor", NameFilter::defined},
      {"wait", NameFilter::defined},    {"clone", NameFilter::defined},
      {"start-ephemeral", NameFilter::defined}, {"unfreeze", NameFilter::frozen},
  };
  const std::set<std::string_view> invalidates = {
      "start",    "stop",      "destroy",    "create", "copy",  "freeze",          "unfreeze",
      "execute",  "snapshot",  "autostart",  "checkpoint", "clone", "start-ephemeral"};
  const std::set<std::string_view> no_lxcpath = {"config", "update-config", "clone",
                                                 "start-ephemeral"};

  for (const Verb& v : verb_table()) {
    CAPTURE(v.name);
    CHECK(v.interactive == interactive.contains(v.name));
    const auto it = names.find(v.name);
    CHECK(v.names == (it == names.end() ? NameFilter::none : it->second));
    CHECK(v.cache == (invalidates.contains(v.name) ? CacheEffect::invalidate : CacheEffect::none));
    CHECK(v.takes_lxcpath == !no_lxcpath.contains(v.name));
    // A tool that takes -P lists it among its flags.
    if (v.takes_lxcpath) {
      CHECK(has_flag(v, "-P"));
      CHECK(has_flag(v, "--lxcpath"));
    }
  }
}

TEST_CASE("verb table: flags are well formed", "[verbs]") {
  for (const Verb& v : verb_table()) {
    CAPTURE(v.name);
    CHECK(!v.flags.empty());
    std::set<std::string_view> seen;
    for (std::string_view flag : v.flags) {
      CAPTURE(flag);
      CHECK(flag.size() >= 2);
      CHECK(flag.front() == '-');
      CHECK(flag.find_first_of(" =\t") == std::string_view::npos);
      if (flag.size() == 2) {
        CHECK(flag[1] != '-');
      } else {
        CHECK(flag.starts_with("--"));
        CHECK(flag.size() > 3);
      }
      CHECK(seen.insert(flag).second);  // no duplicates within a verb
    }
  }
}

TEST_CASE("verb table: the flags that take a value are the tool's own", "[verbs]") {
  // LXC's parser gives every tool -n and --rcfile (LXC_COMMON_OPTIONS), also where --help does not
  // list them (lxc-ls, lxc-top, lxc-autostart).
  const std::set<std::string_view> parser_given = {"-n", "--name", "--rcfile"};
  for (const Verb& v : verb_table()) {
    CAPTURE(v.name);
    std::set<std::string_view> seen;
    for (std::string_view flag : v.values) {
      CAPTURE(flag);
      CHECK((has_flag(v, flag) || (!v.legacy && parser_given.contains(flag))));
      CHECK(seen.insert(flag).second);
    }
    if (has_flag(v, "-n")) CHECK(takes_value(v, "-n"));
    if (has_flag(v, "-P")) CHECK(takes_value(v, "-P"));
    CHECK(!takes_value(v, "-q"));
    CHECK(!takes_value(v, "--help"));
  }
  // Optional values are taken from the flag's own word only: not values here.
  CHECK(!takes_value(row("attach"), "-e"));
  CHECK(!takes_value(row("ls"), "--nesting"));
  CHECK(takes_value(row("attach"), "-u"));
  CHECK(takes_value(row("start"), "-s"));
  CHECK(!takes_value(row("start"), "-d"));
  CHECK(takes_value(row("copy"), "-N"));
  CHECK(!takes_value(row("copy"), "-s"));
  CHECK(takes_value(row("clone"), "-o"));
  CHECK(!takes_value(row("clone"), "-s"));
  CHECK(!takes_value(row("config"), "-l"));
}

TEST_CASE("verb table: LXC's common options on every tool that uses LXC's argument parser",
          "[verbs]") {
  const std::vector<std::string_view> common = {"-o",  "--logfile", "-l",      "--logpriority",
                                                "-q",  "--quiet",   "-P",      "--lxcpath",
                                                "-?",  "--help",    "--usage", "--version"};
  for (const Verb& v : verb_table()) {
    if (v.legacy || v.name == "config" || v.name == "update-config") continue;
    CAPTURE(v.name);
    for (std::string_view flag : common) {
      CAPTURE(flag);
      CHECK(has_flag(v, flag));
    }
  }
}

TEST_CASE("verb table: each tool's own flags (spot checks against LXC 5.0.2 --help)", "[verbs]") {
  const std::map<std::string_view, std::vector<std::string_view>> samples = {
      {"ls", {"-1", "--line", "-f", "--fancy", "-F", "--fancy-format", "--active", "--running",
              "--frozen", "--stopped", "--defined", "--nesting", "--filter", "-g", "--groups"}},
      {"start", {"-n", "--name", "-d", "--daemon", "-F", "--foreground", "-s", "--define",
                 "--share-net", "--share-ipc", "--share-uts", "--share-pid", "-C"}},
      {"stop", {"-k", "--kill", "-t", "--timeout", "-W", "--nowait", "--nolock", "--nokill"}},
      {"attach", {"-e", "--elevated-privileges", "-s", "--namespaces", "--clear-env",
                  "--keep-env", "-v", "--set-var", "--keep-var", "-u", "-g", "-c", "--context"}},
      {"copy", {"-n", "-N", "--newname", "-p", "--newpath", "-s", "-B", "--backingstorage",
                "-L", "--fssize", "-K", "-M", "-e", "--ephemeral", "-D", "--keepdata", "-m",
                "--mount", "-F", "-d", "-R", "-a", "-t", "--tmpfs"}},
      {"create", {"-t", "--template", "-f", "--config", "-B", "--bdev", "--dir", "--lvname",
                  "--vgname", "--thinpool", "--rbdname", "--rbdpool", "--zfsroot", "--fstype",
                  "--fssize", "-h"}},
      {"info", {"-i", "--ips", "-s", "--state", "-H", "--no-humanize", "-S", "-p", "-c"}},
      {"wait", {"-s", "--state", "-t", "--timeout"}},
      {"snapshot", {"-L", "--list", "-r", "--restore", "-d", "--destroy", "-C", "--showcomments"}},
      {"checkpoint", {"-D", "--checkpoint-dir", "-A", "--action-script", "--predump-dir",
                      "-v", "--verbose"}},
      {"autostart", {"-A", "--ignore-auto", "-a", "--all", "-k", "-L", "-r", "-s", "-g", "-t"}},
      {"top", {"-d", "--delay", "-b", "--batch", "-s", "--sort", "-r", "--reverse"}},
      {"monitor", {"-n", "-Q", "--quit"}},
      {"console", {"-t", "--tty", "-e", "--escape"}},
      {"execute", {"-d", "-f", "--rcfile", "-s", "--define", "-u", "-g"}},
      {"destroy", {"-s", "--snapshots", "-f", "--force"}},
      {"freeze", {"-n", "--name", "--rcfile"}},
      {"update-config", {"-h", "--help", "-c", "--config"}},
      {"config", {"-l"}},
      {"clone", {"-o", "--orig", "-n", "--new", "-s", "--snapshot", "-B", "--backingstore", "-L",
                 "--fssize", "-K", "--keepname", "-M", "--keepmac", "-p", "--lxcpath", "-P",
                 "--newpath"}},
      {"start-ephemeral", {"-o", "--orig", "-n", "--name", "-d", "--daemon", "-k", "--keep-data",
                           "-b", "--bdir", "-u", "--union-type"}},
  };
  for (const auto& [name, flags] : samples) {
    const Verb& v = row(name);
    CAPTURE(name);
    for (std::string_view flag : flags) {
      CAPTURE(flag);
      CHECK(has_flag(v, flag));
    }
  }
  // The LXC 1 verbs know only their own flags: nothing of LXC's common options.
  CHECK(row("clone").flags.size() == 18);
  CHECK(row("start-ephemeral").flags.size() == 12);
  CHECK(!has_flag(row("clone"), "--help"));
  // lxc-ls has no -n in its --help; lxc-top has no -n either.
  CHECK(!has_flag(row("ls"), "-n"));
  CHECK(!has_flag(row("top"), "-n"));
}

TEST_CASE("find_verb: short names, lxc-TOOL names and `config`", "[verbs]") {
  for (const Verb& v : verb_table()) {
    CAPTURE(v.name);
    CHECK(find_verb(v.tool) == &v);
    CHECK(find_tool(v.tool) == &v);
    if (v.name != "config") CHECK(find_verb(v.name) == &v);
  }
  CHECK(find_verb("config") == nullptr);  // lxhost's own command
  REQUIRE(find_verb("lxc-config") != nullptr);
  CHECK(find_verb("lxc-config")->name == "config");
  REQUIRE(find_verb("lxc-clone") != nullptr);
  CHECK(find_verb("lxc-clone")->legacy);
  REQUIRE(find_verb("start-ephemeral") != nullptr);
  CHECK(find_verb("start-ephemeral")->tool == "lxc-start-ephemeral");

  CHECK(find_verb("") == nullptr);
  CHECK(find_verb("lxc-") == nullptr);
  CHECK(find_verb("lxc-nope") == nullptr);
  CHECK(find_verb("LS") == nullptr);
  CHECK(find_verb("list") == nullptr);  // lxhost's own command, not a verb
  CHECK(find_verb("lxc-lxc-ls") == nullptr);
  CHECK(find_verb(" ls") == nullptr);

  CHECK(find_tool("ls") == nullptr);
  CHECK(find_tool("lxc-copy") == find_verb("copy"));
  CHECK(find_tool("") == nullptr);
}

TEST_CASE("the configured lxcpath goes in unless the arguments name their own", "[verbs]") {
  using lxhost::RemoteContext;
  using lxhost::tool_line;
  const RemoteContext ctx{true, "/srv/lxc"};
  using argv = std::vector<std::string>;
  CHECK(tool_line(argv{"lxc-info", "-n", "web"}, ctx) == "exec sudo -n lxc-info -P /srv/lxc -n web");
  // LXC's tools take one -P: the typed one wins, in each spelling.
  CHECK(tool_line(argv{"lxc-info", "-P", "/x", "-n", "web"}, ctx) == "exec sudo -n lxc-info -P /x -n web");
  CHECK(tool_line(argv{"lxc-info", "-P/x", "-n", "web"}, ctx) == "exec sudo -n lxc-info -P/x -n web");
  CHECK(tool_line(argv{"lxc-info", "--lxcpath", "/x"}, ctx) == "exec sudo -n lxc-info --lxcpath /x");
  CHECK(tool_line(argv{"lxc-info", "--lxcpath=/x"}, ctx) == "exec sudo -n lxc-info --lxcpath=/x");
  // After `--` the words are the command's, not the tool's.
  CHECK(tool_line(argv{"lxc-attach", "-n", "web", "--", "ls", "-P"}, ctx) ==
        "exec sudo -n lxc-attach -P /srv/lxc -n web -- ls -P");
  // clone -p DIR becomes lxc-copy -P DIR: one -P.
  CHECK(tool_line(argv{"lxc-copy", "-n", "a", "-N", "b", "-P", "/x"}, ctx) == "exec sudo -n lxc-copy -n a -N b -P /x");
}

TEST_CASE("resolve_word: a command's name wins over a verb's short name, the tool's name never", "[verbs]") {
  CHECK(resolve_word("config").command == lxhost::find_command("config"));
  CHECK(resolve_word("config").verb == nullptr);
  CHECK(resolve_word("lxc-config").verb == find_verb("lxc-config"));
  CHECK(resolve_word("lxc-config").command == nullptr);
  CHECK(resolve_word("attach").verb == find_tool("lxc-attach"));
  CHECK(resolve_word("list").command == lxhost::find_command("list"));
  CHECK(resolve_word("__complete").command != nullptr);
  CHECK(resolve_word("nosuch").verb == nullptr);
  CHECK(resolve_word("nosuch").command == nullptr);
  CHECK(resolve_word("lxc-list").command == nullptr);  // lxc- names only verbs
  for (const Verb& v : verb_table()) {
    CAPTURE(v.name);
    // Every verb is typed by one word that names it; a shadowed short name by its tool's name.
    CHECK(resolve_word(verb_word(v)).verb == &v);
    CHECK((verb_word(v) == v.name) == (lxhost::find_command(v.name) == nullptr));
  }
  CHECK(verb_word(*find_verb("lxc-config")) == "lxc-config");
  CHECK(verb_word(*find_verb("attach")) == "attach");
}

TEST_CASE("known_words: every verb and command by each word that names it, for did-you-mean", "[verbs]") {
  const std::vector<std::string> words = known_words();
  const std::set<std::string> unique(words.begin(), words.end());
  CHECK(unique.size() == words.size());
  for (const std::string& word : words) {
    CAPTURE(word);
    const auto meaning = resolve_word(word);
    CHECK((meaning.verb != nullptr) != (meaning.command != nullptr));
    if (meaning.command != nullptr) CHECK_FALSE(meaning.command->hidden);
  }
  for (const Verb& v : verb_table()) {
    CHECK(unique.count(std::string(verb_word(v))) == 1);
    CHECK(unique.count(std::string(v.tool)) == 1);
  }
  for (const lxhost::CommandSpec& command : lxhost::native_commands())
    CHECK(unique.count(std::string(command.name)) == (command.hidden ? 0 : 1));
  CHECK(lxhost::closest("lxc-atach", words) == "lxc-attach");
  CHECK(lxhost::closest("atach", words) == "attach");
  CHECK(lxhost::closest("confg", words) == "config");
  CHECK(lxhost::closest("lxc-confg", words) == "lxc-config");
  CHECK(lxhost::closest("lsit", words) == "list");
}
