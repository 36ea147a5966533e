// Every mDNS call within its bound, even when the daemon hangs. Avahi's client library (and the
// Bonjour compatibility library on top of it) talks to avahi-daemon over D-Bus with blocking
// calls that wait 25 s (D-Bus's default) for a daemon that is stopped or stuck. So each call runs
// on a thread of its own and is waited for until its bound (plus a little); past that it fails
// with MdnsUnavailable, callers fall back as for a daemon that is not running, and the hung call
// is left to its thread: the process never waits for it, and that backend is not used again.
#include <chrono>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "call_within.hpp"
#include "core/discovery.hpp"
#include "discovery/make.hpp"

namespace lxhost {
namespace {

class BoundedDiscovery final : public Discovery {
 public:
  explicit BoundedDiscovery(std::unique_ptr<Discovery> inner) : inner_(std::move(inner)) {}

  std::string_view backend() const override { return inner_->backend(); }
  void prepare() noexcept override { inner_->prepare(); }

  std::vector<ServiceInstance> browse(const BrowseRequest& request) override {
    return call(request.timeout, [request](Discovery& d) { return d.browse(request); });
  }
  std::vector<std::string> resolve(std::string_view host, IpFamily family,
                                   std::chrono::milliseconds timeout) override {
    return call(timeout, [host = std::string(host), family, timeout](Discovery& d) {
      return d.resolve(host, family, timeout);
    });
  }
  std::vector<std::string> reverse(const ReverseRequest& request) override {
    return call(request.timeout, [request](Discovery& d) { return d.reverse(request); });
  }

 private:
  template <class Work>
  auto call(std::chrono::milliseconds bound, Work work) -> decltype(work(std::declval<Discovery&>())) {
    if (hung_) throw MdnsUnavailable(hung_message());
    const auto limit = bound + bound / 2 + std::chrono::milliseconds(250);
    // The call holds the backend: one left hanging keeps it alive after this object is gone.
    auto result = call_within(limit, [inner = inner_, work = std::move(work)] { return work(*inner); });
    if (result) return std::move(*result);
    hung_ = true;
    hung_after_ = limit;
    throw MdnsUnavailable(hung_message());
  }

  std::string hung_message() const {
    return fmt::format("mDNS: the {} daemon did not answer within {} ms (is it stopped or stuck?)",
                       inner_->backend() == "avahi" ? "Avahi" : "mDNS", hung_after_.count());
  }

  std::shared_ptr<Discovery> inner_;
  bool hung_ = false;
  std::chrono::milliseconds hung_after_{0};
};

}  // namespace

std::unique_ptr<Discovery> bounded_discovery(std::unique_ptr<Discovery> inner) {
  return std::make_unique<BoundedDiscovery>(std::move(inner));
}

}  // namespace lxhost
