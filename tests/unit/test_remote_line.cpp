// The remote line's size limit. (How lines are built is tested with the verbs: test_verbs.cpp,
// test_legacy_verbs.cpp.)
#include "catch.hpp"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "errors.hpp"
#include "remote_line.hpp"

using namespace lxhost;

TEST_CASE("a line too long for the host's shell is refused before it is sent", "[remote_line]") {
  const RemoteContext ctx{true, "/var/lib/lxc"};
  // The line with an empty last argument, `''`; a word of plain letters is not quoted.
  const std::string prefix = tool_line(std::vector<std::string>{"lxc-attach", "-n", "web", "--", "printf", ""}, ctx);
  const std::size_t room = kMaxRemoteLine - (prefix.size() - 2);
  std::vector<std::string> argv{"lxc-attach", "-n", "web", "--", "printf", std::string(room, 'a')};
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
  CHECK_THROWS_AS(tool_line(std::vector<std::string>{"lxc-attach", "--", std::string(40000, '\'')}, ctx), UsageError);
  EphemeralRun run{{"lxc-copy", "-n", "base", "-N", "e1", "-e"}, "e1", {"true", std::string(kMaxRemoteLine, 'x')}};
  CHECK_THROWS_WITH(ephemeral_script(run, "0123456789abcdef", ctx),
                    Catch::Matchers::StartsWith("the command line for start-ephemeral is too long"));
}
