// The entry point: builds the context, dispatches, and is the one place that catches errors
// and maps them to exit codes.
#pragma once

#include <span>
#include <string>

#include "core/command_table.hpp"

namespace lxhost {

class Context;

int run(int argc, char** argv);

// The function that runs a native command's row (command_table.hpp); nullptr for CommandId::none.
using CommandRunner = int (*)(Context&, std::span<const std::string>);
CommandRunner command_runner(CommandId id);

}  // namespace lxhost
