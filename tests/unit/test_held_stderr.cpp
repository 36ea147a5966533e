// A translated copy's stderr: held for its failure's one line; after start-ephemeral's mark, CMD's
// passes as it comes. And the start-ephemeral script itself, run by a real sh with stand-in tools.
#include "catch.hpp"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/held_stderr.hpp"
#include "core/remote_line.hpp"
#include "run_captured.hpp"

using namespace lxhost;

TEST_CASE("without a mark all of stderr is held and stdout passes", "[held_stderr]") {
  StringSink local;
  HeldStderr held(local);
  CHECK(held.out("listing\n"));
  CHECK(held.err("lxc-copy: one\n"));
  CHECK(held.err("lxc-copy: two\n"));
  CHECK(local.out_ == "listing\n");
  CHECK(local.err_.empty());
  CHECK(held.held() == "lxc-copy: one\nlxc-copy: two\n");
  CHECK_FALSE(held.marked());
}

TEST_CASE("the mark ends the held part wherever the writes split it", "[held_stderr]") {
  const std::string mark = "lxhost: copied 0123456789abcdef";
  const std::string before = "lxc-copy: a warning\n";
  const std::string after = "cmd: an error\n";
  const std::string stream = before + mark + "\n" + after;
  for (size_t cut1 = 0; cut1 <= stream.size(); ++cut1) {
    for (size_t cut2 = cut1; cut2 <= stream.size(); cut2 += 7) {
      StringSink local;
      HeldStderr held(local, mark);
      held.err(stream.substr(0, cut1));
      held.err(stream.substr(cut1, cut2 - cut1));
      held.err(stream.substr(cut2));
      INFO("cuts at " << cut1 << " and " << cut2);
      CHECK(held.marked());
      CHECK(local.err_ == before + after);
      CHECK(held.held().empty());
    }
  }
  // Before the mark has come whole, nothing goes on.
  StringSink local;
  HeldStderr held(local, mark);
  held.err(before + mark);
  CHECK_FALSE(held.marked());
  CHECK(local.err_.empty());
  CHECK(held.held() == before + mark);
}

TEST_CASE("the start-ephemeral script, run by sh: the copy's words, the mark, CMD, its exit code, the stop",
          "[remote_line]") {
  char dir_template[] = "/tmp/lxhost-unit-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::filesystem::path dir(dir_template);
  // Stand-ins: lxc-copy says something on stderr and fails when asked to; lxc-attach runs what
  // follows `--`; lxc-stop leaves a trace.
  testing::write_tool(dir, "lxc-copy", "echo \"copy: $*\" >&2\n[ -z \"$FAIL_COPY\" ] || exit 7\n");
  testing::write_tool(dir, "lxc-attach", "while [ \"$1\" != -- ]; do shift; done\nshift\nexec \"$@\"\n");
  testing::write_tool(dir, "lxc-stop", "echo \"stop: $*\" >>\"$STOP_LOG\"\n");
  const RemoteContext ctx{false, ""};
  const EphemeralRun run{{"lxc-copy", "-n", "base", "-N", "e1", "-e"}, "e1", {"sh", "-c", "echo out; echo err >&2; exit 3"}};
  const std::string mark = "lxhost: copied 0123456789abcdef";
  const std::string script = ephemeral_script(run, "0123456789abcdef", ctx, mark);
  const std::string stop_log = (dir / "stops").string();
  const std::vector<std::string> env{"PATH=" + dir.string() + ":/usr/bin:/bin", "STOP_LOG=" + stop_log};

  auto stops = [&] {
    std::ifstream in(stop_log);
    std::string text;
    for (std::string line; std::getline(in, line);) text += line + "\n";
    return text;
  };
  const auto ran = testing::run_captured({"/bin/sh", "-c", "{\n" + script + "\n} 2>&1"}, env);
  CHECK(ran.status == 3);
  CHECK(ran.out == "copy: -n base -N e1 -e -o /dev/null\n" + mark + "\nout\nerr\n");
  CHECK(stops() == "stop: -n e1 -k\n");

  std::filesystem::remove(stop_log);
  auto failing_env = env;
  failing_env.emplace_back("FAIL_COPY=1");
  const auto failed = testing::run_captured({"/bin/sh", "-c", "{\n" + script + "\n} 2>&1"}, failing_env);
  CHECK(failed.status == 7);
  CHECK(failed.out == "copy: -n base -N e1 -e -o /dev/null\n");  // no mark, no CMD
  CHECK(stops().empty());

  // No mark asked for: none written.
  const auto unmarked =
      testing::run_captured({"/bin/sh", "-c", "{\n" + ephemeral_script(run, "0123456789abcdef", ctx) + "\n} 2>&1"}, env);
  CHECK(unmarked.out == "copy: -n base -N e1 -e -o /dev/null\nout\nerr\n");
  std::filesystem::remove_all(dir);
}
