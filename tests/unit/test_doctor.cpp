#include <string>
#include <vector>

#include "catch.hpp"
#include "core/doctor_report.hpp"
#include "run_captured.hpp"

using namespace lxhost::doctor;

namespace {

Result ok(Check id) { return Result{id, Status::ok, 5, "fine", ""}; }
Result fail(Check id) { return Result{id, Status::fail, 7, "broken", "mend it"}; }

}  // namespace

TEST_CASE("doctor: the checks run from config to backing store, local ones last and independent") {
  std::vector<std::string> names;
  for (const CheckSpec& check : checks()) names.emplace_back(check.name);
  CHECK(names == std::vector<std::string>{"config", "name", "tcp", "host key", "auth", "login shell", "sudo", "lxc",
                                          "lxcpath", "backing store", "cache", "mux dir"});
  CHECK_FALSE(spec(Check::config).needs);
  CHECK_FALSE(spec(Check::cache).needs);
  CHECK_FALSE(spec(Check::mux_dir).needs);
  CHECK(spec(Check::backing_store).needs == Check::lxcpath);
  CHECK(spec(Check::lxcpath).needs == Check::lxc);
}

TEST_CASE("doctor: an LXD host's checks replace sudo to backing store, after the same first six") {
  std::vector<std::string> names;
  for (const CheckSpec& check : checks(true)) names.emplace_back(check.name);
  CHECK(names == std::vector<std::string>{"config", "name", "tcp", "host key", "auth", "login shell", "lxd socket",
                                          "lxd", "cluster", "storage", "ephemeral copy", "cache", "mux dir"});
  for (std::size_t i = 0; i < 6; ++i) CHECK(checks(true)[i].id == checks(false)[i].id);
  CHECK(spec(Check::lxd_socket).needs == Check::shell);
  CHECK(spec(Check::lxd_members).needs == Check::lxd_server);
  CHECK(spec(Check::lxd_copy).needs == Check::lxd_storage);
  std::vector<Result> socket_failed = {ok(Check::config), ok(Check::name), ok(Check::tcp), ok(Check::host_key),
                                       ok(Check::auth),   ok(Check::shell), fail(Check::lxd_socket)};
  CHECK(blocked_by(Check::lxd_server, socket_failed) == Check::lxd_socket);
  socket_failed.push_back(Result{Check::lxd_server, Status::skip, 0, "lxd socket", ""});
  CHECK(blocked_by(Check::lxd_storage, socket_failed) == Check::lxd_socket);  // through the skipped server
  socket_failed.push_back(Result{Check::lxd_storage, Status::skip, 0, "lxd socket", ""});
  CHECK(blocked_by(Check::lxd_copy, socket_failed) == Check::lxd_socket);
  CHECK_FALSE(blocked_by(Check::cache, socket_failed));
}

TEST_CASE("doctor: LXD's answers as doctor reads them") {
  // As LXD 5.0.2 answers (fields trimmed).
  const auto server = parse_lxd_server(R"({"type": "sync", "status_code": 200, "metadata": {"api_version": "1.0",
      "auth": "trusted", "environment": {"server_version": "5.0.2", "server_name": "m1", "server_clustered": true}}})");
  REQUIRE(server);
  CHECK(server->api_version == "1.0");
  CHECK(server->server_version == "5.0.2");
  CHECK(server->server_name == "m1");
  CHECK(server->trusted);
  CHECK(server->clustered);
  const auto untrusted = parse_lxd_server(R"({"type": "sync", "metadata": {"api_version": "1.0", "auth": "untrusted"}})");
  REQUIRE(untrusted);
  CHECK_FALSE(untrusted->trusted);
  CHECK_FALSE(untrusted->clustered);
  CHECK_FALSE(parse_lxd_server("<html>"));
  CHECK_FALSE(parse_lxd_server(R"({"type": "error", "error": "not found"})"));
  CHECK_FALSE(parse_lxd_server(R"({"type": "sync", "metadata": {"auth": 3}})"));

  using Pairs = std::vector<std::pair<std::string, std::string>>;
  CHECK(parse_lxd_members(R"({"type": "sync", "metadata": [{"server_name": "m1", "status": "Online"},
      {"server_name": "m3", "status": "Offline", "url": "https://10.0.0.3:8443"}]})") ==
        Pairs{{"m1", "Online"}, {"m3", "Offline"}});
  CHECK_FALSE(parse_lxd_members(R"({"type": "sync", "metadata": [{"status": "Online"}]})"));
  CHECK(parse_lxd_pools(R"({"type": "sync", "metadata": [{"name": "default", "driver": "dir"}]})") ==
        Pairs{{"default", "dir"}});
  CHECK(parse_lxd_pools(R"({"type": "sync", "metadata": []})") == Pairs{});
  CHECK_FALSE(parse_lxd_pools(R"({"type": "sync", "metadata": {}})"));

  CHECK(fix_lxd_group("dev", "lxd") ==
        "on the host: sudo usermod -aG lxd dev (LXD trusts root and its socket's group), then log in again");
  CHECK_THAT(fix_lxd_group("dev", ""), Catch::StartsWith("on the host: sudo usermod -aG lxd dev "));
  CHECK_THAT(fix_streamlocal(), Catch::Contains("AllowStreamLocalForwarding yes") &&
                                    Catch::Contains("AllowTcpForwarding yes"));
}

TEST_CASE("doctor: a check waits for the failure its chain leads to") {
  std::vector<Result> done = {ok(Check::config), ok(Check::name), fail(Check::tcp)};
  CHECK(blocked_by(Check::host_key, done) == Check::tcp);
  done.push_back(Result{Check::host_key, Status::skip, 0, "tcp", ""});
  CHECK(blocked_by(Check::auth, done) == Check::tcp);  // through the skipped host key check
  CHECK_FALSE(blocked_by(Check::cache, done));
  CHECK_FALSE(blocked_by(Check::name, done));

  std::vector<Result> config_failed = {fail(Check::config)};
  CHECK(blocked_by(Check::name, config_failed) == Check::config);
  CHECK_FALSE(blocked_by(Check::mux_dir, config_failed));

  std::vector<Result> sudo_failed = {ok(Check::config), ok(Check::name),  ok(Check::tcp),
                                     ok(Check::host_key), ok(Check::auth), ok(Check::shell), fail(Check::sudo)};
  CHECK(blocked_by(Check::lxc, sudo_failed) == Check::sudo);
  sudo_failed.push_back(Result{Check::lxc, Status::skip, 0, "sudo", ""});
  CHECK(blocked_by(Check::lxcpath, sudo_failed) == Check::sudo);  // through the skipped lxc check
}

TEST_CASE("doctor: report lines") {
  CHECK(render(Result{Check::tcp, Status::ok, 12, "10.0.0.9:22 accepted the connection", ""}) ==
        "ok      12 ms  tcp: 10.0.0.9:22 accepted the connection\n");
  CHECK(render(Result{Check::tcp, Status::fail, 3001, "10.0.0.9:22 did not answer within 3000 ms", "start sshd"}) ==
        "FAIL  3001 ms  tcp: 10.0.0.9:22 did not answer within 3000 ms\n      fix: start sshd\n");
  CHECK(render(Result{Check::auth, Status::skip, 0, "tcp", ""}) == "skip            auth: not checked, waits for tcp\n");
  std::vector<Result> all = {ok(Check::config), ok(Check::name)};
  CHECK(summary(all) == "all 2 checks passed");
  all.push_back(fail(Check::tcp));
  all.push_back(Result{Check::host_key, Status::skip, 0, "tcp", ""});
  CHECK(summary(all) == "1 failed, 1 skipped, 2 passed");
}

TEST_CASE("doctor: lxc-ls --version") {
  CHECK(parse_lxc_version("5.0.2\n") == "5.0.2");
  CHECK(parse_lxc_version("  4.0.12 \n") == "4.0.12");
  CHECK(parse_lxc_version("1.0.10~ubuntu1\n") == "1.0.10~ubuntu1");
  CHECK_FALSE(parse_lxc_version(""));
  CHECK_FALSE(parse_lxc_version("sh: 1: lxc-ls: not found\n"));
  CHECK_FALSE(parse_lxc_version("5.0.2\nmore\n"));
  CHECK_FALSE(parse_lxc_version("5"));
  CHECK(lxc_major("5.0.2") == 5);
  CHECK(lxc_major("10.1") == 10);
  CHECK(lxc_major("x") == 0);
}

TEST_CASE("doctor: which lxc-* tools exist") {
  const std::vector<std::string> wanted = {"lxc-ls", "lxc-copy", "lxc-checkpoint", "lxc-start", "lxc-attach"};
  const ToolScan scan = scan_tools(
      "found /usr/bin/lxc-ls\nfound /usr/bin/lxc-copy\nmissing lxc-checkpoint\nfound /usr/bin/lxc-start\n"
      "missing lxc-attach\n",
      wanted);
  CHECK(scan.found == std::vector<std::string>{"lxc-ls", "lxc-copy", "lxc-start"});
  CHECK(scan.missing == std::vector<std::string>{"lxc-checkpoint", "lxc-attach"});
  CHECK(scan.refused.empty());
  CHECK(scan.dir == "/usr/bin");
  CHECK(scan.elsewhere.empty());
  // Lines in any order (the sudo probes run in parallel); sudo's refusals and the user's PATH.
  const ToolScan sudo = scan_tools(
      "elsewhere /usr/bin/lxc-start\nfound /opt/lxc/bin/lxc-ls\nrefused lxc-copy\nfound /opt/lxc/bin/lxc-attach\n",
      wanted);
  CHECK(sudo.found == std::vector<std::string>{"lxc-ls", "lxc-attach"});
  CHECK(sudo.missing == std::vector<std::string>{"lxc-copy", "lxc-checkpoint", "lxc-start"});
  CHECK(sudo.refused == std::vector<std::string>{"lxc-copy"});
  CHECK(sudo.dir == "/opt/lxc/bin");
  CHECK(sudo.elsewhere == "/usr/bin");
  // A tool name that is only a prefix of a line's does not count, nor a line without a kind.
  const ToolScan none = scan_tools("found /opt/lxc-lsx\n/usr/bin/lxc-ls\nfound lxc-ls\n", wanted);
  CHECK(none.found.empty());
  CHECK(none.dir.empty());
  CHECK(required_tools(5).back() == "lxc-copy");
  CHECK(required_tools(1).back() == "lxc-clone");
}

TEST_CASE("doctor: the tool scan script, run by a real sh") {
  const std::vector<std::string> wanted = {"sh", "lxhost-no-such-tool"};
  const std::vector<std::string> asked = {"sh"};
  CHECK(tool_scan_script(wanted, asked, true).find("sudo -n -l \"$t\"") != std::string::npos);
  const std::string script = tool_scan_script(wanted, asked, false);
  CHECK(script.find("sudo") == std::string::npos);
  const auto run = lxhost::testing::run_captured({"/bin/sh", "-c", script}, {"PATH=/usr/bin:/bin"});
  CHECK(run.status == 0);
  const std::string& out = run.out;
  const ToolScan scan = scan_tools(out, wanted);
  CHECK(scan.found == std::vector<std::string>{"sh"});
  CHECK(scan.missing == std::vector<std::string>{"lxhost-no-such-tool"});
}

TEST_CASE("doctor: backing store") {
  CHECK(classify_backing_store("btrfs\n", "no").ok);
  CHECK(classify_backing_store("btrfs", "no").detail == "btrfs: native snapshots (lxc-copy -s -B btrfs)");
  CHECK(classify_backing_store("zfs", "no").ok);
  const BackingStore ext = classify_backing_store("ext2/ext3", "loaded");
  CHECK(ext.ok);
  CHECK(ext.detail == "ext2/ext3: no native snapshots; lxc-copy -s uses overlay (in /proc/filesystems)");
  CHECK(classify_backing_store("xfs", "module").ok);
  const BackingStore none = classify_backing_store("xfs", "no");
  CHECK_FALSE(none.ok);
  CHECK(none.detail == "xfs: no native snapshots and the kernel has no overlay filesystem");
  CHECK_FALSE(classify_backing_store("", "loaded").ok);
  // An overlay's writable layer cannot be on overlayfs, whatever the kernel has.
  CHECK_FALSE(classify_backing_store("overlayfs", "loaded").ok);
  CHECK(fix_backing_store("overlayfs", "/x").find("move the lxcpath off overlayfs") == 0);
  CHECK(fix_backing_store("xfs", "/x").find("modprobe overlay") != std::string::npos);

  CHECK(snapshot_kind("lxc.rootfs.path = /l/base/rootfs:/l/t/overlay/delta\n", "ext2/ext3") == "overlay");
  CHECK(snapshot_kind("lxc.rootfs.path = overlay:/l/base/rootfs:/l/t/delta\n", "ext2/ext3") == "overlay");
  CHECK(snapshot_kind("lxc.rootfs.path = btrfs:/l/t/rootfs\n", "btrfs") == "btrfs");
  CHECK(snapshot_kind("lxc.rootfs.path = /l/t/rootfs\n", "btrfs") == "btrfs");
  CHECK(snapshot_kind("lxc.rootfs.path = /l/t/rootfs\n", "ext2/ext3") == "dir");
  CHECK(snapshot_kind("", "ext2/ext3") == "dir");

  CHECK(lxc_error_text("\nlxc-copy: base: ../src/lxc/storage/overlay.c: ovl_mount: 490 Invalid argument - Failed\n"
                       "lxc-copy: base: ../src/lxc/tools/lxc_copy.c: do_clone: 391 Failed to clone\n") ==
        "ovl_mount: 490 Invalid argument - Failed");
  CHECK(lxc_error_text("plain words\n") == "plain words");
  CHECK(lxc_error_text("").empty());
}

TEST_CASE("doctor: the login shell probe") {
  CHECK(parse_posix_probe("posix /bin/bash", 0) == "/bin/bash");
  CHECK(parse_posix_probe("posix ", 0) == "sh");
  CHECK_FALSE(parse_posix_probe("x=1: Command not found.\n", 1));
  CHECK_FALSE(parse_posix_probe("posix /bin/sh", 1));
  CHECK(std::string(kPosixProbe).find("$((x+1))") != std::string::npos);
}

TEST_CASE("doctor: fixes") {
  CHECK(sudoers_line("alice", "/usr/bin") == "alice ALL=(root) NOPASSWD: /usr/bin/lxc-*");
  CHECK(sudoers_line("alice", "") == "alice ALL=(root) NOPASSWD: /usr/bin/lxc-*");
  CHECK(known_hosts_name("10.203.0.1", 2222) == "[10.203.0.1]:2222");
  CHECK(known_hosts_name("containers.local", 22) == "containers.local");
  CHECK(keyscan_type("ssh-ed25519 SHA256:abc") == "ed25519");
  CHECK(keyscan_type("ecdsa-sha2-nistp256 SHA256:abc") == "ecdsa");
  CHECK(keyscan_type("ssh-rsa SHA256:abc") == "rsa");
  CHECK(keyscan_type("(no host key)") == "");
  CHECK(fix_unknown_host_key("10.203.0.1", 2222, "ssh-ed25519 SHA256:abc", "/h/.ssh/known_hosts") ==
        "compare ssh-ed25519 SHA256:abc with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the host, then "
        "run `ssh-keyscan -p 2222 -t ed25519 10.203.0.1 >> /h/.ssh/known_hosts`");
  CHECK(fix_changed_host_key("10.203.0.1", 2222, "/h/kh") ==
        "only if the host was reinstalled: `ssh-keygen -f /h/kh -R '[10.203.0.1]:2222'`, then run doctor again to add "
        "the new key");
}
