// LXC's verbs on an LXD host (a host with `backend = "lxd"`): what each one asks of LXD. A pure
// translation table, unit-tested like the LXC 1 one (legacy_verbs.hpp). A verb becomes one
// LxdAction: requests to LXD's REST API (over the host's SSH session to its unix socket), or, for
// what needs a terminal, LXD's own `lxc` client run on the host. The flags each verb keeps are
// LXC's own, so scripts and completion work as on an LXC host; a verb or flag that has no LXD
// meaning is a UsageError (exit 2) whose hint names the LXD command that does the job.
//
// commands/lxd.cpp runs each action.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/http_framing.hpp"

namespace lxhost {

// Where the instances are: the LXD project of every request (the host's lxd_project).
struct LxdScope {
  std::string project = "default";
};

// lxc-ls's state filters (--running, --stopped, --frozen, --active).
enum class LxdStates { all, running, stopped, frozen, active };

// ls: every instance (GET /1.0/instances?recursion=1; recursion=2, with each running one's state,
// only for -f columns that need it), printed as lxc-ls prints.
struct LxdList {
  HttpRequest request;
  LxdStates states = LxdStates::all;
  enum class Format { columns, lines, fancy };  // lxc-ls; -1; -f
  Format format = Format::columns;
  std::vector<std::string> fields;  // -f's columns: -F's, else lxc-ls's default ones
  std::optional<std::string> filter;  // lxc-ls's FILTER: a regular expression the names match
};

// info: an instance with its state (GET /1.0/instances/NAME?recursion=1), printed as lxc-info
// prints. No -s, -p, -i or -S: all four, as lxc-info does.
struct LxdInfo {
  HttpRequest request;
  std::string name;
  bool state = false, pid = false, ips = false, stats = false;
  bool humanize = true;  // -H: raw numbers
};

// start, stop (-k: forced; -r: restart), freeze, unfreeze: PUT /1.0/instances/NAME/state, an
// operation that is waited for unless `wait` is false (lxc-stop -W).
struct LxdStateChange {
  HttpRequest request;
  std::string name;
  bool wait = true;
};

// attach, execute: LXD's `lxc exec` on the host (with a PTY when interactive): its output as it
// comes, stdout and stderr apart, stdin, the command's exit code.
struct LxdExec {
  std::vector<std::string> argv;  // {"lxc", "exec", NAME, "--project", P, "--env", "K=V", "--", CMD...}
  std::string name;
  // execute: lxc-execute runs CMD in a container that is not running; on LXD the instance is
  // started for it and stopped again after.
  bool start_first = false;
};

// copy, clone: a new instance from another (POST /1.0/instances, ?target=MEMBER with --target),
// an operation that is waited for; copy -R renames (POST /1.0/instances/NAME). `start`: started
// after (copy -d or -F without -e is LXC's "start the copy"; LXD's `start: true` is ignored).
struct LxdCopy {
  HttpRequest request;
  std::string source;
  std::string name;
  bool rename = false;  // copy -R: the request renames `source` (no new instance)
  bool start = false;
};

// destroy: DELETE /1.0/instances/NAME (its snapshots go with it); with -f a running instance is
// stopped first (forced).
struct LxdDestroy {
  HttpRequest stop;
  HttpRequest remove;
  std::string name;
  bool force = false;
};

// snapshot: create (named snapN, the first N not taken, as lxc-snapshot names them), -L list,
// -r restore (in place, or -N into a new instance), -d destroy one.
struct LxdSnapshot {
  enum class Op { create, list, restore, restore_as, remove };
  Op op = Op::create;
  std::string name;
  std::string snapshot;        // -r, -d
  std::string new_name;        // -N
  HttpRequest request;         // list, restore, restore_as, remove; create: the list, to name it
};

// start-ephemeral and copy -e: an ephemeral copy (deleted by LXD when it stops), started; with a
// command, CMD runs in it under `lxc exec` and the copy is stopped after, whatever happened.
struct LxdEphemeral {
  HttpRequest copy;
  std::string orig;
  std::string name;                  // the user's, else the one lxhost generated
  std::string target;                // --target MEMBER; empty: LXD places it
  std::vector<std::string> command;  // empty: the copy stays up (-d), or is attached to (a shell)
  bool daemon = false;
};

// wait: the instance's state polled until it is one of `states` (lxc-wait -s "RUNNING|FROZEN"),
// at most `timeout_s` seconds (none: no bound, as lxc-wait without -t).
struct LxdWait {
  std::string name;
  std::vector<std::string> states;
  std::optional<int> timeout_s;
};

using LxdAction = std::variant<LxdList, LxdInfo, LxdStateChange, LxdExec, LxdCopy, LxdDestroy, LxdSnapshot,
                               LxdEphemeral, LxdWait>;

// Translates a verb (its name in the verb table: "ls", "attach", "clone", ...) and everything
// typed after it. `generated_name` names the copy of start-ephemeral (and copy -e) when the user
// gave none. Throws UsageError for a verb or flag with no LXD meaning (the hint names the LXD
// command that does the job), an unknown flag, a missing name or value, or an extra argument.
LxdAction translate_lxd(std::string_view verb, std::span<const std::string> args, const LxdScope& scope,
                        const std::string& generated_name);

// A name as one segment of a URL's path or a query's value: every byte outside [A-Za-z0-9._~-]
// percent-encoded.
std::string url_segment(std::string_view text);

// `target` ("/1.0/instances?recursion=2") in the scope's project: "?project=P" added, or
// "&project=P" after a query of its own.
std::string in_project(std::string_view target, const LxdScope& scope);

}  // namespace lxhost
