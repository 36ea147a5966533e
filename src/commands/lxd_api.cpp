#include "commands/lxd_api.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "core/lxd_output.hpp"
#include "core/lxd_verbs.hpp"

namespace lxhost {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// LXD's socket on the host: the configured one, else the first of the usual places that exists.
std::string lxd_socket(Context& ctx) {
  const std::string& configured = ctx.host().lxd_socket.value;
  if (!configured.empty()) return configured;
  const Captured found = ctx.transport().capture(
      "for s in /var/snap/lxd/common/lxd/unix.socket /var/lib/lxd/unix.socket /var/lib/incus/unix.socket; "
      "do if [ -S \"$s\" ]; then printf '%s\\n' \"$s\"; exit 0; fi; done; exit 1");
  if (found.exit_code != 0 || found.out.empty())
    throw Failure(fmt::format("{} has no LXD socket in any of the usual places", ctx.host().name),
                  "set lxd_socket in the host's table of the config (lxd_socket = \"/path/to/unix.socket\")");
  return found.out.substr(0, found.out.find('\n'));
}

json parse(Context& ctx, const std::string& body) {
  try {
    return json::parse(body);
  } catch (const json::exception&) {
    throw Failure(fmt::format("unexpected answer from LXD on {}: not JSON", ctx.host().name));
  }
}

[[noreturn]] void fail(Context& ctx, const HttpResponse& response) {
  std::string said;
  try {
    said = json::parse(response.body).value("error", "");
  } catch (const json::exception&) {
  }
  if (said.empty()) said = fmt::format("HTTP {} {}", response.status, response.reason);
  throw Failure(fmt::format("LXD on {}: {}", ctx.host().name, said));
}

}  // namespace

Lxd::Lxd(Context& ctx) : ctx_(ctx), socket_(lxd_socket(ctx)) {}

HttpResponse Lxd::send(const HttpRequest& request, milliseconds bound) {
  const std::string bytes = render_request(request);
  ctx_.log().debug("lxd: {} {} ({} bytes) to {}", request.method, request.target, bytes.size(), socket_);
  HttpResponseReader reader;
  ctx_.transport().exchange(socket_, bytes, [&reader](std::string_view got) { return reader.feed(got); }, bound);
  if (!reader.done() && !reader.finish())
    throw ConnectError(fmt::format("LXD on {} closed the connection before its whole answer", ctx_.host().name));
  return reader.response();
}

std::string Lxd::sync(const HttpRequest& request) {
  const HttpResponse response = send(request);
  if (response.status != 200) fail(ctx_, response);
  return response.body;
}

void Lxd::run(const HttpRequest& request, bool wait) {
  const HttpResponse response = send(request);
  if (response.status != 202 && response.status != 200) fail(ctx_, response);
  if (!wait) return;
  const json body = parse(ctx_, response.body);
  if (body.value("type", "") != "async") return;
  const std::string id = body.at("metadata").value("id", "");
  if (id.empty()) throw Failure(fmt::format("LXD on {} started an operation without an id", ctx_.host().name));
  const HttpRequest waiting{
      "GET",
      in_project(fmt::format("/1.0/operations/{}/wait?timeout={}", url_segment(id), kLxdOperationWait.count()),
                 LxdScope{ctx_.host().lxd_project.value}),
      ""};
  const HttpResponse done = send(waiting, std::chrono::duration_cast<milliseconds>(kLxdOperationWait) + kLxdRequestBound);
  if (done.status != 200) fail(ctx_, done);
  const json operation = parse(ctx_, done.body).at("metadata");
  if (operation.value("status", "") != "Success") {
    const std::string err = operation.value("err", "");
    throw Failure(fmt::format("LXD on {}: {}", ctx_.host().name, err.empty() ? operation.value("status", "failed") : err));
  }
}

std::vector<ContainerRow> lxd_containers(Context& ctx) {
  Lxd lxd(ctx);
  const LxdScope scope{ctx.host().lxd_project.value};
  std::vector<ContainerRow> rows;
  for (LxdInstance& instance : parse_lxd_instances(lxd.sync({"GET", in_project("/1.0/instances?recursion=2", scope), ""})))
    rows.push_back({std::move(instance.name), std::move(instance.state), std::move(instance.ipv4), std::move(instance.ipv6)});
  return rows;
}

}  // namespace lxhost
