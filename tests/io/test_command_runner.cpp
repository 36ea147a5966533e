// Each command table row has its own run function (src/app.cpp, which dispatches through them).
#include <set>

#include "app.hpp"
#include "catch.hpp"
#include "core/command_table.hpp"

using namespace lxhost;

TEST_CASE("every row runs its own function", "[command_table]") {
  std::set<CommandRunner> runners;
  for (const CommandSpec& command : native_commands()) {
    CAPTURE(command.name);
    const CommandRunner run = command_runner(command.id);
    CHECK(run != nullptr);
    CHECK(runners.insert(run).second);  // no two rows share one
    for (const CommandSpec& sub : command.subcommands) CHECK(sub.id == CommandId::none);  // the parent runs it
  }
  CHECK(command_runner(CommandId::none) == nullptr);
}
