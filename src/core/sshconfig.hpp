// The ssh_config snippet that makes `ssh foo.local` work, rendered from lxhost's config, and the
// text edits that include it from ~/.ssh/config. Pure: strings in, strings out (the installer in
// sshconfig_install.* does the file work).
#pragma once

#include <string>
#include <string_view>

#include "core/config.hpp"

namespace lxhost {

struct SshConfigRender {
  std::string lxhost_path;   // absolute path of lxhost, for ProxyCommand
  std::string config_file;   // passed as `-c FILE` to `lxhost proxy` when not empty
};

// The snippet: a block per configured container host, then `Host *.local !HOSTS...` with
// [ssh_config]'s User, PreferredAuthentications, IdentityFile, the extra options, and (unless
// via_host = "never") `ProxyCommand LXHOST proxy %h %p`. Throws ConfigError (naming the value's
// FILE:LINE:COL) for a value that could inject ssh_config (line breaks, quotes, control
// characters, % tokens ssh would expand), an unknown or structural option name (Host, Match,
// Include, ProxyCommand...), and host names that are not valid DNS names.
std::string render_ssh_config(const Config& config, const SshConfigRender& how);

// The Include line for the snippet, without its line ending.
inline constexpr std::string_view kIncludeLine = "Include ~/.ssh/config.d/lxhost.conf";

// ~/.ssh/config's text with the Include line first (in the file's own line-ending style), or the
// text unchanged when the line is already there. The user's bytes follow unchanged.
std::string with_include(std::string_view text);

// The text without the Include line(s) added by with_include: exactly the user's bytes again.
std::string without_include(std::string_view text);

// Whether the text holds the Include line.
bool has_include(std::string_view text);

// A valid DNS name (labels of [A-Za-z0-9-], 1-63 bytes, no leading or trailing '-', 253 in all).
bool is_dns_name(std::string_view name);

}  // namespace lxhost
