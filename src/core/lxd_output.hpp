// LXD's answers printed as LXC's tools print theirs: the instances of GET /1.0/instances?recursion=2
// as lxc-ls prints containers, and one instance (GET /1.0/instances/NAME?recursion=1) as lxc-info
// prints one, so that completion and the scripts that read lxc-ls work the same on an LXD host.
// Pure: no I/O. commands/lxd.cpp prints LXD's answers with these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/lxc_output.hpp"
#include "core/lxd_verbs.hpp"

namespace lxhost {

// A NIC with an end on the host (a veth, a tap): what lxc-info's Link: lines print.
struct LxdLink {
  std::string host_name;       // LXD's host_name: the host's end, as lxc-info names the link
  std::uint64_t sent = 0;      // bytes, counted by the instance (lxc-info's " TX bytes:")
  std::uint64_t received = 0;  // " RX bytes:"

  bool operator==(const LxdLink&) const = default;
};

// An instance in LXC's words: what lxc-ls -f's columns (and LOCATION, lxhost's) and lxc-info print.
// The figures after `pid` come from the instance's state, which LXD gives for a running or frozen
// one; for any other they stay empty.
struct LxdInstance {
  std::string name;
  std::string state;         // LXD's status as LXC prints states: RUNNING, STOPPED, FROZEN, ERROR
  std::string location;      // the cluster member that holds it; "none" on a server that is no cluster
  bool autostart = false;    // boot.autostart is true (in its expanded config)
  bool unprivileged = true;  // security.privileged is not true: LXD's default
  std::int64_t pid = 0;      // 0: none
  // Sorted as LXC sorts them (strcmp): its lists of interfaces and addresses are.
  std::vector<std::string> interfaces;  // every interface, lo included
  std::vector<std::string> ipv4;        // every address but lo's
  std::vector<std::string> ipv6;        // every one but lo's and link-local ones (LXC's scope 0)
  std::uint64_t memory = 0;             // bytes
  std::uint64_t swap = 0;               // bytes
  std::optional<std::uint64_t> cpu_ns;  // none when LXD could not read it (it says -1)
  std::vector<LxdLink> links;           // NICs with a host end, in interface name order

  bool operator==(const LxdInstance&) const = default;
};

// The body of GET /1.0/instances?recursion=2, in LXD's order. Throws Failure, one line, for a body
// that is not JSON, not LXD's sync response with a list of instances, or LXD's error (its text).
std::vector<LxdInstance> parse_lxd_instances(std::string_view body);

// The body of GET /1.0/instances/NAME?recursion=1. Throws Failure as parse_lxd_instances does.
LxdInstance parse_lxd_instance(std::string_view body);

// The instances as `list`, completion and the cache take containers (name, state, addresses,
// member; no member on a server that is no cluster), in the same order.
std::vector<ContainerRow> lxd_container_rows(std::vector<LxdInstance> instances);

// What lxc-ls prints: the instances `list` keeps (its states; its filter, a regular expression
// found anywhere in the name) sorted by name, in its layout: names in columns for a terminal
// `termwidth` wide (0: none, one a line), one a line, or the table of `list.fields` ("-" for
// none, lists "a, b"). Nothing when none is kept. Throws UsageError for a filter that is not a
// regular expression (ECMAScript's syntax; lxc-ls's is POSIX's extended one, mostly the same).
std::string render_lxd_ls(std::span<const LxdInstance> instances, const LxdList& list, std::size_t termwidth);

// What lxc-info prints for the instance: the lines `info` asks for, labelled and in lxc-info's
// order, and of the statistics those LXD has (CPU, memory, each link's traffic). With all four
// of -s, -p, -i and -S (which is how no flag arrives) the Name: line first, as without flags.
std::string render_lxd_info(const LxdInstance& instance, const LxdInfo& info);

// A snapshot of an instance, from GET /1.0/instances/NAME/snapshots?recursion=1.
struct LxdSnapshotRow {
  std::string name;        // its own name ("snap0"), without the instance's
  std::string created_at;  // LXD's time, RFC 3339 in UTC ("2026-12-04T21:00:00.123456789Z")

  bool operator==(const LxdSnapshotRow&) const = default;
};

// The body of GET /1.0/instances/NAME/snapshots?recursion=1, in LXD's order. Throws Failure as
// parse_lxd_instances does.
std::vector<LxdSnapshotRow> parse_lxd_snapshots(std::string_view body);

// What lxc-snapshot -L prints: a line per snapshot, `NAME (LXD) YYYY:MM:DD HH:MM:SS` (lxc-snapshot
// gives the snapshot's directory in the parentheses; LXD's time is UTC), or "No snapshots".
std::string render_lxd_snapshots(std::span<const LxdSnapshotRow> snapshots);

// The name lxc-snapshot gives a new snapshot: snapN for the first N from 0 that is not taken.
std::string next_snapshot_name(std::span<const LxdSnapshotRow> snapshots);

}  // namespace lxhost
