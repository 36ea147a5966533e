// `lxhost doctor`'s pure part: the checks in order with what each waits for, the report's lines,
// the parsers of what the host answers, and the one concrete fix for each kind of failure.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lxhost::doctor {

enum class Check {
  config, name, tcp, host_key, auth, shell, sudo, lxc, lxcpath, backing_store,  // an LXC host's
  lxd_socket, lxd_server, lxd_members, lxd_storage, lxd_copy,                   // an LXD host's instead
  cache, mux_dir,
};

struct CheckSpec {
  Check id;
  std::string_view name;        // as the report prints it: "host key"
  std::optional<Check> needs;   // not run (skip) unless this one passed
};

// Every check of a host, in the order they run and are printed: an LXC host's (sudo, the lxc
// tools, the lxcpath, a snapshot clone), or with `lxd` an LXD host's (its socket through the
// session, the server, the cluster's members, storage, an ephemeral copy). The first six are the
// same in both, so the list can be chosen once the config check has found the host.
std::span<const CheckSpec> checks(bool lxd = false);
const CheckSpec& spec(Check id);

enum class Status { ok, fail, skip };

struct Result {
  Check id;
  Status status = Status::ok;
  long long ms = 0;
  std::string detail;  // ok/fail: what was found; skip: the failed check it waits for
  std::string fix;     // fail only: one concrete fix
};

// The failed (or itself skipped) check that `id` waits for, given the results so far; nullopt
// when it can run.
std::optional<Check> blocked_by(Check id, std::span<const Result> done);

// `ok      12 ms  tcp: ...`, `FAIL  3001 ms  tcp: ...` + `      fix: ...`,
// `skip            auth: not checked, waits for tcp`. Ends with a newline.
std::string render(const Result& result);
// The last line: "all 12 checks passed" or "2 failed, 3 skipped, 7 passed".
std::string summary(std::span<const Result> results);

// `lxc-ls --version` -> "5.0.2"; nullopt when the output is not a version.
std::optional<std::string> parse_lxc_version(std::string_view output);
// Major version of "5.0.2" -> 5 (0 when unreadable).
int lxc_major(std::string_view version);

// A sh script that looks for each wanted tool the way lxhost will run it. Without sudo:
// `command -v`. With sudo: `sudo -n -l TOOL` (sudo's secure_path and its rules; in parallel, ~20 ms
// of CPU each) for the `asked` ones, the others beside the first tool sudo found. One line per
// tool: "found PATH"; "refused TOOL" (sudo finds it, its rules do not allow it); "elsewhere PATH"
// (not in sudo's secure_path, but in the user's PATH); "missing TOOL".
std::string tool_scan_script(std::span<const std::string> wanted, std::span<const std::string> asked, bool sudo);

// tool_scan_script's output against the wanted tool names.
struct ToolScan {
  std::vector<std::string> found;    // names, in `wanted`'s order
  std::vector<std::string> missing;  // names lxhost cannot run (refused and elsewhere ones too)
  std::vector<std::string> refused;  // the missing ones sudo finds but does not allow
  std::string dir;                   // the directory of the first found tool ("" when none)
  std::string elsewhere;             // the user's directory of a tool sudo does not find ("" when none)
};
ToolScan scan_tools(std::string_view output, std::span<const std::string> wanted);

// The tools lxhost's own commands need (list, attach, clone, ephemeral...) for an LXC version.
std::vector<std::string> required_tools(int lxc_major);

// Whether snapshot clones can work on an lxcpath, from `stat -f -c %T` output and what the kernel
// says about overlay ("loaded": in /proc/filesystems, "module": loadable, "no"): what the check
// says when there is no container to try a snapshot clone of, and what a failed one is blamed on.
struct BackingStore {
  bool ok = false;
  std::string detail;
};
BackingStore classify_backing_store(std::string_view fs_type, std::string_view overlay);

// The kind of a snapshot clone from its `lxc-info -c lxc.rootfs.path` ("lxc.rootfs.path = VALUE")
// and the lxcpath's filesystem type: a "TYPE:" prefix when there is one, "overlay" for
// LOWER:UPPER (lxc-info drops overlay's prefix), else the filesystem's native snapshot (btrfs,
// zfs) or "dir".
std::string snapshot_kind(std::string_view lxc_info_output, std::string_view fs_type);
// The telling part of an lxc tool's error: its first non-empty line without the
// "lxc-copy: NAME: ../src/lxc/storage/overlay.c: " prefix.
std::string lxc_error_text(std::string_view stderr_text);

// Fixes.
// `USER ALL=(root) NOPASSWD: DIR/lxc-*`, the line sudo needs (DIR defaults to /usr/bin).
std::string sudoers_line(std::string_view user, std::string_view tool_dir);
// The lxc-* tools are in DIR, which sudo's secure_path leaves out.
std::string fix_secure_path(std::string_view tool_dir);
// Snapshot clones fail on this filesystem type (from classify_backing_store), or for a reason
// lxc-copy's own error gives.
std::string fix_backing_store(std::string_view fs_type, std::string_view lxcpath);
// known_hosts names a host on port 22 as "HOST", on another port as "[HOST]:PORT".
std::string known_hosts_name(std::string_view host, unsigned port);
// "ssh-ed25519 SHA256:..." -> "ed25519" for ssh-keyscan -t ("" when unknown).
std::string keyscan_type(std::string_view fingerprint);
std::string fix_unknown_host_key(std::string_view host, unsigned port, std::string_view fingerprint,
                                 std::string_view known_hosts);
std::string fix_changed_host_key(std::string_view host, unsigned port, std::string_view known_hosts);

// An LXD host's answers, as doctor reports them. Each parser takes the body of a sync response and
// returns nullopt for one that is not JSON or not what LXD answers there.
struct LxdServer {
  std::string api_version;     // "1.0"
  std::string server_version;  // "5.0.2"
  std::string server_name;     // the member's name in a cluster
  bool trusted = false;        // auth: "trusted" (root, or the socket's group)
  bool clustered = false;
};
// GET /1.0
std::optional<LxdServer> parse_lxd_server(std::string_view body);
// GET /1.0/cluster/members?recursion=1: each member's name and LXD's status ("Online", ...).
std::optional<std::vector<std::pair<std::string, std::string>>> parse_lxd_members(std::string_view body);
// GET /1.0/storage-pools?recursion=1: each pool's name and driver ("dir", "zfs", ...).
std::optional<std::vector<std::pair<std::string, std::string>>> parse_lxd_pools(std::string_view body);

// A socket the SSH user cannot open, and an sshd that refuses the channel to it.
std::string fix_lxd_group(std::string_view user, std::string_view group);
std::string fix_streamlocal();

// A line only a POSIX sh gets right (csh, fish and friends do not): prints "posix $SHELL".
inline constexpr std::string_view kPosixProbe = R"sh(x=1; [ "$((x+1))" = 2 ] && printf 'posix %s' "$SHELL")sh";
// The login shell the probe's output names, or nullopt when the shell is not POSIX.
std::optional<std::string> parse_posix_probe(std::string_view output, int exit_code);

}  // namespace lxhost::doctor
