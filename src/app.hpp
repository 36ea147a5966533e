// The entry point: builds the context, dispatches, and is the one place that catches errors
// and maps them to exit codes.
#pragma once

namespace lxhost {
int run(int argc, char** argv);
}
