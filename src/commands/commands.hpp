// One function per command; each returns the process exit code or throws an Error.
#pragma once

#include <span>
#include <string>

#include "commands/context.hpp"
#include "core/verbs.hpp"

namespace lxhost {

// A pass-through verb: `lxc-VERB ARGS...` on the host, exactly as typed.
int run_passthrough(Context& ctx, const Verb& verb, std::span<const std::string> args);
// `clone` and `start-ephemeral`, translated for the host's LXC.
int run_legacy(Context& ctx, const Verb& verb, std::span<const std::string> args);
// A verb on a host with backend = "lxd" (commands/lxd.cpp).
int run_lxd(Context& ctx, const Verb& verb, std::span<const std::string> args);
// What lxc-ls ARGS would print without a terminal, for an LXD host's instances (ls --all-hosts).
std::string lxd_ls_output(Context& ctx, std::span<const std::string> args);
int run_list(Context& ctx, std::span<const std::string> args);
int run_discover(Context& ctx, std::span<const std::string> args);
int run_resolve(Context& ctx, std::span<const std::string> args);
int run_doctor(Context& ctx, std::span<const std::string> args);
int run_config(Context& ctx, std::span<const std::string> args);
int run_install_links(Context& ctx, std::span<const std::string> args);
int run_help(Context& ctx, std::span<const std::string> args);
// `lxhost help VERB`, and `VERB --help` of the LXC 1 verbs (whose tools the host may not have).
int print_verb_help(Context& ctx, const Verb& verb);
int run_shell_init(Context& ctx, std::span<const std::string> args);
int run_ssh_config(Context& ctx, std::span<const std::string> args);
int run_proxy(Context& ctx, std::span<const std::string> args);
int run_mux(Context& ctx, std::span<const std::string> args);
int run_publish(Context& ctx, std::span<const std::string> args);
int run_mux_master(Context& ctx, std::span<const std::string> args);
int run_completions(Context& ctx, std::span<const std::string> args);
// Hidden: what the completion scripts and the cache refresh call.
int run_complete(Context& ctx, std::span<const std::string> args);
int run_refresh_cache(Context& ctx, std::span<const std::string> args);
// Hidden: `__man PAGE` prints a man page (lxhost.1, lxhost.toml.5) for the build to install.
int run_man(Context& ctx, std::span<const std::string> args);

// Whether a command with this interactivity gets a PTY under the -t/-T/LXHOST_TTY setting.
bool wants_pty(TtyMode mode, bool interactive);

}  // namespace lxhost
