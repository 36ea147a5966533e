// The LXD translation table: what each LXC verb asks of LXD's REST API (or of `lxc exec` on the
// host), and the verbs and flags it refuses with the LXD command that does the job.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "catch.hpp"
#include "core/errors.hpp"
#include "core/lxd_verbs.hpp"
#include "core/verbs.hpp"

using namespace lxhost;
using Args = std::vector<std::string>;
using nlohmann::json;

namespace {

const LxdScope kDefault{};
const LxdScope kTeam{"team a"};

LxdAction lxd(std::string_view verb, const Args& args, const LxdScope& scope = kDefault) {
  return translate_lxd(verb, args, scope, "base-eph-1234");
}

template <typename T>
T as(std::string_view verb, const Args& args, const LxdScope& scope = kDefault) {
  LxdAction action = lxd(verb, args, scope);
  REQUIRE(std::holds_alternative<T>(action));
  return std::get<T>(std::move(action));
}

// The UsageError's message and hint, or "(no error)".
std::string refusal(std::string_view verb, const Args& args) {
  try {
    lxd(verb, args);
  } catch (const UsageError& e) {
    return std::string(e.what()) + " | " + e.hint();
  }
  return "(no error)";
}

json body(const HttpRequest& request) { return json::parse(request.body); }

}  // namespace

TEST_CASE("lxd: names in a URL are percent-encoded, and every request is in the project", "[lxd_verbs]") {
  CHECK(url_segment("web-1.a_b~") == "web-1.a_b~");
  CHECK(url_segment("a b/c?d&e%") == "a%20b%2Fc%3Fd%26e%25");
  CHECK(url_segment("\xc3\xa9") == "%C3%A9");
  CHECK(in_project("/1.0/instances", kDefault) == "/1.0/instances?project=default");
  CHECK(in_project("/1.0/instances?recursion=2", kTeam) == "/1.0/instances?recursion=2&project=team%20a");
}

TEST_CASE("lxd: ls lists every instance with its state, in lxc-ls's formats", "[lxd_verbs]") {
  const auto plain = as<LxdList>("ls", {});
  CHECK(plain.request.method == "GET");
  CHECK(plain.request.target == "/1.0/instances?recursion=1&project=default");  // names and states only
  CHECK(plain.request.body.empty());
  CHECK(plain.format == LxdList::Format::columns);
  CHECK(plain.states == LxdStates::all);
  CHECK_FALSE(plain.filter);
  CHECK(plain.fields == std::vector<std::string>{"NAME", "STATE", "AUTOSTART", "GROUPS", "IPV4", "IPV6", "UNPRIVILEGED"});

  CHECK(as<LxdList>("ls", {"-1"}).format == LxdList::Format::lines);
  CHECK(as<LxdList>("ls", {"--line"}).format == LxdList::Format::lines);
  CHECK(as<LxdList>("ls", {"-f"}).format == LxdList::Format::fancy);
  CHECK(as<LxdList>("ls", {"--running"}).states == LxdStates::running);
  CHECK(as<LxdList>("ls", {"--stopped"}).states == LxdStates::stopped);
  CHECK(as<LxdList>("ls", {"--frozen"}).states == LxdStates::frozen);
  CHECK(as<LxdList>("ls", {"--active"}).states == LxdStates::active);
  CHECK(as<LxdList>("ls", {"--defined", "-q"}).states == LxdStates::all);
  CHECK(as<LxdList>("ls", {"-f", "-F", "NAME,LOCATION,IPV4"}).fields ==
        std::vector<std::string>{"NAME", "LOCATION", "IPV4"});
  CHECK(as<LxdList>("ls", {"--fancy-format=NAME"}).fields == std::vector<std::string>{"NAME"});
  CHECK(as<LxdList>("ls", {"^web"}).filter == "^web");
  CHECK(as<LxdList>("ls", {"--filter", "db.*"}).filter == "db.*");
  CHECK(as<LxdList>("ls", {}, kTeam).request.target == "/1.0/instances?recursion=1&project=team%20a");
  // Only -f columns of a running instance's state ask LXD for it (recursion=2).
  CHECK(as<LxdList>("ls", {"-1", "--running"}).request.target == "/1.0/instances?recursion=1&project=default");
  CHECK(as<LxdList>("ls", {"-f"}).request.target == "/1.0/instances?recursion=2&project=default");
  CHECK(as<LxdList>("ls", {"-f", "-F", "NAME,STATE,LOCATION,AUTOSTART"}).request.target ==
        "/1.0/instances?recursion=1&project=default");
  for (const char* field : {"PID", "RAM", "SWAP", "INTERFACE", "IPV4", "IPV6"})
    CHECK(as<LxdList>("ls", {"-f", "-F", std::string("NAME,") + field}).request.target ==
          "/1.0/instances?recursion=2&project=default");

  CHECK(refusal("ls", {"-F", "NAME,COLOUR"}) == "ls: -F: unknown column 'COLOUR' | NAME, STATE, PID, RAM, SWAP, "
                                                "AUTOSTART, GROUPS, INTERFACE, IPV4, IPV6, UNPRIVILEGED, LOCATION");
  CHECK_THAT(refusal("ls", {"a", "b"}), Catch::StartsWith("ls: unexpected argument 'b'"));
  CHECK_THAT(refusal("ls", {"--nesting"}), Catch::StartsWith("ls: --nesting is LXC's; it has no meaning on an LXD host"));
  CHECK_THAT(refusal("ls", {"-g", "web"}), Catch::EndsWith("LXD has no groups: lxc list with a filter (on the host)"));
}

TEST_CASE("lxd: info asks for one instance, no -s, -p, -i or -S means all four", "[lxd_verbs]") {
  const auto all = as<LxdInfo>("info", {"-n", "web"});
  CHECK(all.request.method == "GET");
  CHECK(all.request.target == "/1.0/instances/web?recursion=1&project=default");
  CHECK(all.name == "web");
  CHECK((all.state && all.pid && all.ips && all.stats && all.humanize));

  const auto some = as<LxdInfo>("info", {"web", "-iH"});
  CHECK(some.name == "web");
  CHECK((some.ips && !some.state && !some.pid && !some.stats && !some.humanize));
  CHECK(as<LxdInfo>("info", {"--name=web", "-s"}).state);

  CHECK_THAT(refusal("info", {"-n", "web", "-c", "lxc.arch"}),
             Catch::Contains("-c is LXC's") && Catch::EndsWith("lxc config get NAME KEY (on the host)"));
  CHECK_THAT(refusal("info", {"-n", "web", "--config", "lxc.arch"}), Catch::EndsWith("lxc config get NAME KEY (on the host)"));
  CHECK(refusal("info", {}) == "info: missing the container's name (-n NAME) | ");
  CHECK(refusal("info", {"-n", "web", "db"}) == "info: unexpected argument 'db' | ");
}

TEST_CASE("lxd: start, stop, freeze and unfreeze change the instance's state", "[lxd_verbs]") {
  const auto start = as<LxdStateChange>("start", {"-n", "web", "-d"});
  CHECK(start.request.method == "PUT");
  CHECK(start.request.target == "/1.0/instances/web/state?project=default");
  CHECK(body(start.request) == json{{"action", "start"}});
  CHECK(start.wait);

  const auto stop = as<LxdStateChange>("stop", {"-n", "web"});
  CHECK(body(stop.request) == json{{"action", "stop"}, {"force", false}, {"timeout", -1}});
  const auto kill = as<LxdStateChange>("stop", {"-k", "-n", "web", "-t", "5"});
  CHECK(body(kill.request) == json{{"action", "stop"}, {"force", true}, {"timeout", 5}});
  CHECK(body(as<LxdStateChange>("stop", {"-r", "web"}).request)["action"] == "restart");
  CHECK_FALSE(as<LxdStateChange>("stop", {"-W", "web"}).wait);

  CHECK(body(as<LxdStateChange>("freeze", {"-n", "web"}).request) == json{{"action", "freeze"}});
  CHECK(body(as<LxdStateChange>("unfreeze", {"web"}).request) == json{{"action", "unfreeze"}});
  CHECK(as<LxdStateChange>("start", {"-n", "my web"}, kTeam).request.target ==
        "/1.0/instances/my%20web/state?project=team%20a");

  CHECK(refusal("stop", {"-n", "web", "-t", "soon"}) == "stop: -t takes whole seconds (-1: no bound), not 'soon' | ");
  CHECK(refusal("stop", {"-n", "web", "-t", "-2"}) == "stop: -t takes whole seconds (-1: no bound), not '-2' | ");
  CHECK_THAT(refusal("start", {"-n", "web", "-F"}), Catch::EndsWith("start it, then lxc console NAME (on the host)"));
  CHECK_THAT(refusal("start", {"-n", "web", "-s", "lxc.a=b"}), Catch::EndsWith("lxc config set NAME KEY VALUE (on the host)"));
  CHECK_THAT(refusal("stop", {"--nokill", "web"}), Catch::StartsWith("stop: --nokill is LXC's"));
  CHECK(refusal("start", {"-n", "web", "--", "init"}) == "start: takes no command after -- | ");
  CHECK_THAT(refusal("start", {"-n", "web", "-P", "/var/lib/lxc"}),
             Catch::EndsWith("its project (lxd_project in lxhost's config), not an lxcpath"));
  CHECK_THAT(refusal("start", {"-n", "web", "--lxcpath=/x"}),
             Catch::Contains("--lxcpath is LXC's") && Catch::EndsWith("not an lxcpath"));
}

TEST_CASE("lxd: a refused flag's hint is for what the flag means to its verb", "[lxd_verbs]") {
  // The same letter means different things to different verbs; the hint follows the meaning.
  const std::string other = "LXD's own client on the host (lxc --help) does what LXD can do";
  CHECK_THAT(refusal("start", {"-n", "web", "--define", "lxc.a=b"}), Catch::EndsWith("lxc config set NAME KEY VALUE (on the host)"));
  CHECK_THAT(refusal("attach", {"-n", "web", "-s", "NETWORK"}), Catch::StartsWith("attach: -s is LXC's") && Catch::EndsWith(other));
  CHECK_THAT(refusal("info", {"-n", "web", "-c", "lxc.arch"}), Catch::EndsWith("lxc config get NAME KEY (on the host)"));
  CHECK_THAT(refusal("start", {"-n", "web", "-c", "/dev/tty2"}), Catch::EndsWith("start it, then lxc console NAME (on the host)"));
  CHECK_THAT(refusal("snapshot", {"-n", "web", "-c", "notes.txt"}), Catch::Contains("carry no comment"));
  CHECK_THAT(refusal("attach", {"-n", "web", "-c", "ctx"}), Catch::EndsWith(other));
  CHECK_THAT(refusal("clone", {"-P", "/srv/lxc", "web", "web2"}), Catch::StartsWith("clone: -P is LXC's") && Catch::EndsWith(other));
  CHECK_THAT(refusal("clone", {"-p", "/srv/lxc", "web", "web2"}), Catch::EndsWith("not an lxcpath"));
  CHECK_THAT(refusal("copy", {"-n", "web", "-N", "w2", "-B", "btrfs"}), Catch::EndsWith("--storage POOL (on the host)"));
}

TEST_CASE("lxd: attach and execute run LXD's lxc exec on the host", "[lxd_verbs]") {
  const auto shell = as<LxdExec>("attach", {"-n", "web"});
  CHECK(shell.argv == Args{"lxc", "exec", "web", "--project", "default", "--", "su", "-l"});
  CHECK_FALSE(shell.start_first);

  const auto cmd = as<LxdExec>("attach", {"-n", "web", "-v", "A=1", "--set-var=B=two words", "-u", "1000", "--",
                                          "sh", "-c", "echo $A"},
                               kTeam);
  CHECK(cmd.argv == Args{"lxc", "exec", "web", "--project", "team a", "--env", "A=1", "--env", "B=two words",
                         "--user", "1000", "--", "sh", "-c", "echo $A"});

  const auto execute = as<LxdExec>("execute", {"-n", "web", "-g", "0", "--", "true"});
  CHECK(execute.argv == Args{"lxc", "exec", "web", "--project", "default", "--group", "0", "--", "true"});
  CHECK(execute.start_first);

  CHECK(refusal("attach", {"-n", "web", "-v", "NOVALUE"}) == "attach: -v takes VAR=VALUE, not 'NOVALUE' | ");
  CHECK(refusal("attach", {"-n", "web", "-v", "=x"}) == "attach: -v takes VAR=VALUE, not '=x' | ");
  CHECK(refusal("execute", {"-n", "web"}) == "execute: missing the command (-- CMD) | ");
  CHECK_THAT(refusal("attach", {"-n", "web", "--clear-env"}), Catch::StartsWith("attach: --clear-env is LXC's"));
  CHECK_THAT(refusal("attach", {"-n", "web", "-e", "ALL"}), Catch::StartsWith("attach: -e is LXC's"));
}

TEST_CASE("lxd: copy and clone make a new instance, on a member with --target", "[lxd_verbs]") {
  const json copied = {{"name", "web2"},
                       {"ephemeral", false},
                       {"source", {{"type", "copy"}, {"source", "web"}, {"instance_only", true}}}};
  const auto copy = as<LxdCopy>("copy", {"-n", "web", "-N", "web2", "-s"});
  CHECK(copy.request.method == "POST");
  CHECK(copy.request.target == "/1.0/instances?project=default");
  CHECK(body(copy.request) == copied);
  CHECK(copy.source == "web");
  CHECK(copy.name == "web2");

  const auto placed = as<LxdCopy>("copy", {"-n", "web", "-N", "web2", "--target", "m2"}, kTeam);
  CHECK(placed.request.target == "/1.0/instances?target=m2&project=team%20a");

  const auto clone = as<LxdCopy>("clone", {"-s", "web", "web2"});
  CHECK(body(clone.request) == copied);
  const auto clone_flags = as<LxdCopy>("clone", {"-o", "web", "-n", "web2", "--target=m3"});
  CHECK(clone_flags.request.target == "/1.0/instances?target=m3&project=default");
  CHECK(body(clone_flags.request) == copied);

  const auto rename = as<LxdCopy>("copy", {"-n", "web", "-N", "www", "-R"});
  CHECK(rename.request.method == "POST");
  CHECK(rename.request.target == "/1.0/instances/web?project=default");
  CHECK(body(rename.request) == json{{"name", "www"}});
  CHECK(rename.rename);
  CHECK_FALSE(clone.rename);

  CHECK(refusal("copy", {"-n", "web"}) == "copy: missing the new name (-N NAME) | ");
  CHECK(refusal("copy", {"-n", "web", "-R"}) == "copy: -R needs the new name (-N NAME) | ");
  CHECK(refusal("copy", {"-n", "web", "-N", "w", "-R", "--target", "m2"}) ==
        "copy: -R renames in place: no --target or -e with it | ");
  CHECK(refusal("copy", {"-n", "web", "-N", "w", "-d"}) == "copy: -d starts an ephemeral copy: give -e with it | ");
  CHECK_THAT(refusal("copy", {"-n", "web", "-N", "w", "-B", "btrfs"}),
             Catch::EndsWith("use a storage pool: lxc copy NAME NEW --storage POOL (on the host)"));
  CHECK_THAT(refusal("copy", {"-n", "web", "-N", "w", "--mount", "bind=/a:/a"}),
             Catch::EndsWith("disk source=DIR path=DIR (on the host)"));
  CHECK(refusal("clone", {"web"}) == "clone: missing the new container's name (-n NAME or second argument) | ");
  CHECK(refusal("clone", {"-n", "x"}) == "clone: missing the original container (-o NAME or first argument) | ");
  CHECK(refusal("clone", {"a", "b", "c"}) == "clone: unexpected argument 'c' | ");
  CHECK(refusal("clone", {"a", "b", "--", "-h"}) == "clone: takes no hook options after -- on an LXD host | ");
  CHECK_THAT(refusal("clone", {"a", "b", "--target"}), Catch::StartsWith("clone: --target needs a value"));
}

TEST_CASE("lxd: start-ephemeral and copy -e make an ephemeral copy, CMD runs in it", "[lxd_verbs]") {
  const auto run = as<LxdEphemeral>("start-ephemeral", {"-o", "base", "--", "make", "test"});
  CHECK(run.copy.method == "POST");
  CHECK(run.copy.target == "/1.0/instances?project=default");
  CHECK(body(run.copy) == json{{"name", "base-eph-1234"},
                               {"ephemeral", true},
                               {"source", {{"type", "copy"}, {"source", "base"}, {"instance_only", true}}}});
  CHECK(run.orig == "base");
  CHECK(run.name == "base-eph-1234");
  CHECK(run.command == Args{"make", "test"});
  CHECK_FALSE(run.daemon);

  const auto named = as<LxdEphemeral>("start-ephemeral", {"-o", "base", "-n", "t1", "-d", "--target", "m2"});
  CHECK(named.name == "t1");
  CHECK(named.daemon);
  CHECK(named.command.empty());
  CHECK(named.copy.target == "/1.0/instances?target=m2&project=default");
  CHECK(named.target == "m2");  // lxc copy --target, for the script that runs CMD
  CHECK(run.target.empty());

  const auto copy_e = as<LxdEphemeral>("copy", {"-n", "base", "-e"});
  CHECK(copy_e.name == "base-eph-1234");
  CHECK(copy_e.daemon);
  CHECK(body(copy_e.copy)["ephemeral"] == true);
  CHECK(as<LxdEphemeral>("copy", {"-n", "base", "-N", "e1", "-e", "-d"}).name == "e1");

  CHECK(refusal("start-ephemeral", {"-o", "base", "-d", "--", "true"}) ==
        "start-ephemeral: -d cannot be used with a command (-- CMD) | ");
  CHECK(refusal("start-ephemeral", {}) == "start-ephemeral: missing the original container (-o NAME) | ");
  CHECK_THAT(refusal("start-ephemeral", {"-o", "base", "-k"}), Catch::EndsWith("copy it, then start the copy"));
  CHECK_THAT(refusal("copy", {"-n", "base", "-e", "-D"}), Catch::EndsWith("copy it without -e to keep it"));
  CHECK_THAT(refusal("start-ephemeral", {"base"}), Catch::StartsWith("start-ephemeral: unexpected argument 'base'"));
}

TEST_CASE("lxd: destroy deletes, and with -f stops the instance first", "[lxd_verbs]") {
  const auto plain = as<LxdDestroy>("destroy", {"-n", "web", "-s"});
  CHECK(plain.remove.method == "DELETE");
  CHECK(plain.remove.target == "/1.0/instances/web?project=default");
  CHECK(plain.remove.body.empty());
  CHECK_FALSE(plain.force);
  const auto forced = as<LxdDestroy>("destroy", {"-f", "web"});
  CHECK(forced.force);
  CHECK(forced.stop.method == "PUT");
  CHECK(forced.stop.target == "/1.0/instances/web/state?project=default");
  CHECK(body(forced.stop) == json{{"action", "stop"}, {"force", true}, {"timeout", -1}});
}

TEST_CASE("lxd: snapshot creates, lists, restores (in place or as a new instance) and destroys", "[lxd_verbs]") {
  const auto create = as<LxdSnapshot>("snapshot", {"-n", "web"});
  CHECK(create.op == LxdSnapshot::Op::create);
  CHECK(create.request.method == "GET");  // the snapshots so far: the new one is named snapN after them
  CHECK(create.request.target == "/1.0/instances/web/snapshots?recursion=1&project=default");

  const auto list = as<LxdSnapshot>("snapshot", {"-n", "web", "-L"});
  CHECK(list.op == LxdSnapshot::Op::list);
  CHECK(list.request.target == "/1.0/instances/web/snapshots?recursion=1&project=default");

  const auto restore = as<LxdSnapshot>("snapshot", {"-n", "web", "-r", "snap0"});
  CHECK(restore.op == LxdSnapshot::Op::restore);
  CHECK(restore.request.method == "PUT");
  CHECK(restore.request.target == "/1.0/instances/web?project=default");
  CHECK(body(restore.request) == json{{"restore", "snap0"}});
  CHECK(as<LxdSnapshot>("snapshot", {"-n", "web", "-r", "snap0", "-N", "web"}).op == LxdSnapshot::Op::restore);

  const auto as_new = as<LxdSnapshot>("snapshot", {"-n", "web", "-r", "snap1", "-N", "old"});
  CHECK(as_new.op == LxdSnapshot::Op::restore_as);
  CHECK(as_new.request.method == "POST");
  CHECK(as_new.request.target == "/1.0/instances?project=default");
  CHECK(body(as_new.request) == json{{"name", "old"}, {"source", {{"type", "copy"}, {"source", "web/snap1"}}}});

  const auto remove = as<LxdSnapshot>("snapshot", {"-n", "web", "-d", "snap 2"});
  CHECK(remove.op == LxdSnapshot::Op::remove);
  CHECK(remove.request.method == "DELETE");
  CHECK(remove.request.target == "/1.0/instances/web/snapshots/snap%202?project=default");

  CHECK(refusal("snapshot", {"-n", "web", "-L", "-d", "snap0"}) == "snapshot: one of -L, -r and -d at a time | ");
  CHECK(refusal("snapshot", {"-n", "web", "-N", "x"}) == "snapshot: -N names the restored copy: give -r with it | ");
  CHECK_THAT(refusal("snapshot", {"-n", "web", "-c", "note.txt"}), Catch::StartsWith("snapshot: -c is LXC's"));
}

TEST_CASE("lxd: wait polls for RUNNING, STOPPED or FROZEN, bounded by -t", "[lxd_verbs]") {
  const auto wait = as<LxdWait>("wait", {"-n", "web", "-s", "RUNNING|FROZEN", "-t", "10"});
  CHECK(wait.name == "web");
  CHECK(wait.states == std::vector<std::string>{"RUNNING", "FROZEN"});
  CHECK(wait.timeout_s == 10);
  CHECK_FALSE(as<LxdWait>("wait", {"-n", "web", "-s", "STOPPED"}).timeout_s);
  CHECK_FALSE(as<LxdWait>("wait", {"-n", "web", "-s", "STOPPED", "-t", "-1"}).timeout_s);

  CHECK(refusal("wait", {"-n", "web"}) == "wait: missing the state to wait for (-s STATE) | ");
  CHECK(refusal("wait", {"-n", "web", "-s", "RUNNING|THAWED"}) ==
        "wait: LXD reports no THAWED state | it reports RUNNING, STOPPED and FROZEN");
  CHECK(refusal("wait", {"-n", "web", "-s", "running"}) ==
        "wait: unknown state 'running' | RUNNING, STOPPED or FROZEN, several joined by |");
  CHECK(refusal("wait", {"-n", "web", "-s", "RUNNING|"}) ==
        "wait: unknown state '' | RUNNING, STOPPED or FROZEN, several joined by |");
}

TEST_CASE("lxd: verbs with no LXD meaning name the LXD command that does the job", "[lxd_verbs]") {
  CHECK(refusal("create", {"-t", "busybox", "-n", "x"}) ==
        "create: has no meaning on an LXD host | LXD makes instances from images: lxc launch IMAGE NAME (on the host)");
  CHECK_THAT(refusal("console", {"-n", "web"}), Catch::EndsWith("lxc console NAME"));
  CHECK_THAT(refusal("cgroup", {"-n", "web", "memory.max"}), Catch::Contains("limits.memory"));
  CHECK_THAT(refusal("device", {"-n", "web"}), Catch::Contains("lxc config device add"));
  CHECK_THAT(refusal("checkpoint", {"-n", "web"}), Catch::Contains("--stateful"));
  CHECK_THAT(refusal("update-config", {"-c", "x"}), Catch::Contains("lxc config edit NAME"));
  CHECK_THAT(refusal("autostart", {}), Catch::Contains("boot.autostart"));

  // Every verb of the table is translated, or refused with a hint of its own.
  const std::vector<std::string_view> translated = {"ls",      "info",  "start",    "stop",     "freeze",
                                                     "unfreeze", "attach", "execute", "copy",  "clone",
                                                     "destroy",  "snapshot", "start-ephemeral", "wait"};
  for (const Verb& verb : verb_table()) {
    INFO(verb.name);
    if (std::find(translated.begin(), translated.end(), verb.name) != translated.end()) continue;
    const std::string said = refusal(verb.name, {});
    CHECK_THAT(said, Catch::StartsWith(std::string(verb.name) + ": has no meaning on an LXD host | "));
    CHECK_THAT(said, !Catch::Contains("LXD's own client on the host (lxc --help)"));
  }
}
