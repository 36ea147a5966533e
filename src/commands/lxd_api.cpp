#include "commands/lxd_api.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "core/errors.hpp"
#include "core/lxd_output.hpp"
#include "core/lxd_verbs.hpp"
#include "core/remote_line.hpp"

namespace lxhost {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// LXD's socket on the host: the configured one, else the first of the usual places that exists.
std::string lxd_socket(Transport& transport, const HostConfig& host) {
  const std::string& configured = host.lxd_socket.value;
  if (!configured.empty()) return configured;
  const Captured found = transport.capture(lxd_socket_search() + "[ -n \"$s\" ] && printf '%s\\n' \"$s\"");
  if (found.exit_code != 0 || found.out.empty())
    throw Failure(fmt::format("{} has no LXD socket in any of the usual places", host.name),
                  "set lxd_socket in the host's table of the config (lxd_socket = \"/path/to/unix.socket\")");
  return found.out.substr(0, found.out.find('\n'));
}

json parse(const HostConfig& host, const std::string& body) {
  try {
    return json::parse(body);
  } catch (const json::exception&) {
    throw Failure(fmt::format("unexpected answer from LXD on {}: not JSON", host.name));
  }
}

[[noreturn]] void fail(const HostConfig& host, const HttpResponse& response) {
  std::string said;
  try {
    said = json::parse(response.body).value("error", "");
  } catch (const json::exception&) {
  }
  if (said.empty()) said = fmt::format("HTTP {} {}", response.status, response.reason);
  throw Failure(fmt::format("LXD on {}: {}", host.name, said));
}

}  // namespace

Lxd::Lxd(Context& ctx) : Lxd(ctx.transport(), ctx.host(), ctx.log()) {}

Lxd::Lxd(Transport& transport, const HostConfig& host, const Log& log)
    : transport_(transport), host_(host), log_(log), socket_(lxd_socket(transport, host)) {}

HttpResponse Lxd::send(const HttpRequest& request, milliseconds bound) {
  const std::string bytes = render_request(request);
  log_.debug("lxd: {} {} ({} bytes) to {}", request.method, request.target, bytes.size(), socket_);
  HttpResponseReader reader;
  transport_.exchange(socket_, bytes, [&reader](std::string_view got) { return reader.feed(got); }, bound);
  if (!reader.done() && !reader.finish())
    throw ConnectError(fmt::format("LXD on {} closed the connection before its whole answer", host_.name));
  return reader.response();
}

std::string Lxd::sync(const HttpRequest& request) {
  const HttpResponse response = send(request);
  if (response.status != 200) fail(host_, response);
  return response.body;
}

void Lxd::run(const HttpRequest& request, bool wait) {
  const HttpResponse response = send(request);
  if (response.status != 202 && response.status != 200) fail(host_, response);
  if (!wait) return;
  const json body = parse(host_, response.body);
  if (body.value("type", "") != "async") return;
  const std::string id = body.at("metadata").value("id", "");
  if (id.empty()) throw Failure(fmt::format("LXD on {} started an operation without an id", host_.name));
  const HttpRequest waiting{
      "GET",
      in_project(fmt::format("/1.0/operations/{}/wait?timeout={}", url_segment(id), kLxdOperationWait.count()),
                 LxdScope{host_.lxd_project.value}),
      ""};
  const HttpResponse done = send(waiting, std::chrono::duration_cast<milliseconds>(kLxdOperationWait) + kLxdRequestBound);
  if (done.status != 200) fail(host_, done);
  const json operation = parse(host_, done.body).at("metadata");
  if (operation.value("status", "") != "Success") {
    const std::string err = operation.value("err", "");
    throw Failure(fmt::format("LXD on {}: {}", host_.name, err.empty() ? operation.value("status", "failed") : err));
  }
}

LxdInstance Lxd::instance(const std::string& name) {
  // From the list, not GET /1.0/instances/NAME: LXD answers that on the member that holds the
  // instance, and waits for a member that is down; the list says ERROR for its instances at once.
  const LxdScope scope{host_.lxd_project.value};
  for (LxdInstance& found : parse_lxd_instances(sync({"GET", in_project("/1.0/instances?recursion=1", scope), ""})))
    if (found.name == name) return std::move(found);
  throw Failure(fmt::format("{} has no instance {} (in LXD project {})", host_.name, name, scope.project));
}

bool Lxd::exists(const std::string& name) {
  const LxdScope scope{host_.lxd_project.value};
  const std::vector<LxdInstance> all = parse_lxd_instances(sync({"GET", in_project("/1.0/instances?recursion=1", scope), ""}));
  return std::any_of(all.begin(), all.end(), [&](const LxdInstance& found) { return found.name == name; });
}

LxdInstance Lxd::reachable(const std::string& name) {
  LxdInstance found = instance(name);
  if (found.state != "ERROR" || found.location.empty() || found.location == "none") return found;
  const HttpResponse member = send({"GET", "/1.0/cluster/members/" + url_segment(found.location), ""});
  std::string status;
  if (member.status == 200) status = parse(host_, member.body).at("metadata").value("status", "");
  for (char& c : status) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // A member just stopped is "online" until its heartbeats are missed (LXD's offline threshold).
  throw Failure(status == "online" || status.empty()
                    ? fmt::format("{} is on {}, a cluster member that does not answer (LXD says ERROR)", name, found.location)
                    : fmt::format("{} is on {}, a cluster member that is {}", name, found.location, status),
                fmt::format("LXD answers for {}'s instances again once it runs there", found.location));
}

HttpRequest Lxd::with_source(const HttpRequest& copy, const std::string& source) {
  const LxdScope scope{host_.lxd_project.value};
  const std::size_t slash = source.find('/');
  const std::string path = slash == std::string::npos
                               ? "/1.0/instances/" + url_segment(source)
                               : "/1.0/instances/" + url_segment(source.substr(0, slash)) + "/snapshots/" +
                                     url_segment(source.substr(slash + 1));
  const json answer = parse(host_, sync({"GET", in_project(path, scope), ""}));
  json body = parse(host_, copy.body);
  try {
    const json& instance = answer.at("metadata");
    body["architecture"] = instance.value("architecture", "");
    body["type"] = instance.value("type", "container");
    body["profiles"] = instance.value("profiles", json::array());
    body["devices"] = instance.value("devices", json::object());
    json config = json::object();
    const json source_config = instance.value("config", json::object());
    for (const auto& [key, value] : source_config.items()) {
      if (key == "volatile.base_image") body["source"]["base-image"] = value;
      if (!key.starts_with("volatile.")) config[key] = value;
    }
    body["config"] = std::move(config);
  } catch (const json::exception&) {
    throw Failure(fmt::format("unexpected answer from LXD on {}: no instance {}", host_.name, source));
  }
  return {copy.method, copy.target, body.dump()};
}

std::vector<ContainerRow> lxd_containers(Context& ctx) {
  Lxd lxd(ctx);
  const LxdScope scope{ctx.host().lxd_project.value};
  return lxd_container_rows(
      parse_lxd_instances(lxd.sync({"GET", in_project("/1.0/instances?recursion=2", scope), ""})));
}

std::vector<std::string> lxd_addresses(Context& ctx, const std::string& name) {
  Lxd lxd(ctx);
  if (lxd.reachable(name).state != "RUNNING") return {};  // the list says so: no second request
  const LxdScope scope{ctx.host().lxd_project.value};
  LxdInstance instance = parse_lxd_instance(
      lxd.sync({"GET", in_project("/1.0/instances/" + url_segment(name) + "?recursion=1", scope), ""}));
  std::vector<std::string> addresses = std::move(instance.ipv4);
  addresses.insert(addresses.end(), instance.ipv6.begin(), instance.ipv6.end());
  return addresses;
}

}  // namespace lxhost
