// LXD's answers printed as lxc-ls and lxc-info print: bodies modelled on LXD 5.0.2's API structs
// (shared/api/instance.go, instance_state.go, response.go), outputs as LXC 5.0.2 prints them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catch.hpp"
#include "core/errors.hpp"
#include "core/lxc_output.hpp"
#include "core/lxd_output.hpp"

using namespace lxhost;
using Strings = std::vector<std::string>;

namespace {

// GET /1.0/instances?recursion=2 on a cluster: web runs on m1 (eth0 with a global and a link-local
// IPv6 address, and lo), db is stopped on m2, cache is on m3, which is offline (LXD's stand-in:
// status Error, no config, no state), batch is frozen on m1 with two NICs (eth1 a macvlan: no host
// end). In LXD's order, which is not the names'.
constexpr std::string_view kClusterList = R"({
  "type": "sync", "status": "Success", "status_code": 200, "operation": "", "error_code": 0, "error": "",
  "metadata": [
    {
      "architecture": "x86_64",
      "config": {"image.os": "Debian", "volatile.eth0.host_name": "veth5c1e2d7a", "volatile.eth0.hwaddr": "00:16:3e:12:34:56"},
      "devices": {}, "ephemeral": false, "profiles": ["default"], "stateful": false, "description": "",
      "created_at": "2024-03-01T10:00:00.123456789Z",
      "expanded_config": {"image.os": "Debian", "volatile.eth0.host_name": "veth5c1e2d7a", "volatile.eth0.hwaddr": "00:16:3e:12:34:56"},
      "expanded_devices": {"eth0": {"name": "eth0", "network": "lxdfan0", "type": "nic"}, "root": {"path": "/", "pool": "local", "type": "disk"}},
      "name": "web", "status": "Running", "status_code": 103, "last_used_at": "2024-03-02T08:00:00Z",
      "location": "m1", "type": "container", "project": "default",
      "backups": null,
      "state": {
        "status": "Running", "status_code": 103,
        "disk": {"root": {"usage": 412516352}},
        "memory": {"usage": 13107200, "usage_peak": 20971520, "swap_usage": 3670016, "swap_usage_peak": 3670016},
        "network": {
          "eth0": {
            "addresses": [
              {"family": "inet", "address": "10.203.0.10", "netmask": "24", "scope": "global"},
              {"family": "inet6", "address": "fd42:203::10", "netmask": "64", "scope": "global"},
              {"family": "inet6", "address": "fe80::216:3eff:fe12:3456", "netmask": "64", "scope": "link"}
            ],
            "counters": {"bytes_received": 61534, "bytes_sent": 6604, "packets_received": 512, "packets_sent": 64,
                         "errors_received": 0, "errors_sent": 0, "packets_dropped_outbound": 0, "packets_dropped_inbound": 0},
            "hwaddr": "00:16:3e:12:34:56", "host_name": "veth5c1e2d7a", "mtu": 1500, "state": "up", "type": "broadcast"
          },
          "lo": {
            "addresses": [
              {"family": "inet", "address": "127.0.0.1", "netmask": "8", "scope": "local"},
              {"family": "inet6", "address": "::1", "netmask": "128", "scope": "local"}
            ],
            "counters": {"bytes_received": 0, "bytes_sent": 0, "packets_received": 0, "packets_sent": 0,
                         "errors_received": 0, "errors_sent": 0, "packets_dropped_outbound": 0, "packets_dropped_inbound": 0},
            "hwaddr": "", "host_name": "", "mtu": 65536, "state": "up", "type": "loopback"
          }
        },
        "pid": 5934, "processes": 12,
        "cpu": {"usage": 28756823}
      },
      "snapshots": null
    },
    {
      "architecture": "x86_64",
      "config": {"boot.autostart": "1", "image.os": "Debian"},
      "devices": {}, "ephemeral": false, "profiles": ["default"], "stateful": false, "description": "",
      "created_at": "2024-03-01T10:05:00Z",
      "expanded_config": {"boot.autostart": "1", "image.os": "Debian"},
      "expanded_devices": {"eth0": {"name": "eth0", "network": "lxdfan0", "type": "nic"}, "root": {"path": "/", "pool": "local", "type": "disk"}},
      "name": "db", "status": "Stopped", "status_code": 102, "last_used_at": "2024-03-01T12:00:00Z",
      "location": "m2", "type": "container", "project": "default",
      "backups": null,
      "state": {
        "status": "Stopped", "status_code": 102,
        "disk": {"root": {"usage": 1052672}},
        "memory": {"usage": 0, "usage_peak": 0, "swap_usage": 0, "swap_usage_peak": 0},
        "network": null, "pid": 0, "processes": 0, "cpu": {"usage": 0}
      },
      "snapshots": null
    },
    {
      "architecture": "", "config": null, "devices": null, "ephemeral": false, "profiles": null, "stateful": false,
      "description": "", "created_at": "0001-01-01T00:00:00Z",
      "name": "cache", "status": "Error", "status_code": 112, "last_used_at": "0001-01-01T00:00:00Z",
      "location": "m3", "type": "", "project": "default",
      "backups": null, "state": null, "snapshots": null
    },
    {
      "architecture": "x86_64",
      "config": {"security.privileged": "true"},
      "devices": {"eth1": {"nictype": "macvlan", "parent": "enp1s0", "type": "nic"}},
      "ephemeral": false, "profiles": ["default", "batch"], "stateful": false, "description": "nightly jobs",
      "created_at": "2024-03-01T10:10:00Z",
      "expanded_config": {"boot.autostart": "false", "security.privileged": "true"},
      "expanded_devices": {"eth0": {"name": "eth0", "network": "lxdfan0", "type": "nic"},
                           "eth1": {"nictype": "macvlan", "parent": "enp1s0", "type": "nic"},
                           "root": {"path": "/", "pool": "local", "type": "disk"}},
      "name": "batch", "status": "Frozen", "status_code": 110, "last_used_at": "2024-03-02T01:00:00Z",
      "location": "m1", "type": "container", "project": "default",
      "backups": null,
      "state": {
        "status": "Frozen", "status_code": 110,
        "disk": {"root": {"usage": 2097152}},
        "memory": {"usage": 1610612736, "usage_peak": 1610612736, "swap_usage": 0, "swap_usage_peak": 0},
        "network": {
          "eth0": {
            "addresses": [{"family": "inet", "address": "10.203.0.30", "netmask": "24", "scope": "global"}],
            "counters": {"bytes_received": 2147483648, "bytes_sent": 1048576},
            "hwaddr": "00:16:3e:00:00:30", "host_name": "vethb47c0e11", "mtu": 1500, "state": "up", "type": "broadcast"
          },
          "eth1": {
            "addresses": [
              {"family": "inet", "address": "10.0.0.5", "netmask": "24", "scope": "global"},
              {"family": "inet6", "address": "2001:db8::30", "netmask": "64", "scope": "global"},
              {"family": "inet6", "address": "fe80::216:3eff:fe00:31", "netmask": "64", "scope": "link"}
            ],
            "counters": {"bytes_received": 100, "bytes_sent": 200},
            "hwaddr": "00:16:3e:00:00:31", "host_name": "", "mtu": 1500, "state": "up", "type": "broadcast"
          },
          "lo": {
            "addresses": [{"family": "inet", "address": "127.0.0.1", "netmask": "8", "scope": "local"}],
            "counters": {"bytes_received": 0, "bytes_sent": 0},
            "hwaddr": "", "host_name": "", "mtu": 65536, "state": "up", "type": "loopback"
          }
        },
        "pid": 7001, "processes": 3,
        "cpu": {"usage": -1}
      },
      "snapshots": null
    }
  ]
})";

// GET /1.0/instances/web?recursion=1 on a server that is no cluster: the lab's LXC container web
// as LXD would give it (lxc-info printed its figures), privileged as the lab's are.
constexpr std::string_view kSolo = R"({
  "type": "sync", "status": "Success", "status_code": 200, "operation": "", "error_code": 0, "error": "",
  "metadata": {
    "architecture": "x86_64",
    "config": {"security.privileged": "true", "volatile.lab0.host_name": "lxh-web"},
    "devices": {}, "ephemeral": false, "profiles": ["default"], "stateful": false, "description": "",
    "created_at": "2024-03-01T10:00:00Z",
    "expanded_config": {"security.privileged": "true", "volatile.lab0.host_name": "lxh-web"},
    "expanded_devices": {"lab0": {"name": "lab0", "network": "lab0", "type": "nic"}},
    "name": "web", "status": "Running", "status_code": 103, "last_used_at": "2024-03-02T08:00:00Z",
    "location": "none", "type": "container", "project": "default",
    "backups": [],
    "state": {
      "status": "Running", "status_code": 103,
      "disk": {},
      "memory": {"usage": 610304, "usage_peak": 1048576, "swap_usage": 0, "swap_usage_peak": 0},
      "network": {
        "lab0": {
          "addresses": [
            {"family": "inet", "address": "10.203.0.11", "netmask": "24", "scope": "global"},
            {"family": "inet", "address": "10.203.0.10", "netmask": "24", "scope": "global"},
            {"family": "inet6", "address": "fd42:203::10", "netmask": "64", "scope": "global"},
            {"family": "inet6", "address": "fe80::1", "netmask": "64", "scope": "link"}
          ],
          "counters": {"bytes_received": 61534, "bytes_sent": 6604, "packets_received": 600, "packets_sent": 70,
                       "errors_received": 0, "errors_sent": 0, "packets_dropped_outbound": 0, "packets_dropped_inbound": 0},
          "hwaddr": "00:16:3e:ab:cd:ef", "host_name": "lxh-web", "mtu": 1500, "state": "up", "type": "broadcast"
        },
        "lo": {
          "addresses": [{"family": "inet", "address": "127.0.0.1", "netmask": "8", "scope": "local"},
                        {"family": "inet6", "address": "::1", "netmask": "128", "scope": "local"}],
          "counters": {"bytes_received": 0, "bytes_sent": 0, "packets_received": 0, "packets_sent": 0,
                       "errors_received": 0, "errors_sent": 0, "packets_dropped_outbound": 0, "packets_dropped_inbound": 0},
          "hwaddr": "", "host_name": "", "mtu": 65536, "state": "up", "type": "loopback"
        }
      },
      "pid": 5934, "processes": 2,
      "cpu": {"usage": 28756823}
    },
    "snapshots": []
  }
})";

// The lab's four LXC containers as an LXD server that is no cluster would list them: lxc-ls's
// outputs for them were captured (LXC 5.0.2, `lxc-ls -P /var/lib/lxhost-lab/lxc ...`).
std::string lab_instance(std::string_view name, std::string_view status, std::string_view state) {
  return R"({"architecture": "x86_64", "config": {"security.privileged": "true"}, "devices": {},
             "ephemeral": false, "profiles": ["default"], "stateful": false, "description": "",
             "created_at": "2024-03-01T10:00:00Z", "expanded_config": {"security.privileged": "true"},
             "expanded_devices": {}, "name": ")" +
         std::string(name) + R"(", "status": ")" + std::string(status) +
         R"(", "status_code": 103, "last_used_at": "2024-03-02T08:00:00Z", "location": "none",
             "type": "container", "project": "default", "backups": null, "snapshots": null, "state": )" +
         std::string(state) + "}";
}

std::string lab_state(int pid, std::uint64_t memory, std::string_view addresses) {
  return R"({"status": "Running", "status_code": 103, "disk": {}, "pid": )" + std::to_string(pid) +
         R"(, "processes": 2, "cpu": {"usage": 1000000},
             "memory": {"usage": )" + std::to_string(memory) + R"(, "usage_peak": 0, "swap_usage": 0, "swap_usage_peak": 0},
             "network": {"lab0": {"addresses": [)" + std::string(addresses) + R"(],
                                  "counters": {"bytes_received": 1, "bytes_sent": 2}, "hwaddr": "00:16:3e:00:00:01",
                                  "host_name": "lxh-x", "mtu": 1500, "state": "up", "type": "broadcast"},
                         "lo": {"addresses": [{"family": "inet", "address": "127.0.0.1", "netmask": "8", "scope": "local"}],
                                "counters": {"bytes_received": 0, "bytes_sent": 0}, "hwaddr": "", "host_name": "",
                                "mtu": 65536, "state": "up", "type": "loopback"}}})";
}

std::string lab_list() {
  const std::string stopped = R"({"status": "Stopped", "status_code": 102, "disk": {}, "memory": {"usage": 0},
                                  "network": null, "pid": 0, "processes": 0, "cpu": {"usage": 0}})";
  const auto inet = [](std::string_view address, std::string_view family = "inet") {
    return R"({"family": ")" + std::string(family) + R"(", "address": ")" + std::string(address) +
           R"(", "netmask": "24", "scope": "global"})";
  };
  return R"({"type": "sync", "status": "Success", "status_code": 200, "operation": "", "error_code": 0,
             "error": "", "metadata": [)" +
         lab_instance("web", "Running",
                      lab_state(5934, 608174,
                                inet("10.203.0.11") + "," + inet("10.203.0.10") + "," + inet("fd42:203::10", "inet6"))) +
         "," + lab_instance("sshd2", "Running", lab_state(6084, 2065695, inet("10.203.0.21"))) + "," +
         lab_instance("base", "Stopped", stopped) + "," +
         lab_instance("sshd1", "Running", lab_state(6035, 3596616, inet("10.203.0.20"))) + "]}";
}

LxdList ls(LxdList::Format format, std::vector<std::string> fields = {"NAME", "STATE", "AUTOSTART", "GROUPS", "IPV4",
                                                                     "IPV6", "UNPRIVILEGED"}) {
  LxdList list;
  list.format = format;
  list.fields = std::move(fields);
  return list;
}

LxdInfo info_flags(bool state, bool pid, bool ips, bool stats, bool humanize = true) {
  LxdInfo info;
  info.name = "web";
  info.state = state;
  info.pid = pid;
  info.ips = ips;
  info.stats = stats;
  info.humanize = humanize;
  return info;
}

// The Failure's message for a body, or "(no error)".
template <typename Parse>
std::string failure(Parse parse, std::string_view body) {
  try {
    parse(body);
  } catch (const Failure& e) {
    return e.what();
  }
  return "(no error)";
}

const auto kParseList = [](std::string_view body) { return parse_lxd_instances(body); };
const auto kParseOne = [](std::string_view body) { return parse_lxd_instance(body); };

}  // namespace

TEST_CASE("lxd output: a cluster's instances in LXC's words", "[lxd_output]") {
  const std::vector<LxdInstance> instances = parse_lxd_instances(kClusterList);
  REQUIRE(instances.size() == 4);

  const LxdInstance& web = instances[0];
  CHECK(web.name == "web");
  CHECK(web.state == "RUNNING");
  CHECK(web.location == "m1");
  CHECK_FALSE(web.autostart);
  CHECK(web.unprivileged);
  CHECK(web.pid == 5934);
  CHECK(web.interfaces == Strings{"eth0", "lo"});
  CHECK(web.ipv4 == Strings{"10.203.0.10"});  // lo's 127.0.0.1 left out
  CHECK(web.ipv6 == Strings{"fd42:203::10"});  // the link-local one and lo's ::1 left out
  CHECK(web.memory == 13107200);
  CHECK(web.swap == 3670016);
  CHECK(web.cpu_ns == 28756823U);
  CHECK(web.links == std::vector<LxdLink>{{"veth5c1e2d7a", 6604, 61534}});

  const LxdInstance& db = instances[1];
  CHECK(db.name == "db");
  CHECK(db.state == "STOPPED");
  CHECK(db.location == "m2");
  CHECK(db.autostart);  // "1" is true to LXD
  CHECK(db.pid == 0);
  CHECK(db.interfaces.empty());
  CHECK(db.ipv4.empty());
  CHECK_FALSE(db.cpu_ns);  // a stopped instance's state is not read

  LxdInstance cache;  // all that LXD knows of an instance on an offline member
  cache.name = "cache";
  cache.state = "ERROR";
  cache.location = "m3";
  CHECK(instances[2] == cache);

  const LxdInstance& batch = instances[3];
  CHECK(batch.state == "FROZEN");
  CHECK_FALSE(batch.autostart);  // "false"
  CHECK_FALSE(batch.unprivileged);
  CHECK(batch.pid == 7001);
  CHECK(batch.interfaces == Strings{"eth0", "eth1", "lo"});
  CHECK(batch.ipv4 == Strings{"10.0.0.5", "10.203.0.30"});  // sorted as LXC sorts, across interfaces
  CHECK(batch.ipv6 == Strings{"2001:db8::30"});
  CHECK_FALSE(batch.cpu_ns);                                         // LXD's -1: unread
  CHECK(batch.links == std::vector<LxdLink>{{"vethb47c0e11", 1048576, 2147483648}});  // eth1 has no host end
}

TEST_CASE("lxd output: one instance on a server that is no cluster", "[lxd_output]") {
  const LxdInstance web = parse_lxd_instance(kSolo);
  CHECK(web.name == "web");
  CHECK(web.location == "none");
  CHECK_FALSE(web.unprivileged);
  CHECK(web.ipv4 == Strings{"10.203.0.10", "10.203.0.11"});
  CHECK(web.ipv6 == Strings{"fd42:203::10"});
  CHECK(web.links == std::vector<LxdLink>{{"lxh-web", 6604, 61534}});
}

TEST_CASE("lxd output: ls -f, the default columns and every column", "[lxd_output]") {
  const std::vector<LxdInstance> instances = parse_lxd_instances(kClusterList);
  CHECK(render_lxd_ls(instances, ls(LxdList::Format::fancy), 80) ==
        "NAME  STATE   AUTOSTART GROUPS IPV4                  IPV6         UNPRIVILEGED \n"
        "batch FROZEN  0         -      10.0.0.5, 10.203.0.30 2001:db8::30 false        \n"
        "cache ERROR   0         -      -                     -            true         \n"
        "db    STOPPED 1         -      -                     -            true         \n"
        "web   RUNNING 0         -      10.203.0.10           fd42:203::10 true         \n");
  // lxc-ls's RAM in MiB to the hundredth, its SWAP in whole MiB (3.5 MiB here), both to the right.
  const LxdList all = ls(LxdList::Format::fancy, {"NAME", "STATE", "PID", "RAM", "SWAP", "AUTOSTART", "GROUPS",
                                                   "INTERFACE", "IPV4", "IPV6", "UNPRIVILEGED", "LOCATION"});
  CHECK(render_lxd_ls(instances, all, 80) ==
        "NAME  STATE   PID  RAM       SWAP   AUTOSTART GROUPS INTERFACE      IPV4                  IPV6         UNPRIVILEGED LOCATION \n"
        "batch FROZEN  7001 1536.00MB 0.00MB 0         -      eth0, eth1, lo 10.0.0.5, 10.203.0.30 2001:db8::30 false        m1       \n"
        "cache ERROR   -    -         -      0         -      -              -                     -            true         m3       \n"
        "db    STOPPED -    -         -      1         -      -              -                     -            true         m2       \n"
        "web   RUNNING 5934   12.50MB 3.00MB 0         -      eth0, lo       10.203.0.10           fd42:203::10 true         m1       \n");
  // RAM and SWAP as wide as lxc-ls makes them when no container runs.
  LxdList stopped = ls(LxdList::Format::fancy, {"NAME", "RAM", "SWAP"});
  stopped.states = LxdStates::stopped;
  CHECK(render_lxd_ls(instances, stopped, 80) ==
        "NAME RAM    SWAP   \n"
        "db   -      -      \n");
  // Only RAM and SWAP go to the right, not a name that ends as a size does.
  LxdInstance sized;
  sized.name = "cache-64MB";
  sized.state = "RUNNING";
  sized.memory = 67108864;
  CHECK(render_lxd_ls({&sized, 1}, ls(LxdList::Format::fancy, {"NAME", "RAM"}), 80) ==
        "NAME       RAM     \n"
        "cache-64MB 64.00MB \n");
  // A server that is no cluster: "none", as LXD says.
  const LxdInstance solo = parse_lxd_instance(kSolo);
  CHECK(render_lxd_ls({&solo, 1}, ls(LxdList::Format::fancy, {"NAME", "LOCATION"}), 80) ==
        "NAME LOCATION \n"
        "web  none     \n");
}

TEST_CASE("lxd output: ls prints what lxc-ls printed for the lab's containers", "[lxd_output]") {
  const std::vector<LxdInstance> lab = parse_lxd_instances(lab_list());
  // Captured: lxc-ls -P /var/lib/lxhost-lab/lxc (no terminal), -1, -f, and -f -F with every column.
  CHECK(render_lxd_ls(lab, ls(LxdList::Format::columns), 0) == "base \nsshd1\nsshd2\nweb  \n");
  // And on a terminal 12, 20 and 80 columns wide (`stty cols N` in a pty).
  CHECK(render_lxd_ls(lab, ls(LxdList::Format::columns), 12) == "base  sshd1\nsshd2 web  \n");
  CHECK(render_lxd_ls(lab, ls(LxdList::Format::columns), 20) == "base  sshd1 sshd2\nweb   \n");
  CHECK(render_lxd_ls(lab, ls(LxdList::Format::columns), 80) == "base  sshd1 sshd2 web   \n");
  CHECK(render_lxd_ls(lab, ls(LxdList::Format::lines), 0) == "base\nsshd1\nsshd2\nweb\n");
  CHECK(render_lxd_ls(lab, ls(LxdList::Format::fancy), 0) ==
        "NAME  STATE   AUTOSTART GROUPS IPV4                     IPV6         UNPRIVILEGED \n"
        "base  STOPPED 0         -      -                        -            false        \n"
        "sshd1 RUNNING 0         -      10.203.0.20              -            false        \n"
        "sshd2 RUNNING 0         -      10.203.0.21              -            false        \n"
        "web   RUNNING 0         -      10.203.0.10, 10.203.0.11 fd42:203::10 false        \n");
  const LxdList every = ls(LxdList::Format::fancy, {"NAME", "STATE", "PID", "RAM", "SWAP", "AUTOSTART", "GROUPS",
                                                     "INTERFACE", "IPV4", "IPV6", "UNPRIVILEGED"});
  CHECK(render_lxd_ls(lab, every, 0) ==
        "NAME  STATE   PID  RAM    SWAP   AUTOSTART GROUPS INTERFACE IPV4                     IPV6         UNPRIVILEGED \n"
        "base  STOPPED -    -      -      0         -      -         -                        -            false        \n"
        "sshd1 RUNNING 6035 3.43MB 0.00MB 0         -      lab0, lo  10.203.0.20              -            false        \n"
        "sshd2 RUNNING 6084 1.97MB 0.00MB 0         -      lab0, lo  10.203.0.21              -            false        \n"
        "web   RUNNING 5934 0.58MB 0.00MB 0         -      lab0, lo  10.203.0.10, 10.203.0.11 fd42:203::10 false        \n");
}

TEST_CASE("lxd output: ls's names, in columns for a terminal's width and one a line", "[lxd_output]") {
  const std::vector<LxdInstance> instances = parse_lxd_instances(kClusterList);
  // Padded to the longest; a break when the next name would reach the width (lxc-ls's print_names).
  CHECK(render_lxd_ls(instances, ls(LxdList::Format::columns), 0) == "batch\ncache\ndb   \nweb  \n");
  CHECK(render_lxd_ls(instances, ls(LxdList::Format::columns), 20) == "batch cache db   \nweb   \n");
  CHECK(render_lxd_ls(instances, ls(LxdList::Format::columns), 80) == "batch cache db    web   \n");
  CHECK(render_lxd_ls(instances, ls(LxdList::Format::lines), 80) == "batch\ncache\ndb\nweb\n");
  // At least NAME's width, as lxc-ls pads.
  LxdList db_only = ls(LxdList::Format::columns);
  db_only.filter = "^db$";
  CHECK(render_lxd_ls(instances, db_only, 0) == "db  \n");
  // None: nothing at all, no header either.
  CHECK(render_lxd_ls({}, ls(LxdList::Format::columns), 80).empty());
  CHECK(render_lxd_ls({}, ls(LxdList::Format::lines), 80).empty());
  CHECK(render_lxd_ls({}, ls(LxdList::Format::fancy), 80).empty());
}

TEST_CASE("lxd output: ls's state filters and FILTER", "[lxd_output]") {
  const std::vector<LxdInstance> instances = parse_lxd_instances(kClusterList);
  const auto names = [&](LxdStates states, std::optional<std::string> filter = std::nullopt) {
    LxdList list = ls(LxdList::Format::lines);
    list.states = states;
    list.filter = std::move(filter);
    return render_lxd_ls(instances, list, 0);
  };
  CHECK(names(LxdStates::all) == "batch\ncache\ndb\nweb\n");
  CHECK(names(LxdStates::running) == "batch\nweb\n");  // lxc-ls --running: frozen ones too
  CHECK(names(LxdStates::active) == "batch\nweb\n");
  CHECK(names(LxdStates::stopped) == "db\n");  // not the unreachable ERROR one
  CHECK(names(LxdStates::frozen) == "batch\n");
  // FILTER: found anywhere in the name, as lxc-ls's regexec finds it.
  CHECK(names(LxdStates::all, "e") == "cache\nweb\n");
  CHECK(names(LxdStates::all, "^c") == "cache\n");
  CHECK(names(LxdStates::all, "b$|^d") == "db\nweb\n");
  CHECK(names(LxdStates::running, "a") == "batch\n");
  CHECK(names(LxdStates::all, "") == "batch\ncache\ndb\nweb\n");
  CHECK(names(LxdStates::all, "x").empty());

  LxdList table = ls(LxdList::Format::fancy, {"NAME", "LOCATION", "STATE"});
  table.filter = "e";
  CHECK(render_lxd_ls(instances, table, 80) ==
        "NAME  LOCATION STATE   \n"
        "cache m3       ERROR   \n"
        "web   m1       RUNNING \n");

  LxdList bad = ls(LxdList::Format::lines);
  bad.filter = "web[";
  CHECK_THROWS_WITH(render_lxd_ls(instances, bad, 0), "ls: FILTER 'web[' is not a regular expression");
  CHECK_THROWS_AS(render_lxd_ls(instances, bad, 0), UsageError);
}

TEST_CASE("lxd output: info prints lxc-info's lines, of the figures LXD has", "[lxd_output]") {
  const LxdInstance web = parse_lxd_instance(kSolo);
  // lxc-info -n web as it printed for the lab's web, but BlkIO and KMem, which LXD does not give.
  CHECK(render_lxd_info(web, info_flags(true, true, true, true)) ==
        "Name:           web\n"
        "State:          RUNNING\n"
        "PID:            5934\n"
        "IP:             10.203.0.10\n"
        "IP:             10.203.0.11\n"
        "IP:             fd42:203::10\n"
        "CPU use:        0.03 seconds\n"
        "Memory use:     596.00 KiB\n"
        "Link:           lxh-web\n"
        " TX bytes:      6.45 KiB\n"
        " RX bytes:      60.09 KiB\n"
        " Total bytes:   66.54 KiB\n");
  // -H: raw numbers, labels kept with more than one filter.
  CHECK(render_lxd_info(web, info_flags(true, true, true, true, false)) ==
        "Name:           web\n"
        "State:          RUNNING\n"
        "PID:            5934\n"
        "IP:             10.203.0.10\n"
        "IP:             10.203.0.11\n"
        "IP:             fd42:203::10\n"
        "CPU use:        28756823\n"
        "Memory use:     610304\n"
        "Link:           lxh-web\n"
        " TX bytes:      6604\n"
        " RX bytes:      61534\n"
        " Total bytes:   68138\n");
  CHECK(render_lxd_info(web, info_flags(true, false, false, false)) == "State:          RUNNING\n");
  CHECK(render_lxd_info(web, info_flags(true, false, false, false, false)) == "RUNNING\n");
  CHECK(render_lxd_info(web, info_flags(false, true, false, false)) == "PID:            5934\n");
  CHECK(render_lxd_info(web, info_flags(false, true, false, false, false)) == "5934\n");
  CHECK(render_lxd_info(web, info_flags(false, false, true, false)) ==
        "IP:             10.203.0.10\n"
        "IP:             10.203.0.11\n"
        "IP:             fd42:203::10\n");
  CHECK(render_lxd_info(web, info_flags(false, false, true, false, false)) == "10.203.0.10\n10.203.0.11\nfd42:203::10\n");
  CHECK(render_lxd_info(web, info_flags(true, false, true, false, false)) ==
        "State:          RUNNING\n"
        "IP:             10.203.0.10\n"
        "IP:             10.203.0.11\n"
        "IP:             fd42:203::10\n");
  // -S counts as five filters: labelled even with -H.
  CHECK(render_lxd_info(web, info_flags(false, false, false, true, false)) ==
        "CPU use:        28756823\n"
        "Memory use:     610304\n"
        "Link:           lxh-web\n"
        " TX bytes:      6604\n"
        " RX bytes:      61534\n"
        " Total bytes:   68138\n");
}

TEST_CASE("lxd output: info on instances that do not run", "[lxd_output]") {
  const std::vector<LxdInstance> instances = parse_lxd_instances(kClusterList);
  const LxdInstance& db = instances[1];
  const LxdInstance& cache = instances[2];
  // As lxc-info -n base printed: the name and the state, nothing else.
  CHECK(render_lxd_info(db, info_flags(true, true, true, true)) == "Name:           db\nState:          STOPPED\n");
  CHECK(render_lxd_info(db, info_flags(true, true, true, true, false)) == "Name:           db\nState:          STOPPED\n");
  CHECK(render_lxd_info(db, info_flags(true, false, false, false, false)) == "STOPPED\n");
  CHECK(render_lxd_info(db, info_flags(false, false, true, false)).empty());
  CHECK(render_lxd_info(db, info_flags(false, true, false, false)).empty());
  CHECK(render_lxd_info(db, info_flags(false, false, false, true)).empty());
  CHECK(render_lxd_info(cache, info_flags(true, true, true, true)) == "Name:           cache\nState:          ERROR\n");
}

TEST_CASE("lxd output: info's figures, frozen, large and unread", "[lxd_output]") {
  const LxdInstance batch = parse_lxd_instances(kClusterList)[3];
  // Frozen is running to LXC; LXD could not read the CPU (-1): no CPU line. eth1 has no host end.
  CHECK(render_lxd_info(batch, info_flags(true, true, true, true)) ==
        "Name:           batch\n"
        "State:          FROZEN\n"
        "PID:            7001\n"
        "IP:             10.0.0.5\n"
        "IP:             10.203.0.30\n"
        "IP:             2001:db8::30\n"
        "Memory use:     1.49 GiB\n"
        "Link:           vethb47c0e11\n"
        " TX bytes:      1024.00 KiB\n"
        " RX bytes:      2.00 GiB\n"
        " Total bytes:   2.00 GiB\n");
  // lxc-info's size_humanize at its edges, and its float seconds.
  LxdInstance sizes;
  sizes.name = "s";
  sizes.state = "RUNNING";
  sizes.cpu_ns = 1234567890123U;
  const auto memory_line = [&](std::uint64_t bytes) {
    sizes.memory = bytes;
    return render_lxd_info(sizes, info_flags(false, false, false, true));
  };
  CHECK(memory_line(0) == "CPU use:        1234.57 seconds\nMemory use:     0 bytes\n");
  CHECK(memory_line(1024) == "CPU use:        1234.57 seconds\nMemory use:     1024 bytes\n");
  CHECK(memory_line(1025) == "CPU use:        1234.57 seconds\nMemory use:     1.00 KiB\n");
  CHECK(memory_line(1048576) == "CPU use:        1234.57 seconds\nMemory use:     1024.00 KiB\n");
  CHECK(memory_line(1048577) == "CPU use:        1234.57 seconds\nMemory use:     1.00 MiB\n");
  CHECK(memory_line(1073741824) == "CPU use:        1234.57 seconds\nMemory use:     1024.00 MiB\n");
  CHECK(memory_line(1073741825) == "CPU use:        1234.57 seconds\nMemory use:     1.00 GiB\n");
  CHECK(memory_line(5905580032) == "CPU use:        1234.57 seconds\nMemory use:     5.49 GiB\n");  // its hundredths cut, not rounded
}

TEST_CASE("lxd output: what lxhost's own parsers read back", "[lxd_output]") {
  const std::vector<LxdInstance> instances = parse_lxd_instances(kClusterList);
  const std::string table =
      render_lxd_ls(instances, ls(LxdList::Format::fancy, {"NAME", "STATE", "IPV4", "IPV6"}), 80);
  CHECK(table ==
        "NAME  STATE   IPV4                  IPV6         \n"
        "batch FROZEN  10.0.0.5, 10.203.0.30 2001:db8::30 \n"
        "cache ERROR   -                     -            \n"
        "db    STOPPED -                     -            \n"
        "web   RUNNING 10.203.0.10           fd42:203::10 \n");
  CHECK(parse_lxc_ls_fancy(table) == std::vector<ContainerRow>{
                                         {"batch", "FROZEN", {"10.0.0.5", "10.203.0.30"}, {"2001:db8::30"}, ""},
                                         {"cache", "ERROR", {}, {}, ""},
                                         {"db", "STOPPED", {}, {}, ""},
                                         {"web", "RUNNING", {"10.203.0.10"}, {"fd42:203::10"}, ""},
                                     });
  const LxdInstance web = parse_lxd_instance(kSolo);
  CHECK(parse_lxc_info_ips(render_lxd_info(web, info_flags(false, false, true, false, false))) ==
        Strings{"10.203.0.10", "10.203.0.11", "fd42:203::10"});
  CHECK(parse_lxc_info_ips(render_lxd_info(instances[3], info_flags(false, false, true, false, false))) ==
        Strings{"10.0.0.5", "10.203.0.30", "2001:db8::30"});
}

TEST_CASE("lxd output: bodies that are not LXD's answer, and LXD's errors", "[lxd_output]") {
  CHECK(failure(kParseList, "") == "unexpected answer from LXD: not JSON");
  CHECK(failure(kParseList, "<html>502 Bad Gateway</html>") == "unexpected answer from LXD: not JSON");
  CHECK(failure(kParseOne, R"({"type": "sync", "metadata": {)") == "unexpected answer from LXD: not JSON");
  CHECK(failure(kParseList, "[]") == "unexpected answer from LXD: not a response of LXD's REST API");
  CHECK(failure(kParseList, R"({"metadata": []})") == "unexpected answer from LXD: not a response of LXD's REST API");
  // LXD's own errors: its text.
  CHECK(failure(kParseOne, R"({"type":"error","status":"","status_code":0,"operation":"","error_code":404,)"
                           R"("error":"Instance not found","metadata":null})") == "LXD: Instance not found");
  CHECK(failure(kParseList, R"({"type":"error","error":"","error_code":500,"metadata":null})") == "LXD: error 500");
  CHECK(failure(kParseList, R"({"type":"error","error":"bad\nthing\u001b[31m","error_code":400})") ==
        "LXD: bad\\x0athing\\x1b[31m");
  REQUIRE_THROWS_AS(parse_lxd_instance(R"({"type":"error","error":"Instance not found","error_code":404})"), Failure);
  // A sync response without the instances.
  CHECK(failure(kParseList, R"({"type":"sync","status":"Success","status_code":200})") ==
        "unexpected answer from LXD: no metadata");
  CHECK(failure(kParseOne, R"({"type":"sync","status":"Success","status_code":200,"metadata":null})") ==
        "unexpected answer from LXD: no metadata");
  CHECK(failure(kParseList, R"({"type":"sync","status":"Success","status_code":200,"metadata":{"name":"web"}})") ==
        "unexpected answer from LXD: the metadata is not a list of instances");
  CHECK(failure(kParseOne, R"({"type":"sync","status":"Success","status_code":200,"metadata":["/1.0/instances/web"]})") ==
        "unexpected answer from LXD: an instance is not an object");
  CHECK(failure(kParseList, R"({"type":"async","status":"Operation created","status_code":100,"metadata":{}})") ==
        "unexpected answer from LXD: a response of type 'async', not 'sync'");
  // Instances of another shape.
  CHECK(failure(kParseList, R"({"type":"sync","metadata":["/1.0/instances/web"]})") ==
        "unexpected answer from LXD: an instance is not an object");
  CHECK(failure(kParseList, R"({"type":"sync","metadata":[{"status":"Running"}]})") ==
        "unexpected answer from LXD: an instance without a name");
  CHECK(failure(kParseList, R"({"type":"sync","metadata":[{"name":7,"status":"Running"}]})") ==
        "unexpected answer from LXD: 'name' is not a string");
  CHECK(failure(kParseList, R"({"type":"sync","metadata":[{"name":"web"}]})") ==
        "unexpected answer from LXD: no status for 'web'");
  CHECK(failure(kParseOne, R"({"type":"sync","metadata":{"name":"web","status":"Running","state":{"pid":"5934"}}})") ==
        "unexpected answer from LXD: 'pid' is not a whole number");
  CHECK(failure(kParseOne, R"({"type":"sync","metadata":{"name":"web","status":"Running","config":[]}})") ==
        "unexpected answer from LXD: 'config' is not an object");
  CHECK(failure(kParseOne, R"({"type":"sync","metadata":{"name":"web","status":"Running",)"
                           R"("state":{"network":{"eth0":{"addresses":{}}}}}})") ==
        "unexpected answer from LXD: 'addresses' is not a list");
  // An empty list is no error: no instances.
  CHECK(parse_lxd_instances(R"({"type":"sync","status":"Success","status_code":200,"operation":"",)"
                            R"("error_code":0,"error":"","metadata":[]})")
            .empty());
}

TEST_CASE("lxd output: snapshots printed as lxc-snapshot -L prints them, and the next one's name", "[lxd_output]") {
  // As LXD 5.0 answers GET /1.0/instances/web/snapshots?recursion=1 (fields trimmed).
  const std::string body = R"({"type": "sync", "status": "Success", "status_code": 200, "metadata": [
      {"name": "snap0", "created_at": "2026-12-04T21:03:07.511288314Z", "stateful": false, "architecture": "x86_64"},
      {"name": "web/before upgrade", "created_at": "2026-12-04T22:10:00Z", "stateful": false},
      {"name": "snap2", "created_at": "a time LXD never gives", "stateful": false}]})";
  const std::vector<LxdSnapshotRow> rows = parse_lxd_snapshots(body);
  CHECK(rows == std::vector<LxdSnapshotRow>{{"snap0", "2026-12-04T21:03:07.511288314Z"},
                                            {"before upgrade", "2026-12-04T22:10:00Z"},
                                            {"snap2", "a time LXD never gives"}});
  CHECK(render_lxd_snapshots(rows) ==
        "snap0 (LXD) 2026:12:04 21:03:07\n"
        "before upgrade (LXD) 2026:12:04 22:10:00\n"
        "snap2 (LXD) a time LXD never gives\n");
  CHECK(render_lxd_snapshots({}) == "No snapshots\n");

  CHECK(next_snapshot_name(rows) == "snap1");  // the first free one, as lxc-snapshot names them
  CHECK(next_snapshot_name({}) == "snap0");
  const std::vector<LxdSnapshotRow> taken{{"snap1", ""}, {"snap0", ""}, {"snap3", ""}};
  CHECK(next_snapshot_name(taken) == "snap2");

  CHECK(parse_lxd_snapshots(R"({"type": "sync", "metadata": []})").empty());
  CHECK_THROWS_WITH(parse_lxd_snapshots(R"({"type": "sync", "metadata": {}})"),
                    "unexpected answer from LXD: the metadata is not a list of snapshots");
  CHECK_THROWS_WITH(parse_lxd_snapshots(R"({"type": "sync", "metadata": [{"created_at": ""}]})"),
                    "unexpected answer from LXD: a snapshot without a name");
  CHECK_THROWS_WITH(parse_lxd_snapshots(R"({"type": "error", "error": "Instance not found", "error_code": 404})"),
                    "LXD: Instance not found");
  const std::string control = R"({"type": "sync", "metadata": [{"name": "a\nb", "created_at": "x"}]})";
  CHECK(render_lxd_snapshots(parse_lxd_snapshots(control)) == "a\\x0ab (LXD) x\n");
}
