// doctor's checks of a host with backend = "lxd", over doctor's own session: LXD's socket reached
// through it (a direct-streamlocal channel), the server and the user's trust, the cluster's
// members, storage, and a real ephemeral copy made and deleted.
#include <variant>

#include "commands/doctor_checks.hpp"
#include "commands/lxd_api.hpp"
#include "core/lxd_verbs.hpp"
#include "transport/libssh_transport.hpp"

namespace lxhost::doctor {

Outcome Doctor::check_lxd_socket() {
  lxd_transport_ = make_libssh_transport(*ssh_, host(), ctx_.log());
  try {
    lxd_ = std::make_unique<Lxd>(*lxd_transport_, host(), ctx_.log());
  } catch (const Failure& e) {  // none of the usual places has one
    return failed(e.what(), e.hint());
  }
  const std::string socket = lxd_->socket();
  const std::string q = quote_word(socket);
  // What the user can do with it, asked before sshd is: each failure has its own fix.
  const RemoteRun probe = remote(fmt::format(
      "if [ ! -S {0} ]; then echo missing; elif [ ! -w {0} ]; then echo denied; stat -c %G {0}; else echo ok; fi", q));
  if (!probe.finished) return failed(not_finished("test -S"), "check the host's load");
  const std::string said = first_line(probe.out);
  if (said == "missing")
    return failed(fmt::format("{} is not a socket on the host", socket),
                  host().lxd_socket.value.empty()
                      ? "start LXD on the host"
                      : fmt::format("start LXD on the host, or correct lxd_socket in [hosts.{}]", host().name));
  if (said == "denied") {
    const std::string group = first_line(probe.out.substr(probe.out.find('\n') + 1));
    return failed(fmt::format("{} may not use {} (its group is {})", user_, socket, group.empty() ? "?" : group),
                  fix_lxd_group(user_, group));
  }
  const auto started = Clock::now();
  try {
    const HttpResponse answer = lxd_->send({"GET", "/1.0", ""}, connect_bound());
    server_answer_ = answer.body;
  } catch (const ConnectError& e) {
    return failed(fmt::format("{} can use {}, but the channel to it failed: {}", user_, socket, e.what()), fix_streamlocal());
  }
  return passed(fmt::format("{} answered through the SSH session in {} ms", socket, ms_since(started)));
}

Outcome Doctor::check_lxd_server() {
  const std::optional<LxdServer> server = parse_lxd_server(server_answer_);
  if (!server) return failed("GET /1.0 was not LXD's answer", "check that lxd_socket is LXD's socket");
  const std::string what = fmt::format("LXD {} (API {}){}", server->server_version, server->api_version,
                                       server->clustered ? fmt::format(", cluster member {}", server->server_name) : "");
  if (!server->trusted)
    return failed(fmt::format("{}: {} is not trusted", what, user_), fix_lxd_group(user_, ""));
  clustered_ = server->clustered;
  return passed(fmt::format("{}; {} is trusted", what, user_));
}

Outcome Doctor::check_lxd_members() {
  if (!clustered_) return passed("a single server, no cluster");
  const auto members = parse_lxd_members(lxd_->sync({"GET", "/1.0/cluster/members?recursion=1", ""}));
  if (!members) return failed("GET /1.0/cluster/members was not LXD's answer", "check the host's LXD");
  std::vector<std::string> listed, offline;
  for (const auto& [name, status] : *members) {
    listed.push_back(fmt::format("{} {}", name, status));
    if (status == "Offline") offline.push_back(name);
  }
  const std::string detail = fmt::format("{}", fmt::join(listed, ", "));
  if (offline.empty()) return passed(detail);
  return failed(fmt::format("{} (LXD lists the instances there as ERROR; lxhost fails at once for them)", detail),
                fmt::format("start LXD on {}", fmt::join(offline, " and ")));
}

Outcome Doctor::check_lxd_storage() {
  const auto pools = parse_lxd_pools(lxd_->sync({"GET", "/1.0/storage-pools?recursion=1", ""}));
  if (!pools) return failed("GET /1.0/storage-pools was not LXD's answer", "check the host's LXD");
  if (pools->empty())
    return failed("LXD has no storage pool: no instance can be made",
                  "on the host: lxc storage create default dir, and a root disk in the default profile "
                  "(lxc profile device add default root disk path=/ pool=default)");
  std::vector<std::string> listed;
  for (const auto& [name, driver] : *pools) listed.push_back(fmt::format("{} ({})", name, driver));
  return passed(fmt::format("{}", fmt::join(listed, ", ")));
}

Outcome Doctor::check_lxd_copy() {
  const LxdScope scope{host().lxd_project.value};
  const std::vector<LxdInstance> instances =
      parse_lxd_instances(lxd_->sync({"GET", in_project("/1.0/instances?recursion=1", scope), ""}));
  const LxdInstance* source = nullptr;
  for (const char* state : {"STOPPED", "RUNNING"}) {
    for (const LxdInstance& instance : instances)
      if (instance.state == state) {
        source = &instance;
        break;
      }
    if (source != nullptr) break;
  }
  if (source == nullptr) return passed(fmt::format("no instance in project {} to try an ephemeral copy of", scope.project));
  // A name nobody else uses; deleted only when this copy made it.
  const std::string probe = fmt::format("lxhost-doctor-{:08x}", std::random_device{}());
  const std::vector<std::string> args = {"-o", source->name, "-n", probe, "-d"};
  const LxdEphemeral copy = std::get<LxdEphemeral>(translate_lxd("start-ephemeral", args, scope, probe));
  const auto started = Clock::now();
  const std::string what = fmt::format("an ephemeral copy of {}{}", source->name,
                                       source->location.empty() || source->location == "none"
                                           ? ""
                                           : fmt::format(" (on {})", source->location));
  try {
    lxd_->run(lxd_->with_source(copy.copy, source->name));
  } catch (const Failure& e) {
    return failed(fmt::format("{} failed: {}", what, e.what()),
                  fmt::format("on the host: lxc copy {} t --ephemeral gives LXD's whole account", source->name));
  }
  const long long made = ms_since(started);
  try {
    lxd_->run({"DELETE", in_project("/1.0/instances/" + url_segment(probe), scope), ""});
  } catch (const Failure& e) {
    return failed(fmt::format("{} was made ({}), and could not be deleted: {}", what, probe, e.what()),
                  fmt::format("on the host: lxc delete {} --project {}", probe, scope.project));
  }
  return passed(fmt::format("{} made in {} ms, deleted again", what, made));
}

}  // namespace lxhost::doctor
