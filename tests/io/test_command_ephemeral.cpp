// `clone` and `start-ephemeral` in-process against a fake host: the host's LXC asked once, the
// translation run as one line, CMD's exit code kept, a failed copy explained by what the host lists.
#include <string>
#include <vector>

#include "catch.hpp"
#include "commands/commands.hpp"
#include "core/errors.hpp"
#include "core/verbs.hpp"
#include "fakes.hpp"

using namespace lxhost;
using lxhost::testing::CapturedFd;
using lxhost::testing::Fakes;

namespace {

constexpr std::string_view kProbe = "command -v lxc-copy";

int run_verb(Fakes& fakes, std::string_view verb, std::vector<std::string> args) {
  Context ctx = fakes.context();
  const Verb* found = find_verb(verb);
  REQUIRE(found != nullptr);
  return run_legacy(ctx, *found, args);
}

// The line of the start-ephemeral script that prints its mark once the copy exists.
std::string mark_of(const std::string& script) {
  const std::string printf_line = "printf '%s\\n' '";
  const size_t at = script.find(printf_line);
  if (at == std::string::npos) return "";
  const size_t begin = at + printf_line.size();
  return script.substr(begin, script.find('\'', begin) - begin) + "\n";
}

}  // namespace

TEST_CASE("the host's LXC generation is asked once, then read from the cache", "[commands]") {
  Fakes fakes;
  fakes.host.answer(std::string(kProbe), 0, "modern\n");
  fakes.host.answer("lxc-copy", 0, "");
  CHECK(run_verb(fakes, "clone", {"-o", "base", "-n", "web"}) == 0);
  CHECK(run_verb(fakes, "clone", {"-o", "base", "-n", "web2"}) == 0);
  CHECK(fakes.host.asked(kProbe) == 1);
  REQUIRE(fakes.host.lines.size() == 3);
  CHECK(fakes.host.lines[1] == "exec sudo -n lxc-copy -o /dev/null -n base -N web");
}

TEST_CASE("clone on an LXC 1 host runs lxc-clone", "[commands]") {
  Fakes fakes;
  fakes.host.answer(std::string(kProbe), 0, "legacy\n");
  fakes.host.answer("lxc-clone", 0, "");
  CHECK(run_verb(fakes, "clone", {"-o", "base", "-n", "web"}) == 0);
  REQUIRE(fakes.host.lines.size() == 2);
  CHECK_THAT(fakes.host.lines[1], Catch::Contains("lxc-clone") && !Catch::Contains("lxc-copy"));
}

TEST_CASE("start-ephemeral -- CMD: one script on the host, and CMD's exit code", "[commands]") {
  Fakes fakes;
  fakes.host.answer(std::string(kProbe), 0, "modern\n");
  // The copy was made (the script printed its mark), then CMD failed with 7.
  fakes.host.answer("lxc-attach", [](const std::string& line) { return Captured{7, "", mark_of(line) + "make: *** Error 7\n"}; });
  CapturedFd err(2);
  CHECK(run_verb(fakes, "start-ephemeral", {"-o", "base", "--", "make", "test"}) == 7);
  const std::string said = err.take();
  CHECK(said == "make: *** Error 7\n");  // CMD's stderr, without the mark
  REQUIRE(fakes.host.lines.size() == 2);
  const std::string& script = fakes.host.lines[1];
  CHECK_THAT(script, Catch::Contains("lxc-copy -n base -N lxhost-") && Catch::Contains(" -e ") &&
                         Catch::Contains(" -- make test ") && Catch::Contains("lxc-stop"));
  CHECK(fakes.host.asked("lxc-ls") == 0);  // CMD's failure is not the copy's: nothing to explain
}

TEST_CASE("a failed copy is explained in one line by what the host lists", "[commands]") {
  Fakes fakes;
  fakes.host.answer(std::string(kProbe), 0, "modern\n");
  fakes.host.answer("lxc-copy", 1, "",
                    "lxc-copy: nosuch: ../src/lxc/tools/lxc_copy.c: main: 218 Container nosuch is not defined\n");
  fakes.host.answer("lxc-ls", 0, "base\n");
  CapturedFd err(2);
  try {
    run_verb(fakes, "clone", {"-o", "nosuch", "-n", "web"});
    FAIL("clone succeeded");
  } catch (const ToolFailure& e) {
    CHECK(e.code() == 1);
    CHECK(std::string(e.what()) == "clone: no container 'nosuch' on containers.local (lxc-copy: Container nosuch is not defined)");
  }
  CHECK(err.take().empty());  // lxc-copy's words are in the one line, not repeated
  CHECK(fakes.host.asked("lxc-ls") == 1);
}

TEST_CASE("start-ephemeral whose copy fails is explained, the failure is not taken for CMD's", "[commands]") {
  Fakes fakes;
  fakes.host.answer(std::string(kProbe), 0, "modern\n");
  fakes.host.answer("lxc-attach", 1, "", "lxc-copy: base: Failed to clone\n");  // no mark: no copy
  fakes.host.answer("lxc-ls", 0, "");
  CapturedFd err(2);
  try {
    run_verb(fakes, "start-ephemeral", {"-o", "base", "--", "true"});
    FAIL("start-ephemeral succeeded");
  } catch (const ToolFailure& e) {
    CHECK(e.code() == 1);
    CHECK_THAT(e.what(), Catch::StartsWith("start-ephemeral: no container 'base' on containers.local"));
  }
  CHECK(fakes.host.asked("lxc-ls") == 1);
}
