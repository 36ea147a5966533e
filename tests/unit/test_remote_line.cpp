// The lines lxhost sends for the host's login shell (remote_line.hpp). Each shell line is run by a
// real /bin/sh with stand-in tools first on PATH that log the argv they get: what runs on the host
// gets exactly the user's words, with `sudo -n` and `-P LXCPATH` where they belong.
#include "catch.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/remote_line.hpp"
#include "core/shell_quote.hpp"
#include "run_captured.hpp"

using namespace lxhost;

namespace {

using Words = std::vector<std::string>;

// Each stand-in appends `NAME ARGC` and then `[ARG]` per argument to $LOG (the count and the
// brackets show empty words and words with newlines as they are). The entry is appended by one
// write, so a test reading the log while a stand-in runs never sees half of one.
constexpr const char* kLogArgv =
    "entry=$(printf '%s %s\\n' \"${0##*/}\" \"$#\"; for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done)\n"
    "printf '%s\\n' \"$entry\" >>\"$LOG\"\n";

// A temporary directory of stand-in tools, first on PATH, removed at the end. `sudo` logs itself
// and runs the rest without its `-n` (any other first word fails it: lxhost always asks for -n).
class StandIns {
 public:
  StandIns() {
    std::string dir_template = "/tmp/lxhost-unit-XXXXXX";
    REQUIRE(::mkdtemp(dir_template.data()) != nullptr);
    dir_ = dir_template;
    testing::write_tool(dir_, "sudo", "[ \"$1\" = -n ] || exit 99\nshift\necho 'sudo -n' >>\"$LOG\"\nexec \"$@\"\n");
  }
  StandIns(const StandIns&) = delete;
  StandIns& operator=(const StandIns&) = delete;
  ~StandIns() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // A tool that logs its argv and exits 0.
  void logging(const std::string& name) const { testing::write_tool(dir_, name, kLogArgv); }
  // A tool that logs its argv, then does BODY.
  void logging(const std::string& name, const std::string& body) const {
    testing::write_tool(dir_, name, std::string(kLogArgv) + body);
  }
  const std::filesystem::path& dir() const { return dir_; }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Runs LINE by /bin/sh -c (stdout captured), the stand-ins first on PATH.
  testing::RunResult sh(const std::string& line) const { return testing::run_captured({"/bin/sh", "-c", line}, env()); }
  std::vector<std::string> env() const {
    return {"PATH=" + dir_.string() + ":/usr/bin:/bin", "LOG=" + path("log"), "DIR=" + dir_.string()};
  }

  // What the stand-ins logged since the last call.
  std::string received() const {
    std::ifstream in(path("log"));
    std::stringstream text;
    text << in.rdbuf();
    in.close();
    std::filesystem::remove(path("log"));
    return text.str();
  }

 private:
  std::filesystem::path dir_;
};

// What a stand-in logs when run with ARGV.
std::string logged(const Words& argv) {
  std::string text = fmt::format("{} {}\n", argv.at(0), argv.size() - 1);
  for (size_t i = 1; i < argv.size(); ++i) text += "[" + argv[i] + "]\n";
  return text;
}
std::string logged_sudo(const Words& argv) { return "sudo -n\n" + logged(argv); }

// Words a shell would split, expand, glob or take as something else unless quoted.
const Words& awkward() {
  static const Words words = {
      "it's", "two words", "line\nbreak", "",      "-n",  "--",     "-P",        "$HOME", "`id`", "$(id)",
      "a\\b", "*",         "semi;colon",  "=echo", "~",   "\"dq\"", "tab\there", "'",     "''",   "a&&b",
      "x|y",  "<in",       "#hash",       "!bang", "ünï", " lead",  "trail ",    "{a,b}", "\\",   "%s",
  };
  return words;
}

Words concat(Words head, const Words& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

}  // namespace

TEST_CASE("command_line: [sudo -n] TOOL [-P LXCPATH] ARGS, every word quoted", "[remote_line]") {
  const Words argv{"lxc-ls", "-f", "--filter", "^web"};
  CHECK(command_line(argv, RemoteContext{false, ""}) == "lxc-ls -f --filter '^web'");
  CHECK(command_line(argv, RemoteContext{true, ""}) == "sudo -n lxc-ls -f --filter '^web'");
  CHECK(command_line(argv, RemoteContext{false, "/var/lib/lxc"}) == "lxc-ls -P /var/lib/lxc -f --filter '^web'");
  CHECK(command_line(argv, RemoteContext{true, "/srv/my lxc"}) == "sudo -n lxc-ls -P '/srv/my lxc' -f --filter '^web'");
  CHECK(command_line(Words{}, RemoteContext{true, "/var/lib/lxc"}).empty());
  CHECK(command_line(Words{"lxc-attach", ""}, RemoteContext{false, ""}) == "lxc-attach ''");
}

TEST_CASE("command_line, run by sh as one command of a longer line: each tool gets its words", "[remote_line]") {
  StandIns tools;
  tools.logging("lxc-ls");
  tools.logging("lxc-info");
  const Words ls{"lxc-ls", "-f"};
  const Words info = concat({"lxc-info", "-n", "web"}, awkward());
  struct Case {
    RemoteContext ctx;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{false, ""}, logged(ls) + logged(info)},
      {{true, ""}, logged_sudo(ls) + logged_sudo(info)},
      {{false, "/srv/my lxc"},
       logged({"lxc-ls", "-P", "/srv/my lxc", "-f"}) + logged(concat({"lxc-info", "-P", "/srv/my lxc", "-n", "web"}, awkward()))},
      {{true, "/var/lib/lxc"},
       logged_sudo({"lxc-ls", "-P", "/var/lib/lxc", "-f"}) +
           logged_sudo(concat({"lxc-info", "-P", "/var/lib/lxc", "-n", "web"}, awkward()))},
  };
  for (const Case& c : cases) {
    INFO("sudo " << c.ctx.sudo << ", lxcpath '" << c.ctx.lxcpath << "'");
    const auto ran = tools.sh(command_line(ls, c.ctx) + " && " + command_line(info, c.ctx) + "; echo \"rc $?\"");
    CHECK(ran.out == "rc 0\n");
    CHECK(tools.received() == c.expected);
  }
}

TEST_CASE("tool_line puts -P LXCPATH right after the tools that take it, and only those", "[remote_line]") {
  StandIns tools;
  const RemoteContext ctx{true, "/srv/lxc"};
  for (const char* tool : {"lxc-ls", "lxc-start", "lxc-stop", "lxc-attach", "lxc-copy", "lxc-destroy", "lxc-wait",
                           "lxc-info", "lxc-create", "lxc-console", "lxc-snapshot", "lxc-top", "lxc-autostart"}) {
    INFO(tool);
    tools.logging(tool);
    tools.sh(tool_line(Words{tool, "-n", "web"}, ctx));
    CHECK(tools.received() == logged_sudo({tool, "-P", "/srv/lxc", "-n", "web"}));
    // A typed -P wins: LXC's tools refuse a second one.
    tools.sh(tool_line(Words{tool, "-n", "web", "-P", "/typed"}, ctx));
    CHECK(tools.received() == logged_sudo({tool, "-n", "web", "-P", "/typed"}));
  }
  // lxc-config and lxc-update-config have no -P; LXC 1's lxc-clone used -P for the new path;
  // a tool lxhost does not know is left as it is.
  for (const char* tool : {"lxc-config", "lxc-update-config", "lxc-clone", "lxc-start-ephemeral", "mytool"}) {
    INFO(tool);
    tools.logging(tool);
    tools.sh(tool_line(Words{tool, "-l"}, ctx));
    CHECK(tools.received() == logged_sudo({tool, "-l"}));
  }
}

TEST_CASE("tool_line: exec makes the tool the process the shell was", "[remote_line]") {
  StandIns tools;
  testing::write_tool(tools.dir(), "lxc-top", "echo $$\n");
  CHECK(tool_line(Words{"lxc-top"}, RemoteContext{false, ""}) == "exec lxc-top");
  CHECK(tool_line(Words{"lxc-top", "-d", "2"}, RemoteContext{true, "/var/lib/lxc"}) ==
        "exec sudo -n lxc-top -P /var/lib/lxc -d 2");
  for (const RemoteContext& ctx : {RemoteContext{false, ""}, RemoteContext{true, ""}}) {
    INFO("sudo " << ctx.sudo);
    const auto ran = tools.sh("echo $$; " + tool_line(Words{"lxc-top"}, ctx) + "; echo not reached");
    const auto newline = ran.out.find('\n');
    REQUIRE(newline != std::string::npos);
    CHECK(ran.out == ran.out.substr(0, newline + 1) + ran.out.substr(0, newline + 1));  // the same pid twice
  }
}

TEST_CASE("tool_line, run by sh: the tool gets every awkward word as it was typed", "[remote_line]") {
  StandIns tools;
  tools.logging("lxc-attach", "exit 42\n");
  const Words argv = concat({"lxc-attach", "-n", "web", "--", "printf", "%s\\n"}, awkward());
  const Words args(argv.begin() + 1, argv.end());
  CHECK(tools.sh(tool_line(argv, RemoteContext{false, ""})).status == 42);
  CHECK(tools.received() == logged(argv));
  CHECK(tools.sh(tool_line(argv, RemoteContext{true, ""})).status == 42);
  CHECK(tools.received() == logged_sudo(argv));
  CHECK(tools.sh(tool_line(argv, RemoteContext{false, "/var/lib/lxc"})).status == 42);
  CHECK(tools.received() == logged(concat({"lxc-attach", "-P", "/var/lib/lxc"}, args)));
  CHECK(tools.sh(tool_line(argv, RemoteContext{true, "/it's here"})).status == 42);
  CHECK(tools.received() == logged_sudo(concat({"lxc-attach", "-P", "/it's here"}, args)));
  // Each word alone, as the only argument: none is taken for an option of sh or lost.
  for (const std::string& word : awkward()) {
    INFO("word [" << word << "]");
    tools.sh(tool_line(Words{"lxc-attach", word}, RemoteContext{true, ""}));
    CHECK(tools.received() == logged_sudo({"lxc-attach", word}));
  }
}

TEST_CASE("require_line_fits: a line over kMaxRemoteLine is refused with its sizes", "[remote_line]") {
  const Words args{"-n", "web", std::string(100, 'a')};
  CHECK_NOTHROW(require_line_fits(std::string(kMaxRemoteLine, 'x'), "lxc-attach", args));
  CHECK_NOTHROW(require_line_fits("", "lxc-attach", Words{}));
  try {
    require_line_fits(std::string(kMaxRemoteLine + 1, 'x'), "lxc-info", args);
    FAIL("no error for a line one byte too long");
  } catch (const UsageError& e) {
    CHECK(e.code() == exit_code::usage);
    CHECK(std::string(e.what()) ==
          "the command line for lxc-info is too long for the host: 131072 bytes as its shell gets it (105 bytes of "
          "arguments, then quoting and the command around them), over the 131071 bytes a Linux host takes in one "
          "command string");
    CHECK(e.hint() == "pass large data on stdin instead (e.g. `lxhost attach -n NAME -- sh -s < script.sh`)");
  }
}

TEST_CASE("a line too long for the host's shell is refused before it is sent", "[remote_line]") {
  const RemoteContext ctx{true, "/var/lib/lxc"};
  // The line with an empty last argument, `''`; a word of plain letters is not quoted.
  const std::string prefix = tool_line(Words{"lxc-attach", "-n", "web", "--", "printf", ""}, ctx);
  const std::size_t room = kMaxRemoteLine - (prefix.size() - 2);
  Words argv{"lxc-attach", "-n", "web", "--", "printf", std::string(room, 'a')};
  CHECK(tool_line(argv, ctx).size() == kMaxRemoteLine);  // the longest line a Linux host runs
  argv.back() += 'a';
  try {
    tool_line(argv, ctx);
    FAIL("no error for a line one byte too long");
  } catch (const UsageError& e) {
    CHECK(e.code() == exit_code::usage);
    CHECK(std::string(e.what()) ==
          fmt::format("the command line for lxc-attach is too long for the host: {} bytes as its shell gets it ({} "
                      "bytes of arguments, then quoting and the command around them), over the 131071 bytes a Linux "
                      "host takes in one command string",
                      kMaxRemoteLine + 1, 2 + 3 + 2 + 6 + room + 1));
  }
  // Quoting counts: a quote becomes four bytes.
  CHECK_THROWS_AS(tool_line(Words{"lxc-attach", "--", std::string(40000, '\'')}, ctx), UsageError);
  EphemeralRun run{{"lxc-copy", "-n", "base", "-N", "e1", "-e"}, "e1", {"true", std::string(kMaxRemoteLine, 'x')}};
  CHECK_THROWS_WITH(ephemeral_script(run, "0123456789abcdef", ctx),
                    Catch::Matchers::StartsWith("the command line for start-ephemeral is too long"));
}

TEST_CASE("tag_attach: -v LXHOST_TOKEN=TOKEN right after lxc-attach, other argv unchanged", "[remote_line]") {
  const std::string token = "0123456789abcdef";
  CHECK(tag_attach(Words{"lxc-attach", "-n", "web", "--", "ls"}, token) ==
        Words{"lxc-attach", "-v", "LXHOST_TOKEN=0123456789abcdef", "-n", "web", "--", "ls"});
  CHECK(tag_attach(Words{"lxc-attach"}, token) == Words{"lxc-attach", "-v", "LXHOST_TOKEN=0123456789abcdef"});
  CHECK(tag_attach(Words{"lxc-info", "-n", "web"}, token) == Words{"lxc-info", "-n", "web"});
  CHECK(tag_attach(Words{"lxc-ls", "lxc-attach"}, token) == Words{"lxc-ls", "lxc-attach"});
  CHECK(tag_attach(Words{}, token).empty());

  StandIns tools;
  tools.logging("lxc-attach");
  const Words argv = concat({"lxc-attach", "-n", "web", "--"}, awkward());
  tools.sh(tool_line(tag_attach(argv, token), RemoteContext{true, "/var/lib/lxc"}));
  CHECK(tools.received() ==
        logged_sudo(concat({"lxc-attach", "-P", "/var/lib/lxc", "-v", "LXHOST_TOKEN=0123456789abcdef", "-n", "web", "--"},
                           awkward())));
}

TEST_CASE("attach_target: the container an lxc-attach argv names", "[remote_line]") {
  using Name = std::optional<std::string>;
  CHECK(attach_target(Words{"lxc-attach", "-n", "web"}) == Name("web"));
  CHECK(attach_target(Words{"lxc-attach", "--name=web"}) == Name("web"));
  CHECK(attach_target(Words{"lxc-attach", "-nweb"}) == Name("web"));
  CHECK(attach_target(Words{"lxc-attach", "--name", "web"}) == Name("web"));
  CHECK(attach_target(Words{"lxc-attach", "--name="}) == Name(""));
  CHECK(attach_target(Words{"lxc-attach", "-e", "-n", "my web", "--clear-env"}) == Name("my web"));
  // The last one wins, whichever way it is written.
  CHECK(attach_target(Words{"lxc-attach", "-n", "a", "--name=b", "-nc", "--name", "d"}) == Name("d"));
  CHECK(attach_target(Words{"lxc-attach", "--name", "d", "-n", "a"}) == Name("a"));
  // No name: none, a trailing -n without its value, or argv[0] alone.
  CHECK(attach_target(Words{"lxc-attach"}) == std::nullopt);
  CHECK(attach_target(Words{"lxc-attach", "-e", "--", "ls"}) == std::nullopt);
  CHECK(attach_target(Words{"lxc-attach", "-n"}) == std::nullopt);
  CHECK(attach_target(Words{"lxc-attach", "--name"}) == std::nullopt);
  CHECK(attach_target(Words{"-nweb"}) == std::nullopt);
  CHECK(attach_target(Words{}) == std::nullopt);
  // After `--` the words are the command's.
  CHECK(attach_target(Words{"lxc-attach", "--", "-n", "web"}) == std::nullopt);
  CHECK(attach_target(Words{"lxc-attach", "-n", "web", "--", "grep", "-n", "x", "--name=y", "-nz"}) == Name("web"));
  CHECK(attach_target(Words{"lxc-attach", "--", "--name=web"}) == std::nullopt);
}

TEST_CASE("signal_tagged_line: lxc-attach to the container runs sh with the token and the signal", "[remote_line]") {
  StandIns tools;
  tools.logging("lxc-attach");
  const std::string token = "0123456789abcdef";
  for (const RemoteContext& ctx : {RemoteContext{false, ""}, RemoteContext{true, "/var/lib/lxc"}}) {
    INFO("sudo " << ctx.sudo << ", lxcpath '" << ctx.lxcpath << "'");
    const std::string line = signal_tagged_line("my web", token, "INT", ctx);
    CHECK(line.starts_with("exec "));
    CHECK(tools.sh(line).status == 0);
    // The script (after -c) is checked by running it, below.
    const std::string got = tools.received();
    const std::string head = (ctx.sudo ? std::string("sudo -n\n") : "") + "lxc-attach " +
                             (ctx.lxcpath.empty() ? "9" : "11") + "\n" +
                             (ctx.lxcpath.empty() ? "" : "[-P]\n[" + ctx.lxcpath + "]\n") +
                             "[-n]\n[my web]\n[--]\n[/bin/sh]\n[-c]\n[";
    CHECK(got.starts_with(head));
    CHECK(got.ends_with("]\n[sh]\n[0123456789abcdef]\n[INT]\n"));
  }
}

TEST_CASE("signal_tagged_line, run by sh: only processes whose environment holds the token get the signal",
          "[remote_line]") {
  // lxc-attach's stand-in runs the command after `--` here, so the script scans this machine's
  // /proc: the token is one no other process has.
  StandIns tools;
  tools.logging("lxc-attach", "while [ \"$1\" != -- ]; do shift; done\nshift\nexec \"$@\"\n");
  const std::string token = fmt::format("unit-{}-{}", ::getpid(),
                                        std::chrono::steady_clock::now().time_since_epoch().count());
  const std::string line = signal_tagged_line("web", token, "TERM", RemoteContext{true, "/var/lib/lxc"});
  // (The scan's stderr is not kept: a process that ends meanwhile is one that cannot be read.)
  // Three sleeps: one tagged, one whose token only starts with ours, one with our token in another
  // variable. Each is waited for until it has exec'd (its environ is sleep's). Not INT: a
  // background job of a non-interactive sh ignores it.
  const std::string script = fmt::format(
      "T='{0}'\n"
      "LXHOST_TOKEN=$T sleep 30 >/dev/null 2>&1 & a=$!\n"
      "LXHOST_TOKEN=${{T}}x sleep 30 >/dev/null 2>&1 & b=$!\n"
      "OTHER=LXHOST_TOKEN=$T sleep 30 >/dev/null 2>&1 & c=$!\n"
      "for p in $a $b $c; do n=0\n"
      "  until tr '\\000' '\\n' <\"/proc/$p/environ\" | grep -qE '^(LXHOST_TOKEN|OTHER)='; do\n"
      "    n=$((n + 1)); [ $n -lt 500 ] || exit 9; sleep 0.01\n"
      "  done\n"
      "done\n"
      "( {1} ) 2>/dev/null; echo \"line $?\"\n"
      "{{ wait $a; }} 2>/dev/null; echo \"tagged $?\"\n"
      "kill -0 $b && echo 'prefix alive'\n"
      "kill -0 $c && echo 'other alive'\n"
      "kill $b $c; {{ wait $b $c; }} 2>/dev/null\n",
      token, line);
  const auto ran = tools.sh(script);
  CHECK(ran.status == 143);  // `wait $b $c`: the two killed at the end
  CHECK(ran.out == "line 0\ntagged 143\nprefix alive\nother alive\n");
}

namespace {

// Stand-ins for start-ephemeral's tools that log their argv: lxc-copy (fails with $FAIL_COPY),
// lxc-attach (writes its pid, sets what -v sets, then becomes the command after `--`), lxc-stop
// (kills that pid if it still holds the token: the container's end ends the attach).
void ephemeral_tools(const StandIns& tools) {
  tools.logging("lxc-copy", "[ -z \"$FAIL_COPY\" ] || exit \"$FAIL_COPY\"\n");
  tools.logging("lxc-attach",
                "echo $$ >\"$DIR/attached\"\n"
                "while [ \"$1\" != -- ]; do [ \"$1\" != -v ] || export \"$2\"; shift; done\n"
                "shift\nexec \"$@\"\n");
  tools.logging("lxc-stop",
                "p=$(cat \"$DIR/attached\" 2>/dev/null)\n"
                "if [ -n \"$p\" ] && tr '\\000' '\\n' <\"/proc/$p/environ\" 2>/dev/null | grep -q '^LXHOST_TOKEN='; then\n"
                "  kill \"$p\"\n"
                "fi\n"
                "exit 0\n");
  tools.logging("show-args");
}

// The log at PATH once it has COUNT entries that begin with ENTRY (waited for up to 10 s).
std::string logged_after(const std::string& path, const std::string& entry, size_t count) {
  std::string got;
  for (int i = 0; i < 200; ++i) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    got = text.str();
    size_t seen = 0;
    for (size_t at = got.find(entry); at != std::string::npos; at = got.find(entry, at + 1)) ++seen;
    if (seen >= count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return got;
}

}  // namespace

TEST_CASE("ephemeral_script, run by sh: copy, attach CMD with its words and the token, stop", "[remote_line]") {
  StandIns tools;
  ephemeral_tools(tools);
  const std::string token = "0123456789abcdef";
  const EphemeralRun run{{"lxc-copy", "-n", "base", "-N", "e 1", "-e"}, "e 1", concat({"show-args"}, awkward())};
  struct Case {
    RemoteContext ctx;
    Words copy, attach, stop;
  };
  const std::vector<Case> cases = {
      {{false, ""},
       {"lxc-copy", "-n", "base", "-N", "e 1", "-e", "-o", "/dev/null"},
       {"lxc-attach", "-n", "e 1", "-v", "LXHOST_TOKEN=" + token, "--", "show-args"},
       {"lxc-stop", "-n", "e 1", "-k"}},
      {{true, "/srv/it's lxc"},
       {"lxc-copy", "-P", "/srv/it's lxc", "-n", "base", "-N", "e 1", "-e", "-o", "/dev/null"},
       {"lxc-attach", "-P", "/srv/it's lxc", "-n", "e 1", "-v", "LXHOST_TOKEN=" + token, "--", "show-args"},
       {"lxc-stop", "-P", "/srv/it's lxc", "-n", "e 1", "-k"}},
  };
  for (const Case& c : cases) {
    INFO("sudo " << c.ctx.sudo << ", lxcpath '" << c.ctx.lxcpath << "'");
    const std::string script = ephemeral_script(run, token, c.ctx);
    const auto ran = tools.sh(script);
    CHECK(ran.status == 0);
    CHECK(ran.out.empty());
    const auto by = [&](const Words& argv) { return c.ctx.sudo ? logged_sudo(argv) : logged(argv); };
    CHECK(tools.received() == by(c.copy) + by(concat(c.attach, awkward())) + logged(concat({"show-args"}, awkward())) +
                                  by(c.stop));
    std::filesystem::remove(tools.path("attached"));
  }

  // A failed copy: its exit code, no attach, no stop.
  auto env = tools.env();
  env.emplace_back("FAIL_COPY=5");
  const auto failed = testing::run_captured({"/bin/sh", "-c", ephemeral_script(run, token, RemoteContext{false, ""})}, env);
  CHECK(failed.status == 5);
  CHECK(tools.received() == logged({"lxc-copy", "-n", "base", "-N", "e 1", "-e", "-o", "/dev/null"}));
}

TEST_CASE("ephemeral_script, run by sh: CMD gets the script's stdin, and its exit code is the script's",
          "[remote_line]") {
  StandIns tools;
  ephemeral_tools(tools);
  std::ofstream(tools.path("stdin")) << "hello\nworld\n";
  const EphemeralRun run{{"lxc-copy", "-n", "base", "-N", "e1", "-e"}, "e1", {"sh", "-c", "tr a-z A-Z; exit 4"}};
  const std::string script = ephemeral_script(run, "0123456789abcdef", RemoteContext{true, ""});
  const auto ran = tools.sh("{\n" + script + "\n} <\"$DIR/stdin\"");
  CHECK(ran.status == 4);
  CHECK(ran.out == "HELLO\nWORLD\n");
  CHECK(tools.received().ends_with(logged_sudo({"lxc-stop", "-n", "e1", "-k"})));
}

TEST_CASE("ephemeral_script, run by sh: INT, TERM or HUP stops the copy, and so does its parent's end",
          "[remote_line]") {
  StandIns tools;
  ephemeral_tools(tools);
  const Words copy{"lxc-copy", "-n", "base", "-N", "e1", "-e", "-o", "/dev/null"};
  const Words stop{"lxc-stop", "-n", "e1", "-k"};
  const auto attach = [](const Words& command) {
    return concat({"lxc-attach", "-n", "e1", "-v", "LXHOST_TOKEN=0123456789abcdef", "--"}, command);
  };
  // Each case has a directory of its own ($DIR for the stand-ins: its log, the attached pid).
  const auto write_script = [&](const std::string& name, const Words& command) {
    std::filesystem::create_directory(tools.dir() / name);
    const EphemeralRun run{{"lxc-copy", "-n", "base", "-N", "e1", "-e"}, "e1", command};
    std::ofstream(tools.path(name + "/script")) << ephemeral_script(run, "0123456789abcdef", RemoteContext{false, ""});
  };
  // `gone`: the session goes away while CMD runs (the script's parent, the sh below, ends): the
  // watchdog stops the copy, which ends CMD; the script then stops it again and ends.
  const Words sleeping{"sleep", "30"};
  write_script("gone", sleeping);
  // INT, TERM, HUP: CMD signals the script (its parent) and waits to be stopped. The watchdog left
  // behind stops the copy once more when the sh below ends. All watchdogs poll once a second: the
  // cases run in one sh, so that they wait for that second together.
  const auto signalling = [](const std::string& signal) {
    return Words{"sh", "-c", "kill -s " + signal + " $PPID; exec sleep 30"};
  };
  for (const char* signal : {"INT", "TERM", "HUP"}) write_script(signal, signalling(signal));
  const auto ran = tools.sh(
      "D=$DIR\n"
      "DIR=$D/gone LOG=$D/gone/log /bin/sh \"$D/gone/script\" >/dev/null 2>&1 &\n"
      "n=0; until [ -s \"$D/gone/attached\" ]; do n=$((n + 1)); [ $n -lt 500 ] || exit 9; sleep 0.01; done\n"
      "for s in INT TERM HUP; do DIR=$D/$s LOG=$D/$s/log /bin/sh \"$D/$s/script\"; echo \"$s $?\"; done\n");
  CHECK(ran.out == "INT 130\nTERM 143\nHUP 129\n");
  for (const char* signal : {"INT", "TERM", "HUP"}) {
    INFO(signal);
    CHECK(logged_after(tools.path(std::string(signal) + "/log"), "lxc-stop ", 2) ==
          logged(copy) + logged(attach(signalling(signal))) + logged(stop) + logged(stop));
  }
  CHECK(logged_after(tools.path("gone/log"), "lxc-stop ", 2) == logged(copy) + logged(attach(sleeping)) + logged(stop) + logged(stop));
}

namespace {

// A stand-in for LXD's client: logs its argv and the LXD_SOCKET it was given, then by its verb:
// copy fails with $FAIL_COPY, start prints progress and fails with $FAIL_START; exec writes its pid, sets what --env sets and
// becomes the command after `--`; delete kills that pid if it still holds the token (the
// instance's end ends the exec).
void lxd_tools(const StandIns& tools) {
  tools.logging("lxc",
                "echo \"socket=$LXD_SOCKET\" >>\"$LOG\"\n"
                "case $1 in\n"
                "copy) [ -z \"$FAIL_COPY\" ] || exit \"$FAIL_COPY\" ;;\n"
                "start) echo 'Remapping container filesystem'; [ -z \"$FAIL_START\" ] || exit \"$FAIL_START\" ;;\n"
                "exec) echo $$ >\"$DIR/attached\"\n"
                "  while [ \"$1\" != -- ]; do [ \"$1\" != --env ] || export \"$2\"; shift; done\n"
                "  shift; exec \"$@\" ;;\n"
                "delete) p=$(cat \"$DIR/attached\" 2>/dev/null)\n"
                "  if [ -n \"$p\" ] && tr '\\000' '\\n' <\"/proc/$p/environ\" 2>/dev/null | grep -q '^LXHOST_TOKEN='; then\n"
                "    kill \"$p\"\n"
                "  fi ;;\n"
                "esac\n"
                "exit 0\n");
  tools.logging("show-args", "echo \"token=$LXHOST_TOKEN\"\n");
}

// What the lxc stand-in logs for `lxc VERB --project PROJECT REST...` given SOCKET.
std::string logged_lxc(const std::string& verb, const std::string& project, const Words& rest,
                       const std::string& socket = "/var/lib/lxd/unix.socket") {
  return logged(concat({"lxc", verb, "--project", project}, rest)) + "socket=" + socket + "\n";
}

LxdEphemeralRun lxd_run(Words command) {
  return {"/var/lib/lxd/unix.socket", "default", "base", "e 1", "", "0123456789abcdef", std::move(command)};
}

}  // namespace

TEST_CASE("lxd_ephemeral_script, run by sh: lxc copy, start, exec CMD with its words and the token, delete",
          "[remote_line]") {
  StandIns tools;
  lxd_tools(tools);
  LxdEphemeralRun run = lxd_run(concat({"show-args"}, awkward()));
  run.project = "it's mine";
  run.target = "m 2";
  const std::string copied = "lxhost: copied 0123456789abcdef";
  const auto ran = tools.sh("{\n" + lxd_ephemeral_script(run, copied) + "\n} 2>&1");
  CHECK(ran.status == 0);
  CHECK(ran.out == copied + "\ntoken=0123456789abcdef\n");
  CHECK(tools.received() ==
        logged_lxc("copy", "it's mine", {"base", "e 1", "--ephemeral", "--instance-only", "--target", "m 2"}) +
            logged_lxc("start", "it's mine", {"e 1"}) +
            logged_lxc("exec", "it's mine", concat({"e 1", "--env", "LXHOST_TOKEN=0123456789abcdef", "--", "show-args"}, awkward())) +
            logged(concat({"show-args"}, awkward())) + logged_lxc("delete", "it's mine", {"e 1", "--force"}));

  // No socket: lxc's own default (its LXD_SOCKET unset); no target: LXD places the copy.
  run = lxd_run({"true"});
  run.socket.clear();
  CHECK(tools.sh(lxd_ephemeral_script(run)).status == 0);
  CHECK(tools.received() == logged_lxc("copy", "default", {"base", "e 1", "--ephemeral", "--instance-only"}, "") +
                                logged_lxc("start", "default", {"e 1"}, "") +
                                logged_lxc("exec", "default", {"e 1", "--env", "LXHOST_TOKEN=0123456789abcdef", "--", "true"}, "") +
                                logged_lxc("delete", "default", {"e 1", "--force"}, ""));
}

TEST_CASE("lxd_ephemeral_script, run by sh: a failed copy or start is its exit code, and a copy that did not start is deleted",
          "[remote_line]") {
  StandIns tools;
  lxd_tools(tools);
  const std::string script = lxd_ephemeral_script(lxd_run({"true"}), "lxhost: copied 0123456789abcdef");
  auto env = tools.env();
  env.emplace_back("FAIL_COPY=5");
  const auto no_copy = testing::run_captured({"/bin/sh", "-c", "{\n" + script + "\n} 2>&1"}, env);
  CHECK(no_copy.status == 5);
  CHECK(no_copy.out.empty());  // no mark: what came on stderr is the copy's
  CHECK(tools.received() == logged_lxc("copy", "default", {"base", "e 1", "--ephemeral", "--instance-only"}));
  env.back() = "FAIL_START=3";
  const auto no_start = testing::run_captured({"/bin/sh", "-c", "{\n" + script + "\n} 2>&1"}, env);
  CHECK(no_start.status == 3);
  CHECK(no_start.out.empty());
  CHECK(tools.received() == logged_lxc("copy", "default", {"base", "e 1", "--ephemeral", "--instance-only"}) +
                                logged_lxc("start", "default", {"e 1"}) + logged_lxc("delete", "default", {"e 1", "--force"}));
}

TEST_CASE("lxd_ephemeral_script, run by sh: CMD gets stdin and gives its exit code, INT or the session's end deletes the copy",
          "[remote_line]") {
  StandIns tools;
  lxd_tools(tools);
  std::ofstream(tools.path("stdin")) << "hello\nworld\n";
  const auto ran = tools.sh("{\n" + lxd_ephemeral_script(lxd_run({"sh", "-c", "tr a-z A-Z; exit 4"})) + "\n} <\"$DIR/stdin\"");
  CHECK(ran.status == 4);
  CHECK(ran.out == "HELLO\nWORLD\n");
  CHECK(tools.received().ends_with(logged_lxc("delete", "default", {"e 1", "--force"})));

  const Words sleeping{"sleep", "30"};
  const Words interrupting{"sh", "-c", "kill -s INT $PPID; exec sleep 30"};
  for (const auto& [name, command] : {std::pair{"gone", sleeping}, std::pair{"INT", interrupting}}) {
    std::filesystem::create_directory(tools.dir() / name);
    std::ofstream(tools.path(std::string(name) + "/script")) << lxd_ephemeral_script(lxd_run(command));
  }
  const auto signalled = tools.sh(
      "D=$DIR\n"
      "DIR=$D/gone LOG=$D/gone/log /bin/sh \"$D/gone/script\" >/dev/null 2>&1 &\n"
      "n=0; until [ -s \"$D/gone/attached\" ]; do n=$((n + 1)); [ $n -lt 500 ] || exit 9; sleep 0.01; done\n"
      "DIR=$D/INT LOG=$D/INT/log /bin/sh \"$D/INT/script\"; echo \"INT $?\"\n");
  CHECK(signalled.out == "INT 130\n");
  const auto ran_with = [](const Words& command) {
    return logged_lxc("copy", "default", {"base", "e 1", "--ephemeral", "--instance-only"}) +
           logged_lxc("start", "default", {"e 1"}) +
           logged_lxc("exec", "default", concat({"e 1", "--env", "LXHOST_TOKEN=0123456789abcdef", "--"}, command));
  };
  const std::string deleted = logged_lxc("delete", "default", {"e 1", "--force"});
  // Each deleted twice: by the trap or the watchdog, then by the script's end or the watchdog left.
  CHECK(logged_after(tools.path("INT/log"), deleted, 2) == ran_with(interrupting) + deleted + deleted);
  CHECK(logged_after(tools.path("gone/log"), deleted, 2) == ran_with(sleeping) + deleted + deleted);
}

namespace {

// Stand-ins for the watch: lxc-monitor writes its pid, prints a state change and stays (a sleep
// that is still lxc-monitor's pid); lxc-config prints the lxcpath, $DIR/lxc. inotifywait fails at
// once (the host has none: the watch reads the directory's time), unless `inotify`: then it
// writes its pid and prints `lxcpath` each time $DIR/fire appears (an entry made or removed).
void watch_tools(const StandIns& tools, bool inotify = false) {
  tools.logging("lxc-monitor", "echo $$ >\"$DIR/monitor\"\necho \"'c1' changed state to [RUNNING]\"\nexec sleep 30\n");
  tools.logging("lxc-config", "echo \"$DIR/lxc\"\n");
  tools.logging("inotifywait", inotify ? "echo $$ >\"$DIR/inotify\"\n"
                                         "while sleep 0.02; do [ ! -e \"$DIR/fire\" ] || { rm \"$DIR/fire\"; echo lxcpath; }; done\n"
                                       : "exit 1\n");
}

// sh lines: $DIR/watch run by a sh that ends once the monitor has written its pid to
// $DIR/monitor; then `ended` once the watch and the monitor are both gone, or, not within
// `seconds`, a line saying so and exit 7.
std::string orphaned_watch(int seconds) {
  return fmt::format(
      "/bin/sh -c '/bin/sh \"$DIR/watch\" >/dev/null & echo $! >\"$DIR/pid\"\n"
      "  n=0; until [ -s \"$DIR/monitor\" ]; do n=$((n + 1)); [ $n -lt 500 ] || exit 9; sleep 0.01; done' || exit $?\n"
      "n=0; while kill -0 \"$(cat \"$DIR/pid\")\" 2>/dev/null || kill -0 \"$(cat \"$DIR/monitor\")\" 2>/dev/null; do\n"
      "  n=$((n + 1)); [ $n -lt {} ] || {{ echo 'still running after {} s'; exit 7; }}; sleep 0.01\n"
      "done\n"
      "echo ended\n",
      seconds * 100, seconds);
}

// sh lines: $DIR/watch with a stdout that is a pipe already full (64 KiB) that nobody reads, so
// that its first line blocks; `monitor held up` unless $DIR/told (the monitor's news all written)
// appears within 10 s. Ending the pipe's reader ends the watch (`watch 0`), which ends the monitor
// ($DIR/monitor: its pid) within 3 s, or `monitor alive`.
std::string unread_watch() {
  return "mkfifo \"$DIR/pipe\"\n"
         "sleep 30 <\"$DIR/pipe\" & reader=$!\n"
         "{ head -c 65536 /dev/zero; exec /bin/sh \"$DIR/watch\"; } >\"$DIR/pipe\" & w=$!\n"
         "n=0; until [ -e \"$DIR/told\" ]; do n=$((n + 1)); [ $n -lt 1000 ] || { echo 'monitor held up'; break; }; sleep 0.01; done\n"
         "kill $reader; wait $w; echo \"watch $?\"\n"
         "n=0; while kill -0 \"$(cat \"$DIR/monitor\")\" 2>/dev/null; do n=$((n + 1)); [ $n -lt 300 ] || { echo 'monitor alive'; break; }; sleep 0.01; done\n";
}

// The stand-ins, and $DIR/watch: the watch of $DIR/lxc, run without sudo.
void watch_script(const StandIns& tools, bool inotify = false) {
  watch_tools(tools, inotify);
  std::filesystem::create_directory(tools.path("lxc"));
  std::ofstream(tools.path("watch")) << watch_line(RemoteContext{false, tools.path("lxc")});
}

}  // namespace

TEST_CASE("watch_line, run by sh: a line for lxc-monitor's news, a line per lxcpath change, TERM ends both", "[remote_line]") {
  for (const bool inotify : {false, true}) {
    StandIns tools;
    watch_tools(tools, inotify);
    struct Case {
      RemoteContext ctx;
      std::string lxcpath;  // the directory the line watches
      Words monitor;        // lxc-monitor's argv
    };
    const std::string dir = tools.dir().string();
    const std::vector<Case> cases = {
        {{true, dir + "/it's lxc"}, dir + "/it's lxc", {"lxc-monitor", "-P", dir + "/it's lxc", "-n", ".*"}},
        {{false, ""}, dir + "/lxc", {"lxc-monitor", "-n", ".*"}},
    };
    for (const Case& c : cases) {
      INFO("inotifywait " << inotify << ", sudo " << c.ctx.sudo << ", lxcpath '" << c.ctx.lxcpath << "'");
      std::filesystem::create_directory(c.lxcpath);
      std::ofstream(tools.path("watch")) << watch_line(c.ctx);
      // Waits for the monitor's news (`changed`) and the first `lxcpath`, makes a container's
      // directory (and, with inotifywait, has it tell: `changed` again; without, the directory's
      // time tells: `lxcpath`), waits for that third line, then TERM.
      const auto ran = tools.sh(
          "W=" + quote_word(c.lxcpath) +
          "\n"
          "/bin/sh \"$DIR/watch\" >\"$DIR/out\" &\n"
          "w=$!\n"
          "lines() { grep -c \"^$1$\" \"$DIR/out\"; }\n"
          "n=0; until [ \"$(lines lxcpath)\" = 1 ] && [ \"$(lines changed)\" = 1 ]; do n=$((n + 1)); [ $n -lt 500 ] || exit 9; sleep 0.01; done\n"
          "mkdir \"$W/c2\"\n" +
          (inotify ? "n=0; until [ -s \"$DIR/inotify\" ]; do n=$((n + 1)); [ $n -lt 500 ] || exit 7; sleep 0.01; done\n"
                     "touch \"$DIR/fire\"\n"
                   : "") +
          "n=0; until [ \"$(wc -l <\"$DIR/out\")\" = 3 ]; do n=$((n + 1)); [ $n -lt 500 ] || exit 8; sleep 0.01; done\n"
          "sleep 0.6\n"  // nothing more comes (with inotifywait, the directory's time is not read)
          "kill -TERM $w; wait $w; echo \"watch $?\"\n"
          "for f in monitor inotify; do\n"
          "  [ -e \"$DIR/$f\" ] || continue\n"
          "  n=0; while kill -0 \"$(cat \"$DIR/$f\")\" 2>/dev/null; do n=$((n + 1)); [ $n -lt 200 ] || { echo \"$f alive\"; break; }; sleep 0.01; done\n"
          "done\n"
          "LC_ALL=C sort \"$DIR/out\"\n"
          "rmdir \"$W/c2\"\n");
      CHECK(ran.status == 0);
      CHECK(ran.out == (inotify ? "watch 0\nchanged\nchanged\nlxcpath\n" : "watch 0\nchanged\nlxcpath\nlxcpath\n"));  // sorted
      const std::string config = c.ctx.lxcpath.empty() ? logged({"lxc-config", "lxc.lxcpath"}) : "";
      const std::string log = tools.received();  // the tools' entries interleave: each looked for alone
      CHECK(log.find(logged(c.monitor)) != std::string::npos);
      CHECK((log.find("sudo -n\n") != std::string::npos) == c.ctx.sudo);
      CHECK(log.find(config) != std::string::npos);
      CHECK(log.find(logged({"inotifywait", "-m", "-q", "-e", "create,delete,moved_to,moved_from", "--format", "lxcpath",
                             c.lxcpath})) != std::string::npos);
      std::filesystem::remove(tools.path("inotify"));
    }
  }
}

TEST_CASE("watch_line, run by sh: a container's config written after its directory tells again", "[remote_line]") {
  // lxc-ls lists no directory without a config, and LXC writes the config after making the
  // directory: a listing made at the directory's news may miss the container. The file's arrival
  // changes the directory's time, which the watch reads for a while after each lxcpath change.
  for (const bool inotify : {false, true}) {
    INFO("inotifywait " << inotify);
    StandIns tools;
    watch_script(tools, inotify);
    // After the monitor's `changed` and the first `lxcpath`: a directory (its line: `changed` with
    // inotifywait, `lxcpath` without), then 0.7 s later its config: one more `changed` within 1 s.
    // Nothing more in the next 0.6 s.
    const auto ran = tools.sh(
        "/bin/sh \"$DIR/watch\" >\"$DIR/out\" &\n"
        "w=$!\n"
        "lines() { wc -l <\"$DIR/out\" | tr -d ' '; }\n"
        "n=0; until [ \"$(lines)\" = 2 ]; do n=$((n + 1)); [ $n -lt 500 ] || exit 9; sleep 0.01; done\n"
        "mkdir \"$DIR/lxc/c2\"\n" +
        std::string(inotify ? "n=0; until [ -s \"$DIR/inotify\" ]; do n=$((n + 1)); [ $n -lt 500 ] || exit 7; sleep 0.01; done\n"
                              "touch \"$DIR/fire\"\n"
                            : "") +
        "n=0; until [ \"$(lines)\" = 3 ]; do n=$((n + 1)); [ $n -lt 500 ] || exit 8; sleep 0.01; done\n"
        "sleep 0.7\n"
        ": >\"$DIR/lxc/c2/config\"\n"
        "n=0; until [ \"$(lines)\" = 4 ]; do n=$((n + 1)); [ $n -lt 100 ] || { echo 'config not told within 1 s'; break; }; sleep 0.01; done\n"
        "sleep 0.6\n"
        "kill -TERM $w; wait $w; echo \"watch $?\"\n"
        "tail -n +3 \"$DIR/out\"\n");
    CHECK(ran.status == 0);
    CHECK(ran.out == (inotify ? "watch 0\nchanged\nchanged\n" : "watch 0\nlxcpath\nchanged\n"));
  }
}

TEST_CASE("watch_line, run by sh: it ends, and takes lxc-monitor with it, when its parent (the session) is gone",
          "[remote_line]") {
  StandIns tools;
  watch_script(tools);
  // The watch's parent sh ends once lxc-monitor runs; the watch notices within a second, and ends
  // lxc-monitor over 1.5 s.
  const auto ran = tools.sh(orphaned_watch(5));
  CHECK(ran.status == 0);
  CHECK(ran.out == "ended\n");
}

TEST_CASE("watch_line, run by sh: lxc-monitor is not held up when nobody reads the channel", "[remote_line]") {
  // A channel nobody reads (a laptop asleep, a link cut): were lxc-monitor held up by it, the
  // host's lxc-monitord would be too, and every other client of the lxcpath with it.
  StandIns tools;
  watch_script(tools);
  tools.logging("lxc-monitor",
                "echo $$ >\"$DIR/monitor\"\n"
                "i=0; while [ $i -lt 5000 ]; do echo \"'c$i' changed state to [RUNNING]\"; i=$((i + 1)); done\n"
                ": >\"$DIR/told\"\n"
                "exec sleep 30\n");
  // lxc-monitor's 5000 lines (180 KB) get out all the same.
  const auto ran = tools.sh(unread_watch());
  CHECK(ran.status == 0);
  CHECK(ran.out == "watch 0\n");
}

TEST_CASE("watch_line, run by sh: unprivileged on an lxcpath that is not the user's, it runs no lxc-monitor",
          "[remote_line]") {
  // root's lxc-monitord would end at that lxc-monitor's connection (LXC takes another user's
  // connection for an error), dropping root's lxc-monitor clients; and it would hear nothing.
  StandIns tools;
  watch_tools(tools);
  tools.logging("id", "echo 1000\n");  // not root, whoever runs the test
  std::string lxcpath = "/";            // root's, when the test does not run as root
  if (::geteuid() == 0) {
    lxcpath = tools.path("someone's");
    std::filesystem::create_directory(lxcpath);
    REQUIRE(::chown(lxcpath.c_str(), 65534, 65534) == 0);
  }
  std::ofstream(tools.path("watch")) << watch_line(RemoteContext{false, lxcpath});
  const auto ran = tools.sh(
      "/bin/sh \"$DIR/watch\" >\"$DIR/out\" &\n"
      "w=$!\n"
      "n=0; until grep -q '^lxcpath$' \"$DIR/out\"; do n=$((n + 1)); [ $n -lt 500 ] || exit 9; sleep 0.01; done\n"
      "sleep 0.5\n"
      "kill -0 $w && echo 'watch running'\n"
      "kill -TERM $w; wait $w; echo \"watch $?\"\n"
      "cat \"$DIR/out\"\n"
      "[ -e \"$DIR/monitor\" ] && echo 'lxc-monitor ran'\n"
      "true\n");
  CHECK(ran.status == 0);
  CHECK(ran.out == "watch running\nwatch 0\nlxcpath\n");
  CHECK(tools.received().find("lxc-monitor") == std::string::npos);
}

namespace {

// A stand-in for LXD's client: `lxc monitor` writes its pid and the socket it was pointed at,
// prints an event as `lxc monitor --format=json` does (a JSON line, then a blank one) once $DIR/fire
// appears (and removes it), and stays; $DIR/quit makes it exit.
void lxd_watch_tools(const StandIns& tools) {
  tools.logging("lxc",
                "echo $$ >\"$DIR/monitor\"\n"
                "printf '%s\\n' \"$LXD_SOCKET\" >\"$DIR/socket\"\n"
                "while sleep 0.02; do\n"
                "  [ ! -e \"$DIR/quit\" ] || exit 1\n"
                "  [ ! -e \"$DIR/fire\" ] || { rm \"$DIR/fire\"; printf '{\"type\":\"lifecycle\"}\\n\\n'; }\n"
                "done\n");
}

}  // namespace

TEST_CASE("lxd_watch_line, run by sh: `lxd SOCKET` once LXD's monitor runs, a line per event, TERM ends both",
          "[remote_line]") {
  StandIns tools;
  lxd_watch_tools(tools);
  const std::string socket = tools.path("it's lxd.socket");
  std::ofstream(tools.path("watch")) << lxd_watch_line(socket, "my project");
  // The first line; an event, then another: `changed` each (the blank lines between tell nothing);
  // nothing more in the next 0.5 s; TERM ends the watch and the monitor.
  const auto ran = tools.sh(
      "/bin/sh \"$DIR/watch\" >\"$DIR/out\" &\n"
      "w=$!\n"
      "lines() { wc -l <\"$DIR/out\" | tr -d ' '; }\n"
      "n=0; until [ \"$(lines)\" = 1 ]; do n=$((n + 1)); [ $n -lt 500 ] || exit 9; sleep 0.01; done\n"
      "n=0; until [ -s \"$DIR/monitor\" ]; do n=$((n + 1)); [ $n -lt 500 ] || exit 8; sleep 0.01; done\n"
      "for i in 2 3; do\n"
      "  : >\"$DIR/fire\"\n"
      "  n=0; until [ \"$(lines)\" = $i ]; do n=$((n + 1)); [ $n -lt 100 ] || { echo \"event $i not told within 1 s\"; break; }; sleep 0.01; done\n"
      "done\n"
      "sleep 0.5\n"
      "kill -TERM $w; wait $w; echo \"watch $?\"\n"
      "n=0; while kill -0 \"$(cat \"$DIR/monitor\")\" 2>/dev/null; do n=$((n + 1)); [ $n -lt 200 ] || { echo 'monitor alive'; break; }; sleep 0.01; done\n"
      "cat \"$DIR/out\" \"$DIR/socket\"\n");
  CHECK(ran.status == 0);
  CHECK(ran.out == "watch 0\nlxd " + socket + "\nchanged\nchanged\n" + socket + "\n");
  CHECK(tools.received() ==
        logged({"lxc", "monitor", "--type=lifecycle", "--format=json", "--project", "my project"}));
}

TEST_CASE("lxd_watch_line, run by sh: it ends when LXD's monitor ends, or when its parent (the session) is gone",
          "[remote_line]") {
  StandIns tools;
  lxd_watch_tools(tools);
  std::ofstream(tools.path("watch")) << lxd_watch_line("/run/lxd.socket", "default");
  // The monitor exits (LXD went away): the watch ends within a second, exit 0 (the master starts
  // it again after a pause).
  const auto quit = tools.sh(
      "/bin/sh \"$DIR/watch\" >/dev/null &\n"
      "w=$!\n"
      "n=0; until [ -s \"$DIR/monitor\" ]; do n=$((n + 1)); [ $n -lt 500 ] || exit 9; sleep 0.01; done\n"
      ": >\"$DIR/quit\"\n"
      "n=0; while kill -0 $w 2>/dev/null; do n=$((n + 1)); [ $n -lt 200 ] || { echo 'watch running after 2 s'; exit 7; }; sleep 0.01; done\n"
      "wait $w; echo \"watch $?\"\n"
      "rm \"$DIR/quit\" \"$DIR/monitor\"\n");
  CHECK(quit.status == 0);
  CHECK(quit.out == "watch 0\n");
  // The watch's parent sh ends once the monitor runs: the watch notices within a second and ends
  // the monitor.
  const auto orphaned = tools.sh(orphaned_watch(3));
  CHECK(orphaned.status == 0);
  CHECK(orphaned.out == "ended\n");
}

TEST_CASE("lxd_watch_line, run by sh: LXD's monitor is not held up when nobody reads the channel", "[remote_line]") {
  // A monitor held up would be a websocket LXD cannot write to.
  StandIns tools;
  tools.logging("lxc",
                "echo $$ >\"$DIR/monitor\"\n"
                "i=0; while [ $i -lt 5000 ]; do printf '{\"type\":\"lifecycle\",\"n\":%d}\\n\\n' $i; i=$((i + 1)); done\n"
                ": >\"$DIR/told\"\n"
                "exec sleep 30\n");
  std::ofstream(tools.path("watch")) << lxd_watch_line("/run/lxd.socket", "default");
  // The monitor's 5000 events get out all the same.
  const auto ran = tools.sh(unread_watch());
  CHECK(ran.status == 0);
  CHECK(ran.out == "watch 0\n");
}

TEST_CASE("lxd_watch_line: without lxd_socket, the first of LXD's usual sockets", "[remote_line]") {
  const std::string line = lxd_watch_line("", "default");
  CHECK(line.starts_with(lxd_socket_search()));
  CHECK(line.find("[ -z '' ] || s=''\n") != std::string::npos);
  CHECK(lxd_socket_search().find("/var/snap/lxd/common/lxd/unix.socket /var/lib/lxd/unix.socket /var/lib/incus/unix.socket") !=
        std::string::npos);
}
