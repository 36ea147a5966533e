// Starting lxhost again, detached (its own session, stdio on /dev/null), for work that must not
// hold up the shell: refreshing the completion cache, a mux master.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace lxhost {

// Starts `argv` (argv[0] a path) in a new session with stdin, stdout and stderr on /dev/null
// (stderr on `stderr_fd` instead when that is given). Returns its pid, or -1 when it could not be
// started. The caller may waitpid() it or not.
pid_t spawn_detached(const std::vector<std::string>& argv, int stderr_fd = -1);

}  // namespace lxhost
